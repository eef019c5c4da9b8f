"""How pandockit speaks on stderr: one line per message, ``pandockit: LEVEL: text``.

The ``pandockit`` logger is set up once per command (:func:`setup`); every module logs
through it, and a build's workers hand their lines back to the parent, which logs them again
here.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("pandockit")


class OneLine(logging.Formatter):
    """``pandockit: error: text`` with the text's white space (newlines too) made single
    spaces."""

    def format(self, record: logging.LogRecord) -> str:
        level = "error" if record.levelno >= logging.ERROR else record.levelname.lower()
        return f"pandockit: {level}: " + " ".join(record.getMessage().split())


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (so a caller may swap it)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def setup(verbosity: int) -> None:
    """Errors only below 0 (``-q``), warnings at 0, information above (``-v``)."""
    handler = StderrHandler()
    handler.setFormatter(OneLine())
    log.handlers[:] = [handler]
    log.propagate = False
    level = logging.ERROR if verbosity < 0 else logging.INFO if verbosity > 0 else logging.WARNING
    log.setLevel(level)


class _Kept(logging.Handler):
    def __init__(self, into: list[tuple[int, str]]) -> None:
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append((record.levelno, record.getMessage()))


@contextmanager
def kept_logs(into: list[tuple[int, str]], level: int) -> Iterator[None]:
    """Within the block, pandockit's log records at ``level`` or above go into ``into`` (a
    build's worker hands them back, the parent prints them in order), not to the terminal."""
    handler = _Kept(into)
    saved = (log.handlers[:], log.level, log.propagate)
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False
    try:
        yield
    finally:
        log.handlers[:], level_back, log.propagate = saved
        log.setLevel(level_back)
