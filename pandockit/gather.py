"""Gather before the pipeline what the filters need from outside the AST, and hand it in.

The filters do no I/O (``tests/unit/test_layers.py``). What two of them used to fetch themselves
is fetched here, once per document, after pandoc's reading and before the first filter:

- the markdown cells pandoc reads again as Jupyter reads them (:mod:`pandockit.rereads`), for
  the jupyter-math step: a notebook whose cells pandoc and Jupyter read alike (nearly all)
  costs one pass over its markdown sources and starts no pandoc;
- the HTML of the ``text/markdown`` outputs shown as HTML
  (:func:`pandockit.inputs.markdown_as_html`), for the outputs step: all of a document's in one
  pandoc read and one write (:func:`pandockit.markdown_output.to_html`), none when it has none.
  Each output's HTML depends on its text alone, so every such output of the notebook is read,
  whether or not a later step shows it (a hidden one, or one with a ``text/html`` beside it).

With them the notebook's cells as data (:func:`pandockit.inputs.cells_of`) and its saved
widget state, in one frozen :class:`pandockit.inputs.Inputs` that
:func:`pandockit.job.inputs_of` hands the filters. A step already applied to the document (a
chain of ``pandoc --filter`` processes) gets nothing gathered for it.
"""

from __future__ import annotations

import json
from collections.abc import Collection

import panflute as pf

from pandockit import interactive, rereads
from pandockit.inputs import NO_INPUTS, Inputs, cells_of, markdown_as_html, multiline_text
from pandockit.keys import DONE_KEY
from pandockit.tree import is_cell, is_output

#: The steps the gathering is for (their filters' ``NAME``; tests/convert/test_gather.py checks
#: them).
CELL_INDEX, JUPYTER_MATH, OUTPUTS = "cell-index", "jupyter-math", "outputs"
#: The output types whose MIME bundle the outputs step chooses from.
RESULT_TYPES = ("execute_result", "display_data")


def gather(
    doc: pf.Doc, node: dict | None, html: str, steps: Collection[str] | None = None
) -> Inputs:
    """The inputs of ``doc``, pandoc's reading of the nbformat notebook ``node`` (None: no
    notebook given), for the ``steps`` about to run (None: every step; a console script runs
    one) that are not done yet; ``html``: the option ``html``."""
    done = {str(name) for name in doc.get_metadata(DONE_KEY, []) or []}
    if steps is not None:  # a step not about to run is as good as done here
        done |= {JUPYTER_MATH, OUTPUTS} - set(steps)
    found = {}
    if OUTPUTS not in done:
        texts = markdown_outputs(node) if node is not None else ast_markdown_outputs(doc)
        texts = list(dict.fromkeys(t for t in texts if markdown_as_html(t, html)))
        if texts:
            from pandockit import markdown_output  # start-up time: few notebooks need it

            found = dict(zip(texts, markdown_output.to_html(texts, html == "drop")))
    if node is None:
        return Inputs(markdown_html=found) if found else NO_INPUTS
    cells = node.get("cells") if isinstance(node.get("cells"), list) else []
    again = {}
    if JUPYTER_MATH not in done:
        todo = rereads.to_reread(doc, cells, numbered=CELL_INDEX in done)
        if todo:
            again = {index: blocks_json(blocks) for index, blocks in rereads.reread(todo).items()}
    return Inputs(cells_of(node), interactive.widget_state(node), again, found)


def blocks_json(blocks: list[pf.Block]) -> str:
    """The JSON text of ``blocks`` (pandoc's AST), as a job holds blocks: plain data."""
    return json.dumps([b.to_json() for b in blocks], ensure_ascii=False)


def markdown_outputs(node: dict) -> list[str]:
    """The text of every ``text/markdown`` result of the notebook's code cells, in order."""
    texts = []
    for cell in node.get("cells") or []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs") or []:
            if not isinstance(out, dict) or out.get("output_type") not in RESULT_TYPES:
                continue
            data = out.get("data")
            if isinstance(data, dict) and "text/markdown" in data:
                texts.append(multiline_text(data["text/markdown"]))
    return texts


def ast_markdown_outputs(doc: pf.Doc) -> list[str]:
    """Without the notebook: the Markdown of the result outputs as pandoc read them (what the
    outputs step then shows), in order."""
    texts = []
    for cell in doc.content.list:
        if not is_cell(cell, "code"):
            continue
        for out in cell.content.list:
            if is_output(out) and any(c in out.classes for c in RESULT_TYPES):
                texts += [b.text for b in out.content
                          if isinstance(b, pf.RawBlock) and b.format == "markdown"]
    return texts
