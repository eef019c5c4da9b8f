"""What every filter shares: reading cell Divs, the run-once record, and the console-script main.

A filter module defines ``prepare(doc)``, ``action(elem, doc)``, ``finalize(doc)`` and
``main(doc=None)`` (panflute's contract). State that a later filter needs lives in document
metadata, never in module globals, so the filters compose both in one process and chained as
separate ``pandoc --filter`` processes.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import panflute as pf

class _AnyRawFormat(frozenset):
    """panflute accepts raw blocks only in formats it knows; a notebook's raw cells carry any
    ``raw_mimetype`` (``text/x-python``, typos), which pandoc passes through as the format.
    Loading such a document must not fail: the outputs filter decides what to keep."""

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str)


pf.elements.RAW_FORMATS = _AnyRawFormat(pf.elements.RAW_FORMATS)

#: Metadata key listing the filters already applied to a document (so ``pandockit-jekyll``
#: after a chain of single filters runs only the rest, and the output is the same).
DONE_KEY = "pandockit-done"


def is_cell(elem: pf.Element, kind: str | None = None) -> bool:
    """True for a notebook cell Div from pandoc's ipynb reader (of ``kind``, if given)."""
    if not isinstance(elem, pf.Div) or "cell" not in elem.classes:
        return False
    return kind is None or kind in elem.classes


def is_output(elem: pf.Element) -> bool:
    """True for an output Div inside a code cell."""
    return isinstance(elem, pf.Div) and "output" in elem.classes


def cell_index(cell: pf.Div) -> int:
    """The cell's position among all the notebook's cells, counted from 0."""
    return int(cell.attributes.get("pandockit-cell", "-1"))


def cell_tags(cell: pf.Div) -> list[str]:
    """The cell's ``tags`` metadata (pandoc passes it JSON-encoded)."""
    raw = cell.attributes.get("tags")
    if not raw:
        return []
    try:
        tags = json.loads(raw)
    except ValueError:
        return [raw]
    return [str(t) for t in tags] if isinstance(tags, list) else [str(tags)]


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
) -> pf.Doc | None:
    """Run one filter: in process when ``doc`` is given, else on pandoc's JSON via stdin/stdout."""

    standalone = doc is None

    def _prepare(d: pf.Doc) -> None:
        if standalone:  # a console script: the one place a filter run reads a file
            from pandockit.context import attach_from_metadata

            attach_from_metadata(d)
        if prepare is not None:
            prepare(d)

    def _finalize(d: pf.Doc) -> None:
        if finalize is not None:
            finalize(d)
        mark_done(d, name)

    return pf.run_filter(action, prepare=_prepare, finalize=_finalize, doc=doc)
