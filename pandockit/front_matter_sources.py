"""The front matter of a notebook's post, from every convention bloggers use, and the post's name.

Sources, later ones winning key by key (:func:`collect`):

1. the layout the site gives posts (found before the filters run by
   :mod:`pandockit.jekyll_theme`: none when the site's ``defaults:`` give posts one, else
   ``post`` or ``default``; ``post`` when not given), then the site's defaults (option
   ``front-matter``, ``pandockit: front-matter:`` in ``_config.yml``);
2. notebook metadata: the mappings ``jekyll`` (jekyllnb), ``front-matter`` and ``front_matter``;
3. a ``---`` ... ``---`` YAML block opening the first markdown or raw cell, also after a
   ``# Heading`` line (the block is removed from the cell, the rest of the cell kept);
4. fastpages' first markdown cell: ``# Title``, ``> summary`` (``description``), ``- key: value``
   lines with YAML values (the cell is removed). Option ``first-cell``: ``pandockit`` reads the
   first markdown cell when it holds only such lines (``- toc:true`` too, as fastpages read
   it); ``fastpages`` reads it exactly as fastpages did (:func:`parse_fastpages_exact`);
5. the command line's ``-M key=value`` (option ``metadata``).

A ``date`` Jekyll cannot read (Quarto's ``last-modified``) is left out with a warning: Jekyll
would fail the build on it. The post is named from these sources alone (:func:`name_post`,
with :mod:`pandockit.post_names`), so that it is named before pandoc reads the notebook and
collisions are found before anything is written.

Pure: reads the notebook's nbformat node, never the document (pandoc's Markdown reader makes a
YAML block into rules, paragraphs or setext headings depending on its text) and no file. The
plan calls it once per post (:func:`pandockit.plan.plan_post`); the front matter filter applies
what it found (:mod:`pandockit.filters.front_matter`), and adds the title fallbacks that need
the document (the opening level-1 heading, then the file name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from pandockit import post_names, yamltext
from pandockit.context import multiline_text
from pandockit.errors import PandockitError
from pandockit.job import CellEdit, FrontMatter

#: Notebook metadata mappings read as front matter, in order of precedence (later wins).
METADATA_KEYS = ("jekyll", "front-matter", "front_matter")

_ATX_HEADING = re.compile(r"#{1,6}(?:[ \t].*)?")
_FENCE = re.compile(r"---[ \t]*")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*")
_LOOKS_LIKE_KEY = re.compile(r"[^\s#:-][^:\n]*:(?:[ \t]|$)")
_FLAT_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*")
_FP_TITLE = re.compile(r"#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")
_FP_SUMMARY = re.compile(r">[ \t]?(.*)")
#: No space needed after the colon (``- toc:true``, which fastpages reads and real blogs
#: write), but ``- https://...`` is a link in a list, not a key ``https``.
_FP_KEY = re.compile(r"[-*][ \t]+([A-Za-z_][\w-]*)[ \t]*:(?!//)[ \t]*(.*?)[ \t]*")

# fastpages' own patterns (nbdev 1.1.5 ``export2html``, which its Action ran), used as it used
# them: the first two with ``match`` on a markdown cell's whole source, the third with
# ``findall`` on the same source, the fourth on the summary.
#: ``_re_title_summary``: ``# Title``, newlines only, then the first ``> summary`` line.
_FPX_TITLE_SUMMARY = re.compile(r"\s*\#\s+([^\n]*)\n+>[ ]*([^\n]*)")
#: ``_re_title_only``: a cell that opens with ``# Title``.
_FPX_TITLE_ONLY = re.compile(r"\s*\#\s+([^\n]*)(?:\n|$)")
#: ``_re_properties``: ``- key: value`` anywhere in the cell, no space needed after the colon.
_FPX_PROPERTY = re.compile(r"^-\s+(.*?)\s*:\s*(.*?)$", re.MULTILINE)
#: ``_re_mdlinks``: Markdown links in the summary, which fastpages made HTML links.
_FPX_MDLINK = re.compile(r"\[(.+)]\((.+)\)", re.MULTILINE)


@dataclass
class Sources:
    """The front matter the notebook's sources give, while :func:`collect` gathers it."""

    front_matter: dict[str, Any]
    edits: list[CellEdit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def cell_source(cell: dict) -> str:
    return multiline_text(cell.get("source"))


def plain(value: Any, _seen: dict[int, Any] | None = None) -> Any:
    """``value`` as plain dicts, lists and scalars (nbformat gives NotebookNode subclasses,
    which the YAML dumper refuses). A mapping or list met twice (a YAML alias) is copied
    once, so a block of nested aliases stays as small as it is written."""
    if not isinstance(value, (dict, list, tuple)):
        return value
    seen = {} if _seen is None else _seen
    if id(value) in seen:
        return seen[id(value)]
    if isinstance(value, dict):
        mapping: dict = {}
        seen[id(value)] = mapping
        mapping.update((k, plain(v, seen)) for k, v in value.items())
        return mapping
    items: list = []
    seen[id(value)] = items
    items.extend(plain(v, seen) for v in value)
    return items


def _lines(text: str) -> list[str]:
    """``text`` in lines, each with its ``\n``, broken at ``\n`` only (as Jekyll and pandoc
    break them; ``str.splitlines`` also breaks at U+2028 and others)."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


def yaml_value(text: str, allow_mapping: bool = False) -> Any:
    """A ``key: value`` line's value read as YAML (``true``, ``3``, ``[a, b]``, ``"quoted"``),
    or the text as written where YAML fails or would read a mapping out of plain text
    (``Part 1: the start``), which is what the author meant."""
    text = text.strip()
    try:
        value = yamltext.safe_load(text) if text else None
    except yaml.YAMLError:
        return text
    if isinstance(value, dict) and not (allow_mapping and text.startswith("{")):
        return text
    return value


def unquote(text: str) -> str:
    """``"fastcore: An Underrated Python Library"`` -> the text inside the quotes (fastpages
    titles were pasted into YAML as written, so authors quoted them)."""
    text = text.strip()
    if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]:
        try:
            value = yamltext.safe_load(text)
        except yaml.YAMLError:
            return text
        if isinstance(value, str):
            return value
    return text


def _load_block(body: str) -> tuple[dict | None, str | None]:
    """The mapping of a YAML block's text and a warning; ``(None, None)`` when the block is not
    front matter. Raises PandockitError when it is meant as front matter but cannot be read."""
    content = [ln.strip() for ln in _lines(body) if ln.strip() and not ln.lstrip().startswith("#")]
    if not content:
        return {}, None
    if not _LOOKS_LIKE_KEY.match(content[0]):
        return None, None  # rules around prose, not front matter
    try:
        data = yamltext.safe_load(body)
    except yaml.YAMLError as exc:
        flat = _flat_mapping(body)
        if flat is None:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 2} of the cell)" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise PandockitError(
                None, f"the front matter block of the first cell is not valid YAML{where}: "
                f"{problem}"
            ) from None
        return flat, "front matter is not valid YAML; each 'key: value' line read as written"
    return (plain(data), None) if isinstance(data, dict) else (None, None)


def _flat_mapping(body: str) -> dict | None:
    """A block of ``key: value`` lines that YAML refuses (``title: Part 1: the start``), each
    value read by :func:`yaml_value`; None unless every line has that shape."""
    out: dict[str, Any] = {}
    for line in _lines(body):
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _FLAT_LINE.fullmatch(line)
        if not match:
            return None
        out[match.group(1)] = yaml_value(match.group(2) or "")
    return out


def split_yaml_block(source: str) -> tuple[dict, str, str | None] | None:
    """``(mapping, rest, warning)`` when ``source`` opens with a ``---`` YAML block (optionally
    after one ``# Heading`` line); ``rest`` is the source without the block."""
    lines = _lines(source)
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    heading = ""
    if i < len(lines) and _ATX_HEADING.fullmatch(lines[i].strip()):
        heading = lines[i] if lines[i].endswith("\n") else lines[i] + "\n"
        i += 1
        while i < len(lines) and not lines[i].strip():
            i += 1
    if i >= len(lines) or not _FENCE.fullmatch(lines[i].rstrip("\r\n")):
        return None
    for end in range(i + 1, len(lines)):
        if _CLOSE.fullmatch(lines[end].rstrip("\r\n")):
            break
    else:
        return None
    data, warning = _load_block("".join(lines[i + 1 : end]))
    if data is None:
        return None
    rest = heading + "".join(lines[end + 1 :])
    return data, rest if rest.strip() else "", warning


def parse_fastpages(source: str) -> dict | None:
    """The front matter of a fastpages first cell (``# Title``, ``> summary`` lines, then
    ``- key: value`` lines, nothing else), None for any other cell. A cell with only the
    ``# Title`` line is not one: the title heading rule covers it."""
    lines = [line.strip() for line in _lines(source) if line.strip()]
    if not lines:
        return None
    title = _FP_TITLE.fullmatch(lines[0])
    if not title or not title.group(1):
        return None
    summary: list[str] = []
    i = 1
    while i < len(lines):
        match = _FP_SUMMARY.fullmatch(lines[i])
        if not match:
            break
        summary.append(match.group(1).strip())
        i += 1
    keys: dict[str, Any] = {}
    for line in lines[i:]:
        match = _FP_KEY.fullmatch(line)
        if not match:
            return None
        keys[match.group(1)] = yaml_value(match.group(2) or "")
    if not summary and not keys:
        return None
    fm: dict[str, Any] = {"title": unquote(title.group(1))}
    if any(summary):
        fm["description"] = unquote(" ".join(s for s in summary if s))
    fm.update(keys)
    return fm


def _fastpages_text(text: str) -> Any:
    """A title or summary as Jekyll read it from fastpages' front matter, where fastpages
    wrote it after ``title: ``: YAML's reading when that is text (quotes taken off,
    ``"Part 1"`` -> ``Part 1``), else the text as written."""
    value = yaml_value(text)
    return value if isinstance(value, str) else text.strip()


@dataclass
class FastpagesCell:
    """What fastpages read from a notebook's first cell: the front matter, and whether the
    cell held other text, which fastpages dropped with it."""

    front_matter: dict[str, Any]
    dropped_text: bool


def parse_fastpages_exact(source: str) -> FastpagesCell | None:
    """The front matter fastpages read from the markdown cell ``source``, None when fastpages
    would not take this cell (it took the first markdown cell that opens with ``# Title``).

    As nbdev's ``get_metadata`` read it: the title is the heading's line; ``description`` (its
    ``summary``) is the first ``>`` line when only newlines separate it from the heading,
    Markdown links made HTML links; every ``- key: value`` line of the cell is a key, the key
    whatever comes before the first colon, no space needed after it (``- toc:true``). Values
    are read as YAML, as Jekyll read the ``key: value`` lines fastpages wrote (``true``,
    ``[a, b]``, quotes taken off); a value YAML cannot read is kept as written (Jekyll failed
    such a post's front matter). Later keys win; keys win over the title and summary."""
    both = _FPX_TITLE_SUMMARY.match(source)
    match = both or _FPX_TITLE_ONLY.match(source)
    if match is None:
        return None
    fm: dict[str, Any] = {"title": _fastpages_text(match.group(1))}
    if both:
        summary = _fastpages_text(_FPX_MDLINK.sub(r"<a href='\2'>\1</a>", both.group(2)))
        if summary:
            fm["description"] = summary
    read = [match.span()]
    for found in _FPX_PROPERTY.finditer(source):
        key = found.group(1).strip()
        if key:
            fm[key] = yaml_value(found.group(2))
        read.append(found.span())
    left = list(source)
    for start, end in read:
        left[start:end] = [""] * (end - start)
    dropped = bool("".join(left).strip())
    return FastpagesCell(fm, dropped)


def _check_date(fm: dict, warnings: list[str]) -> None:
    """Leave out a ``date`` Jekyll cannot read (it fails the build on one)."""
    if "date" not in fm or fm["date"] is None:
        fm.pop("date", None)
        return
    if post_names.front_matter_date(fm["date"]) is not None:
        return
    value = fm.pop("date")
    if not (isinstance(value, str) and value.strip().lower() in post_names.QUARTO_DATE_WORDS):
        warnings.append(
            f"front matter date {value!r} is not a date Jekyll reads (YYYY-MM-DD, optionally "
            "with a time); left out, the post is dated by its file name"
        )


def _text_cells(node: dict) -> Iterator[tuple[int, dict]]:
    """The markdown and raw cells that hold text, with their index, in order: read as far as
    they are needed (the front matter is in the first ones; a notebook may have thousands)."""
    for i, c in enumerate(node.get("cells", [])):
        if (
            isinstance(c, dict)
            and c.get("cell_type") in ("markdown", "raw")
            and cell_source(c).strip()
        ):
            yield i, c


def _fastpages_exact(node: dict, sources: Sources, skip: int | None) -> None:
    """Source 4 as fastpages read it: the first markdown cell it would take (any, not only
    the first with text), removed whole, as fastpages removed it."""
    for index, cell in enumerate(node.get("cells", [])):
        if index == skip or not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        found = parse_fastpages_exact(cell_source(cell))
        if found is None:
            continue
        sources.front_matter.update(found.front_matter)
        sources.edits.append(CellEdit(index, ""))
        if found.dropped_text:
            sources.warnings.append(
                "the front matter cell also holds other text, which is left out of the post "
                "as fastpages left it out (move that text to a cell of its own to publish it)"
            )
        return


def collect(
    node: dict,
    defaults: dict | None = None,
    overrides: dict | None = None,
    first_cell: str = "pandockit",
    layout: str | None = "post",
) -> FrontMatter:
    """The front matter of the nbformat v4 notebook ``node`` from sources 1-5 (``defaults``:
    option ``front-matter``; ``overrides``: option ``metadata``; ``first_cell``: option
    ``first-cell``; ``layout``: the site's layout for posts, None for no key), and the cells
    to edit.

    Pure: reads only ``node``. Raises PandockitError for a front matter block that is meant
    as YAML and cannot be read."""
    fm: dict[str, Any] = {"layout": layout} if layout else {}
    fm.update(plain(defaults or {}))
    sources = Sources(fm)
    meta = node.get("metadata") or {}
    for key in METADATA_KEYS:
        if isinstance(meta.get(key), dict):
            fm.update(plain(meta[key]))
    first_text = next(_text_cells(node), None)
    yaml_cell = None
    if first_text is not None:
        index, cell = first_text
        found = split_yaml_block(cell_source(cell))
        if found is not None:
            data, rest, warning = found
            fm.update(data)
            sources.edits.append(CellEdit(index, rest))
            yaml_cell = index
            if warning:
                sources.warnings.append(warning)
    first_markdown = next(
        ((i, c) for i, c in _text_cells(node) if c.get("cell_type") == "markdown"), None
    )
    if first_cell == "fastpages":
        _fastpages_exact(node, sources, yaml_cell)
    elif first_markdown is not None and first_markdown[0] != yaml_cell:
        index, cell = first_markdown
        data = parse_fastpages(cell_source(cell))
        if data is not None:
            fm.update(data)
            sources.edits.append(CellEdit(index, ""))
    fm.update(plain(overrides or {}))
    if fm.get("title") in (None, ""):
        fm.pop("title", None)
    _check_date(fm, sources.warnings)
    return FrontMatter(fm, tuple(sources.edits), tuple(sources.warnings))


def stem_for(
    notebook_name: str,
    front_matter: dict,
    source_day: date | None,
    slug: str,
    style: str = "pandockit",
) -> str:
    """The post's file stem (see :func:`pandockit.post_names.post_stem`, and
    :func:`pandockit.post_names.fastpages_stem` for ``style`` (option ``post-names``)
    ``fastpages``); raises PandockitError."""
    title = front_matter.get("title")
    try:
        if style == "fastpages":
            return post_names.fastpages_stem(
                notebook_name, source_day, slug, str(title) if title is not None else None
            )
        return post_names.post_stem(
            notebook_name, front_matter.get("date"), source_day, slug,
            str(title) if title is not None else None,
        )
    except post_names.NamingError as exc:
        raise PandockitError(None, str(exc)) from None


def name_post(
    notebook_name: str, front_matter: dict, day: str, slug: str, style: str = "pandockit"
) -> str:
    """The one naming of a post (by :func:`pandockit.plan.plan_post`, once per post, and for
    the posts a notebook links to by :func:`pandockit.post_urls.gather`): :func:`stem_for`
    with ``day`` (the job's ``source_day``: ``YYYY-MM-DD``, or ``""`` for today) as the
    source day."""
    source_day = date.fromisoformat(day) if day else date.today()
    return stem_for(notebook_name, front_matter, source_day, slug, style)
