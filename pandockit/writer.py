"""Write a post and its images into the site, atomically: a temp file, then a rename.

The only module that writes into the site. A post is written after its images, so a post on
disk never names an image that is not there yet; an interrupted run leaves the old files whole.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pandockit.errors import PandockitError
from pandockit.render import Post


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once (the old file stays whole on any failure)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise PandockitError(path, f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
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


def write_media(site: Path, assets_dir: str, stem: str, media: dict[str, bytes]) -> None:
    """Write a post's images (file name -> bytes) into its asset folder."""
    folder = asset_folder(site, assets_dir, stem)
    for name, data in sorted(media.items()):
        atomic_write(folder / name, data)


def write_post(
    site: Path, posts_dir: str, assets_dir: str, post: Post, media: dict[str, bytes]
) -> Path:
    """Write ``post`` and its ``media`` (name -> bytes) into ``site``; return the post's path."""
    write_media(site, assets_dir, post.stem, media)
    target = post_path(site, posts_dir, post.stem)
    atomic_write(target, post.text.encode("utf-8"))
    return target
