"""One build of a site: plan what to convert, apply the rendered posts, remove what is stale,
save the manifest; and the exit status of ``pandockit build``.

The parent alone writes, in the sorted order of the notebooks, so two notebooks that would
write the same post are reported, the later one failing. A notebook that fails keeps the files
of its last good conversion. The files a notebook's previous conversion wrote and its new one
does not (a renamed post, a dropped image) are removed; ``--clean`` removes those of notebooks
that are gone. Nothing pandockit did not write is ever removed: the manifest records each
notebook's post and asset folder, and the writer's list in that folder its images.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pandockit import manifest as mf
from pandockit.builder.discover import (
    build_key,
    discover,
    local_deps,
    options_text,
    site_file,
    site_text,
    up_to_date,
)
from pandockit.builder.report import Reporter, Summary
from pandockit.builder.workers import Answer, Task, start_pool, with_notebook
from pandockit.config import Options, resolve_options, with_post_site
from pandockit.errors import PandockitError
from pandockit.lock import site_lock
from pandockit.post_names import PostClaims
from pandockit.safe_write import inside, sweep_temp
from pandockit.writer import (
    PostNames,
    asset_folder,
    check_inside,
    check_overwrite,
    is_pandockit_post,
    post_path,
    record_media,
    write_post,
    written_media,
)

log = logging.getLogger("pandockit")

#: The files that make a folder a Jekyll site.
SITE_CONFIGS = ("_config.yml", "_config.yaml")


@dataclass(frozen=True)
class Settings:
    """How to build: the switches of ``pandockit build`` that are not conversion options."""

    jobs: int = 0  # 0: one per core
    force: bool = False
    dry_run: bool = False
    clean: bool = False
    wait: bool = True  # wait for another build of the same site instead of failing
    verbosity: int = 0  # -1 quiet, 0 normal, 1+ verbose
    rebuild: bool = False  # a --watch rebuild: one line when it starts, nothing when idle


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
        self.posts = site / options.posts_dir
        self.assets = site / options.assets_dir
        check_inside(site, self.posts)  # a symlink leading out: nothing is written there
        check_inside(site, self.assets)
        self.post_names = PostNames(self.posts)  # the posts a new one must not shadow
        if not settings.dry_run:
            self._sweep()
        self._migrate()

    def _sweep(self) -> None:
        """Remove the temp files a killed build or convert left (in the folders builds write)."""
        folders = [self.posts, self.assets, self.site / mf.STATE_DIR]
        try:
            folders += sorted(p for p in self.assets.iterdir() if p.is_dir())
        except OSError:
            pass
        for folder in folders:
            for path in sweep_temp(folder):
                self.report.say(f"removed {mf.relative(self.site, path)} (left by a killed run)")

    def refusal(self, path: Path, kind: str) -> str | None:
        """Why file ``path`` (a ``post``, or an ``image`` of an asset folder) named by the
        manifest must not be removed; None when it may. A build removes only posts of the
        posts folder whose front matter says ``generator: pandockit``, and images in a folder
        of the assets folder (listed there by the writer): the manifest may come from anyone."""
        if kind == "post":
            if not inside(path.parent, self.posts):
                return f"it is outside the posts folder ({self.options.posts_dir})"
            if not is_pandockit_post(path):
                return "it was not written by pandockit (no 'generator: pandockit')"
            return None
        return self.folder_refusal(path.parent)

    def folder_refusal(self, folder: Path) -> str | None:
        """Why asset folder ``folder`` is not one whose images a build may remove (None: it
        is one): it must be a folder of the assets folder (symlinks resolved)."""
        if not inside(folder, self.assets) or inside(self.assets, folder):
            return f"it is outside the assets folder ({self.options.assets_dir})"
        return None

    def _migrate(self) -> None:
        """A manifest of format 1 also listed each post's images: the writer's list in the
        asset folder is their one record now, so any image it lacks joins it (once; the
        manifest is saved without them)."""
        for entry in self.manifest.entries.values():
            if entry.legacy_media is None:
                continue
            self.changed = True
            if self.settings.dry_run or not entry.assets:
                continue
            folder = site_file(self.site, entry.assets)
            if self.folder_refusal(folder) is not None:
                continue
            listed = written_media(folder)
            names = listed | {
                Path(rel).name
                for rel in entry.legacy_media
                if site_file(self.site, rel).parent == folder and site_file(self.site, rel).exists()
            }
            if names != listed:
                try:
                    record_media(folder, names)
                except PandockitError as exc:
                    log.warning("%s", exc)

    def plan(self, notebooks: list[Path]) -> list[Task]:
        # the key: the options and the site facts posts read (repository, layouts that render a
        # TOC or badges); the layout the site gives posts is not in it
        opts = options_text(self.options) + site_text(self.site)
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
            if not self.settings.force and up_to_date(self.site, entry, key):
                self.summary.skipped.append(rel)
                self.report.say(f"up to date {rel}", level=2)
                continue
            level = log.getEffectiveLevel()
            self.options = with_post_site(  # once, for every worker
                self.options, self.site, remember=not self.settings.dry_run)
            tasks.append(Task(str(path), rel, key, self.site, self.options, level))
        todo = {t.rel for t in tasks}
        for rel, entry in self.manifest.entries.items():
            if rel not in todo and os.path.exists(site_file(self.site, rel)):
                self.claims.claim(rel, entry.post)  # a live notebook keeps its post
        return tasks

    def gone(self) -> list[str]:
        """The notebooks the manifest records that no longer exist."""
        entries = self.manifest.entries
        return [rel for rel in entries if not os.path.exists(site_file(self.site, rel))]

    def announce(self, tasks: list[Task]) -> None:
        """A watch's rebuild: one line saying what starts it (nothing when nothing changed)."""
        changed = [t.rel for t in tasks] + (self.gone() if self.settings.clean else [])
        if not changed:
            return
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        names = ", ".join(changed[:3]) + more
        self.report.say(f"rebuilding: {names}")

    def run(self, tasks: list[Task], jobs: int) -> None:
        """Render ``tasks`` and apply each answer in order. Interrupted (Ctrl-C, SIGTERM), it
        ends the workers at once and still applies the answers they had finished."""
        with self.report.progress([t.rel for t in tasks]), start_pool(tasks, jobs) as answers:
            try:
                for result in answers:
                    self._take(result)
            except KeyboardInterrupt:
                answers.stop()
                for result in answers.finished():
                    self._take(result)
                raise

    def _take(self, result: Answer) -> None:
        for level, message in result.logs:
            log.log(level, "%s", with_notebook(message, result.rel))
        if result.error is not None:
            self._fail(result.rel, result.error)
        else:
            self._apply(result)

    def _fail(self, rel: str, reason: str) -> None:
        self.summary.failed.append((rel, reason))
        log.error("%s", reason)
        self.report.skip()

    def _apply(self, result: Answer) -> None:
        opts, site = self.options, self.site
        post_rel = mf.relative(site, post_path(site, opts["posts-dir"], result.post.stem))
        folder = asset_folder(site, opts["assets-dir"], result.post.stem)
        assets_rel = mf.relative(site, folder)
        count = len(result.media)
        owner = self.claims.claim(result.rel, post_rel)
        if owner is not None:
            self._fail(result.rel, f"{result.rel}: would overwrite {post_rel}, written for {owner}")
            return
        images = f" (+{count} image{'s' if count > 1 else ''})" if count else ""
        try:
            if self.settings.dry_run:
                target = post_path(site, opts["posts-dir"], result.post.stem)
                check_overwrite(target, posts=self.post_names)
            else:
                write_post(  # never --force: a build replaces only its own posts
                    site, opts["posts-dir"], opts["assets-dir"], result.post, result.media,
                    posts=self.post_names,
                )
        except PandockitError as exc:
            self._fail(result.rel, str(exc))
            return
        # Recorded before it is reported: a Ctrl-C right after the line leaves it recorded.
        old = self.manifest.entries.get(result.rel)
        deps = local_deps(result.post.media, result.media)
        self.manifest.entries[result.rel] = mf.Entry(result.key, post_rel, assets_rel, deps)
        self.changed = True
        if self.settings.dry_run:
            self.report.step(f"would write {post_rel}{images} from {result.rel}")
        else:
            self.report.step(f"converted {result.rel} -> {post_rel}{images}")
        self.summary.converted.append(result.rel)
        if result.post.needs.get("math") or result.post.needs.get("mathjax"):
            self.summary.math_posts += 1
        layout = result.post.layout
        if layout is not None:
            self.summary.layouts[layout] = self.summary.layouts.get(layout, 0) + 1
        if old is not None:  # what it wrote before and not now (the writer pruned a folder it
            # wrote again; a dry run reports what it would have pruned)
            same = old.assets == assets_rel
            self._remove(
                result.rel,
                old.post if old.post != post_rel else None,
                old.assets or None,
                keep=set(result.media) if same else set(),
            )

    def clean(self) -> None:
        """Forget notebooks that are gone; with ``--clean`` also remove the files they had."""
        gone = self.gone()
        if gone and not self.settings.clean:
            if self.settings.rebuild:
                return  # said by the first build of the watch
            self.report.say(
                f"note: {len(gone)} notebook(s) in the manifest are gone; "
                "'pandockit build --clean' removes their posts"
            )
            return
        for rel in gone:
            entry = self.manifest.entries.pop(rel)
            self.changed = True
            self._remove(rel, entry.post, entry.assets or None)

    def _remove(
        self, rel: str, post: str | None, assets: str | None, keep: set[str] | None = None
    ) -> None:
        """Remove notebook ``rel``'s old ``post`` and the images its old asset folder's list
        records but ``keep`` lacks (images first), unless another notebook's entry has that
        post or folder now; the folder goes once empty."""
        others = [e for nb, e in self.manifest.entries.items() if nb != rel]
        files: list[str] = []
        folder = None
        if assets and assets not in {e.assets for e in others}:
            folder = site_file(self.site, assets)
            names = sorted(written_media(folder) - (keep or set()))
            why = self.folder_refusal(folder) if names else None
            if why is not None:
                log.warning("%s: its images are not removed: %s", folder, why)
                names = []
            files += [mf.relative(self.site, folder / name) for name in names]
            if not names:
                folder = None  # nothing of it to remove
        if post and post not in {e.post for e in others}:
            files.append(post)
        for file in files:
            path = site_file(self.site, file)
            if not path.exists():
                continue
            why = self.refusal(path, "post" if file == post else "image")
            if why is not None:
                log.warning("%s: not removed: %s", path, why)
                continue
            self.summary.removed.append(file)
            if self.settings.dry_run:
                self.report.say(f"would remove {file}")
                continue
            try:
                path.unlink()
            except OSError as exc:
                log.warning("%s: cannot remove: %s", path, exc.strerror or exc)
                continue
            self.report.say(f"removed {file}")
        if folder is not None and not self.settings.dry_run and not self.folder_refusal(folder):
            _forget_media(folder, self.site)


def _forget_media(folder: Path, site: Path) -> None:
    """Update the writer's list of a post's asset folder after its images were removed (what
    could not be removed stays listed), and remove the folder once empty (never the site)."""
    left = {name for name in written_media(folder) if (folder / name).exists()}
    try:
        record_media(folder, left)
    except PandockitError as exc:
        log.warning("%s", exc)
        return
    if folder.resolve() == site.resolve():
        return
    try:
        folder.rmdir()  # only if empty: files pandockit did not write stay, and so does it
    except OSError:
        pass


def jobs_for(settings: Settings, options: Options) -> int:
    """The number of worker processes: ``-j``, else the ``jobs`` option, else the cores."""
    jobs = settings.jobs or options.jobs
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def build(
    site: Path,
    notebook_dir: Path,
    options: Options,
    settings: Settings | None = None,
    reporter: Reporter | None = None,
    *,
    missing_ok: bool = False,
) -> Summary:
    """Convert the notebooks under ``notebook_dir`` into ``site`` (see :mod:`pandockit.builder`);
    with ``missing_ok``, a missing ``notebook_dir`` holds no notebooks (posts of notebooks that
    were there are still cleaned).

    Holds the site's build lock (except for a dry run, which writes nothing, not even a lock),
    and saves the manifest even when interrupted, so finished posts are not converted again.
    """
    settings = settings or Settings()
    reporter = reporter or Reporter(settings.verbosity)
    settings = dataclasses.replace(settings, clean=settings.clean or _opt_clean(options))
    started = time.perf_counter()
    if not notebook_dir.is_dir() and not missing_ok:
        raise PandockitError(notebook_dir, "notebook folder not found")
    with nullcontext() if settings.dry_run else site_lock(site, wait=settings.wait):
        run = _Build(site, options, settings, reporter)
        try:
            found = (
                discover(notebook_dir, options.recursive)
                if notebook_dir.is_dir() else []
            )
            run.summary.notebooks = len(found)
            tasks = run.plan(found)
            if settings.rebuild:
                run.announce(tasks)
            run.run(tasks, jobs_for(settings, options))
            run.clean()
            if options.self_host and not settings.dry_run:
                _self_host(site, options, reporter)
        finally:
            if run.changed and not settings.dry_run:
                run.manifest.save()
    if run.options.post_site is not None:
        run.summary.site_layouts = run.options.post_site.layouts
    run.summary.seconds = time.perf_counter() - started
    return run.summary


def missing_layouts(summary: Summary) -> str | None:
    """The one warning about posts written with a layout the site and its theme lack."""
    known = summary.site_layouts
    if not known:
        return None  # the theme is not found here, or no layout at all: nothing to check
    missing = sorted(name for name in summary.layouts if name not in known)
    if not missing:
        return None
    count = sum(summary.layouts[name] for name in missing)
    names = ", ".join(f"'{name}'" for name in missing)
    have = ", ".join(sorted(known)) or "none"
    return (
        f"{count} post{'s' if count > 1 else ''} name{'' if count > 1 else 's'} the layout "
        f"{names}, which neither the site nor its theme has (it has: {have}): Jekyll shows "
        "such a post without its theme; set another 'layout' (or none) in the notebook or in "
        "'pandockit: front-matter:'"
    )


def _self_host(site: Path, options: Options, reporter: Reporter) -> None:
    # Imported here: only a self-hosted site's build needs it (tarfile, the lock).
    from pandockit import selfhost

    added, removed = selfhost.sync(site, options.posts_dir)
    for folder in added:
        reporter.say(f"self-hosted {selfhost.LIB_DIR}/{folder}")
    for folder in removed:
        reporter.say(f"removed {selfhost.LIB_DIR}/{folder} (no post uses it)")
    for url in selfhost.head_cdn_urls(site):
        log.warning("%s: the head include loads %s from a CDN: run 'pandockit init --self-host'",
                    site, url)


def _opt_clean(options: Options) -> bool:
    return options.clean


def _loads_mathjax(site: Path) -> bool:
    # Imported here for start-up time: only a build that wrote posts with math asks (the site
    # check reads package data and may run Ruby; 10 ms of imports a no-op build never needs).
    from pandockit.site.check import loads_mathjax

    return loads_mathjax(site)


def build_site(
    site: Path,
    notebook_dir: Path | None,
    cli_options: dict[str, Any],
    settings: Settings,
    reporter: Reporter | None = None,
) -> int:
    """Resolve the options, build once, print the summary; return the exit status: 0, 1 when a
    notebook (or the configuration) failed, 2 when the site is missing or not a Jekyll site, or
    the notebook folder given is missing. The site's own notebook folder may be missing or
    empty: "no notebooks yet", status 0 (a new site, a repository without notebooks in CI)."""
    reporter = reporter or Reporter(settings.verbosity)
    problem = site_problem(site)
    if problem is not None:
        log.error("%s: %s", site, problem)
        return 2
    try:
        options = resolve_options(site, cli_options)
        folder = notebook_dir or site / options.notebooks_dir
        if notebook_dir is not None and not folder.is_dir():
            log.error("%s: notebook folder not found", folder)
            return 2
        summary = build(site, folder, options, settings, reporter, missing_ok=True)
    except PandockitError as exc:
        log.error("%s", exc)
        return 1
    missing = missing_layouts(summary)
    if missing is not None:
        log.warning("%s: %s", site, missing)
    if summary.math_posts and not settings.dry_run and not _loads_mathjax(site):
        log.warning(
            "%s: %d post%s with math, but the site's pages load no MathJax: run 'pandockit init'",
            site, summary.math_posts, "s" if summary.math_posts > 1 else "",
        )
    if summary.notebooks == 0 and not summary.removed and not summary.failed:
        if not settings.rebuild:
            reporter.say(f"no notebooks yet: put .ipynb files in {mf.relative(site, folder)}/")
        return summary.status
    if settings.rebuild and not (summary.converted or summary.failed or summary.removed):
        return summary.status  # a save that changed nothing: nothing to say
    reporter.say(summary.line())
    return summary.status


def site_problem(site: Path) -> str | None:
    """Why ``site`` cannot be built (no such folder, not a Jekyll site), or None."""
    if not site.is_dir():
        return "site folder not found"
    if not any((site / name).is_file() for name in SITE_CONFIGS):
        return "not a Jekyll site (no _config.yml): run 'jekyll new' first"
    return None


def notebook_folder(site: Path, notebook_dir: Path | None, cli_options: dict[str, Any]) -> Path:
    """The notebook folder a build of ``site`` reads (for the watcher)."""
    if notebook_dir is not None:
        return notebook_dir
    try:
        options = resolve_options(site, cli_options)
    except PandockitError:
        return site / "_notebooks"
    return site / options.notebooks_dir
