"""The markdown cells pandoc reads again as Jupyter reads them: found in pandoc's first reading,
read again before the pipeline (one pandoc run per reader for all of a notebook's), handed to
the jupyter-math step (:class:`pandockit.inputs.Inputs` ``rereads``), which puts them in place.

pandoc's ``tex_math_dollars`` finds math by rules of its own (no space inside ``$..$``, no
digit after the closing ``$``, ``\\(x\\)`` is math...); Jupyter finds it with JupyterLab's
``removeMath`` before its Markdown parser runs (:mod:`pandockit.formula_scan` lists where the
two differ). For each markdown cell the formulas pandoc found are compared with Jupyter's,
white space aside (pandoc's reader changes it; the math filter takes the author's back from the
source). Where they differ the cell is read again as Jupyter reads it: its source with each
formula replaced by ``@@N@@``, read by pandoc without dollar math
(:data:`pandockit.pandoc.MASKED_READER`), then each ``@@N@@`` replaced by the formula: ``Math``
with the author's TeX exactly, or raw TeX for a ``\\begin{name}`` environment, as the main
reading gives it (the math filter decides what it shows). A marker inside code, a link target
or raw HTML becomes the formula's text again, as JupyterLab's ``replaceMath`` puts it back
there.

A cell where pandoc read Markdown as raw HTML is read again the same way: pandoc reads a
balanced element (``<div>``, a blank line, ``**bold**``, a blank line, ``</div>``) as one raw
block, where Jupyter's Markdown parser (CommonMark's rules) ends the HTML block at the blank line
and reads ``**bold**`` as Markdown (the browser puts it inside the still open div). Its masked
source has each HTML block put in a raw ``html`` fence (:mod:`pandockit.commonmark_html`)
first, read with ``raw_attribute`` (:data:`pandockit.pandoc.FENCED_READER`); the html filter
later gives the open element ``markdown="block"``, so kramdown reads the Markdown in it too.
A cell with a ``{...}`` fence of its own is not split (``raw_attribute`` would read it). The
same holds for an HTML block interrupting a paragraph (``Text`` then ``<div>`` on the next
line: pandoc reads the tag in the paragraph, which kramdown then shows as text).

Finding the cells (:func:`to_reread`) is one pass over the markdown cells' sources and needs no
pandoc: a notebook where the two readings agree (nearly all) costs that pass and starts no
pandoc. :func:`reread` reads the cells found.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import panflute as pf

from pandockit import formula_scan
from pandockit.inputs import multiline_text
from pandockit.pandoc import FENCED_READER, MASKED_READER, run_pandoc
from pandockit.tree import cell_index, is_cell, leaves

_TEX_FORMATS = ("tex", "latex")
_MARKER = re.compile(r"@@(\d+)@@")


def _squashed(tex: str) -> str:
    return "".join(tex.split())


def jupyter_found(source: str) -> list[tuple[bool, str]]:
    """Jupyter's formulas of a cell source: (display, TeX without white space); found
    already if :func:`scan_ahead` was given its notebook."""
    ahead = _AHEAD.pop(source, None)
    return ahead if ahead is not None else _jupyter_found(source)


def _jupyter_found(source: str) -> list[tuple[bool, str]]:
    found = map(formula_scan.formula_parts, formula_scan.remove_math(source)[1])
    return [(display, _squashed(tex)) for display, tex in filter(None, found)]


#: Jupyter's formulas of cell sources found ahead (source -> :func:`jupyter_found`), each
#: taken once; at most _AHEAD_MAX sources are kept.
_AHEAD: dict[str, list[tuple[bool, str]]] = {}
_AHEAD_MAX = 4096


def scan_ahead(node: dict) -> None:
    """Find now Jupyter's formulas of each markdown cell of the notebook ``node`` that holds
    a delimiter, for :func:`to_reread` to take: called while pandoc reads the notebook (on a
    cell of 70,000 formulas, a third of a second no longer spent after the read)."""
    cells = node.get("cells")
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = multiline_text(cell.get("source", ""))
        if ("$" in source or "\\" in source) and len(_AHEAD) < _AHEAD_MAX:
            _AHEAD[source] = _jupyter_found(source)


def pandoc_found(cell: pf.Div) -> list[tuple[bool, str]]:
    """The formulas pandoc's reader found in ``cell``, as :func:`jupyter_found` gives them:
    ``Math``, raw TeX environments, and the math of raw HTML (which the math filter reads in
    the HTML text)."""
    found: list[tuple[bool, str]] = []
    for elem in leaves(cell, _FORMULA_LEAVES):
        kind = type(elem)
        if kind is pf.Math:
            found.append((elem.format == "DisplayMath", _squashed(elem.text)))
        elif kind is pf.RawInline or kind is pf.RawBlock:
            if elem.format in _TEX_FORMATS:
                if elem.text.lstrip().startswith("\\begin"):
                    found.append((True, _squashed(elem.text)))
            elif elem.format == "html":
                found.extend(jupyter_found(elem.text))
    return found


#: The leaves :func:`pandoc_found` looks at (a type test, not a call, for the words).
_FORMULA_LEAVES = frozenset((pf.Math, pf.RawInline, pf.RawBlock))


def math_differs(cell: pf.Div, source: str) -> bool:
    """Whether Jupyter finds other formulas in ``source`` than pandoc found in ``cell``."""
    if "$" not in source and "\\" not in source:
        return False  # no delimiter of either reader
    return jupyter_found(source) != pandoc_found(cell)


def split_differs(cell: pf.Div, source: str) -> bool:
    """Whether Jupyter splits ``cell`` into HTML blocks and Markdown otherwise than pandoc read
    it, and the cell can be read split: a top-level raw HTML block holds Markdown (Jupyter
    ended the HTML block at a blank line), or an HTML block interrupts a paragraph (pandoc
    reads its tag as inline HTML)."""
    if "<" not in source:
        return False
    from pandockit import commonmark_html  # start-up time: only a cell with a tag needs it

    if commonmark_html.AUTHOR_RAW_FENCE.search(source):
        return False
    return any(
        isinstance(b, pf.RawBlock) and b.format == "html" and "\n\n" in b.text
        and commonmark_html.has_markdown(b.text)
        for b in cell.content
    ) or commonmark_html.interrupts_paragraph(source)


# --- which cells --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reread:
    """A markdown cell to read again: its index, its notebook cell, its source, and whether
    its HTML blocks are read split (fenced) too."""

    index: int
    cell: dict
    source: str
    split: bool


def to_reread(doc: pf.Doc, cells: list, numbered: bool) -> list[Reread]:
    """The markdown cells of ``doc`` (pandoc's reading of the notebook whose ``cells`` are
    given) that Jupyter reads otherwise, in order. ``numbered``: the cell Divs carry their
    index already (the cell-index step ran); else a Div's index is its position among the
    cell Divs, the number that step gives it."""
    found: list[Reread] = []
    position = -1
    for div in doc.content.list:
        if not is_cell(div):
            continue
        position += 1
        if "markdown" not in div.classes:
            continue
        index = cell_index(div) if numbered else position
        cell = cells[index] if 0 <= index < len(cells) else None
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = multiline_text(cell.get("source", ""))
        split = split_differs(div, source)
        if split or math_differs(div, source):
            found.append(Reread(index, cell, source, split))
    return found


# --- the re-read --------------------------------------------------------------------------


def markdown_notebook(cells: list[dict]) -> bytes:
    """A notebook of markdown ``cells`` (each ``{"source", "id", "attachments"}``: here a
    masked text; the plan's front-matter cell keeps its rest) as pandoc reads it: ids and
    attachments kept, so images are named as in the main reading."""
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


def read_masked(cells: list[dict], reader: str = MASKED_READER) -> list[list[pf.Block]]:
    """The blocks of each masked cell, as pandoc reads them (one run for all)."""
    ast = run_pandoc(["-f", reader, "-t", "json"], markdown_notebook(cells),
                     what="pandoc (re-reading markdown cells with Jupyter's math)")
    doc = pf.load(io.StringIO(ast.decode("utf-8")))
    divs = [b for b in doc.content if is_cell(b)]
    return [list(div.content) for div in divs]


def _math_inline(group: str) -> pf.Inline:
    found = formula_scan.formula(group)
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
        return formula_scan.replace_math(text, math)

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


def reread(todo: list[Reread]) -> dict[int, list[pf.Block]]:
    """The blocks of each cell of ``todo`` read as Jupyter reads it, by cell index: one pandoc
    run per reader (masked; masked and fenced), none when ``todo`` is empty."""
    from pandockit import commonmark_html  # start-up time: as in split_differs

    masked = [formula_scan.remove_math(each.source) for each in todo]
    cells = [
        {"source": commonmark_html.fenced(text) if each.split else text,
         "id": each.cell.get("id"), "attachments": each.cell.get("attachments")}
        for each, (text, _) in zip(todo, masked)
    ]
    blocks: dict[int, list[pf.Block]] = {}
    for reader in (MASKED_READER, FENCED_READER):  # one run each, for the cells it reads
        mine = [n for n, each in enumerate(todo) if each.split == (reader == FENCED_READER)]
        if not mine:
            continue
        read = read_masked([cells[n] for n in mine], reader)
        for n, cell_blocks in zip(mine, read):
            blocks[todo[n].index] = unmask(cell_blocks, masked[n][1])
    return blocks
