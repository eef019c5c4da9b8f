"""Render a build's notebooks: in process, or by a pool of worker processes given chunks of
notebooks; each notebook's log lines are captured and handed back with its answer.

pandoc is the slow part, so notebooks are rendered in parallel; the answers come back in the
order of the tasks (whatever finishes first), so the build that writes them is byte-identical
to ``-j 1``. A worker never writes into the site, and never raises: a failure is its answer.
Workers die with the build, and a stopped build ends them at once (:class:`Pool`).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pandockit.config import Options
from pandockit.errors import about
from pandockit.logs import kept_logs

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
class Answer:
    """A worker's answer: the post and image bytes, or the reason it failed; its log lines."""

    rel: str
    key: str
    post: Any = None  # pandockit.render.Post
    media: dict[str, bytes] = field(default_factory=dict)
    error: str | None = None
    logs: list[tuple[int, str]] = field(default_factory=list)


def with_notebook(message: str, rel: str) -> str:
    """A worker's log message, prefixed with its notebook unless it names a file already."""
    head = message.split(":", 1)[0]
    return message if head.endswith(".ipynb") or "/" in head else f"{rel}: {message}"


def render_tasks(tasks: list[Task], batch: int | None = None) -> Iterator[Answer]:
    """Plan and render ``tasks`` (one build's: same site and options), yielding each answer in
    order; never raises (a failure is the answer's ``error``). Each notebook is planned once
    (:func:`pandockit.plan.plan_post`: its job) and rendered from that job; pandoc reads and
    writes them in batches of ``batch`` (:func:`pandockit.convert.render_posts`; None: its
    default). Each notebook's log lines are kept on its answer, in order."""
    if not tasks:
        return
    # start-up time: a build with nothing to convert imports no converter (panflute, nbformat)
    from pandockit.convert import render_posts
    from pandockit.plan import plan_post  # start-up time, as above

    answers = [Answer(task.rel, task.key) for task in tasks]
    jobs, owners = [], []
    for task, out in zip(tasks, answers):
        with kept_logs(out.logs, task.log_level):
            try:
                jobs.append(plan_post(task.path, task.options, task.site))  # as convert does
                owners.append(out)
            except Exception as exc:  # a bug in one notebook's conversion must not stop the build
                out.error = str(about(task.path, exc))
    outcomes = iter(render_posts(jobs, batch=batch, log_level=tasks[0].log_level))
    rendering = {id(out) for out in owners}
    for out in answers:
        if id(out) in rendering:
            outcome = next(outcomes)
            out.logs += outcome.logs
            if outcome.error is not None:
                out.error = str(outcome.error)
            else:
                out.post, out.media = outcome.post, outcome.media
        yield out


def _render_chunk(tasks: list[Task]) -> list[Answer]:
    return list(render_tasks(tasks, batch=len(tasks)))  # the other workers keep the cores busy


#: Seconds a stopped pool's manager thread is waited for (it ends in milliseconds when it
#: is not stuck).
STOP_WAIT = 5.0


#: Most notebooks a worker process is given at a time (one pandoc read and one write for all).
#: pandoc's memory hardly grows with a batch (a batch of 68 notebooks: 124 MB, of 17: 114 MB);
#: a worker holds its chunk's posts and images until the chunk is done.
CHUNK = 64


def chunk_sizes(tasks: int, jobs: int) -> list[int]:
    """The sizes of the chunks ``tasks`` notebooks are given to ``jobs`` workers in, in order:
    as few rounds of one chunk per worker as CHUNK allows, the chunks as equal as can be.

    A chunk costs a pandoc start (about 40 ms of CPU faulting in its code and heap while it
    reads the first notebook), so there are as few as the workers allow; equal chunks end
    together, so no core waits for another's last chunk (measured on 100 notebooks, 2 workers:
    50 and 50 against 40, 40 and 20: 0.02-0.05 s less CPU, 0.14 s less wall time)."""
    if tasks <= jobs:
        return [1] * tasks
    count = jobs * -(-tasks // (jobs * CHUNK))
    size, larger = divmod(tasks, count)
    return [size + 1] * larger + [size] * (count - larger)


def start_pool(tasks: list[Task], jobs: int) -> Pool:
    """Render ``tasks``: iterate the answer for answers in the order of ``tasks`` (whatever
    finishes first); use it as a context manager, which ends its worker processes."""
    return Pool(tasks, jobs)


class Pool:
    """The answers of a build's notebooks, in the order of its tasks, from this process
    (``jobs`` 1) or a pool of worker processes.

    Each worker is the leader of a process group of its own (its pandoc processes are in it),
    so :meth:`stop` ends a worker and its pandoc at once, and a terminal's Ctrl-C reaches only
    the build, which stops them. A worker dies with the build, however the build ends: on
    Linux the kernel sends it SIGTERM when the build dies (``PR_SET_PDEATHSIG``), elsewhere it
    looks for its parent every second; either way it kills its group.
    """

    def __init__(self, tasks: list[Task], jobs: int) -> None:
        self._queue: deque[Answer] = deque()
        self._chunks: list[list[Task]] = []
        self._futures: list[Any] = []
        self._next = 0  # the first chunk whose answers were not queued yet
        self._pool: Any = None
        self._in_process: Iterator[Answer] | None = None
        if jobs <= 1 or len(tasks) <= 1:
            self._in_process = render_tasks(tasks)
            return
        # start-up time: the pool, the converter and pandoc only when there is work for them
        import concurrent.futures as cf
        import multiprocessing

        from pandockit.pandoc import process  # start-up time, as above

        process.start_version()  # runs while the converter is imported
        import pandockit.convert  # noqa: F401  (imported once here, inherited by forked workers)
        from pandockit import pandoc  # start-up time, as above

        pandoc.has_server()  # asked once here too (a pandoc run), not once in each worker

        self._chunks, start = [], 0
        for size in chunk_sizes(len(tasks), jobs):
            self._chunks.append(tasks[start : start + size])
            start += size
        # fork, where there is one, in every Python version: the workers inherit the imports
        # above, and their parent is this process (which _worker_start checks)
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self._pool = cf.ProcessPoolExecutor(
            max_workers=min(jobs, len(self._chunks)),
            mp_context=context,
            initializer=_worker_start,
            initargs=(os.getpid(),),
        )
        self._futures = [self._pool.submit(_render_chunk, chunk) for chunk in self._chunks]

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            self.stop()
        elif self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __iter__(self) -> Pool:
        return self

    def __next__(self) -> Answer:
        if self._in_process is not None:
            return next(self._in_process)
        while not self._queue:
            if self._next >= len(self._futures):
                raise StopIteration
            chunk, future = self._chunks[self._next], self._futures[self._next]
            try:
                answers = future.result()
            except Exception as exc:  # a worker died (killed, out of memory)
                answers = _failed(chunk, exc)
            self._next += 1
            self._queue.extend(answers)
        return self._queue.popleft()

    def finished(self) -> Iterator[Answer]:
        """The answers already rendered that were not handed out (after :meth:`stop`: what the
        workers finished before it), without waiting; a chunk not finished is left out (the
        next build converts its notebooks)."""
        while self._queue or self._next < len(self._futures):
            if not self._queue:
                future = self._futures[self._next]
                self._next += 1
                if future.done() and not future.cancelled() and future.exception() is None:
                    self._queue.extend(future.result())
                continue
            yield self._queue.popleft()

    def stop(self) -> None:
        """End the workers and their pandoc processes now (the answers they finished stay)."""
        if self._in_process is not None:
            self._in_process.close()
        if self._pool is None:
            return
        for process in list((getattr(self._pool, "_processes", None) or {}).values()):
            _kill_group(process)
        self._pool.shutdown(wait=False, cancel_futures=True)
        # Its manager thread notices the killed workers and ends; waited for a while only:
        # on Linux, CPython 3.11's pool can stay stuck feeding a task to a killed worker's
        # pipe (python/cpython#107219), and a stopped build must end (the command leaves
        # with os._exit, which does not wait for that thread).
        manager = getattr(self._pool, "_executor_manager_thread", None)
        if manager is not None:
            manager.join(STOP_WAIT)


def _failed(chunk: list[Task], exc: BaseException) -> list[Answer]:
    return [Answer(t.rel, t.key, error=f"{t.path}: worker failed ({exc})") for t in chunk]


def _kill_group(process: Any) -> None:
    """Kill a worker and its pandoc processes (its group: it leads one once started)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
        return
    except (AttributeError, OSError):  # no process groups, or the worker has none yet
        pass
    try:
        process.kill()
    except (AttributeError, OSError, ValueError):
        pass


#: ``prctl`` option: the signal the kernel sends a process when its parent dies (Linux).
PR_SET_PDEATHSIG = 1


def _worker_start(parent: int) -> None:
    """Set a worker process up: Ctrl-C is the build's to handle; a group of its own; death
    with its parent (``parent``, the build's pid)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops workers
    signal.signal(signal.SIGTERM, _die)
    try:
        os.setpgid(0, 0)
    except (AttributeError, OSError):
        pass
    if not _die_with_parent():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the build died before the kernel was asked to tell us
        _die(signal.SIGTERM, None)


def _die_with_parent() -> bool:
    """Ask the kernel for SIGTERM when the parent dies (Linux); whether it will."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes  # start-up time: only worker processes need it

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    _die(signal.SIGTERM, None)


def _die(signum: int, frame: object) -> None:
    """End this worker and its pandoc processes (its group), now."""
    try:
        if os.getpgid(0) == os.getpid():
            os.killpg(0, signal.SIGKILL)  # this process too
    except (AttributeError, OSError):
        pass
    os._exit(128 + signum)
