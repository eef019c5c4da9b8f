"""Where the real notebooks are: the shared corpus beside the clone, never a copy in the repository.

The corpus (public notebooks of fastpages, jekyllnb, jupytext, MyST-NB, nbclassic, nbconvert,
nbformat, Quarto, IPython in depth, and the fastpages blog ``fastpages-site/``; sources, commits
and licences in its own ``PROVENANCE.md``) is third-party material: the tests read it at test
time from ``<repository root>/../shared/corpus``, or from ``$PANDOCKIT_CORPUS`` when set. The
path is resolved from this file, never from the working directory.

A test that reads it carries the ``corpus`` marker (a whole module: ``pytestmark``; one
parameter: :func:`params`). Where the corpus is absent, conftest skips those tests with
:data:`MISSING` as the one-line reason and everything else runs; with
``PANDOCKIT_REQUIRE_CORPUS=1`` (CI) a missing corpus stops the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "corpus"
#: The corpus folder: $PANDOCKIT_CORPUS, else ../shared/corpus beside the repository.
CORPUS = Path(os.environ.get("PANDOCKIT_CORPUS") or DEFAULT).absolute()
#: The real fastpages blog of the corpus (``_config.yml``, ``_notebooks/``, ``published.tsv``).
FASTPAGES_SITE = CORPUS / "fastpages-site"
#: The one-line reason a corpus test is skipped.
MISSING = f"real corpus not found at {CORPUS} (set PANDOCKIT_CORPUS)"
#: Set (to anything but 0 or empty) where a missing corpus is an error, not a skip: CI.
REQUIRE = os.environ.get("PANDOCKIT_REQUIRE_CORPUS", "") not in ("", "0")

#: The marker of a test that reads the corpus.
mark = pytest.mark.corpus


def available() -> bool:
    """Whether the corpus is there (its notebooks and the fastpages blog)."""
    return CORPUS.is_dir() and FASTPAGES_SITE.is_dir()


def notebooks() -> list[Path]:
    """The corpus notebooks, sorted (the fastpages blog's posts are not among them: its tests
    use the blog as a site); none when the corpus is absent."""
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*.ipynb")
                  if p.relative_to(CORPUS).parts[0] != FASTPAGES_SITE.name)


def all_notebooks() -> list[Path]:
    """The corpus notebooks and the notebooks fastpages published of the real blog (its
    ``_notebooks/*.ipynb``, not its subfolders), sorted; none when the corpus is absent."""
    return sorted({*notebooks(), *(FASTPAGES_SITE / "_notebooks").glob("*.ipynb")})


def key(path: Path) -> str:
    """A corpus file's name in reports and lists, the same wherever the corpus is:
    ``corpus/<folder>/<file>``."""
    return "corpus/" + path.relative_to(CORPUS).as_posix()


def params(paths: Iterable[Path], ids: Callable[[Path], str] = lambda p: p.stem) -> list:
    """``paths`` (corpus files) as parameters marked ``corpus``; when the corpus is absent,
    one parameter ``corpus-missing`` in their place, so the test is still collected and
    skipped with its reason."""
    paths = list(paths)
    if not available():
        return [pytest.param(None, marks=mark, id="corpus-missing")]
    return [pytest.param(p, marks=mark, id=ids(p)) for p in paths]


def copy(source: Path, target: Path) -> Path:
    """A writable copy of a corpus file or folder at ``target`` (into it, if ``target`` is a
    folder and ``source`` a file), as ``shutil.copy`` and ``copytree`` would make it but
    without the corpus's read-only modes; the path of the copy."""
    if source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.rglob("*")):
            if path.is_dir():
                (target / path.relative_to(source)).mkdir(parents=True, exist_ok=True)
            else:
                copy(path, target / path.relative_to(source))
        return target
    if target.is_dir():
        target = target / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(source, target))
