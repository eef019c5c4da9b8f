"""Number the cells: each cell Div gets ``pandockit-cell=<i>``, its position among all cells.

Runs first, so the numbers stay those of the notebook (nbconvert's ``output_<cell>_<n>``
image names count every cell) after later filters drop hidden cells. The attribute never
reaches the post: the cells filter unwraps the Divs.
"""

from __future__ import annotations

import panflute as pf

from pandockit.filters.base import CELLS, is_cell, run

NAME = "cell-index"


def prepare(doc: pf.Doc) -> None:
    doc.pandockit_next_cell = 0


def action(elem: pf.Element, doc: pf.Doc) -> None:
    if is_cell(elem) and elem.parent is doc:
        elem.attributes["pandockit-cell"] = str(doc.pandockit_next_cell)
        doc.pandockit_next_cell += 1


def finalize(doc: pf.Doc) -> None:
    del doc.pandockit_next_cell


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, finalize, doc, depth=CELLS)
