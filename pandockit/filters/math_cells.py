"""Read the math of markdown cells by Jupyter's rules, where pandoc's reader read it otherwise.

Touches: the markdown cell Divs (top level). pandoc's ``tex_math_dollars`` finds math by rules
of its own (no space inside ``$..$``, no digit after the closing ``$``, ``\\(x\\)`` is math...);
Jupyter finds it with JupyterLab's ``removeMath`` before its Markdown parser runs
(:mod:`pandockit.jupyter_math` lists where the two differ). For each markdown cell the
formulas pandoc found are compared with Jupyter's, white space aside (pandoc's reader changes
it; the math filter takes the author's back from the source). Where they differ the cell is
read again as Jupyter reads it: its source with each formula replaced by ``@@N@@``, read by
pandoc without dollar math (:data:`pandockit.pandoc.MASKED_READER`), then each ``@@N@@``
replaced by the formula: ``Math`` with the author's TeX exactly, or raw TeX for a
``\\begin{name}`` environment, as the main reading gives it (the math filter decides what it
shows). A marker inside code, a link target or raw HTML becomes the formula's text again,
as JupyterLab's ``replaceMath`` puts it back there.

All such cells of a notebook are re-read in one pandoc run; a notebook where the two readings
agree (nearly all) costs one scan of its markdown sources. Needs the notebook (the cell
sources): run without one, the filter changes nothing. Runs right after the cells are numbered,
so that every later filter sees the cells as Jupyter reads them.
"""

from __future__ import annotations

import io
import json
import re

import panflute as pf

from pandockit import jupyter_math
from pandockit.context import multiline_text, notebook_cell
from pandockit.filters.base import CELLS, cell_index, is_cell, run, walk
from pandockit.pandoc import MASKED_READER, run_pandoc

NAME = "jupyter-math"

_TEX_FORMATS = ("tex", "latex")
_MARKER = re.compile(r"@@(\d+)@@")


def _squashed(tex: str) -> str:
    return "".join(tex.split())


def jupyter_found(source: str) -> list[tuple[bool, str]]:
    """Jupyter's formulas of a cell source: (display, TeX without white space)."""
    return [(f.display, _squashed(f.tex)) for f in jupyter_math.formulas(source)]


def pandoc_found(cell: pf.Div) -> list[tuple[bool, str]]:
    """The formulas pandoc's reader found in ``cell``, as :func:`jupyter_found` gives them:
    ``Math``, raw TeX environments, and the math of raw HTML (which the math filter reads in
    the HTML text)."""
    found: list[tuple[bool, str]] = []

    def visit(elem: pf.Element, doc: pf.Doc) -> None:
        if isinstance(elem, pf.Math):
            found.append((elem.format == "DisplayMath", _squashed(elem.text)))
        elif isinstance(elem, (pf.RawInline, pf.RawBlock)) and elem.format in _TEX_FORMATS:
            if elem.text.lstrip().startswith("\\begin"):
                found.append((True, _squashed(elem.text)))
        elif isinstance(elem, (pf.RawInline, pf.RawBlock)) and elem.format == "html":
            found.extend(jupyter_found(elem.text))

    walk(cell, visit, None)  # read-only: the fast walk, not panflute's, which rebuilds lists
    return found


def _differs(cell: pf.Div, source: str) -> bool:
    if "$" not in source and "\\" not in source:
        return False  # no delimiter of either reader
    return jupyter_found(source) != pandoc_found(cell)


# --- the re-read ----------------------------------------------------------------------------


def masked_notebook(cells: list[dict]) -> bytes:
    """A notebook of ``cells`` (each ``{"source": masked text, "id", "attachments"}``) as
    pandoc reads it: ids and attachments kept, so images are named as in the main reading."""
    out = []
    for cell in cells:
        one = {"cell_type": "markdown", "metadata": {}, "source": cell["source"]}
        if cell.get("id"):
            one["id"] = cell["id"]
        if isinstance(cell.get("attachments"), dict):
            one["attachments"] = cell["attachments"]
        out.append(one)
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": out}
    return json.dumps(nb, ensure_ascii=False).encode("utf-8")


def read_masked(cells: list[dict]) -> list[list[pf.Block]]:
    """The blocks of each masked cell, as pandoc reads them (one run for all)."""
    ast = run_pandoc(["-f", MASKED_READER, "-t", "json"], masked_notebook(cells),
                     what="pandoc (re-reading markdown cells with Jupyter's math)")
    doc = pf.load(io.StringIO(ast.decode("utf-8")))
    divs = [b for b in doc.content if is_cell(b)]
    return [list(div.content) for div in divs]


def _math_inline(group: str) -> pf.Inline:
    found = jupyter_math.formula(group)
    if found is None:  # a `@@N@@` the author wrote: text again
        return pf.Str(group)
    if group[:1] == "\\" and group[1:6] == "begin":
        return pf.RawInline(group, format="tex")  # as raw_tex reads an environment
    return pf.Math(found.tex, format="DisplayMath" if found.display else "InlineMath")


def _unmasked_str(text: str, math: list[str]) -> list[pf.Inline] | None:
    parts = _MARKER.split(text)
    if len(parts) == 1:
        return None
    out: list[pf.Inline] = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(_math_inline(math[int(part)]))
        elif part:
            out.append(pf.Str(part))
    return out


def unmask(blocks: list[pf.Block], math: list[str]) -> list[pf.Block]:
    """``blocks`` with each ``@@N@@`` given back: formula N as math in text, as its source
    text elsewhere (code, raw HTML, link targets)."""

    def back(text: str) -> str:
        return jupyter_math.replace_math(text, math)

    def visit(elem: pf.Element, doc: pf.Doc) -> pf.Element | list | None:
        if isinstance(elem, pf.Str) and "@@" in elem.text:
            return _unmasked_str(elem.text, math)
        if isinstance(elem, (pf.Code, pf.CodeBlock, pf.RawInline, pf.RawBlock)):
            elem.text = back(elem.text)
        elif isinstance(elem, (pf.Link, pf.Image)):
            elem.url, elem.title = back(elem.url), back(elem.title)
        return None

    holder = pf.Div(*blocks)
    holder.walk(visit)
    return list(holder.content)


# --- the filter -----------------------------------------------------------------------------


def _source(cell: pf.Div, doc: pf.Doc) -> tuple[dict, str] | None:
    nb_cell = notebook_cell(doc, cell_index(cell))
    if nb_cell is None or nb_cell.get("cell_type") != "markdown":
        return None
    return nb_cell, multiline_text(nb_cell.get("source", ""))


def action(elem: pf.Element, doc: pf.Doc) -> None:
    if not is_cell(elem, "markdown") or elem.parent is not doc:
        return
    found = _source(elem, doc)
    if found is not None and _differs(elem, found[1]):
        doc.pandockit_reread.append((elem, *found))


def prepare(doc: pf.Doc) -> None:
    doc.pandockit_reread = []  # (cell Div, notebook cell, source) of cells to read again


def finalize(doc: pf.Doc) -> None:
    todo = doc.pandockit_reread
    del doc.pandockit_reread
    if not todo:
        return
    masked = [jupyter_math.remove_math(source) for _, _, source in todo]
    cells = [
        {"source": text, "id": nb_cell.get("id"), "attachments": nb_cell.get("attachments")}
        for (_, nb_cell, _), (text, _) in zip(todo, masked)
    ]
    for (div, _, _), blocks, (_, math) in zip(todo, read_masked(cells), masked):
        div.content = unmask(blocks, math)


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, finalize, doc, depth=CELLS)
