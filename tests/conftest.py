"""Shared fixtures: a real Jekyll site, the corpus and example notebooks, an isolated CLI run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from jekyll_site import JekyllSite  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
CORPUS = DATA / "corpus"
EXAMPLES = ROOT / "examples" / "_notebooks"


@pytest.fixture
def site(tmp_path: Path) -> JekyllSite:
    """A fresh Jekyll site (the skeleton of examples/site)."""
    return JekyllSite(tmp_path / "site")


@pytest.fixture
def make_site(tmp_path: Path):
    """Make a site with extra _config.yml keys: ``make_site({"baseurl": "/blog"})``."""
    count = 0

    def _make(config: dict | None = None) -> JekyllSite:
        nonlocal count
        count += 1
        return JekyllSite(tmp_path / f"site{count}", config)

    return _make
