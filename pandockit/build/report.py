"""Tell people what a build does: a progress bar on a terminal, plain lines otherwise (``-q``,
``-v``), and the summary line of what was converted, skipped, failed and removed."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

log = logging.getLogger("pandockit")


@dataclass
class Summary:
    """What a build did; ``failed`` lists ``(notebook, reason)`` pairs."""

    converted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False
    math_posts: int = 0  # posts written with math (their page needs MathJax)
    #: the layouts the posts written name (layout -> posts), for the missing layout warning
    layouts: dict[str, int] = field(default_factory=dict)

    @property
    def status(self) -> int:
        return 1 if self.failed else 0

    def line(self) -> str:
        counts = (
            f"{len(self.converted)} converted, {len(self.skipped)} skipped, "
            f"{len(self.failed)} failed, {len(self.removed)} removed"
        )
        prefix = "dry run (nothing written): " if self.dry_run else ""
        return f"{prefix}{counts} in {self.seconds:.2f} s"


class Reporter:
    """Progress for people: a bar on a terminal, plain lines otherwise; ``-q`` and ``-v``."""

    def __init__(self, verbosity: int = 0, stream: TextIO | None = None) -> None:
        self.verbosity = verbosity
        self.stream = stream or sys.stdout
        self.bar: Any = None

    @contextmanager
    def progress(self, total: int) -> Iterator[None]:
        """Show a bar of ``total`` steps while the block runs (on a terminal, when not quiet)."""
        if total < 2 or self.verbosity < 0 or not _isatty(self.stream):
            yield
            return
        # start-up time: tqdm only for a bar on a terminal
        from tqdm import tqdm
        from tqdm.contrib.logging import logging_redirect_tqdm

        with logging_redirect_tqdm(loggers=[log]):
            self.bar = tqdm(total=total, unit="nb", file=self.stream, leave=False)
            try:
                yield
            finally:
                self.bar.close()
                self.bar = None

    def step(self, message: str) -> None:
        """One notebook done: print ``message`` (above the bar, if any) and advance the bar."""
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
            self.bar.update(1)
            self.bar.refresh()  # a notebook takes longer than tqdm's refresh interval anyway
        elif self.verbosity >= 0:
            print(message, file=self.stream, flush=True)

    def skip(self) -> None:
        """One notebook done without a message (it failed, and its error is logged)."""
        if self.bar is not None:
            self.bar.update(1)

    def say(self, message: str, level: int = 0) -> None:
        """Print ``message`` when the verbosity is at least ``level``."""
        if self.verbosity < level:
            return
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
