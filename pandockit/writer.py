"""Write a post and its images into the site, each whole (:mod:`pandockit.safe_write`).

The only module that writes posts and images. A post is written after its images, so a post
on disk never names an image that is not there yet; an interrupted run leaves the old files
whole.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pandockit import yamltext
from pandockit.errors import PandockitError
from pandockit.keys import GENERATOR, GENERATOR_KEY  # the mark of a post pandockit wrote: a

# post in ``_posts`` without it is the author's, and is never overwritten without --force
from pandockit.safe_write import inside, write_changed

if TYPE_CHECKING:  # render imports panflute; a build with nothing to convert must not
    from pandockit.render import Post


def check_inside(site: Path, folder: Path) -> None:
    """Raise PandockitError when ``folder`` leads out of ``site`` (through a symlink, or a
    path that leaves it): pandockit writes nothing outside the site."""
    if not inside(folder, site):
        raise PandockitError(folder, "leads out of the site; refusing to write there")


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
    check_inside(site, folder)
    for name in media:
        if not _plain_name(name):
            raise PandockitError(folder / name, "refusing a media file name with a folder in it")
    before = written_media(folder)
    if not media and not before:
        return
    record_media(folder, before | set(media))  # a crash below leaves all pandockit's files listed
    for name, data in sorted(media.items()):
        write_changed(folder / name, data)
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
    data = (json.dumps(sorted(names), indent=1) + "\n").encode("utf-8")
    # the list written before the post, unchanged after it: not written twice
    write_changed(folder / MEDIA_MANIFEST, data)


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


def check_overwrite(target: Path, force: bool = False, posts: PostNames | None = None) -> None:
    """Raise PandockitError when writing ``target`` would replace a file pandockit did not
    write (unless ``force``), or shadow a post of the same date and name (whatever ``force``
    says; ``posts``: the index of ``target``'s folder to look in, else a new one)."""
    if target.exists() or target.is_symlink():
        if target.is_dir():
            raise PandockitError(target, "is a folder; refusing to replace it with a post")
        if not force and not is_pandockit_post(target):
            raise PandockitError(
                target,
                f"exists and was not written by pandockit (its front matter has no "
                f"'{GENERATOR_KEY}: {GENERATOR}'); not overwritten: move it away (or use "
                "'pandockit convert --force')",
            )
    others = (posts or PostNames(target.parent)).shadowed(target)
    if others:
        names = ", ".join(str(p) for p in others)
        raise PandockitError(
            target,
            f"would shadow {names}: a post not written by pandockit with the same date and "
            "name (Jekyll would publish only one of the two, at one URL); not written: rename "
            "one of them",
        )


#: What Jekyll reads as a post in ``_posts`` (and its subfolders): ``Document``'s
#: ``DATE_FILENAME_MATCHER``, its date and name (slug) then its last extension.
POST_NAME = re.compile(r"(\d{2,4})-(\d{1,2})-(\d{1,2})-([^/]*)(\.[^./]+)", re.S)


def _post_key(name: str) -> tuple[int, int, int, str] | None:
    m = POST_NAME.fullmatch(name)
    if m is None:
        return None
    year, month, day, slug = m.group(1, 2, 3, 4)
    return int(year), int(month), int(day), unicodedata.normalize("NFC", slug)


class PostNames:
    """The files of a posts folder (its subfolders too, which Jekyll reads) by the date and
    name Jekyll gives them: one walk of the folder, when first asked, then a look-up a post
    (a build or ``convert`` makes one for all its posts)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._by_key: dict[tuple[int, int, int, str], list[Path]] | None = None

    def _index(self) -> dict[tuple[int, int, int, str], list[Path]]:
        if self._by_key is None:
            self._by_key = {}
            for root, dirs, files in os.walk(self.folder):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
                for name in sorted(files):
                    if name.startswith((".", "_", "#")) or name.endswith("~"):  # Jekyll skips
                        continue
                    key = _post_key(name)
                    if key is not None:
                        self._by_key.setdefault(key, []).append(Path(root) / name)
        return self._by_key

    def shadowed(self, target: Path) -> list[Path]:
        """The files Jekyll would read as a post of ``target``'s date and name,
        ``2020-1-2-x.markdown`` beside ``2020-01-02-x.md``, that pandockit did not write:
        Jekyll reports a conflict and publishes one of them at the URL both get."""
        key = _post_key(target.name)
        if key is None:
            return []
        return [
            path
            for path in self._index().get(key, [])
            if path != target and path.is_file() and not is_pandockit_post(path)
        ]


def shadowed(target: Path) -> list[Path]:
    """:meth:`PostNames.shadowed`, looked up in ``target``'s folder afresh."""
    return PostNames(target.parent).shadowed(target)


def write_post(
    site: Path,
    posts_dir: str,
    assets_dir: str,
    post: Post,
    media: dict[str, bytes],
    *,
    force: bool = False,
    posts: PostNames | None = None,
) -> Path:
    """Write ``post`` and its ``media`` (name -> bytes) into ``site``; return the post's path.
    A post file pandockit did not write is left alone (PandockitError) unless ``force``, and
    so is a post of the same date and name (``posts``: the posts folder's index, see
    :class:`PostNames`); then nothing is written. Nothing is written outside the site: a posts
    or asset folder leading out of it (a symlink) is refused."""
    target = post_path(site, posts_dir, post.stem)
    check_inside(site, target.parent)
    check_inside(site, asset_folder(site, assets_dir, post.stem))
    check_overwrite(target, force, posts)
    # Old images go only once the new post is in place: a failed write (disk full) leaves
    # the old post whole and every image it shows.
    write_media(site, assets_dir, post.stem, media, prune=False)
    write_changed(target, post.text.encode("utf-8"))
    prune_media(site, assets_dir, post.stem, set(media))
    return target
