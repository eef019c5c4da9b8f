"""The one place that runs pandoc: :func:`read` notebooks into pandoc's JSON AST, :func:`write`
ASTs as post bodies (kramdown-compatible Markdown). The caller says what; this picks how:

- one document: the split strategy (:mod:`.split`), in parts by one pandoc per core at once,
  taking a read started early by :func:`prefetch`;
- many documents, and pandoc has a server mode: the server batch (:mod:`.server`), one pandoc
  process for them all;
- many documents otherwise: the plain strategy (:mod:`.plain`), one pandoc run each;
- a body this pandoc's Markdown writer would write, and :mod:`.markdown_writer` writes as it
  does: in process, no pandoc started (:func:`writes_in_process`).

Each gives the same bytes (tests/convert/test_pandoc_runs.py holds them to one another). How pandoc
reads and writes (formats, extensions, options) is written once, in :mod:`.options`; starting
the binary is :mod:`.process`.

Start-up time: :mod:`pandockit.entry` imports this package to start a read before anything
else: :mod:`.markdown_writer` (about 2 ms of regular expressions and tables) is imported when a body
is written, or before, while pandoc reads (a caller asking :func:`writes_in_process`), and
nothing imports :mod:`typing` or :mod:`subprocess` on the way to the read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from pandockit.errors import PandockitError
from pandockit.pandoc.options import (
    FENCED_READER,
    MASKED_READER,
    READ,
    READ_ARGS,
    READER,
    WRITE,
    WRITE_ARGS,
    WRITER,
)
from pandockit.pandoc.plain import OneByOne
from pandockit.pandoc.process import pandoc_path, pandoc_version, run_pandoc
from pandockit.pandoc.server import Batch, has_server
from pandockit.pandoc.split import cancel_prefetched, compact, prefetch
from pandockit.pandoc.split import read as _read_split
from pandockit.pandoc.split import write as _write_split

__all__ = [
    "FENCED_READER", "MASKED_READER", "READER", "READ_ARGS", "WRITER", "WRITE_ARGS",
    "cancel_prefetched", "has_server", "pandoc_path", "pandoc_version", "prefetch", "read",
    "run_pandoc", "write", "writes_in_process",
]


#: typing's TYPE_CHECKING without importing typing (start-up time: see the docstring); the
#: two protocols below describe what :func:`read` and :func:`write` give, for a reader and a
#: type checker.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    class Reading(Protocol):
        def results(self) -> Iterator[Iterator[bytes | str]]:
            """For each notebook, in order, the JSON AST of each of its parts, each as soon as
            pandoc has read it (the document is the first part's with the blocks of all parts).
            Iterating a notebook's parts raises the PandockitError its read failed with."""
            ...

    class Writing(Protocol):
        def results(self) -> list[str | PandockitError]:
            """For each document, in order, its Markdown, or the PandockitError it failed with."""
            ...


def read(notebooks: Sequence[bytes]) -> Reading:
    """Start reading ``notebooks`` (notebook JSON each) with pandoc's ipynb reader."""
    if len(notebooks) == 1:
        return _read_split(notebooks[0])
    texts = [nb.decode("utf-8") for nb in notebooks]
    what = "pandoc (reading)"
    many = Batch(READ, texts, what=what) if has_server() else OneByOne(READ, texts, what=what)
    return _Texts(many)


def write(documents: Sequence[dict]) -> Writing:
    """Start writing ``documents`` (pandoc JSON ASTs) as post bodies: each that
    :mod:`.markdown_writer` writes as this pandoc would, in process, the others by pandoc."""
    from pandockit.pandoc import markdown_writer  # start-up time: see the module's docstring

    done: dict[int, str] = {}
    if documents and writes_in_process():
        for i, ast in enumerate(documents):
            text = markdown_writer.write(ast)
            if text is not None:
                done[i] = text
    rest = [ast for i, ast in enumerate(documents) if i not in done]
    return _Written(done, _write_by_pandoc(rest), len(documents))


def writes_in_process() -> bool:
    """Whether :mod:`.markdown_writer` may write for pandoc: only for the pandoc it reproduces
    (:data:`.markdown_writer.PANDOC_VERSION`), and unless ``PANDOCKIT_WRITER=pandoc``."""
    from pandockit.pandoc import markdown_writer  # start-up time: see the module's docstring

    if os.environ.get("PANDOCKIT_WRITER") == "pandoc":
        return False
    return pandoc_version() == markdown_writer.PANDOC_VERSION


def _write_by_pandoc(documents: list[dict]) -> Writing:
    if not documents:  # every notebook of a batch failed, or was written in process
        return _NoWork()
    if len(documents) == 1:
        return _write_split(documents[0])
    texts = [compact(ast) for ast in documents]
    what = "pandoc (writing)"
    return Batch(WRITE, texts, what=what) if has_server() else OneByOne(WRITE, texts, what=what)


class _Written:
    """Bodies written in process (``done``, by index) and the rest by pandoc, in order."""

    def __init__(self, done: dict[int, str], rest: Writing, count: int) -> None:
        self._done, self._rest, self._count = done, rest, count

    def results(self) -> list[str | PandockitError]:
        rest = iter(self._rest.results())
        return [self._done[i] if i in self._done else next(rest) for i in range(self._count)]


class _NoWork:
    def results(self) -> list[str | PandockitError]:
        return []


class _Texts:
    """A batch's reads as :class:`Reading` gives them: one part per notebook."""

    def __init__(self, many: Writing) -> None:
        self._many = many

    def results(self) -> Iterator[Iterator[str]]:
        for text in self._many.results():
            yield _one_part(text)


def _one_part(text: str | PandockitError) -> Iterator[str]:
    if isinstance(text, PandockitError):
        raise text
    yield text
