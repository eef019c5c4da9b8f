"""What a filter run knows about its input beyond the AST: the notebook and its file name.

What the filters read of the notebook is handed in as data (:func:`inputs`: the cells, what
pandoc read again for them, gathered before the pipeline by :mod:`pandockit.gather`). In
process, :mod:`pandockit.prepare` attaches the notebook :mod:`pandockit.convert` already
read. Run as ``pandoc --filter``, pandoc does not tell a filter the input file, so the console
scripts take it from the metadata ``pandockit-notebook`` (``-M pandockit-notebook=NB.ipynb``)
and read it there, before any filter runs: the filters themselves never touch the file system.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import panflute as pf

from pandockit.errors import PandockitError
from pandockit.inputs import NO_INPUTS, Inputs, multiline_text
from pandockit.keys import NOTEBOOK_KEY, SITE_KEY
from pandockit.notebook import Notebook

__all__ = [
    "NOTEBOOK_KEY", "SITE_KEY", "attach", "inputs", "multiline_text", "notebook_of",
    "read_cell", "site_of",
]

#: Reads a markdown cell (the cell, its new source) into blocks, as pandoc's ipynb reader would.
CellReader = Callable[[dict, str], list]


def attach(doc: pf.Doc, notebook: Notebook, read: CellReader | None = None) -> None:
    """Give ``doc`` its notebook (the upgraded nbformat node, for filters that need sources)
    and the reader of :func:`read_cell`."""
    doc.pandockit_notebook = notebook
    doc.pandockit_read_cell = read
    doc.metadata[NOTEBOOK_KEY] = str(notebook.path)


def notebook_of(doc: pf.Doc) -> Notebook | None:
    return getattr(doc, "pandockit_notebook", None)


def read_cell(doc: pf.Doc, cell: dict, source: str) -> list[pf.Block]:
    """What pandoc's ipynb reader makes of markdown cell ``cell`` of the notebook holding
    ``source`` instead, through the reader the preparation attached (a filter starts no
    pandoc itself: :func:`pandockit.prepare.read_markdown_cell`)."""
    read = getattr(doc, "pandockit_read_cell", None)
    if read is None:
        raise PandockitError(None, "no cell reader: prepare the document first "
                             "(pandockit.prepare.prepare_doc)")
    return read(cell, source)


def inputs(doc: pf.Doc) -> Inputs:
    """What ``doc``'s filters are handed beyond the AST (:class:`pandockit.inputs.Inputs`),
    gathered before the pipeline (:func:`pandockit.gather.attach_inputs`); no cell and
    nothing read again when nothing was gathered (no notebook)."""
    return getattr(doc, "pandockit_inputs", NO_INPUTS)


def site_of(doc: pf.Doc) -> Path:
    return Path(str(doc.get_metadata(SITE_KEY, ".") or "."))
