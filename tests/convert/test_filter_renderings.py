"""The Markdown files of the per-filter cases (``input.md``, ``expected.md``: what reviewers
read) are pandoc's rendering of the JSON the test compares (``input.json``, ``expected.json``),
so neither can drift from the other (tests/filter_cases.py; the cases' test, which runs no
pandoc: tests/filters/test_filter_cases.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from filter_cases import (
    EXPECTED,
    EXPECTED_JSON,
    SAMPLE,
    SAMPLE_MD,
    case_dirs,
    load_sample,
    rendered,
)

CASES = case_dirs()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_markdown_files_render_their_json(case: Path) -> None:
    def data(name: str) -> dict:
        return json.loads((case / name).read_text(encoding="utf-8"))

    assert (case / SAMPLE_MD).read_text(encoding="utf-8") == rendered(data(SAMPLE))
    before = load_sample(case).get_metadata()
    assert (case / EXPECTED).read_text(encoding="utf-8") == rendered(data(EXPECTED_JSON), before)
