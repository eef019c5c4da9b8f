"""What a filter run knows about its input beyond the AST: the notebook and its file name.

In process, :mod:`pandockit.convert` attaches the notebook it already read. Run as
``pandoc --filter``, pandoc does not tell a filter the input file, so the console scripts take
it from the metadata ``pandockit-notebook`` (``-M pandockit-notebook=NB.ipynb``) and read it
here, before any filter runs: the filters themselves never touch the file system.
"""

from __future__ import annotations

from pathlib import Path

import panflute as pf

from pandockit.notebook import Notebook, read_notebook

NOTEBOOK_KEY = "pandockit-notebook"
SITE_KEY = "pandockit-site"


def attach(doc: pf.Doc, notebook: Notebook) -> None:
    """Give ``doc`` its notebook (the upgraded nbformat node, for filters that need sources)."""
    doc.pandockit_notebook = notebook
    doc.metadata[NOTEBOOK_KEY] = str(notebook.path)


def notebook_of(doc: pf.Doc) -> Notebook | None:
    return getattr(doc, "pandockit_notebook", None)


def notebook_cell(doc: pf.Doc, index: int) -> dict | None:
    """The notebook's cell number ``index`` (a cell Div's ``pandockit-cell``); None without a
    notebook or such a cell."""
    notebook = notebook_of(doc)
    cells = notebook.node.get("cells", []) if notebook is not None else []
    cell = cells[index] if 0 <= index < len(cells) else None
    return cell if isinstance(cell, dict) else None


def multiline_text(value: object) -> str:
    """A notebook text field (a string, or nbformat's list of lines) as one string."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def site_of(doc: pf.Doc) -> Path:
    return Path(str(doc.get_metadata(SITE_KEY, ".") or "."))


def attach_from_metadata(doc: pf.Doc) -> None:
    """For the console scripts: read the notebook named by ``pandockit-notebook``, if any.

    The first filter of a chain also resolves the options from the site's ``_config.yml``
    (``pandockit-site``, default ``.``), exactly as ``pandockit convert`` does; later filters
    of the chain find them in the metadata.
    """
    if notebook_of(doc) is not None:
        return
    path = doc.get_metadata(NOTEBOOK_KEY, None)
    if not path:
        return
    notebook = read_notebook(str(path))
    if doc.get_metadata("pandockit", None) is None:
        from pandockit.config import resolve_options
        from pandockit.convert import prepare_doc

        prepare_doc(doc, notebook, resolve_options(site_of(doc)))
    else:
        doc.pandockit_notebook = notebook
