"""Converting one notebook in a test: the conversion ``pandockit convert`` makes, as a function.

pandockit itself has one render loop (:func:`pandockit.convert.render_posts`) and the CLI's
write; these helpers call them for one notebook, so tests need not go through a subprocess.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import panflute as pf

from pandockit import builder, pandoc
from pandockit.config import Options, resolve_options
from pandockit.convert import doc_of, render_posts
from pandockit.job import Job, attach
from pandockit.notebook import Notebook
from pandockit.plan import plan_post, with_read
from pandockit.render import Post
from pandockit.writer import write_post


@dataclass
class Result:
    notebook: Path
    post: Path
    media: list[str]


def convert(
    path: str | Path,
    site: Path,
    options: Options,
    *,
    force: bool = False,
    planned: Job | None = None,
) -> Result:
    """Convert the notebook at ``path`` into ``site`` as ``pandockit convert`` does; raise
    PandockitError on failure. A post pandockit did not write is not replaced unless
    ``force``."""
    job = plan_post(path, options, site) if planned is None else planned
    (done,) = render_posts([job])
    if done.error is not None:
        raise done.error
    target = write_post(
        site, options.posts_dir, options.assets_dir, done.post, done.media, force=force
    )
    media = done.media
    return Result(notebook=Path(path), post=target, media=sorted(media))


def render_notebook(
    notebook: Notebook,
    options: Options,
    site: Path | None = None,
    source_day: str | None = None,
) -> tuple[Post, dict[str, bytes]]:
    """The post and its media bytes for ``notebook`` alone; writes nothing."""
    job = plan_post(notebook.path, options, site, source_day=source_day, notebook=notebook)
    (done,) = render_posts([job])
    if done.error is not None:
        raise done.error
    return done.post, done.media


def prepared(
    doc: pf.Doc,
    notebook: Notebook,
    options: Options,
    site: Path | None = None,
    *,
    source_day: str | None = None,
    links: dict[str, str] | None = None,
) -> pf.Doc:
    """``doc`` (pandoc's read of ``notebook``) with its job attached, as the driver attaches it
    before the pipeline (``links``: the post URLs of the notebooks it links to; none unless
    given), for tests that run single filters in process."""
    job = plan_post(notebook.path, options, site, source_day=source_day,
                    links={} if links is None else links, notebook=notebook)
    attach(doc, with_read(job, doc))
    return doc


def load_doc(notebook: Notebook) -> pf.Doc:
    """pandoc's read of ``notebook`` as a panflute document (nothing filtered)."""
    (parts,) = pandoc.read([notebook.pandoc_input]).results()
    return doc_of(parts)


def traced_build(site: Path, tracer: Callable) -> builder.Summary:
    """``pandockit build -j 1`` of ``site``'s ``_notebooks/``, in this process, with ``tracer``
    as the profile function (``sys.setprofile``) while it runs."""
    options = resolve_options(site)
    sys.setprofile(tracer)
    try:
        return builder.build(site, site / "_notebooks", options, builder.Settings(jobs=1),
                             builder.Reporter(0, io.StringIO()))
    finally:
        sys.setprofile(None)


def run_filter_route(notebook: Path, site: Path, out: Path, filters: list[str],
                     cwd: Path | None = None) -> None:
    """docs/pandoc-filters.md's command: ``pandoc NB -f READER -t markdown --filter ...
    -o OUT`` with this venv's console scripts ``filters`` (raises on failure)."""
    import pypandoc  # only the filter-route tests need it

    from pandockit.pandoc import READER

    cmd = [pypandoc.get_pandoc_path(), str(notebook), "-f", READER, "-t", "markdown"]
    for name in filters:
        cmd += ["--filter", str(Path(sys.executable).parent / name)]
    cmd += ["-M", f"pandockit-notebook={notebook}", "-M", f"pandockit-site={site}", "-o", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, cwd=cwd)
