"""Build a site: convert every notebook of a folder into posts, incrementally and in parallel.

- Incremental: a notebook is converted again only when its key changed. The key is a SHA-256
  of the notebook's bytes, its path in the site, the options that shape a post and pandockit's
  version (never modification times, which checkouts reset); the site's manifest
  (:mod:`pandockit.manifest`) records it with the files written. A notebook whose recorded files
  are missing is converted again too. (A notebook without a date in its name is dated by its
  modification day on its first conversion; later builds keep that post while it is unchanged.)
- Parallel: notebooks are rendered by a process pool (pandoc is the slow part); the parent alone
  writes, in the sorted order of the notebooks, so the result is byte-identical to ``-j 1`` and
  two notebooks that would write the same post are reported, the later one failing.
- Failures are isolated: a notebook that fails is reported with its file and reason, keeps the
  files of its last good conversion, and the others are written; the build's status is 1.
- ``--clean`` removes the files recorded for notebooks that no longer exist; the files a
  notebook's previous conversion wrote and its new one does not (a renamed post, a dropped
  image) are always removed. Nothing the manifest does not list is ever removed.
- The path of a build with nothing to do imports neither panflute nor nbformat and starts no
  pandoc: it reads and hashes the notebooks and stats the recorded files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pandockit import __version__
from pandockit import manifest as mf
from pandockit.config import Options
from pandockit.errors import PandockitError, about
from pandockit.naming import PostClaims
from pandockit.site.check import loads_mathjax

log = logging.getLogger("pandockit")

#: Options that steer the build, not the text of a post: left out of the incremental key.
BUILD_KEYS = ("notebooks-dir", "recursive", "jobs", "clean")


@dataclass(frozen=True)
class Settings:
    """How to build: the switches of ``pandockit build`` that are not conversion options."""

    jobs: int = 0  # 0: one per core
    force: bool = False
    dry_run: bool = False
    clean: bool = False
    wait: bool = True  # wait for another build of the same site instead of failing
    verbosity: int = 0  # -1 quiet, 0 normal, 1+ verbose


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


# -- finding notebooks and deciding what to do ------------------------------------------------


def discover(folder: Path, recursive: bool = True) -> list[Path]:
    """Every ``.ipynb`` under ``folder``, recursively (else only those directly in it, as
    fastpages read ``_notebooks/*.ipynb``: its blogs keep data, drafts and scratch notebooks in
    subfolders), skipping hidden folders (and with them ``.ipynb_checkpoints``) and hidden
    files; sorted."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if recursive and not d.startswith("."))
        found.extend(
            Path(root) / name
            for name in files
            if name.endswith(".ipynb") and not name.startswith(".")
        )
    return sorted(found, key=lambda p: p.as_posix())


def options_text(options: Options) -> str:
    """The options that shape a post, as canonical text (part of the incremental key)."""
    values = {k: v for k, v in options.values.items() if k not in BUILD_KEYS}
    return json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)


def build_key(data: bytes, rel: str, opts: str) -> str:
    """The incremental key of a notebook: its bytes, site path, options and pandockit version."""
    digest = hashlib.sha256()
    for part in (__version__.encode(), rel.encode(), opts.encode(), data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _up_to_date(site: Path, entry: mf.Entry | None, key: str) -> bool:
    if entry is None or entry.key != key:
        return False
    if not all(os.path.exists(_site_file(site, f)) for f in entry.files()):
        return False
    return all(_sha256_of(path) == digest for path, digest in entry.deps.items())


def _sha256_of(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def local_deps(post_media: dict[str, str], media: dict[str, bytes]) -> dict[str, str]:
    """The local files a post copied (absolute path -> SHA-256 of the bytes it copied)."""
    return {
        os.path.abspath(source[len("file:") :]): hashlib.sha256(media[name]).hexdigest()
        for name, source in sorted(post_media.items())
        if source.startswith("file:") and name in media
    }


def _site_file(site: Path, rel: str) -> Path:
    return Path(rel) if os.path.isabs(rel) else site / rel


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


# -- rendering (in a worker process, or in process for -j 1) ----------------------------------


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


def render_tasks(tasks: list[Task], batch: int | None = None) -> Iterator[Rendered]:
    """Read and render ``tasks`` (one build's: same site and options), yielding each answer in
    order; never raises (a failure is the answer's ``error``). pandoc reads and writes them in
    batches of ``batch`` (:func:`pandockit.convert.render_posts`; None: its default)."""
    if not tasks:
        return
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
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops workers


#: Most notebooks a worker process is given at a time (one pandoc read and one write for all).
CHUNK = 32


def chunk_size(tasks: int, jobs: int) -> int:
    """Notebooks per worker task: about two tasks per worker, so that each pandoc start is
    shared by many notebooks (measured on 100 notebooks, 2 workers: chunks of 25 take 3.4 s
    of CPU, of 8 take 3.8 s) and the workers still finish close together."""
    return max(1, min(CHUNK, -(-tasks // (2 * jobs))))


def _rendered(tasks: list[Task], jobs: int) -> Iterator[Rendered]:
    """Render ``tasks``, yielding answers in the order of ``tasks`` (whatever finishes first)."""
    if jobs <= 1 or len(tasks) <= 1:
        yield from render_tasks(tasks)
        return
    import concurrent.futures as cf

    import pandockit.convert  # noqa: F401  (imported once here, inherited by forked workers)
    from pandockit import pandoc

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


# -- reporting --------------------------------------------------------------------------------


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


# -- the build --------------------------------------------------------------------------------


class _Build:
    """One build of one site (state shared by the steps below)."""

    def __init__(
        self, site: Path, options: Options, settings: Settings, reporter: Reporter
    ) -> None:
        self.site = site
        self.options = options
        self.settings = settings
        self.report = reporter
        self.summary = Summary(dry_run=settings.dry_run)
        self.manifest = mf.load(site)
        self.claims = PostClaims()  # post (site path) -> notebook writing it this build
        self.changed = False

    def plan(self, notebooks: list[Path]) -> list[Task]:
        opts = options_text(self.options)
        tasks = []
        for path in notebooks:
            rel = mf.relative(self.site, path)
            try:
                data = path.read_bytes()
            except OSError as exc:
                self._fail(rel, f"{path}: cannot read: {exc.strerror or exc}")
                continue
            key = build_key(data, rel, opts)
            entry = self.manifest.entries.get(rel)
            if not self.settings.force and _up_to_date(self.site, entry, key):
                self.summary.skipped.append(rel)
                self.report.say(f"up to date {rel}", level=2)
                continue
            level = log.getEffectiveLevel()
            tasks.append(Task(str(path), rel, key, self.site, self.options, level))
        todo = {t.rel for t in tasks}
        for rel, entry in self.manifest.entries.items():
            if rel not in todo and os.path.exists(_site_file(self.site, rel)):
                self.claims.claim(rel, entry.post)  # a live notebook keeps its post
        return tasks

    def run(self, tasks: list[Task], jobs: int) -> None:
        with self.report.progress(len(tasks)):
            for result in _rendered(tasks, jobs):
                for level, message in result.logs:
                    log.log(level, "%s", _naming(message, result.rel))
                if result.error is not None:
                    self._fail(result.rel, result.error)
                else:
                    self._apply(result)

    def _fail(self, rel: str, reason: str) -> None:
        self.summary.failed.append((rel, reason))
        log.error("%s", reason)
        if self.report.bar is not None:
            self.report.bar.update(1)

    def _apply(self, result: Rendered) -> None:
        from pandockit.writer import asset_folder, check_overwrite, post_path, write_post

        opts, site, force = self.options, self.site, self.settings.force
        post_rel = mf.relative(site, post_path(site, opts["posts-dir"], result.post.stem))
        folder = asset_folder(site, opts["assets-dir"], result.post.stem)
        media_rel = sorted(mf.relative(site, folder / name) for name in result.media)
        owner = self.claims.claim(result.rel, post_rel)
        if owner is not None:
            self._fail(result.rel, f"{result.rel}: would overwrite {post_rel}, written for {owner}")
            return
        count = len(media_rel)
        images = f" (+{count} image{'s' if count > 1 else ''})" if count else ""
        try:
            if self.settings.dry_run:
                check_overwrite(post_path(site, opts["posts-dir"], result.post.stem), force)
            else:
                write_post(
                    site, opts["posts-dir"], opts["assets-dir"], result.post, result.media,
                    force=force,
                )
        except PandockitError as exc:
            self._fail(result.rel, str(exc))
            return
        if self.settings.dry_run:
            self.report.step(f"would write {post_rel}{images} from {result.rel}")
        else:
            self.report.step(f"converted {result.rel} -> {post_rel}{images}")
        old = self.manifest.entries.get(result.rel)
        deps = local_deps(result.post.media, result.media)
        self.manifest.entries[result.rel] = mf.Entry(result.key, post_rel, media_rel, deps)
        self.changed = True
        self.summary.converted.append(result.rel)
        if result.post.needs.get("math") or result.post.needs.get("mathjax"):
            self.summary.math_posts += 1
        if old is not None:
            self._remove([f for f in old.files() if f not in (post_rel, *media_rel)])

    def clean(self) -> None:
        """Forget notebooks that are gone; with ``--clean`` also remove the files they had."""
        gone = [
            rel
            for rel in self.manifest.entries
            if not os.path.exists(_site_file(self.site, rel))
        ]
        if gone and not self.settings.clean:
            self.report.say(
                f"note: {len(gone)} notebook(s) in the manifest are gone; "
                "'pandockit build --clean' removes their posts"
            )
            return
        for rel in gone:
            entry = self.manifest.entries.pop(rel)
            self.changed = True
            self._remove(entry.files())

    def _remove(self, files: list[str]) -> None:
        """Remove files pandockit wrote that no live notebook's entry still lists."""
        owned = {f for e in self.manifest.entries.values() for f in e.files()}
        posts_root = (self.site / self.options["posts-dir"]).resolve()
        folders = set()
        for rel in files:
            if rel in owned:
                continue
            path = _site_file(self.site, rel)
            if not path.exists():
                continue
            if path.parent.resolve() != posts_root:
                folders.add(path.parent)  # a post's asset folder
            self.summary.removed.append(rel)
            if self.settings.dry_run:
                self.report.say(f"would remove {rel}")
                continue
            try:
                path.unlink()
            except OSError as exc:
                log.warning("%s: cannot remove: %s", path, exc.strerror or exc)
                continue
            self.report.say(f"removed {rel}")
        if not self.settings.dry_run:
            for folder in sorted(folders, reverse=True):
                _remove_if_empty(folder, self.site)


def _remove_if_empty(folder: Path, site: Path) -> None:
    """Remove a post's asset folder once its last image is gone (never the site itself), with
    the writer's list of the images it wrote there."""
    from pandockit.writer import MEDIA_MANIFEST

    if folder.resolve() == site.resolve():
        return
    try:
        left = [p.name for p in folder.iterdir()]
        if left == [MEDIA_MANIFEST]:
            (folder / MEDIA_MANIFEST).unlink()
            left = []
        if not left:
            folder.rmdir()
    except OSError:
        pass


def _naming(message: str, rel: str) -> str:
    """A worker's log message, prefixed with its notebook unless it names a file already."""
    head = message.split(":", 1)[0]
    return message if head.endswith(".ipynb") or "/" in head else f"{rel}: {message}"


def jobs_for(settings: Settings, options: Options) -> int:
    """The number of worker processes: ``-j``, else the ``jobs`` option, else the cores."""
    jobs = settings.jobs or int(options.values.get("jobs") or 0)
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def build(
    site: Path,
    notebook_dir: Path,
    options: Options,
    settings: Settings | None = None,
    reporter: Reporter | None = None,
) -> Summary:
    """Convert the notebooks under ``notebook_dir`` into ``site`` (see the module docstring).

    Holds the site's build lock (except for a dry run, which writes nothing, not even a lock),
    and saves the manifest even when interrupted, so finished posts are not converted again.
    """
    settings = settings or Settings()
    reporter = reporter or Reporter(settings.verbosity)
    settings = dataclasses.replace(settings, clean=settings.clean or _opt_clean(options))
    started = time.perf_counter()
    if not notebook_dir.is_dir():
        raise PandockitError(notebook_dir, "notebook folder not found")
    from pandockit.lock import site_lock

    with nullcontext() if settings.dry_run else site_lock(site, wait=settings.wait):
        run = _Build(site, options, settings, reporter)
        try:
            tasks = run.plan(discover(notebook_dir, bool(options.values.get("recursive", True))))
            run.run(tasks, jobs_for(settings, options))
            run.clean()
        finally:
            if run.changed and not settings.dry_run:
                run.manifest.save()
    run.summary.seconds = time.perf_counter() - started
    return run.summary


def _opt_clean(options: Options) -> bool:
    return bool(options.values.get("clean", False))


def build_site(
    site: Path,
    notebook_dir: Path | None,
    cli_options: dict[str, Any],
    settings: Settings,
    reporter: Reporter | None = None,
) -> int:
    """Resolve the options, build once, print the summary; return the exit status: 0, 1 when a
    notebook (or the configuration) failed, 2 when the site or notebook folder is missing."""
    from pandockit.config import resolve_options

    reporter = reporter or Reporter(settings.verbosity)
    if not site.is_dir():
        log.error("%s: site folder not found", site)
        return 2
    try:
        options = resolve_options(site, cli_options)
        folder = notebook_dir or site / str(options.values.get("notebooks-dir", "_notebooks"))
        if not folder.is_dir():
            log.error("%s: notebook folder not found", folder)
            return 2
        summary = build(site, folder, options, settings, reporter)
    except PandockitError as exc:
        log.error("%s", exc)
        return 1
    if summary.math_posts and not settings.dry_run and not loads_mathjax(site):
        log.warning(
            "%s: %d post%s with math, but the site's pages load no MathJax: run 'pandockit init'",
            site, summary.math_posts, "s" if summary.math_posts > 1 else "",
        )
    reporter.say(summary.line())
    return summary.status


def notebook_folder(site: Path, notebook_dir: Path | None, cli_options: dict[str, Any]) -> Path:
    """The notebook folder a build of ``site`` reads (for the watcher)."""
    if notebook_dir is not None:
        return notebook_dir
    from pandockit.config import resolve_options

    try:
        options = resolve_options(site, cli_options)
    except PandockitError:
        return site / "_notebooks"
    return site / str(options.values.get("notebooks-dir", "_notebooks"))

