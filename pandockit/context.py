"""What a filter reads of its input beyond the AST: the notebook's cells, through the job.

The driver attaches the notebook's job to the document before any filter runs
(:func:`pandockit.job.attach`; for ``pandoc --filter``, :mod:`pandockit.filter_route` reads the
notebook named by ``-M pandockit-notebook=NB.ipynb`` and makes the job there): the filters
themselves never touch the file system.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import panflute as pf

from pandockit.job import has_job, job_of

if TYPE_CHECKING:  # the type only: the filters import no notebook reader through here
    from pandockit.notebook import Notebook

__all__ = ["multiline_text", "notebook_cell", "notebook_of"]


def notebook_of(doc: pf.Doc) -> Notebook | None:
    """The notebook ``doc`` was read from (its job's), None without a job."""
    return job_of(doc).notebook if has_job(doc) else None


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
