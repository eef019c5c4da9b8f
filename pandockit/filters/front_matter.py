"""Apply the front matter the plan collected to the document, and record it for later steps.

The notebook-level work (every convention's sources, the date check, the post's name) is done
once, before pandoc reads the notebook, by :mod:`pandockit.front_matter_sources` (called by
:func:`pandockit.plan.plan_post`); the job carries what it found (:class:`pandockit.job.Job`).
This filter only does what needs the document:

- it applies the recorded cell edits: a cell that held only front matter is emptied (it stays,
  so cell numbers do not move); a cell that keeps text besides its YAML block gets the blocks
  pandoc's ipynb reader made of that text alone (read by the plan: a filter starts no pandoc);
- ``title``, when no source gave one: the first level-1 heading when it opens the body (removed,
  so the layout does not show it twice; removed too when it repeats the title), else the file
  name;
- ``nb_path`` (with ``first-cell: fastpages``, as fastpages wrote it) unless a source gave one,
  and ``generator: pandockit``, the mark by which the writer knows a post in ``_posts`` as its
  own (:func:`pandockit.writer.is_pandockit_post`).

Touches the first markdown/raw cell Divs and the title heading. Writes ``pandockit-front-matter``
(the front matter as YAML text, so types survive chained filters; later steps and the renderer
read it) and ``pandockit-post`` (the post's file stem, which also names its asset folder).
"""

from __future__ import annotations

import json
import logging

import panflute as pf
from panflute.elements import from_json

from pandockit import post_names, yamltext
from pandockit.filters.base import CELLS, cell_index, is_cell, items_of, job_of, run
from pandockit.front_matter_sources import plain
from pandockit.keys import FRONT_MATTER_KEY, GENERATOR, GENERATOR_KEY, POST_KEY

log = logging.getLogger("pandockit")

NAME = "front-matter"


def _cell_divs(doc: pf.Doc) -> list[pf.Div]:
    return [b for b in items_of(doc) if is_cell(b)]


def _find_cell(divs: list[pf.Div], index: int) -> pf.Div | None:
    """The Div of notebook cell ``index`` (numbered by the cell-index filter, else by order:
    pandoc's reader makes one Div per cell)."""
    for div in divs:
        if cell_index(div) == index:
            return div
    return divs[index] if 0 <= index < len(divs) and cell_index(divs[index]) < 0 else None


def _apply_edit(div: pf.Div, rest: str, blocks: str) -> None:
    if not rest.strip():
        div.content = []
    elif "raw" in div.classes:
        raw = next((b for b in div.content if isinstance(b, pf.RawBlock)), None)
        div.content = [pf.RawBlock(rest, format=raw.format if raw else "html")]
    else:  # pandoc's read of the text left, made by the plan (JSON text: a fresh copy)
        div.content = json.loads(blocks, object_hook=from_json) if blocks else []


def _title_cell(doc: pf.Doc) -> pf.Div | None:
    """The cell whose first block is the level-1 heading that opens the body: the first
    markdown or raw cell with content (code cells before it do not count), if it opens so."""
    for div in _cell_divs(doc):
        if "code" in div.classes or not div.content:
            continue
        first = div.content[0]
        return div if isinstance(first, pf.Header) and first.level == 1 else None
    return None


def _take_title(doc: pf.Doc, fm: dict) -> None:
    """Title from the opening level-1 heading when no source gave one; the heading leaves
    the body when it gives the title or repeats it."""
    div = _title_cell(doc)
    if div is None:
        return
    text = pf.stringify(div.content[0]).strip()
    if "title" not in fm and text:
        fm["title"] = text
    elif str(fm.get("title", "")).strip() != text:
        return
    div.content.pop(0)


def prepare(doc: pf.Doc) -> None:
    job = job_of(doc)
    divs = _cell_divs(doc)
    for edit in job.front_matter.edits:
        div = _find_cell(divs, edit.index)
        if div is not None:
            _apply_edit(div, edit.rest, edit.blocks)
    for warning in job.front_matter.warnings:
        log.warning("%s: %s", job.name, warning)
    fm = plain(dict(job.front_matter.values))  # a copy: the job stays as planned
    doc.metadata[POST_KEY] = job.stem  # named by the plan, from the sources alone
    _take_title(doc, fm)
    fm.setdefault("title", post_names.title_from_name(job.notebook_name))
    if job.nb_path:
        fm.setdefault("nb_path", job.nb_path)
    fm[GENERATOR_KEY] = GENERATOR
    # As YAML text, so types (dates, numbers) survive metadata and chained filters.
    doc.metadata[FRONT_MATTER_KEY] = pf.MetaString(yamltext.dump(fm))


def action(elem: pf.Element, doc: pf.Doc) -> None:
    return None  # all the work is in prepare: it edits known cells, it needs no walk


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, None, doc, depth=CELLS)
