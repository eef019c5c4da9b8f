"""The order of pandockit's filters: one list, a reason for each place. Nothing else orders them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import panflute as pf

from pandockit.filters import (
    anchors,
    card,
    cell_index,
    cells,
    front_matter,
    images,
    jupyter_math,
    notes,
    outputs,
    raw_html,
    tex_math,
    top,
    visibility,
)
from pandockit.filters.base import done
from pandockit.job import Job, attach


@dataclass(frozen=True)
class Step:
    name: str
    main: Callable[[pf.Doc], pf.Doc]
    reason: str


PIPELINE: tuple[Step, ...] = (
    Step(cell_index.NAME, cell_index.main,
         "first: numbers the cells as the notebook has them, before any is dropped"),
    Step(jupyter_math.NAME, jupyter_math.main,
         "reads markdown cells' math and HTML blocks as Jupyter does, before any filter reads "
         "the cells (so math, images, Liquid and raw-html see the Markdown between HTML blocks)"),
    Step(front_matter.NAME, front_matter.main,
         "reads the first cell and the title heading before anything rewrites them"),
    Step(visibility.NAME, visibility.main,
         "drops hidden cells and flag lines before later filters spend work on them"),
    Step(notes.NAME, notes.main,
         "after visibility (hidden cells are gone), while markdown cells are still Divs by "
         "cell; before images and math, which then treat a note's text as any other text"),
    Step(outputs.NAME, outputs.main,
         "picks one representation per output while outputs are still Divs by cell"),
    Step(images.NAME, images.main,
         "names images by cell and output position, after hidden outputs are gone"),
    Step(card.NAME, card.main,
         "after visibility and outputs (hidden cells gone), before tex-math rewrites math: "
         "reads the first prose paragraph with its math still TeX"),
    Step(anchors.NAME, anchors.main,
         "after card (the summary is read without the anchors); before tex-math, which "
         "rewrites a heading's math that Jupyter's id holds as TeX"),
    Step(tex_math.NAME, tex_math.main,
         "after outputs: text/latex results become math there and are written here"),
    Step(raw_html.NAME, raw_html.main,
         "after math, which reads the markdown attribute this adds; before cells unwraps them"),
    Step(top.NAME, top.main,
         "after visibility (hidden cells' headings are gone) and raw-html (its blocks are "
         "pandockit's, not a cell's); puts badges and the TOC above the first cell"),
    Step(cells.NAME, cells.main,
         "last: unwraps the cell and output Divs every filter above relies on"),
)


#: Steps' former names, as older chains recorded them in ``pandockit-done``: a step done under
#: its former name is done (``math`` was ``tex-math``'s name before, ``html`` ``raw-html``'s).
FORMER_NAMES: dict[str, str] = {"math": tex_math.NAME, "html": raw_html.NAME}


def run_pipeline(doc: pf.Doc, job: Job) -> pf.Doc:
    """Apply, in order, every step not yet applied to ``doc`` (chained filters count), with
    ``job`` (the notebook's, :mod:`pandockit.job`) attached once, for every filter to read."""
    attach(doc, job)
    already = {FORMER_NAMES.get(name, name) for name in done(doc)}
    for step in PIPELINE:
        if step.name not in already:
            doc = step.main(doc)
    return doc
