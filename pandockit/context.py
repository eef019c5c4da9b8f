"""What a filter reads of its input beyond the AST: the notebook's cells, through the job.

The driver attaches the notebook's job to the document before any filter runs
(:func:`pandockit.job.attach`; for ``pandoc --filter``, :mod:`pandockit.filter_route` reads the
notebook named by ``-M pandockit-notebook=NB.ipynb`` and makes the job there): the filters
themselves never touch the file system. What they read of the notebook is handed in as data
(:func:`inputs`: the cells, and what pandoc read again for them, gathered before the pipeline
by :mod:`pandockit.gather`).
"""

from __future__ import annotations

import panflute as pf

from pandockit.inputs import NO_INPUTS, Inputs, multiline_text
from pandockit.job import has_job, job_of

__all__ = ["inputs", "multiline_text"]


def inputs(doc: pf.Doc) -> Inputs:
    """What ``doc``'s filters are handed beyond the AST (:class:`pandockit.inputs.Inputs`, the
    job's ``inputs``), gathered before the pipeline (:func:`pandockit.plan.with_read`); no cell
    and nothing read again without a job or a notebook."""
    return job_of(doc).inputs if has_job(doc) else NO_INPUTS
