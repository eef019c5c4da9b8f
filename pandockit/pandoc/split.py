"""The split strategy, for one document: a notebook read, or a body written, in parts by as many
pandoc processes at once (one per core), each part's result as soon as it is ready; and reads
started before they are asked for (:func:`prefetch`)."""

from __future__ import annotations

import atexit
import json
import os
from collections.abc import Iterator

from pandockit.errors import PandockitError
from pandockit.pandoc.options import READ_ARGS, WRITE_ARGS
from pandockit.pandoc.process import Job, Spawned, start, start_version

# --- reading one notebook, in parts --------------------------------------------------------

#: pandoc's ipynb reader parses each cell on its own (tested: the AST of a notebook read as
#: consecutive runs of cells is the AST of the whole, blocks concatenated), and parsing the
#: Markdown cells is most of a read (measured on 200 cells: 0.11 s of 0.14 s). So a notebook
#: with much Markdown is read in parts by as many pandoc processes at once, one per core, at
#: most MAX_PARTS (each pandoc takes ~130 MB however small its part: memory bounds this).
MAX_PARTS = 2
#: Below this much Markdown source (characters) a notebook is read by one process. Measured,
#: reading alone: 15,000 characters 55 ms whole, 44 ms in two; 31,000: 97 ms, 55 ms; below
#: 10,000 the gain is within the noise, and in a conversion a second pandoc competes with
#: Python's start-up for the cores.
SPLIT_MIN_MARKDOWN = 20_000
#: Below this much Markdown a read started before Python's imports (:func:`prefetch`) is one
#: process when there is no core left over for Python: a second pandoc would compete with the
#: imports, and each pandoc's start costs ~30 ms of CPU. Measured with ``convert`` on 2
#: cores, one read against two: 31,000 characters 0.188 s against 0.212 s; 47,000: 0.233 s,
#: 0.247 s; 71,000: 0.317 s, 0.303 s.
SPLIT_MIN_BESIDE_PYTHON = 60_000
#: Code cells cost the reader this fraction of a Markdown character per character of source.
CODE_WEIGHT = 0.1


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def split_notebook(
    data: bytes, parts: int | None = None, min_work: float = SPLIT_MIN_MARKDOWN
) -> list[bytes]:
    """``data`` (notebook JSON) as ``parts`` notebooks (default: one per core, at most
    MAX_PARTS) of consecutive cells, about equal in reading work, whose reads concatenate to
    the read of ``data``; ``[data]`` when splitting does not pay (less than ``min_work``
    characters of Markdown, one core) or ``data`` is not a v4 notebook pandoc could read."""
    parts = min(MAX_PARTS, cores()) if parts is None else parts
    if parts < 2 or len(data) < min_work:  # a notebook's Markdown is fewer characters than
        return [data]                       # its bytes: no parse needed to know
    try:
        nb = json.loads(data)
    except (ValueError, RecursionError):
        return [data]
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if parts < 2 or not isinstance(cells, list) or len(cells) < parts:
        return [data]
    weights = [_reading_work(cell) for cell in cells]
    total = sum(weights)
    if total < min_work:
        return [data]
    bounds, done, share = [0], 0.0, total / parts
    for i, weight in enumerate(weights):
        done += weight
        if done >= share * len(bounds) and len(bounds) < parts and i + 1 < len(cells):
            bounds.append(i + 1)
    bounds.append(len(cells))
    try:
        return [
            json.dumps({**nb, "cells": cells[a:b]}, ensure_ascii=False).encode("utf-8")
            for a, b in zip(bounds, bounds[1:])
        ]
    except (UnicodeEncodeError, ValueError):  # a lone surrogate: read as written, refused there
        return [data]


def _reading_work(cell: object) -> float:
    """About how much work pandoc's reader has with ``cell`` (any JSON value: the notebook may
    not have been checked yet)."""
    if not isinstance(cell, dict):
        return 0.0
    source = cell.get("source")
    lines = source if isinstance(source, list) else [source]
    size = sum(len(line) for line in lines if isinstance(line, str))
    return size if cell.get("cell_type") == "markdown" else CODE_WEIGHT * size


class Read:
    """One notebook being read by pandoc: its parts' runs, started at once (split when it has
    ``min_work`` of Markdown, see :func:`split_notebook`)."""

    def __init__(self, data: bytes, min_work: float = SPLIT_MIN_MARKDOWN) -> None:
        self.data = data
        self.jobs: list[Job | Spawned] = [start(READ_ARGS, part, what="pandoc (reading)")
                                          for part in split_notebook(data, min_work=min_work)]

    def parts(self) -> Iterator[bytes]:
        """The JSON AST of each part, in order, each as soon as it is read (a caller parses
        the first while pandoc still reads the next); raise PandockitError when a read
        failed."""
        try:
            for job in self.jobs:
                yield job.result()
        finally:
            self.cancel()  # the rest, when a part failed or was not wanted

    def results(self) -> Iterator[Iterator[bytes]]:
        """The reading interface of :func:`pandockit.pandoc.read`: one notebook, its parts."""
        yield self.parts()

    def cancel(self) -> None:
        for job in self.jobs:
            job.cancel()


#: Reads started before they are asked for (:func:`prefetch`), oldest first.
_PREFETCHED: list[Read] = []
#: At most this many prefetched reads wait at a time; the oldest is cancelled beyond it.
PREFETCH_LIMIT = 2


def prefetch(source: bytes | str | os.PathLike) -> None:
    """Start pandoc reading a notebook (its bytes, or the file at a path, as written) now, so
    that a later :func:`read` of the same bytes only waits for the result.

    pandoc's read is most of a conversion; started before Python's imports and notebook checks
    it runs on the other core(s) meanwhile. A read nobody asks for is cancelled (at exit at
    the latest); bytes that differ (an upgraded or capped notebook) are simply read again.
    """
    if not isinstance(source, bytes):
        try:
            with open(source, "rb") as file:  # not pathlib: imported later (start-up time)
                source = file.read()
        except OSError:
            return  # read_notebook reports it
    try:
        started = Read(source, min_work=_prefetch_min_work())
    except PandockitError:
        return  # reported again by the read that is asked for
    start_version()
    _PREFETCHED.append(started)
    while len(_PREFETCHED) > PREFETCH_LIMIT:
        _PREFETCHED.pop(0).cancel()


def _prefetch_min_work() -> float:
    """The Markdown a prefetched read needs to be split: more when Python's imports, which run
    meanwhile, have no core of their own."""
    return SPLIT_MIN_MARKDOWN if cores() > MAX_PARTS else SPLIT_MIN_BESIDE_PYTHON


def _take_prefetched(notebook_bytes: bytes) -> Read | None:
    for started in _PREFETCHED:
        if len(started.data) == len(notebook_bytes) and started.data == notebook_bytes:
            _PREFETCHED.remove(started)
            return started
    return None


@atexit.register
def cancel_prefetched() -> None:
    while _PREFETCHED:
        _PREFETCHED.pop().cancel()


def read(notebook_bytes: bytes) -> Read:
    """Read notebook JSON in parts (see :func:`split_notebook`), the prefetched read of the
    same bytes if there is one; the document is the first part's with the blocks of all
    parts, in order."""
    return _take_prefetched(notebook_bytes) or Read(notebook_bytes)


# --- writing one body, in parts ------------------------------------------------------------

#: A body of up to this much JSON is written by two pandoc processes at once, half each
#: (measured on 200 cells, 0.23 MB: 0.08 s -> 0.05 s). A larger one is written by one: each
#: writer holds its part and pandoc's code, and two at once beside Python's document would
#: take the memory of a 2,000-cell conversion (2.3 MB) past twice bare pandoc's.
SPLIT_WRITE_MAX = 1_000_000
#: Blocks a body may be cut between: the writer puts a blank line between two of them and
#: nothing else (between two lists, or a list and indented code, it writes ``<!-- -->``).
_CUT_BETWEEN = frozenset({"Para", "Header", "CodeBlock", "HorizontalRule"})


def compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def split_body(ast: dict, parts: int | None = None) -> list[bytes]:
    """``ast`` as the JSON of ``parts`` documents (default: one per core, at most MAX_PARTS)
    whose Markdown, joined by a blank line, is the Markdown of ``ast``: cut between blocks
    of :data:`_CUT_BETWEEN` near equal sizes; one part for a body with footnotes (pandoc
    numbers them through the document) or over :data:`SPLIT_WRITE_MAX`."""
    parts = min(MAX_PARTS, cores()) if parts is None else parts
    blocks = [compact(block) for block in ast["blocks"]]
    size = sum(map(len, blocks))
    rest = compact({k: v for k, v in ast.items() if k != "blocks"})
    head = rest[:-1] + (',"blocks":[' if len(rest) > 2 else '"blocks":[')

    def doc(items: list[str]) -> bytes:
        return (head + ",".join(items) + "]}").encode("utf-8")

    if parts < 2 or size > SPLIT_WRITE_MAX or any('"t":"Note"' in b for b in blocks):
        return [doc(blocks)]
    kinds = [block.get("t") for block in ast["blocks"]]
    cuts, done, share = [0], 0, size / parts
    for i in range(1, len(blocks)):
        done += len(blocks[i - 1])
        between = kinds[i - 1] in _CUT_BETWEEN and kinds[i] in _CUT_BETWEEN
        if between and done >= share * len(cuts) and len(cuts) < parts:
            cuts.append(i)
    cuts.append(len(blocks))
    return [doc(blocks[a:b]) for a, b in zip(cuts, cuts[1:])]


class Write:
    """One body being written by pandoc: its parts' runs, started at once."""

    def __init__(self, ast: dict) -> None:
        self.jobs = [start(WRITE_ARGS, part, what="pandoc (writing)") for part in split_body(ast)]

    def results(self) -> list[str | PandockitError]:
        """The writing interface of :func:`pandockit.pandoc.write`: the body's Markdown."""
        try:
            return ["\n".join(job.result().decode("utf-8") for job in self.jobs)]
        except PandockitError as exc:
            return [exc]
        finally:
            for job in self.jobs:
                job.cancel()


def write(ast: dict) -> Write:
    return Write(ast)
