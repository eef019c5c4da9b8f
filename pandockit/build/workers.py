"""Render a build's notebooks: in process, or by a pool of worker processes given chunks of
notebooks; each notebook's log lines are captured and handed back with its answer.

pandoc is the slow part, so notebooks are rendered in parallel; the answers come back in the
order of the tasks (whatever finishes first), so the build that writes them is byte-identical
to ``-j 1``. A worker never writes into the site, and never raises: a failure is its answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pandockit.config import Options
from pandockit.errors import about

log = logging.getLogger("pandockit")


@dataclass(frozen=True)
class Task:
    """One notebook to convert (plain data: it crosses to a worker process)."""

    path: str
    rel: str
    key: str
    site: Path
    options: Options
    log_level: int


@dataclass
class Rendered:
    """A worker's answer: the post and image bytes, or the reason it failed; its log lines."""

    rel: str
    key: str
    post: Any = None  # pandockit.render.Post
    media: dict[str, bytes] = field(default_factory=dict)
    error: str | None = None
    logs: list[tuple[int, str]] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


@contextmanager
def _collecting_logs(level: int) -> Iterator[_Collect]:
    """Route pandockit's log records into a list (the parent prints them, in order)."""
    handler = _Collect()
    saved = (log.handlers[:], log.level, log.propagate)
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False
    try:
        yield handler
    finally:
        log.handlers[:], level_back, log.propagate = saved
        log.setLevel(level_back)


def naming(message: str, rel: str) -> str:
    """A worker's log message, prefixed with its notebook unless it names a file already."""
    head = message.split(":", 1)[0]
    return message if head.endswith(".ipynb") or "/" in head else f"{rel}: {message}"


def render_tasks(tasks: list[Task], batch: int | None = None) -> Iterator[Rendered]:
    """Read and render ``tasks`` (one build's: same site and options), yielding each answer in
    order; never raises (a failure is the answer's ``error``). pandoc reads and writes them in
    batches of ``batch`` (:func:`pandockit.convert.render_posts`; None: its default)."""
    if not tasks:
        return
    # start-up time: a build with nothing to convert imports no converter (panflute, nbformat)
    from pandockit.convert import plan_post, render_posts

    answers = [Rendered(task.rel, task.key) for task in tasks]
    planned, owners = [], []
    for task, out in zip(tasks, answers):
        with _collecting_logs(task.log_level) as logs:
            try:
                planned.append(plan_post(task.path, task.options))  # as convert() does
                owners.append(out)
            except Exception as exc:  # a bug in one notebook's conversion must not stop the build
                out.error = str(about(task.path, exc))
        out.logs += logs.records

    @contextmanager
    def logs_of(i: int) -> Iterator[None]:
        with _collecting_logs(tasks[0].log_level) as logs:
            yield
        owners[i].logs += logs.records

    options, site = tasks[0].options, tasks[0].site
    done = iter(render_posts(planned, options, site, batch=batch, around=logs_of))
    rendering = {id(out) for out in owners}
    for out in answers:
        if id(out) in rendering:
            outcome = next(done)
            if outcome.error is not None:
                out.error = str(outcome.error)
            else:
                out.post, out.media = outcome.post, outcome.media
        yield out


def _render_chunk(tasks: list[Task]) -> list[Rendered]:
    return list(render_tasks(tasks, batch=len(tasks)))  # the other workers keep the cores busy


def _ignore_sigint() -> None:
    import signal  # start-up time: only worker processes need it

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops workers


#: Most notebooks a worker process is given at a time (one pandoc read and one write for all).
CHUNK = 32


def chunk_size(tasks: int, jobs: int) -> int:
    """Notebooks per worker task: about two tasks per worker, so that each pandoc start is
    shared by many notebooks (measured on 100 notebooks, 2 workers: chunks of 25 take 3.4 s
    of CPU, of 8 take 3.8 s) and the workers still finish close together."""
    return max(1, min(CHUNK, -(-tasks // (2 * jobs))))


def rendered(tasks: list[Task], jobs: int) -> Iterator[Rendered]:
    """Render ``tasks``, yielding answers in the order of ``tasks`` (whatever finishes first)."""
    if jobs <= 1 or len(tasks) <= 1:
        yield from render_tasks(tasks)
        return
    # start-up time: the pool, the converter and pandoc only when there is work for them
    import concurrent.futures as cf

    import pandockit.convert  # noqa: F401  (imported once here, inherited by forked workers)
    from pandockit import pandoc  # start-up time, as above

    pandoc.has_server()  # asked once here too (a pandoc run), not once in each worker

    size = chunk_size(len(tasks), jobs)
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    pool = cf.ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), initializer=_ignore_sigint)
    try:
        futures = [pool.submit(_render_chunk, chunk) for chunk in chunks]
        for chunk, future in zip(chunks, futures):
            try:
                yield from future.result()
            except Exception as exc:  # a worker died (killed, out of memory)
                for task in chunk:
                    yield Rendered(task.rel, task.key, error=f"{task.path}: worker failed ({exc})")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
