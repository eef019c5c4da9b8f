"""Build a site: convert every notebook of a folder into posts, incrementally and in parallel.

- Incremental: a notebook is converted again only when its key changed
  (:mod:`pandockit.builder.discover`: a SHA-256 of the notebook's bytes, its path in the site,
  the options that shape a post and pandockit's version, never modification times, which
  checkouts reset); the site's manifest (:mod:`pandockit.manifest`) records it with the post
  written. A notebook whose written files are missing is converted again too. (A notebook
  without a date in its name is dated by its modification day on its first conversion; later
  builds keep that post while it is unchanged.)
- Parallel: notebooks are rendered by a process pool (:mod:`pandockit.builder.workers`; pandoc is
  the slow part); the parent alone writes (:mod:`pandockit.builder.run`), in the sorted order of
  the notebooks, so the result is byte-identical to ``-j 1`` and two notebooks that would write
  the same post are reported, the later one failing.
- Failures are isolated: a notebook that fails is reported with its file and reason, keeps the
  files of its last good conversion, and the others are written; the build's status is 1.
- ``--clean`` removes the files recorded for notebooks that no longer exist; the files a
  notebook's previous conversion wrote and its new one does not (a renamed post, a dropped
  image) are always removed. Nothing pandockit did not record is ever removed, and of what the
  manifest records (it may come with the site's files from anyone) only pandockit's posts in
  the posts folder and the listed images of a post folder in the assets folder.
- Stopped (Ctrl-C, SIGTERM), a build ends its workers at once and keeps what they finished;
  killed, it takes its workers along (:class:`pandockit.builder.workers.Pool`); the next
  build removes the temp files a killed one left (:func:`pandockit.safe_write.sweep_temp`).
- Progress and the summary line: :mod:`pandockit.builder.report`.
- The path of a build with nothing to do imports neither panflute nor nbformat and starts no
  pandoc: it reads and hashes the notebooks, reads each post folder's list of images and
  stats the recorded files.

This package's names are the ones its callers (the CLI, the watcher, tests) use.
"""

from __future__ import annotations

from pandockit.builder.discover import (
    BUILD_KEYS,
    build_key,
    discover,
    local_deps,
    options_text,
    written_files,
)
from pandockit.builder.report import Reporter, Summary
from pandockit.builder.run import (
    Settings,
    build,
    build_site,
    jobs_for,
    notebook_folder,
    site_problem,
)
from pandockit.builder.workers import CHUNK, Answer, Task, chunk_sizes, render_tasks

__all__ = [
    "BUILD_KEYS",
    "CHUNK",
    "Answer",
    "Reporter",
    "Settings",
    "Summary",
    "Task",
    "build",
    "build_key",
    "build_site",
    "chunk_sizes",
    "discover",
    "jobs_for",
    "local_deps",
    "notebook_folder",
    "options_text",
    "render_tasks",
    "site_problem",
    "written_files",
]
