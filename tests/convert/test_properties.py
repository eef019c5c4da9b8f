"""Property-based tests: generated notebooks always convert (or fail on one line), safely.

Hypothesis generates notebooks from arbitrary unicode text mixed with the constructs that break
naive converters (math in every notation, Liquid-like text, Markdown syntax, ``---`` lines),
random mixes of markdown, code and raw cells, and random outputs (streams, results, errors,
HTML, LaTeX, images). For each: the conversion succeeds, or fails with a one-line
PandockitError; the post's front matter parses as Jekyll reads it and keeps the notebook's
values exactly; no text of the notebook reaches Liquid outside a ``{% raw %}`` span; the
conversion is deterministic (two sites get the same bytes) and idempotent (converting again
changes no file). Example counts are bounded (``max_examples``) so the suite stays fast.
"""

from __future__ import annotations

import base64
import json
import re
import tempfile
from pathlib import Path

import yaml
from converting import convert
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pandockit.config import resolve_options
from pandockit.errors import PandockitError

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PNG = base64.b64encode(base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)).decode()

#: Any unicode text JSON and UTF-8 can carry (no lone surrogates; NUL included).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
LIQUID = st.sampled_from([
    "{{ site.title }}", "{% include secret.html %}", "{% raw %}", "{% endraw %}",
    "{%- endraw -%}", "{%endraw%}", "{{", "}}", "{%", "%}", "{{ page.path | jsonify }}",
    "{% comment %}", '{{ "{%" }}', "{{{{", "{%- raw -%}",
])
MATH = st.sampled_from([
    "$x^2$", "$$\\int_0^1 f(x)\\,dx$$", "\\(a_1\\)", "\\[b|c\\]", "$a*b*c$", "$\\{x\\}$",
    "\\begin{align}a&=b\\\\c&=d\\end{align}", "$", "$$", "\\$5", "$a|b$", "$\\_$",
])
SYNTAX = st.sampled_from([
    "# Title", "## Sub", "\n\n", "\n", "---", "\n---\n", "- item", "1. one", "```", "~~~",
    "> quote", "|a|b|\n|-|-|\n|1|2|", "<div>", "</div>", "<script>x()</script>", "*", "_",
    "\\", "[link](x.md)", "![img](none.png)", "#hide", "#| echo: false", "<!-- c -->",
    "{:.class}", "^", "~", "&amp;", "    indented",
])
PIECES = st.one_of(TEXT, LIQUID, MATH, SYNTAX)
SOURCE = st.lists(PIECES, max_size=8).map(" ".join)


def stream(draw) -> dict:
    name = draw(st.sampled_from(["stdout", "stderr"]))
    return {"output_type": "stream", "name": name, "text": draw(SOURCE)}


def bundle(draw) -> dict:
    data = {"text/plain": draw(SOURCE)}
    for mime in draw(st.sets(st.sampled_from(["text/html", "text/latex", "text/markdown",
                                               "image/png", "application/json"]))):
        data[mime] = {"image/png": PNG, "application/json": {"k": draw(TEXT)}}.get(
            mime, draw(SOURCE))
    return data


@st.composite
def outputs(draw) -> dict:
    kind = draw(st.sampled_from(["stream", "execute_result", "display_data", "error"]))
    if kind == "stream":
        return stream(draw)
    if kind == "error":
        return {"output_type": "error", "ename": draw(TEXT), "evalue": draw(TEXT),
                "traceback": draw(st.lists(SOURCE, max_size=3))}
    out = {"output_type": kind, "metadata": {}, "data": bundle(draw)}
    if kind == "execute_result":
        out["execution_count"] = draw(st.none() | st.integers(1, 99))  # null is valid too
    return out


@st.composite
def cells(draw) -> dict:
    kind = draw(st.sampled_from(["markdown", "markdown", "code", "raw"]))
    source = draw(SOURCE)
    if draw(st.booleans()):  # nbformat allows a list of lines too
        source = source.splitlines(keepends=True)
    metadata = {}
    if draw(st.booleans()):
        metadata["tags"] = draw(st.lists(st.sampled_from(
            ["remove-cell", "remove-input", "remove-output", "hide-input", "x"]), max_size=2))
    if kind == "raw" and draw(st.booleans()):
        metadata["raw_mimetype"] = draw(st.sampled_from(["text/html", "text/markdown",
                                                         "text/latex", ""]))
    cell = {"cell_type": kind, "metadata": metadata, "source": source}
    if kind == "code":
        cell["execution_count"] = draw(st.none() | st.integers(1, 99))
        cell["outputs"] = draw(st.lists(outputs(), max_size=3))
    return cell


@st.composite
def notebooks(draw) -> tuple[dict, dict]:
    """(notebook, the front matter it sets in its metadata)."""
    jekyll = draw(st.dictionaries(
        st.sampled_from(["title", "description", "author", "tags"]),
        TEXT | st.lists(TEXT, max_size=3), max_size=3))
    metadata = {"kernelspec": {"name": "python3", "language": "python",
                               "display_name": "Python 3"}}
    if jekyll:
        metadata["jekyll"] = jekyll
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": metadata,
          "cells": draw(st.lists(cells(), max_size=6))}
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"cell-{i}"
    return nb, jekyll


#: Jekyll's own front matter rule (Jekyll::Document::YAML_FRONT_MATTER_REGEXP).
FRONT_MATTER = re.compile(r"\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)", re.M | re.S)
LIQUID_START = re.compile(r"\{\{|\{%")
RAW_OPEN = re.compile(r"\{%-?\s*raw\s*-?%\}")
RAW_END = re.compile(r"\{%-?\s*endraw\s*-?%\}")
#: pandockit's own Liquid: the baseurl, and string literals that print a ``{{`` or ``{%``.
OWN_LIQUID = re.compile(r'\{\{ site\.baseurl \}\}|\{\{ "[^"{}%]*(\{\{|\{%)[^"{}%]*" \}\}')


def jekyll_front_matter(text: str) -> tuple[dict, str]:
    match = FRONT_MATTER.match(text)
    assert match, text[:200]
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict)
    return data, text[match.end():]


def liquid_outside_raw(body: str) -> list[str]:
    """What Liquid would run in ``body`` other than pandockit's own ``{{ site.baseurl }}``
    and ``{{ "{%" }}``: raw spans end at the first ``{% endraw %}``, as in Liquid 5."""
    found, pos = [], 0
    while (m := LIQUID_START.search(body, pos)) is not None:
        opened = RAW_OPEN.match(body, m.start())
        own = OWN_LIQUID.match(body, m.start())
        if opened:
            end = RAW_END.search(body, opened.end())
            if end is None:
                return [body[m.start():m.start() + 40]]
            pos = end.end()
        elif own:
            pos = own.end()
        else:
            found.append(body[m.start():m.start() + 40])
            pos = m.end()
    return found


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


def convert_into(folder: Path, nb: dict, site_name: str) -> tuple[Path, dict[str, bytes]]:
    path = folder / "2020-01-02-generated.ipynb"
    if not path.exists():
        path.write_text(json.dumps(nb), encoding="utf-8")
    site = folder / site_name
    result = convert(path, site, resolve_options(site))
    return result.post, site_files(site)


@PROPERTY
@given(case=notebooks())
def test_generated_notebooks_convert_safely(case: tuple[dict, dict]) -> None:
    nb, jekyll = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        try:
            post, first = convert_into(folder, nb, "site")
        except PandockitError as exc:  # allowed, but only as one clean line
            assert "\n" not in str(exc) and str(exc).strip()
            raise AssertionError(f"a valid notebook failed to convert: {exc}") from None
        text = post.read_text(encoding="utf-8")
        fm, body = jekyll_front_matter(text)
        for key, value in jekyll.items():
            if key == "title" and not value:
                continue  # an empty title falls back to the file name
            if key == "description" and not value:
                continue  # an empty description is none: the card gives the first prose
            assert fm[key] == value, key  # exactly the notebook's value, never split or mixed
        assert liquid_outside_raw(body) == []
        _, again = convert_into(folder, nb, "site")
        assert again == first  # idempotent on the written files
        _, other = convert_into(folder, nb, "other")
        assert other == first  # deterministic: a fresh site gets the same bytes


@PROPERTY
@given(case=notebooks(), junk=st.sampled_from([None, 5, "x", [1], {"a": None}]),
       where=st.sampled_from(["source", "metadata", "outputs", "execution_count", "cell_type",
                              "text", "data"]))
def test_corrupted_fields_convert_or_fail_on_one_line(case, junk, where: str) -> None:
    """A field of one cell (or its first output) set to a wrong-typed value."""
    nb, _ = case
    for cell in nb["cells"][:1]:
        target = cell["outputs"][0] if cell.get("outputs") and where in ("text", "data") else cell
        target[where] = junk
    with tempfile.TemporaryDirectory() as tmp:
        try:
            post, _ = convert_into(Path(tmp), nb, "site")
        except PandockitError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(tmp)
            return
        jekyll_front_matter(post.read_text(encoding="utf-8"))
