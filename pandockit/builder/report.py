"""Tell people what a build does: progress on a terminal (a slow notebook's name and time, a
bar for many), plain lines otherwise (``-q``, ``-v``), and the summary line of what was
converted, skipped, failed and removed."""

from __future__ import annotations

import logging
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

log = logging.getLogger("pandockit")

#: Seconds between two redraws of the progress shown on a terminal.
TICK = 0.5


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
    notebooks: int = 0  # notebooks found in the folder
    #: the layouts the posts written name (layout -> posts), for the missing layout warning
    layouts: dict[str, int] = field(default_factory=dict)
    #: the layouts the site and its theme have (None: not looked up, or the theme not found)
    site_layouts: frozenset[str] | None = None

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
    def progress(self, names: list[str]) -> Iterator[None]:
        """While the block converts the notebooks ``names``, show it on a terminal (when not
        quiet): one notebook as its name and the time spent, many as a bar; either is redrawn
        every half second, so a slow notebook is seen converting, and erased at the end."""
        if not names or self.verbosity < 0 or not _isatty(self.stream):
            yield
            return
        # start-up time: tqdm only for a bar on a terminal
        from tqdm import tqdm
        from tqdm.contrib.logging import logging_redirect_tqdm

        one = len(names) == 1
        shape = "converting {desc} ({elapsed})" if one else None
        with logging_redirect_tqdm(loggers=[log]):
            # the size as the shell says (COLUMNS, LINES), else the terminal's; a terminal that
            # reports none (0 x 0) gets 80 x 24, where tqdm would draw nothing
            size = shutil.get_terminal_size()
            self.bar = tqdm(total=len(names), unit="nb", file=self.stream, leave=False,
                            desc=names[0] if one else None, bar_format=shape,
                            ncols=size.columns, nrows=size.lines)
            stop = threading.Event()
            ticker = threading.Thread(target=_tick, args=(self.bar, stop), daemon=True)
            ticker.start()
            try:
                yield
            finally:
                stop.set()
                ticker.join()
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


def _tick(bar: Any, stop: threading.Event, every: float = TICK) -> None:
    """Redraw ``bar`` every ``every`` seconds until ``stop`` (tqdm redraws only on updates)."""
    while not stop.wait(every):
        bar.refresh()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
