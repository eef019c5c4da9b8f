"""fastpages blogs: how to tell one, and the options that convert its notebooks as it did."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def detect(site: Path) -> bool:
    """A fastpages repository: it has fastpages' Action files."""
    return (site / "_action_files").is_dir()


def site_options() -> dict[str, Any]:
    """The ``pandockit:`` options of ``_config.yml`` for a fastpages blog."""
    return {}
