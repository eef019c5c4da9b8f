"""Shared fixtures: a real Jekyll site, the corpus and example notebooks, an isolated CLI run."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

import corpus  # noqa: E402
from jekyll_site import JekyllSite  # noqa: E402

# CI (CI=true) replays the same examples on every run, so a red CI is always reproducible; a
# developer's run draws new ones, and a failure found there is pinned with ``@example``.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = corpus.CORPUS  # the real notebooks, outside the repository (tests/corpus.py)
#: A real fastpages blog (its _config.yml, _notebooks/ and published.tsv).
FASTPAGES_SITE = corpus.FASTPAGES_SITE
EXAMPLES = ROOT / "examples" / "_notebooks"


def pytest_configure(config: pytest.Config) -> None:
    if corpus.REQUIRE and not corpus.available():
        raise pytest.UsageError(f"{corpus.MISSING}; PANDOCKIT_REQUIRE_CORPUS is set")


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test using the corpus site is marked ``corpus``; without the corpus, every test
    marked ``corpus`` is skipped, named in its one-line reason (pytest's summary gives only
    the file and line)."""
    for item in items:
        if "corpus_build" in getattr(item, "fixturenames", ()):
            item.add_marker(corpus.mark)
    if corpus.available():
        return
    for item in items:
        if item.get_closest_marker("corpus"):
            item.add_marker(pytest.mark.skip(reason=f"{item.name}: {corpus.MISSING}"))


@pytest.fixture(autouse=True)
def _pandockit_logger():
    """Each test starts with the ``pandockit`` logger as Python left it: a test that runs the
    CLI in process (whose ``logs.setup`` stops propagation) does not hide later tests' log
    records from ``caplog``."""
    logger = logging.getLogger("pandockit")
    saved = (list(logger.handlers), logger.propagate, logger.level)
    yield
    logger.handlers[:], logger.propagate, _ = saved
    logger.setLevel(saved[2])


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


class CorpusBuild:
    """Every corpus notebook converted into one site, built once by real Jekyll."""

    def __init__(self, site: JekyllSite, posts: dict[Path, Path], build_output: str) -> None:
        self.site = site
        self.posts = posts  # notebook -> post file
        self.build_output = build_output
        self._pages: dict[str, str] | None = None

    def html(self, notebook: Path) -> str:
        if self._pages is None:
            self._pages = self.site.pages()
        rel = self.posts[notebook].relative_to(self.site.path).as_posix()
        return self._pages[rel]


def corpus_notebooks() -> list[Path]:
    """The corpus notebooks (none when the corpus is absent)."""
    return corpus.notebooks()


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> CorpusBuild:
    """The whole corpus as one Jekyll site (converted with default options, built once); a
    test using it is marked ``corpus``."""
    from converting import convert

    from pandockit.config import resolve_options

    site = JekyllSite(tmp_path_factory.mktemp("corpus") / "site")
    options = resolve_options(site.path)
    posts = {}
    for nb in corpus_notebooks():
        posts[nb] = convert(nb, site.path, options).post
    build = site.build()
    return CorpusBuild(site, posts, build.output)
