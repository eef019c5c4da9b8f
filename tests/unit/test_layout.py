"""Every test file lives in the folder of its kind (tests/conftest.py's KINDS, docs/testing.md):
tests/<kind>/test_*.py, or tests/filters/<step>/ beside the step's cases; file names are unique
(test modules are imported by name); each kind has its marker, and the docs name every kind."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import KINDS, TESTS, kind_of

from pandockit.pipeline import PIPELINE

ROOT = TESTS.parent
TEST_FILES = sorted(p for p in TESTS.rglob("test_*.py") if "node_modules" not in p.parts)


def test_every_test_file_is_in_a_kind_folder() -> None:
    steps = {step.name for step in PIPELINE}
    misplaced = []
    for path in TEST_FILES:
        parts = path.relative_to(TESTS).parts
        kind = kind_of(path)
        if kind is None or len(parts) > 3:
            misplaced.append(path)
        elif kind == "filters" and len(parts) == 3 and parts[1] not in steps:
            misplaced.append(path)  # tests/filters/<step>/: a step of the pipeline
        elif kind != "filters" and len(parts) != 2:
            misplaced.append(path)
    assert not misplaced, [p.relative_to(ROOT).as_posix() for p in misplaced]
    assert len(TEST_FILES) > 50  # the walk found the suite: the check is not vacuous


def test_test_file_names_are_unique() -> None:
    twice = [name for name, n in Counter(p.name for p in TEST_FILES).items() if n > 1]
    assert not twice, twice


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_has_its_folder_marker_and_docs(kind: str, pytestconfig) -> None:
    assert (TESTS / kind).is_dir()
    assert any(kind_of(p) == kind for p in TEST_FILES), f"no test in tests/{kind}/"
    markers = pytestconfig.getini("markers")
    assert any(m.split(":")[0] == kind for m in markers), f"marker {kind} not registered"
    assert f"`tests/{kind}/`" in (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")


def test_this_test_carries_the_unit_marker(request) -> None:
    assert request.node.get_closest_marker("unit") is not None
    assert request.node.get_closest_marker("site") is None


def test_a_unit_test_may_start_no_program() -> None:
    import subprocess

    with pytest.raises(RuntimeError, match="a unit test may not start"):
        subprocess.run(["true"], check=False)
    from conftest import _started

    _started.clear()  # the refusal was the point here
