"""Golden tests: each case's post and media list, as a unified diff when they differ."""

from __future__ import annotations

from pathlib import Path

import pytest
from goldens import (
    EXPECTED_MEDIA,
    EXPECTED_POST,
    case_dirs,
    case_params,
    convert_case,
    media_listing,
    text_diff,
)

CASES = case_dirs()


def _diff(expected: str, actual: str, name: str) -> str:
    return text_diff(expected, actual, f"{name} (expected)", f"{name} (actual)")


@pytest.mark.parametrize("case", case_params(CASES))
def test_golden_post(case: Path, tmp_path: Path) -> None:
    expected_post = case / EXPECTED_POST
    expected_media = case / EXPECTED_MEDIA
    assert expected_post.is_file(), f"{expected_post} is missing: run `make goldens` on purpose"
    assert expected_media.is_file(), f"{expected_media} is missing: run `make goldens` on purpose"
    text, media, post = convert_case(case, tmp_path / "site")
    diff = _diff(expected_post.read_text(encoding="utf-8"), text, EXPECTED_POST)
    assert not diff, f"post differs from {expected_post}:\n{diff}"
    listing = media_listing(post.stem, media)
    diff = _diff(expected_media.read_text(encoding="utf-8"), listing, EXPECTED_MEDIA)
    assert not diff, f"media differ from {expected_media}:\n{diff}"


def test_every_case_has_its_expectations() -> None:
    assert CASES, "no golden cases found"
    for case in CASES:
        assert (case / EXPECTED_POST).is_file(), case
        assert (case / EXPECTED_MEDIA).is_file(), case
