"""Per-filter sample/expected pairs: each case's step runs alone on its sample (``input.json``,
the document the pipeline's earlier steps give it) and must give ``expected.json``
(tests/filters/<step>/<case>/; see tests/filter_cases.py). No pandoc runs for a passing case;
a difference is shown as a unified diff of the Markdown. Regenerate on purpose with
``make goldens``."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from filter_cases import (
    EXPECTED,
    EXPECTED_JSON,
    FILTERS,
    GENERATED,
    INPUT,
    SAMPLE,
    case_dirs,
    dump,
    load_sample,
    portable,
    rendered,
    run_step,
    step_names,
)
from goldens import text_diff

CASES = case_dirs()
IDS = [f"{c.parent.name}/{c.name}" for c in CASES]


def _diff(expected: str, actual: str, name: str) -> str:
    return text_diff(expected, actual, name, "actual")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_step_alone_on_its_sample_gives_the_expected_document(case: Path) -> None:
    name = f"{case.parent.name}/{case.name}"
    for file in GENERATED:
        assert (case / file).is_file(), f"{name}/{file} missing: run `make goldens` and review it"
    expected = json.loads((case / EXPECTED_JSON).read_text(encoding="utf-8"))
    before = load_sample(case).get_metadata()
    actual = portable(run_step(case, load_sample(case)))
    if actual == expected:
        return
    # Only now pandoc runs: the difference as the Markdown a reviewer reads (else the JSON).
    diff = _diff(rendered(expected, before), rendered(actual, before), f"{name}/{EXPECTED}")
    diff = diff or _diff(dump(expected), dump(actual), f"{name}/{EXPECTED_JSON}")
    pytest.fail(f"{name}: the step on {SAMPLE} differs (`make goldens` if meant):\n{diff}")


def test_every_step_has_two_cases_and_a_readme() -> None:
    for name in step_names():
        folder = FILTERS / name
        cases = [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
        assert len(cases) >= 2, f"tests/filters/{name}: fewer than 2 cases"
        assert (folder / "README.md").is_file(), f"tests/filters/{name}/README.md missing"
    strays = {p.name for p in FILTERS.iterdir() if p.is_dir()} - set(step_names()) - {
        "__pycache__"}
    assert not strays, f"tests/filters/ folders named after no step: {sorted(strays)}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_case_inputs_are_valid_notebooks(case: Path) -> None:
    node = nbformat.reads((case / INPUT).read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(node)
    assert json.loads((case / INPUT).read_text(encoding="utf-8"))["cells"], "an empty notebook"
