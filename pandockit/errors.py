"""The one exception type users see: a file and what is wrong with it, printed on one line."""

from __future__ import annotations

TYPE_CHECKING = False  # typing's, without its import: pandockit.entry imports this module
if TYPE_CHECKING:  # to start pandoc's read before anything else (start-up time)
    from pathlib import Path


class PandockitError(Exception):
    """An error about one input or output file, reported as ``<file>: <message>``."""

    def __init__(self, path: str | Path | None, message: str) -> None:
        self.path = str(path) if path is not None else None
        self.message = " ".join(str(message).split())  # always one line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


#: What a RecursionError means, wherever it happens: the JSON parse of a notebook, panflute's
#: load or walk (one Python call per level of pandoc's AST), the JSON dump of the document.
TOO_DEEP = "nested too deeply to convert (hundreds of nested lists, quotes or brackets?)"


def about(path: str | Path, exc: BaseException) -> PandockitError:
    """``exc`` as an error about the file at ``path``: a PandockitError that names no file
    gets ``path``; a RecursionError is :data:`TOO_DEEP`; any other exception (a bug) becomes an
    internal error about it, still one line (one notebook's failure is reported as its own,
    never as a crash of the run)."""
    if isinstance(exc, RecursionError):
        return PandockitError(path, TOO_DEEP)
    if not isinstance(exc, PandockitError):
        return PandockitError(path, f"internal error ({type(exc).__name__}: {exc})")
    return exc if exc.path else PandockitError(path, exc.message)
