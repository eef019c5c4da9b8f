"""Write a post and its images into the site, atomically: a temp file, then a rename.

The only module that writes into the site. A post is written after its images, so a post on
disk never names an image that is not there yet; an interrupted run leaves the old files whole.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pandockit import yamltext
from pandockit.errors import PandockitError
from pandockit.keys import GENERATOR, GENERATOR_KEY  # the mark of a post pandockit wrote: a

# post in ``_posts`` without it is the author's, and is never overwritten without --force

if TYPE_CHECKING:  # render imports panflute; a build with nothing to convert must not
    from pandockit.render import Post


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once (the old file stays whole on any failure).

    Not fsync'ed: a rename is atomic for every reader and against an interrupted or failing
    run, and what is written can always be written again from the notebook; an fsync per file
    cost 0.35 s of a 100-notebook build (700 files)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise PandockitError(path, f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise PandockitError(path, f"cannot write: {exc.strerror or exc}") from None


def post_path(site: Path, posts_dir: str, stem: str) -> Path:
    return site / posts_dir / f"{stem}.md"


def asset_folder(site: Path, assets_dir: str, stem: str) -> Path:
    return site / assets_dir / stem


#: The files pandockit wrote into a post's asset folder (a dot-file: Jekyll never publishes it).
#: The one record of a post's images, for ``convert`` and ``build`` alike (the build manifest
#: names the folder, not its files; why: :mod:`pandockit.manifest`).
MEDIA_MANIFEST = ".pandockit-media.json"


def write_media(
    site: Path, assets_dir: str, stem: str, media: dict[str, bytes], *, prune: bool = True
) -> None:
    """Write a post's images (file name -> bytes) into its asset folder, and (``prune``)
    remove those an earlier conversion wrote that the post no longer uses (the folder's
    manifest lists what pandockit wrote; no other file is ever touched). With no media, the
    folder goes too once it is empty."""
    folder = asset_folder(site, assets_dir, stem)
    for name in media:
        if not _plain_name(name):
            raise PandockitError(folder / name, "refusing a media file name with a folder in it")
    before = written_media(folder)
    if not media and not before:
        return
    record_media(folder, before | set(media))  # a crash below leaves all pandockit's files listed
    for name, data in sorted(media.items()):
        atomic_write(folder / name, data)
    if prune:
        prune_media(site, assets_dir, stem, set(media))


def prune_media(site: Path, assets_dir: str, stem: str, keep: set[str]) -> None:
    """Remove the files of a post's asset folder that pandockit wrote and ``keep`` lacks."""
    folder = asset_folder(site, assets_dir, stem)
    before = written_media(folder)
    if not keep and not before:
        return
    for name in sorted(before - keep):
        _unlink(folder / name)
    record_media(folder, keep)
    if keep:
        return
    try:
        folder.rmdir()  # only if empty: files pandockit did not write stay, and so does it
    except OSError:
        pass


def written_media(folder: Path) -> set[str]:
    """The file names the manifest of ``folder`` lists ({} when there is none or it is bad)."""
    try:  # plain open(): on the path of a build with nothing to do, once per post
        with open(os.path.join(folder, MEDIA_MANIFEST), "rb") as fh:
            names = json.loads(fh.read())
    except (OSError, ValueError):
        return set()
    if not isinstance(names, list):
        return set()
    return {n for n in names if isinstance(n, str) and _plain_name(n)}


def _plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")


def record_media(folder: Path, names: set[str]) -> None:
    """Make ``names`` the list of the files pandockit wrote into ``folder`` (none: no list)."""
    if not names:
        _unlink(folder / MEDIA_MANIFEST)
        return
    text = json.dumps(sorted(names), indent=1) + "\n"
    atomic_write(folder / MEDIA_MANIFEST, text.encode("utf-8"))


def _unlink(path: Path) -> None:
    try:
        if path.is_symlink() or path.is_file():
            path.unlink()
    except OSError as exc:
        raise PandockitError(path, f"cannot remove: {exc.strerror or exc}") from None


def is_pandockit_post(path: Path) -> bool:
    """Whether the file at ``path`` is a post pandockit wrote: its front matter (the block
    Jekyll reads between the first two ``---`` lines) says ``generator: pandockit``."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 20).decode("utf-8", "replace")
    except OSError:
        return False
    lines = head.split("\n")  # Jekyll breaks lines at \n only
    if not lines or lines[0].rstrip() != "---":
        return False
    end = next((i for i, line in enumerate(lines) if i and line.rstrip() in ("---", "...")), 0)
    if not end:
        return False
    try:
        data = yamltext.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and data.get(GENERATOR_KEY) == GENERATOR


def check_overwrite(target: Path, force: bool = False) -> None:
    """Raise PandockitError when writing ``target`` would replace a file pandockit did not
    write (unless ``force``)."""
    if force or not (target.exists() or target.is_symlink()):
        return
    if target.is_dir():
        raise PandockitError(target, "is a folder; refusing to replace it with a post")
    if not is_pandockit_post(target):
        raise PandockitError(
            target,
            f"exists and was not written by pandockit (its front matter has no "
            f"'{GENERATOR_KEY}: {GENERATOR}'); not overwritten: move it away or use --force",
        )


def write_post(
    site: Path,
    posts_dir: str,
    assets_dir: str,
    post: Post,
    media: dict[str, bytes],
    *,
    force: bool = False,
) -> Path:
    """Write ``post`` and its ``media`` (name -> bytes) into ``site``; return the post's path.
    A post file pandockit did not write is left alone (PandockitError) unless ``force``; then
    nothing is written."""
    target = post_path(site, posts_dir, post.stem)
    check_overwrite(target, force)
    # Old images go only once the new post is in place: a failed write (disk full) leaves
    # the old post whole and every image it shows.
    write_media(site, assets_dir, post.stem, media, prune=False)
    atomic_write(target, post.text.encode("utf-8"))
    prune_media(site, assets_dir, post.stem, set(media))
    return target
