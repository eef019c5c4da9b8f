"""Read markdown cells' math and HTML blocks by Jupyter's rules where pandoc read them otherwise.

Touches: the markdown cell Divs (top level). Where pandoc's reader found other formulas in a
cell than Jupyter finds (pandoc's ``tex_math_dollars`` has rules of its own), or read Markdown
inside an HTML block that Jupyter's CommonMark parser ends at a blank line, the cell was read
again as Jupyter reads it before the pipeline (:mod:`pandockit.rereads`, which says how); this
step puts those blocks in place of pandoc's first reading. It does no I/O: the re-read blocks
are handed in (:func:`pandockit.context.inputs`, ``rereads``). Without the notebook nothing
was read again and the filter changes nothing. Runs right after the cells are numbered, so
that every later filter sees the cells as Jupyter reads them.
"""

from __future__ import annotations

import json

import panflute as pf
from panflute.elements import from_json

from pandockit.context import inputs
from pandockit.filters.base import CELLS, cell_index, is_cell, run

NAME = "jupyter-math"


def action(elem: pf.Element, doc: pf.Doc) -> None:
    if not is_cell(elem, "markdown") or elem.parent is not doc:
        return
    blocks = inputs(doc).rereads.get(cell_index(elem))
    if blocks is not None:
        elem.content = json.loads(blocks, object_hook=from_json)


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, None, None, doc, depth=CELLS)
