"""The one exception type users see: a file and what is wrong with it, printed on one line."""

from __future__ import annotations

from pathlib import Path


class PandockitError(Exception):
    """An error about one input or output file, reported as ``<file>: <message>``."""

    def __init__(self, path: str | Path | None, message: str) -> None:
        self.path = str(path) if path is not None else None
        self.message = " ".join(str(message).split())  # always one line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message
