"""The build manifest: which notebook pandockit converted into which files, and under which key.

One small JSON file in the site, ``.pandockit/manifest.json`` (Jekyll skips dot folders), written
atomically. For each notebook (its path relative to the site, POSIX style) it records the
incremental key of the last successful conversion and the site files that conversion wrote, so
a later build can skip unchanged notebooks and ``--clean`` removes only files pandockit wrote.
Imports nothing heavy: it is on the path of a build that has nothing to do.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from pandockit.errors import PandockitError

STATE_DIR = ".pandockit"
MANIFEST_NAME = "manifest.json"
FORMAT = 1


@dataclass
class Entry:
    """What one notebook's last successful conversion wrote (paths relative to the site)."""

    key: str
    post: str
    media: list[str] = field(default_factory=list)
    #: Local image files copied into the post (absolute path -> SHA-256 of the bytes copied):
    #: the notebook's bytes do not change when such a file does, so they are checked too.
    deps: dict[str, str] = field(default_factory=dict)

    def files(self) -> list[str]:
        """The post and its images, images first (the order they are removed in)."""
        return [*self.media, self.post]


@dataclass
class Manifest:
    """Notebook (relative POSIX path) -> :class:`Entry`, loaded from and saved to one site."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "notebooks": {
                nb: {"key": e.key, "post": e.post, "media": sorted(e.media), "deps": e.deps}
                for nb, e in sorted(self.entries.items())
            },
        }
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    def save(self) -> None:
        """Write the manifest atomically (the old one stays whole if this fails)."""
        from pandockit.writer import atomic_write  # start-up: only a build that wrote saves

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
        if data.get("format") != FORMAT or not isinstance(notebooks, dict):
            raise ValueError("unknown format")
        entries = {
            str(nb): Entry(
                str(e["key"]),
                str(e["post"]),
                [str(m) for m in e.get("media", [])],
                {str(k): str(v) for k, v in dict(e.get("deps", {})).items()},
            )
            for nb, e in notebooks.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PandockitError(
            path, "build manifest is damaged; delete it and run 'pandockit build --force'"
        ) from None
    return Manifest(path, entries)


def relative(site: Path, path: Path) -> str:
    """``path`` relative to ``site`` in POSIX form (absolute when it lies outside the site)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(site)).as_posix()
    except ValueError:
        return absolute.as_posix()
