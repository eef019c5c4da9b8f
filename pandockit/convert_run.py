"""One ``pandockit convert`` run: name every post, refuse collisions and shadowing before
anything is written, then render each notebook and write its post.

:mod:`pandockit.cli` parses the arguments and resolves the options; the rendering is
:mod:`pandockit.convert`'s and the writing :mod:`pandockit.writer`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from pandockit.config import Options, with_post_site
from pandockit.convert import collisions, render_posts
from pandockit.errors import PandockitError, about
from pandockit.job import Job
from pandockit.plan import plan_post
from pandockit.writer import PostNames, post_path, write_post

log = logging.getLogger("pandockit")


def convert_notebooks(
    notebooks: Iterable[str | Path], site: Path, options: Options, *, force: bool = False,
    quiet: bool = False,
) -> bool:
    """Convert ``notebooks`` into posts of ``site``, printing each post written (not when
    ``quiet``: errors only). False when any notebook failed; nothing is written when two
    notebooks would write one post or a post would shadow one pandockit did not write."""
    ok = True
    planned = []
    options = with_post_site(options, site, remember=True)  # found once, for every notebook
    for nb in notebooks:  # name every post before anything is written
        try:
            planned.append(plan_post(nb, options, site))  # its job: planned once
        except PandockitError as exc:
            log.error("%s", about(nb, exc))
            ok = False
    clashes = collisions(((job.notebook.path, job.stem) for job in planned), options.posts_dir)
    clashes += shadowing(planned, site, options.posts_dir)
    for exc in clashes:
        log.error("%s", exc)
    if clashes:
        return False
    for done in _written(planned, site, options, force=force, quiet=quiet):
        ok = ok and done
    return ok


def shadowing(planned: list[Job], site: Path, posts_dir: str) -> list[PandockitError]:
    """One error for each planned post that would shadow a post of the same date and name
    pandockit did not write (``2020-01-02-x.markdown``): found before anything is written."""
    found = []
    names = PostNames(site / posts_dir)
    for plan in planned:
        target = post_path(site, posts_dir, plan.stem)
        others = names.shadowed(target)
        if others:
            which = ", ".join(str(p) for p in others)
            found.append(PandockitError(
                plan.notebook.path,
                f"its post {target} would shadow {which}, a post not written by pandockit with "
                "the same date and name (Jekyll would publish only one of them); rename one",
            ))
    return found


def _written(
    planned: list[Job], site: Path, options: Options, *, force: bool, quiet: bool
) -> Iterator[bool]:
    """Render and write each planned notebook, printing its post (not when ``quiet``); yield
    whether each worked."""
    names = PostNames(site / options.posts_dir)
    for done in render_posts(planned):
        try:
            if done.error is not None:
                raise done.error
            target = write_post(
                site, options.posts_dir, options.assets_dir, done.post, done.media,
                force=force, posts=names,
            )
        except PandockitError as exc:
            log.error("%s", about(done.job.notebook.path, exc))
            yield False
            continue
        if not quiet:
            print(target)
        yield True
