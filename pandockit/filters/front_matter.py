"""Collect the post's front matter and name the post.

Touches: the notebook metadata (``jupyter.jekyll``), the first cell (a ``---`` YAML block
that opens it is moved out of the body) and the first level-1 heading (the title, removed
from the body when it gives the title). Writes the metadata ``pandockit-front-matter`` (the
mapping the writer dumps as YAML) and ``pandockit-post`` (the post's file stem, which names
its asset folder). Configured by ``pandockit.front-matter`` (site defaults).
"""

from __future__ import annotations

import re
from pathlib import Path

import panflute as pf
import yaml

from pandockit import yamltext
from pandockit.config import get_option
from pandockit.context import NOTEBOOK_KEY, notebook_of
from pandockit.filters.base import is_cell, run

NAME = "front-matter"
FRONT_MATTER_KEY = "pandockit-front-matter"
POST_KEY = "pandockit-post"
SOURCE_DATE_KEY = "pandockit-source-date"

YAML_BLOCK = re.compile(r"\A(?:\s*#[^\n]*\n)?\s*---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
DATE_PREFIX = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")


def _first_cell_yaml(doc: pf.Doc) -> dict | None:
    nb = notebook_of(doc)
    if nb is None or not nb.node.get("cells"):
        return None
    source = nb.node["cells"][0].get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    match = YAML_BLOCK.match(source)
    if not match:
        return None
    try:
        data = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def _drop_yaml_blocks(cell: pf.Div) -> None:
    """Remove what pandoc made of the ``---`` YAML block: a rule, the lines, a closing rule
    or setext heading (the last YAML line underlined by ``---``)."""
    blocks = list(cell.content)
    start = next((i for i, b in enumerate(blocks) if isinstance(b, pf.HorizontalRule)), None)
    if start is None:
        return
    for end in range(start + 1, len(blocks)):
        b = blocks[end]
        if isinstance(b, pf.HorizontalRule) or (isinstance(b, pf.Header) and b.level == 2):
            del blocks[start : end + 1]
            cell.content = blocks
            return


def post_stem(notebook_name: str, front_matter: dict, source_date: str) -> str:
    """``YYYY-MM-DD-rest`` from a dated notebook name, else from the date and a slug."""
    stem = Path(notebook_name).stem
    match = DATE_PREFIX.match(stem)
    if match:
        y, m, d, rest = match.groups()
        return f"{int(y):04d}-{int(m):02d}-{int(d):02d}-{rest}"
    date = str(front_matter.get("date") or source_date or "1970-01-01")[:10]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-") or "post"
    return f"{date}-{slug}"


def prepare(doc: pf.Doc) -> None:
    fm: dict = {"layout": "post"}
    fm.update(get_option(doc, "front-matter"))
    jekyll = doc.get_metadata("jupyter.jekyll", None)
    if isinstance(jekyll, dict):
        fm.update(jekyll)
    cell_yaml = _first_cell_yaml(doc)
    first = next((b for b in doc.content if is_cell(b)), None)
    if cell_yaml is not None and first is not None:
        fm.update(cell_yaml)
        _drop_yaml_blocks(first)
    doc.pandockit_fm = fm


def action(elem: pf.Element, doc: pf.Doc) -> list | None:
    if (
        "title" not in doc.pandockit_fm
        and isinstance(elem, pf.Header)
        and elem.level == 1
        and is_cell(elem.parent, "markdown")
    ):
        doc.pandockit_fm["title"] = pf.stringify(elem)
        return []
    return None


def finalize(doc: pf.Doc) -> None:
    fm = doc.pandockit_fm
    name = str(doc.get_metadata(NOTEBOOK_KEY, "") or "post.ipynb")
    fm.setdefault("title", Path(name).stem)
    doc.metadata[POST_KEY] = post_stem(name, fm, str(doc.get_metadata(SOURCE_DATE_KEY, "")))
    # As YAML text, so types (dates, numbers) survive metadata and chained filters.
    doc.metadata[FRONT_MATTER_KEY] = pf.MetaString(yamltext.dump(fm))
    del doc.pandockit_fm


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, finalize, doc)
