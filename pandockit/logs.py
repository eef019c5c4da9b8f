"""How pandockit speaks on stderr: one line per message, ``pandockit: LEVEL: text``.

The ``pandockit`` logger is set up once per command (:func:`setup`); every module logs
through it, and a build's workers hand their lines back to the parent, which logs them again
here.
"""

from __future__ import annotations

import logging
import sys

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
