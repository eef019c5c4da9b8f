"""Golden cases: tests/cases/<name>/ holds one notebook, ``expected.md`` and ``expected-media.txt``.

Shared by the golden test and ``make goldens`` (tests/regen_goldens.py), which regenerates the
expected files on purpose; a missing expected file fails the test, it is never created by it.
An optional ``options.yml`` gives the case's options (as the CLI would).
"""

from __future__ import annotations

from pathlib import Path

import yaml

CASES = Path(__file__).parent / "cases"
EXPECTED_POST = "expected.md"
EXPECTED_MEDIA = "expected-media.txt"


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


def notebook_of(case: Path) -> Path:
    notebooks = sorted(case.glob("*.ipynb"))
    assert len(notebooks) == 1, f"{case}: a case holds exactly one notebook"
    return notebooks[0]


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
