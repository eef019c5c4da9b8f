"""What a filter run knows about its input beyond the AST: the notebook and its file name.

In process, :mod:`pandockit.convert` attaches the notebook it already read. Run as
``pandoc --filter``, pandoc does not tell a filter the input file, so the console scripts take
it from the metadata ``pandockit-notebook`` (``-M pandockit-notebook=NB.ipynb``) and read it
here, before any filter runs: the filters themselves never touch the file system.
"""

from __future__ import annotations

import panflute as pf

from pandockit.notebook import Notebook, read_notebook

NOTEBOOK_KEY = "pandockit-notebook"


def attach(doc: pf.Doc, notebook: Notebook) -> None:
    """Give ``doc`` its notebook (the upgraded nbformat node, for filters that need sources)."""
    doc.pandockit_notebook = notebook
    doc.metadata[NOTEBOOK_KEY] = str(notebook.path)


def notebook_of(doc: pf.Doc) -> Notebook | None:
    return getattr(doc, "pandockit_notebook", None)


def attach_from_metadata(doc: pf.Doc) -> None:
    """For the console scripts: read the notebook named by ``pandockit-notebook``, if any."""
    if notebook_of(doc) is not None:
        return
    path = doc.get_metadata(NOTEBOOK_KEY, None)
    if path:
        doc.pandockit_notebook = read_notebook(str(path))
