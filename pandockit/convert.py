"""Convert notebooks into posts: plan each (its job), then render all. The driver.

:func:`pandockit.plan.plan_post` makes each notebook's job (read, front matter collected, post
named) before pandoc runs, so collisions are found before anything is written
(:func:`collisions`). :func:`render_posts` is the one render loop, for one notebook or many,
given the jobs: pandoc reads (notebook -> AST, :func:`pandockit.pandoc.read`), the filters run
in process in :mod:`pandockit.pipeline`'s order on the job, pandoc writes (AST -> Markdown,
:func:`pandockit.pandoc.write`). Nothing here writes a file: ``pandockit convert`` and
``pandockit build`` hand each post to :mod:`pandockit.writer`.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import panflute as pf

from pandockit import pandoc, post_names, rereads
from pandockit.errors import PandockitError, about
from pandockit.image_stand_ins import restore, stand_ins
from pandockit.job import Job
from pandockit.logs import kept_logs
from pandockit.media import resolve
from pandockit.pipeline import run_pipeline
from pandockit.plan import with_read
from pandockit.render import Post, body_ast, finish, warn_future
from pandockit.tree import from_json

T = TypeVar("T")


def doc_of(parts: Iterable[bytes] | Iterable[str]) -> pf.Doc:
    """The panflute document of pandoc's JSON AST, read in ``parts`` (see
    :class:`pandockit.pandoc.Reading`), each parsed as it comes, in one JSON parse with
    :func:`pandockit.tree.from_json` as the hook (no dict round trip: 0.3 s less on a
    2,000-cell notebook; its own making of words and paragraphs: a third of panflute's time),
    the cycle collector paused (:func:`paused_collector`)."""
    with paused_collector():
        doc, *rest = (json.loads(part, object_hook=from_json) for part in parts)
    for part in rest:
        doc.content.extend(part.content)
    doc.format = "markdown"  # what a filter run as ``pandoc -t markdown --filter`` is told
    return doc


_frozen: list[bool] = []


def _freeze_imports() -> None:
    """Once per process, before the first notebook: what exists then (the modules, their
    functions and classes, the options) is left out of Python's cycle collections from then
    on, which otherwise walk it all at each full collection (100 notebooks: 0.06 -> 0.01 s of
    collections of the oldest generation). Those objects are still freed when unused, unless
    in a cycle."""
    if not _frozen:
        gc.freeze()
        _frozen.append(True)


@contextmanager
def paused_collector() -> Iterator[None]:
    """Python's cycle collector off within the block, for work that makes many objects and
    frees none (a parse, a tree turned into JSON): a collection there would walk them all and
    find nothing (it ran 4 full and hundreds of young collections per 100 notebooks)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def filtered(doc: pf.Doc, job: Job) -> pf.Doc:
    """``doc`` (pandoc's read of ``job``'s notebook) through the whole pipeline, ready to
    render. The job gets the one fact that needs pandoc's read (the verdicts on the local
    images the document names) here, before the filters run."""

    def work() -> pf.Doc:
        done = run_pipeline(doc, with_read(job, doc))
        warn_future(done)
        return done

    return _deep_guard(job.notebook.path, work)


def _deep_guard(path: Path, work: Callable[[], T]) -> T:
    try:
        return work()
    except RecursionError as exc:  # panflute recurses once per level of pandoc's AST
        raise about(path, exc) from None


#: Notebooks per pandoc process when many are converted in one process (:func:`render_posts`):
#: at least MIN_BATCH, so that a pandoc start is shared, at most MAX_BATCH, and about a quarter
#: of them, so that pandoc reads the next batch and writes the last while Python filters this
#: one (both cores busy) and Python waits little for the first read and the last write.
MIN_BATCH, MAX_BATCH = 4, 25


#: A batch also ends at this many bytes of notebook: one pandoc holds all of a batch's input
#: and output at once.
BATCH_BYTES = 8_000_000


def batch_size(count: int) -> int:
    return max(MIN_BATCH, min(MAX_BATCH, -(-count // 4)))


def _groups(sizes: list[int], batch: int) -> list[list[int]]:
    """Consecutive indexes of ``sizes`` in groups of at most ``batch`` items and (unless one
    item alone is larger) BATCH_BYTES bytes."""
    groups: list[list[int]] = []
    total = 0
    for i, size in enumerate(sizes):
        if not groups or len(groups[-1]) >= batch or total + size > BATCH_BYTES:
            groups.append([])
            total = 0
        groups[-1].append(i)
        total += size
    return groups


@dataclass
class Outcome:
    """What :func:`render_posts` made of one notebook: its post and media, or its error; and,
    when asked, the log lines its rendering gave."""

    job: Job
    post: Post | None = None
    media: dict[str, bytes] = field(default_factory=dict)
    error: PandockitError | None = None
    logs: list[tuple[int, str]] = field(default_factory=list)


def render_posts(
    jobs: list[Job], *, batch: int | None = None, log_level: int | None = None
) -> Iterator[Outcome]:
    """Render the post of every job of ``jobs``, yielding each outcome in order; writes nothing.

    The one render loop, for one notebook or many: pandoc reads and writes ``batch`` notebooks
    (default: :func:`batch_size`) at a time (:func:`pandockit.pandoc.read` and ``write`` pick
    how: one notebook in parts at once, many in one pandoc-server batch), reading the next
    batch and writing the previous one while Python filters. With ``log_level`` (a build's
    workers), the log lines of Python's work on each notebook are kept on its outcome
    (``logs``), not printed: the build prints them, in order."""

    def scope(outcome: Outcome) -> AbstractContextManager[object]:
        return nullcontext() if log_level is None else kept_logs(outcome.logs, log_level)

    _freeze_imports()
    # The collector runs between batches (below, :func:`_collect_if_large`), not on its own:
    # what a batch makes stays until its posts are done, and automatic collections walked it
    # over and over (0.06 s of 1.4 s of Python for 100 notebooks). Resumed when the loop ends,
    # or is left.
    with paused_collector():
        yield from _render(jobs, batch or batch_size(len(jobs)), scope)


def _render(
    jobs: list[Job], batch: int,
    scope: Callable[[Outcome], AbstractContextManager[object]],
) -> Iterator[Outcome]:
    groups = _groups([len(job.notebook.pandoc_input) for job in jobs], batch)
    reads = [_start_read(jobs, group) for group in groups[:1]]
    writing: tuple[list[int], dict[int, pf.Doc], pandoc.Writing] | None = None
    out: dict[int, Outcome] = {}
    for k, group in enumerate(groups):
        if k + 1 < len(groups):
            reads.append(_start_read(jobs, groups[k + 1]))
        docs: dict[int, pf.Doc] = {}
        bodies: list[dict] = []
        reading, names = reads[k]
        for i, parts, named in zip(group, reading.results(), names):
            out[i] = Outcome(jobs[i])
            with scope(out[i]):
                try:
                    if named:
                        parts = (restore(part, named) for part in parts)
                    doc = filtered(doc_of(parts), jobs[i])
                    with paused_collector():  # JSON made of the tree: nothing freed
                        bodies.append(body_ast(doc))
                    doc.content = []  # the post is made of the body and the metadata
                    docs[i] = doc
                except Exception as exc:  # one notebook's failure is its own (a bug too)
                    out[i].error = about(jobs[i].notebook.path, exc)
        reads[k] = None  # type: ignore[call-overload]  # its texts are no longer needed
        started = (group, docs, pandoc.write(bodies))
        bodies = []  # pandoc has their JSON: Python's memory beside its writer is not both
        _collect_if_large()  # the trees' blocks (cycles: each child names its parent)
        if writing is not None:
            yield from _finished(writing, out, scope)
        writing = started
    if writing is not None:
        yield from _finished(writing, out, scope)


#: Objects made and not yet freed (Python's count of its youngest generation) above which a
#: batch's end collects the cycles left: a batch's trees are cycles (each child names its
#: parent), about 2,000 objects a notebook of the benchmark's. A collection walks each of them
#: to free them (10-25 ms a batch of 25 notebooks); below this a build's worker, whose chunks
#: end with the process, or a build of a few batches leaves them to the end (100 notebooks in
#: process: 13 MB more at the peak), and a longer one still frees them every few batches. A
#: cell as large as 70,000 formulas is past it at once.
COLLECT_ABOVE = 250_000


def _collect_if_large() -> None:
    if gc.get_count()[0] > COLLECT_ABOVE:
        gc.collect()


def _start_read(jobs: list[Job], group: list[int]) -> tuple[pandoc.Reading, list[dict]]:
    """Start pandoc reading the notebooks of ``group``; with the image names to restore in
    each read (:mod:`pandockit.image_stand_ins`: a batch is read without the images' bytes; a
    lone notebook as it is, which pandoc may have started reading already)."""
    inputs, names = [], []
    for i in group:
        stood = stand_ins(jobs[i].notebook.node) if len(group) > 1 else None
        inputs.append(jobs[i].notebook.pandoc_input if stood is None else stood[0])
        names.append({} if stood is None else stood[1])
    reading = pandoc.read(inputs)
    for i in group:  # while pandoc reads: what needs only the notebook
        rereads.scan_ahead(jobs[i].notebook.node)
    pandoc.writes_in_process()  # and what the first write needs: the writer's import, the version
    return reading, names


def _finished(
    writing: tuple[list[int], dict[int, pf.Doc], pandoc.Writing],
    out: dict[int, Outcome],
    scope: Callable[[Outcome], AbstractContextManager[object]],
) -> Iterator[Outcome]:
    group, docs, write = writing
    bodies = dict(zip(docs, write.results()))
    for i in group:
        done = out.pop(i)
        if i in docs:
            with scope(done):
                try:
                    body = bodies[i]
                    if isinstance(body, PandockitError):
                        raise body
                    done.post = finish(docs[i], body)
                    done.media = resolve(
                        done.job.notebook.node, done.post.media, done.post.clean_media)
                except Exception as exc:  # likewise
                    done.error = about(done.job.notebook.path, exc)
        yield done


def collisions(
    named: Iterable[tuple[Path, str]], posts_dir: str = "_posts"
) -> list[PandockitError]:
    """One error for each notebook of ``named`` (notebook, post stem) whose post another one
    already maps to, naming both (one notebook named twice is no collision). Call it before
    anything is written."""
    given: dict[str, Path] = {}
    pairs = []
    for path, stem in named:
        key = str(Path(path).resolve())
        given.setdefault(key, Path(path))
        pairs.append((key, stem))
    return [
        PandockitError(
            given[second],
            f"maps to the same post as {given[first]} ({posts_dir}/{stem}.md); rename one of "
            "them or set a different 'date' in its front matter",
        )
        for stem, first, second in post_names.find_collisions(pairs)
    ]
