"""Golden cases: tests/cases/<name>/ holds one notebook, ``expected.md`` and ``expected-media.txt``.

Shared by the golden test and ``make goldens`` (tests/regen_goldens.py), which regenerates the
expected files on purpose; a missing expected file fails the test, it is never created by it.
An optional ``options.yml`` gives the case's options (as the CLI would).

A case made from a real notebook holds ``corpus.yml`` in place of the notebook: ``notebook``,
its path in the corpus, and ``name``, the file name the case converts it under (dated, so the
post name is stable). The notebook is copied under that name into a temporary folder at test
time (tests/corpus.py says where the corpus is); such a case is a corpus test.
"""

from __future__ import annotations

import atexit
import difflib
import shutil
import tempfile
from pathlib import Path

import corpus
import pytest
import yaml

CASES = Path(__file__).parent / "cases"
EXPECTED_POST = "expected.md"
EXPECTED_MEDIA = "expected-media.txt"
FROM_CORPUS = "corpus.yml"


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


def corpus_source(case: Path) -> tuple[Path, str] | None:
    """The corpus notebook of a case made from a real one, and the name it is converted
    under; None for a case that holds its own notebook."""
    path = case / FROM_CORPUS
    if not path.is_file():
        return None
    source = yaml.safe_load(path.read_text(encoding="utf-8"))
    return corpus.CORPUS / source["notebook"], source["name"]


def notebook_name(case: Path) -> str:
    """The file name of the case's notebook."""
    source = corpus_source(case)
    return source[1] if source else _own_notebook(case).name


def notebook_key(case: Path) -> str:
    """The case's notebook as reports and lists name it: ``tests/cases/<case>/<name>``."""
    return f"tests/cases/{case.name}/{notebook_name(case)}"


def _own_notebook(case: Path) -> Path:
    notebooks = sorted(case.glob("*.ipynb"))
    assert len(notebooks) == 1, f"{case}: a case holds exactly one notebook (or {FROM_CORPUS})"
    return notebooks[0]


_copies: Path | None = None


def notebook_of(case: Path) -> Path:
    """The case's notebook: its own, or the corpus notebook copied under the case's name into
    a temporary folder (one a process, removed at exit); FileNotFoundError without the corpus."""
    source = corpus_source(case)
    if source is None:
        return _own_notebook(case)
    global _copies
    path, name = source
    if not path.is_file():
        raise FileNotFoundError(f"{case.name}: {path} missing: {corpus.MISSING}")
    if _copies is None:
        _copies = Path(tempfile.mkdtemp(prefix="pandockit-cases-"))
        atexit.register(shutil.rmtree, _copies, True)
    copy = _copies / case.name / name
    if not copy.is_file():
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, copy)
    return copy


def case_params(cases: list[Path]) -> list:
    """``cases`` as parameters named after their folder, those made from a real notebook
    marked ``corpus`` (skipped without the corpus)."""
    return [pytest.param(case, id=case.name, marks=[corpus.mark] if corpus_source(case) else [])
            for case in cases]


def available_notebooks() -> list[Path]:
    """The notebook of every case that can be read here (all of them where the corpus is)."""
    return [notebook_of(case) for case in case_dirs()
            if corpus_source(case) is None or corpus.available()]


def options_of(case: Path) -> dict:
    path = case / "options.yml"
    return yaml.safe_load(path.read_text()) if path.is_file() else {}


def convert_case(case: Path, site: Path) -> tuple[str, list[str], Path]:
    """Convert the case's notebook into ``site``: (post text, media file names, post path)."""
    from converting import convert

    from pandockit.config import resolve_options

    site.mkdir(parents=True, exist_ok=True)
    result = convert(notebook_of(case), site, resolve_options(site, options_of(case)))
    folder = site / "assets" / "nb_files" / result.post.stem
    media = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return result.post.read_text(encoding="utf-8"), media, result.post


def media_listing(post_name: str, media: list[str]) -> str:
    return "".join(f"{post_name}/{m}\n" for m in media)


def text_diff(expected: str, actual: str, expected_name: str, actual_name: str) -> str:
    """A unified diff of two texts, line by line, for a failing comparison's message."""
    return "".join(difflib.unified_diff(expected.splitlines(keepends=True),
                                        actual.splitlines(keepends=True),
                                        expected_name, actual_name))
