"""The build manifest: which notebook pandockit converted into which files, and under which key.

One small JSON file in the site, ``.pandockit/manifest.json`` (Jekyll skips dot folders), written
atomically. For each notebook (its path relative to the site, POSIX style) it records the
incremental key of the last successful conversion, the post it wrote and the post's asset
folder, so a later build can skip unchanged notebooks and ``--clean`` removes only files
pandockit wrote. Imports nothing heavy: it is on the path of a build that has nothing to do.

The images in an asset folder are not listed here: the one record of them is the writer's list
in that folder (:data:`pandockit.writer.MEDIA_MANIFEST`), which ``build`` reads. That list, not
this manifest, is the record both commands share: ``pandockit convert``, the Makefile's
parallel ``convert`` runs and the ``pandockit-jekyll`` filter write a post's images without a
build, and each run touches only its own post's folder (no lock, no site-wide file to rewrite
under ``make -j``); a post without images has no list. The manifest holds what only a build
needs: keys, posts (a post carries its own mark, ``generator: pandockit``, for ``convert``) and
where each post's folder is (``assets-dir`` may change between builds).

Format 1 also listed each post's images (``media``); such a manifest is still read, its images
are merged into the folder's list by the next build (:mod:`pandockit.builder.run`), and it is
saved as format 2 without them.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pandockit.errors import PandockitError

STATE_DIR = ".pandockit"
MANIFEST_NAME = "manifest.json"
FORMAT = 2
#: Older formats still read (format 1 listed the images too; see the module docstring).
READS = (1, 2)


@dataclass
class Entry:
    """What one notebook's last successful conversion wrote (paths relative to the site)."""

    key: str
    post: str
    #: The post's asset folder ("" when not known: a format-1 entry without images); the
    #: writer's list there records the images (:func:`pandockit.writer.written_media`).
    assets: str = ""
    #: Local image files copied into the post (absolute path -> SHA-256 of the bytes copied):
    #: the notebook's bytes do not change when such a file does, so they are checked too.
    deps: dict[str, str] = field(default_factory=dict)
    #: The images a format-1 manifest listed (None in format 2): read for migration, never saved.
    legacy_media: list[str] | None = None


@dataclass
class Manifest:
    """Notebook (relative POSIX path) -> :class:`Entry`, loaded from and saved to one site."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "notebooks": {
                nb: {"key": e.key, "post": e.post, "assets": e.assets, "deps": e.deps}
                for nb, e in sorted(self.entries.items())
            },
        }
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    def save(self) -> None:
        """Write the manifest atomically (the old one stays whole if this fails)."""
        from pandockit.safe_write import atomic_write  # start-up: only a build that wrote saves

        atomic_write(self.path, self.to_json())


def manifest_path(site: Path) -> Path:
    return site / STATE_DIR / MANIFEST_NAME


def load(site: Path) -> Manifest:
    """The site's manifest; an empty one when the site has none yet.

    A manifest that cannot be read is an error naming it (delete it to start afresh): building
    on without it would forget which files pandockit owns.
    """
    path = manifest_path(site)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Manifest(path)
    except OSError as exc:
        raise PandockitError(path, f"cannot read build manifest: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
        notebooks = data["notebooks"]
        if data.get("format") not in READS or not isinstance(notebooks, dict):
            raise ValueError("unknown format")
        entries = {str(nb): _entry(e, data["format"]) for nb, e in notebooks.items()}
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise PandockitError(path, f"build manifest is damaged; {START_AFRESH}") from None
    for nb, entry in entries.items():
        for what, rel in _paths(entry):
            if not in_site(rel):
                raise PandockitError(
                    path,
                    f"the {what} of {nb!r} ({rel!r}) leads out of the site; {START_AFRESH}",
                )
    return Manifest(path, entries)


#: What to do about a manifest that cannot be used.
START_AFRESH = "delete it and run 'pandockit build --force'"


def _paths(entry: Entry) -> list[tuple[str, str]]:
    """The site paths an entry names, each with what it is."""
    paths = [("post", entry.post)]
    if entry.assets:
        paths.append(("asset folder", entry.assets))
    paths += [("image", m) for m in entry.legacy_media or []]
    return paths


def in_site(rel: str) -> bool:
    """Whether ``rel``, a path the manifest records, names a file of the site: relative, in
    POSIX form, and never through ``..`` (a manifest comes with the site's files, so it may
    come from anyone: :mod:`pandockit.builder.run` deletes only what it may)."""
    if not rel or "\\" in rel or "\0" in rel or re.match(r"[A-Za-z]:", rel):
        return False
    parts = PurePosixPath(rel).parts
    return not PurePosixPath(rel).is_absolute() and ".." not in parts and bool(parts)


def _entry(e: dict, format: int) -> Entry:
    deps = {str(k): str(v) for k, v in dict(e.get("deps", {})).items()}
    if format >= 2:
        return Entry(str(e["key"]), str(e["post"]), str(e.get("assets", "")), deps)
    media = [str(m) for m in e.get("media", [])]  # format 1: the folder is where they are
    assets = media[0].rpartition("/")[0] if media else ""
    return Entry(str(e["key"]), str(e["post"]), assets, deps, legacy_media=media)


def relative(site: Path, path: Path) -> str:
    """``path`` relative to ``site`` in POSIX form (absolute when it lies outside the site)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(site)).as_posix()
    except ValueError:
        return absolute.as_posix()
