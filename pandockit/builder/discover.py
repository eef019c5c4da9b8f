"""What a build converts: the notebooks of a folder, and the incremental key that says which
changed.

The key is a SHA-256 of the notebook's bytes, its path in the site, the options that shape a
post, what the site says about the top of its posts (its repository, its layouts' own TOC and
badges) and pandockit's version (never modification times, which checkouts reset). A notebook is
up to date when the manifest records that key and every file its conversion wrote is still
there, and the local images it copied are unchanged. Imports nothing heavy: this is the path of
a build with nothing to do.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from pandockit import __version__, site_facts
from pandockit import manifest as mf
from pandockit.config import Options
from pandockit.writer import written_media

#: Options that steer the build, not the text of a post: left out of the incremental key.
BUILD_KEYS = ("notebooks-dir", "recursive", "jobs", "clean", "install")


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
    values = {k: v for k, v in options.items() if k not in BUILD_KEYS}
    return json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)


def site_text(site: Path) -> str:
    """What the site says about the top of its posts (:func:`pandockit.site_facts.facts`:
    layouts that render a TOC or badges, repository, branch) as canonical text (part of the
    incremental key: a new ``repository:`` rebuilds the posts whose badges link to it)."""
    facts = {k: v for k, v in site_facts.facts(site).items() if k != "git-top"}
    return json.dumps(facts, sort_keys=True, ensure_ascii=False)


def build_key(data: bytes, rel: str, opts: str) -> str:
    """The incremental key of a notebook: its bytes, site path, options and pandockit version."""
    digest = hashlib.sha256()
    for part in (__version__.encode(), rel.encode(), opts.encode(), data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def up_to_date(site: Path, entry: mf.Entry | None, key: str) -> bool:
    """Whether ``entry`` (the manifest's, for one notebook) is of ``key``, the files its
    conversion wrote all exist, and the local files it copied are unchanged."""
    if entry is None or entry.key != key:
        return False
    if not os.path.exists(site_file(site, entry.post)):
        return False
    if entry.assets:  # the images the writer's list in the post's folder records
        folder = site_file(site, entry.assets)
        if not all(os.path.exists(folder / name) for name in written_media(folder)):
            return False
    return all(sha256_of(path) == digest for path, digest in entry.deps.items())


def sha256_of(path: str) -> str | None:
    """The SHA-256 of a regular file (None for anything else: the manifest names the file,
    and a device or a pipe named there must not make a build read for ever)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO: no waiting
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return hashlib.sha256(fh.read()).hexdigest()
        except OSError:
            return None


def local_deps(post_media: dict[str, str], media: dict[str, bytes]) -> dict[str, str]:
    """The local files a post copied (absolute path -> SHA-256 of the bytes it copied)."""
    return {
        os.path.abspath(source[len("file:") :]): hashlib.sha256(media[name]).hexdigest()
        for name, source in sorted(post_media.items())
        if source.startswith("file:") and name in media
    }


def written_files(site: Path, entry: mf.Entry) -> list[str]:
    """The files a notebook's last conversion wrote (site paths): the images its post's asset
    folder records (the writer's list there, the one record of them), then the post."""
    media: list[str] = []
    if entry.assets:
        folder = site_file(site, entry.assets)
        media = sorted(mf.relative(site, folder / name) for name in written_media(folder))
    return [*media, entry.post]


def site_file(site: Path, rel: str) -> Path:
    """A path the manifest records (relative to the site, or absolute) as a path."""
    return Path(rel) if os.path.isabs(rel) else site / rel
