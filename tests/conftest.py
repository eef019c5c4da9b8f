"""Shared fixtures (a real Jekyll site, the corpus and example notebooks) and the kinds of tests.

Every test file lives in the folder of its kind (docs/testing.md), which gives it its marker
here, in one place; what a kind may not run is enforced while each of its tests runs.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

TESTS = Path(__file__).resolve().parent

#: Each kind of test: its folder under tests/ (and marker), what it needs, and the programs its
#: tests may not start (checked while they run: ``None`` forbids every subprocess). A test file
#: lives in the folder of the heaviest thing it needs.
KINDS: dict[str, tuple[str, frozenset[str] | None]] = {
    "unit": ("pure Python on ASTs, strings and files: no subprocess at all", None),
    "filters": ("a filter's tests and per-step cases (tests/filters/<step>/): in process, "
                "pandoc may read their notebooks; no Jekyll, no browser",
                frozenset({"jekyll", "bundle", "ruby", "gem", "node", "chromium"})),
    "convert": ("runs pandoc or other programs (the pandockit CLI, git, make, python): "
                "goldens, convert, build, CLI; no Jekyll, no browser",
                frozenset({"jekyll", "bundle", "ruby", "gem", "node", "chromium"})),
    "site": ("builds or checks a site with the real Jekyll (and Ruby, gem, actionlint); "
             "no browser", frozenset({"chromium", "playwright"})),
    "browser": ("opens built pages in headless Chromium (tests/browser.py)", frozenset()),
    "oracle": ("the Jupyter oracle: JupyterLab's rendering in node against the built page",
               frozenset()),
}

# Helpers (corpus.py, browser.py, ...) are imported by name from tests/, and test modules that
# share helpers import each other by name (their file names are unique: tests/unit/test_layout.py).
sys.path[:0] = [str(TESTS), *(str(TESTS / kind) for kind in KINDS if kind != "filters"),
                *sorted({str(test.parent) for test in TESTS.glob("filters/*/test_*.py")})]

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
    for kind, (what, _) in KINDS.items():
        config.addinivalue_line("markers", f"{kind}: {what} (tests/{kind}/)")


def kind_of(path: Path) -> str | None:
    """The kind of the test file at ``path``: the first folder under tests/ (None elsewhere)."""
    try:
        parts = path.resolve().relative_to(TESTS).parts
    except ValueError:
        return None
    return parts[0] if len(parts) > 1 and parts[0] in KINDS else None


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test using the corpus site is marked ``corpus``; without the corpus, every test
    marked ``corpus`` is skipped, named in its one-line reason (pytest's summary gives only
    the file and line). Each test gets the marker of its kind, from its folder."""
    for item in items:
        kind = kind_of(item.path)
        if kind:
            item.add_marker(kind)
        if "corpus_build" in getattr(item, "fixturenames", ()):
            item.add_marker(corpus.mark)
    if corpus.available():
        return
    for item in items:
        if item.get_closest_marker("corpus"):
            item.add_marker(pytest.mark.skip(reason=f"{item.name}: {corpus.MISSING}"))


#: What the running test may not start (``None``: nothing), and what it started anyway.
_forbidden: list = []
_started: list[str] = []


def _program(event: str, args: tuple) -> list[str] | None:
    """The command line a subprocess-starting audit event stands for (None for other events)."""
    if event == "subprocess.Popen":
        executable, argv = args[0], args[1]
        argv = [argv] if isinstance(argv, (str, bytes, os.PathLike)) else list(argv or [])
        words = [os.fsdecode(a) if isinstance(a, (bytes, os.PathLike)) else str(a)
                 for a in argv]
        if isinstance(args[1], (str, bytes)):  # a shell line
            words = words[0].split()
        return [os.fsdecode(executable), *words[1:]] if executable else words
    if event == "os.system":
        return os.fsdecode(args[0]).split()
    if event in ("os.posix_spawn", "os.exec", "os.spawn"):
        path = args[1] if event == "os.spawn" else args[0]
        return [os.fsdecode(path)]
    return None


def _watch(event: str, args: tuple) -> None:
    """Refuse a program the running test's kind may not start (its path names it: ``jekyll``,
    ``.../playwright/driver/node``)."""
    if not _forbidden:
        return
    command = _program(event, args)
    if not command:
        return
    kind, names = _forbidden[0]
    parts = Path(command[0]).parts
    if names is None or any(p == n or p.startswith(n + ".") for p in parts for n in names):
        line = " ".join(command)
        _started.append(line)
        raise RuntimeError(f"a {kind} test may not start {line!r} ({KINDS[kind][0]})")


sys.addaudithook(_watch)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """While a test runs (set-up and tear-down too), what its kind may not start is refused."""
    kind = kind_of(item.path)
    _forbidden[:] = [(kind, KINDS[kind][1])] if kind and KINDS[kind][1] != frozenset() else []
    _started.clear()
    try:
        yield
    finally:
        _forbidden.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A test that started what its kind may not fails, even where the code caught the error."""
    outcome = yield
    report = outcome.get_result()
    if _started and report.passed:
        report.outcome = "failed"
        report.longrepr = (f"{item.nodeid}: a {kind_of(item.path)} test started "
                           f"{_started[0]!r}: move it to the folder of its kind (docs/testing.md)")
        _started.clear()


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
