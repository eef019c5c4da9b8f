"""What every filter shares: the job's accessor, the run-once record and the run (the cell
predicates and the walk are :mod:`pandockit.tree`'s, named here too).

A filter module defines ``prepare(doc)``, ``action(elem, doc)``, ``finalize(doc)`` and
``main(doc)`` (panflute's contract, in process). What the filters know beyond the AST (the
typed options, the notebook, the front matter, the verdicts on files) is the notebook's job
(:class:`pandockit.job.Job`), attached once by the driver and read through :func:`job_of`:
``job_of(doc).options.math``. State that a later filter needs lives in document metadata,
never in module globals, so the filters compose both in one process and chained as separate
``pandoc --filter`` processes; state of one run (caches) lives on ``doc`` from ``prepare`` to
``finalize``.

panflute's other half of ``main`` (no ``doc``: JSON on stdin and stdout) is the filter route's
(:mod:`pandockit.filter_route`, the console scripts ``pandockit-<step>``): it reads the notebook
and the site to make the job, which is I/O a filter does not do.
"""

from __future__ import annotations

from collections.abc import Callable

import panflute as pf

from pandockit.errors import PandockitError
from pandockit.job import job_of
from pandockit.keys import DONE_KEY
from pandockit.tree import (
    CELL_BLOCKS,
    CELLS,
    ancestor,
    cell_index,
    cell_tags,
    is_cell,
    is_output,
    items_of,
    keep_only,
    walk,
    within,
)

# The cell predicates and the walk live in pandockit.tree (a leaf); filters take them from here.
__all__ = [
    "CELLS", "CELL_BLOCKS", "DONE_KEY", "ancestor", "cell_index", "cell_tags", "done",
    "is_cell", "is_output", "items_of", "job_of", "keep_only", "mark_done", "run", "walk",
    "within",
]


def done(doc: pf.Doc) -> list[str]:
    return list(doc.get_metadata(DONE_KEY, []) or [])


def mark_done(doc: pf.Doc, name: str) -> None:
    names = done(doc)
    if name not in names:
        names.append(name)
    doc.metadata[DONE_KEY] = names


def run(
    name: str,
    action: Callable,
    prepare: Callable | None,
    finalize: Callable | None,
    doc: pf.Doc | None,
    *,
    depth: int | None = None,
    skip: Callable[[pf.Element], bool] | None = None,
) -> pf.Doc | None:
    """Run one filter on ``doc`` (its job attached: :func:`pandockit.job.attach`).

    panflute's ``run_filter`` contract, with :func:`walk` for the walk; ``depth`` (``CELLS``,
    ``CELL_BLOCKS``; None: the whole tree) limits how deep ``action`` is applied, and
    ``skip`` (see :func:`pandockit.tree.walk`) leaves out elements it would not change. Without
    ``doc`` (a filter run as a script) it fails with a one-line error naming the console
    script that runs it: that route is :mod:`pandockit.filter_route`'s.
    """
    if doc is None:
        raise PandockitError(None, f"run the {name} filter as 'pandockit-{name}' (a pandoc "
                             "filter) or in process with a document")
    job_of(doc)  # fails at once, naming the problem, when the driver attached none
    if prepare is not None:
        prepare(doc)
    doc = walk(doc, action, doc, depth, skip)
    if finalize is not None:
        finalize(doc)
    mark_done(doc, name)
    return doc
