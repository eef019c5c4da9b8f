"""What every filter shares: options read once per run, the run-once record, and the
console-script main (the cell predicates and the walk are :mod:`pandockit.tree`'s, named here too).

A filter module defines ``prepare(doc)``, ``action(elem, doc)``, ``finalize(doc)`` and
``main(doc=None)`` (panflute's contract). State that a later filter needs lives in document
metadata, never in module globals, so the filters compose both in one process and chained as
separate ``pandoc --filter`` processes; state of one run (caches) lives on ``doc`` from
``prepare`` to ``finalize``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import panflute as pf

from pandockit.config import get_option
from pandockit.keys import DONE_KEY
from pandockit.prepare import attach_from_metadata
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
)

# The cell predicates and the walk live in pandockit.tree (a leaf); filters take them from here.
__all__ = [
    "CELLS", "CELL_BLOCKS", "DONE_KEY", "ancestor", "cell_index", "cell_tags", "done",
    "is_cell", "is_output", "items_of", "keep_only", "mark_done", "option", "run", "walk",
]


def done(doc: pf.Doc) -> list[str]:
    return list(doc.get_metadata(DONE_KEY, []) or [])


def mark_done(doc: pf.Doc, name: str) -> None:
    names = done(doc)
    if name not in names:
        names.append(name)
    doc.metadata[DONE_KEY] = names


def option(doc: pf.Doc, key: str) -> Any:
    """``get_option(doc, key)``, looked up once per filter run: filters ask per cell or per
    element, thousands of times on a big notebook, and the options do not change while a
    filter walks. Outside a run (a helper called on its own) it is ``get_option``."""
    cache = getattr(doc, "pandockit_run_options", None)
    if cache is None:
        return get_option(doc, key)
    if key not in cache:
        cache[key] = get_option(doc, key)
    return cache[key]


@contextmanager
def _options_once(doc: pf.Doc) -> Iterator[None]:
    """Within the block, :func:`option` looks each option of ``doc`` up once."""
    doc.pandockit_run_options = {}
    try:
        yield
    finally:
        del doc.pandockit_run_options


def run(
    name: str,
    action: Callable,
    prepare: Callable | None,
    finalize: Callable | None,
    doc: pf.Doc | None,
    *,
    depth: int | None = None,
) -> pf.Doc | None:
    """Run one filter: in process when ``doc`` is given, else on pandoc's JSON via stdin/stdout.

    panflute's ``run_filter`` contract, with :func:`walk` for the walk; ``depth`` (``CELLS``,
    ``CELL_BLOCKS``; None: the whole tree) limits how deep ``action`` is applied. During the
    walk and ``finalize``, :func:`option` reads each option once.
    """

    standalone = doc is None

    def _prepare(d: pf.Doc) -> None:
        if standalone:  # a console script: the one place a filter run reads a file
            attach_from_metadata(d, (name,))  # gathered for this step alone
        if prepare is not None:
            prepare(d)

    def _finalize(d: pf.Doc) -> None:
        if finalize is not None:
            finalize(d)
        mark_done(d, name)

    if standalone:
        doc = pf.load()
    _prepare(doc)  # may set the options (a console script's first filter): not cached yet
    with _options_once(doc):
        doc = walk(doc, action, doc, depth)
        _finalize(doc)
    if standalone:
        pf.dump(doc)
        return None
    return doc
