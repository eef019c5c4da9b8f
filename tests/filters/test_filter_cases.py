"""Per-filter sample/expected pairs: each step's small notebooks, run up to and including that
step, give their ``expected.md`` (tests/filters/<step>/<case>/; see tests/filter_cases.py).
Regenerate on purpose with ``make goldens``; a failure prints a unified diff."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import nbformat
import pytest
from filter_cases import EXPECTED, FILTERS, INPUT, case_dirs, run_to, step_names

CASES = case_dirs()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_filter_case(case: Path) -> None:
    expected_path = case / EXPECTED
    assert expected_path.is_file(), f"{expected_path} missing: run `make goldens` and review it"
    expected = expected_path.read_text(encoding="utf-8")
    actual = run_to(case)
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            f"{case.parent.name}/{case.name}/{EXPECTED}", "actual",
        ))
        pytest.fail(f"{case.parent.name}/{case.name} differs (`make goldens` if meant):\n{diff}")


def test_every_step_has_two_cases_and_a_readme() -> None:
    for name in step_names():
        folder = FILTERS / name
        cases = [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
        assert len(cases) >= 2, f"tests/filters/{name}: fewer than 2 cases"
        assert (folder / "README.md").is_file(), f"tests/filters/{name}/README.md missing"
    strays = {p.name for p in FILTERS.iterdir() if p.is_dir()} - set(step_names())
    assert not strays, f"tests/filters/ folders named after no step: {sorted(strays)}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_case_inputs_are_valid_notebooks(case: Path) -> None:
    node = nbformat.reads((case / INPUT).read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(node)
    assert json.loads((case / INPUT).read_text(encoding="utf-8"))["cells"], "an empty notebook"
