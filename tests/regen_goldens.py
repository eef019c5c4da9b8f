"""Regenerate the expected posts of tests/cases and the per-filter samples and expected files of
tests/filters (``make goldens``): run on purpose, then review the diff with
``git diff tests/cases tests/filters`` before committing."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import corpus  # noqa: E402
import filter_cases  # noqa: E402
from goldens import (  # noqa: E402
    EXPECTED_MEDIA,
    EXPECTED_POST,
    case_dirs,
    convert_case,
    corpus_source,
    media_listing,
)


def main() -> int:
    for case in case_dirs():
        if corpus_source(case) and not corpus.available():
            print(f"{case.name}: kept as it is ({corpus.MISSING})")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            text, media, post = convert_case(case, Path(tmp) / "site")
        (case / EXPECTED_POST).write_text(text, encoding="utf-8")
        (case / EXPECTED_MEDIA).write_text(media_listing(post.stem, media), encoding="utf-8")
        print(f"{case.name}: {len(text)} chars, {len(media)} media files")
    for case in filter_cases.case_dirs():  # the sample, then the step alone on it
        text = filter_cases.write_case(case)
        print(f"filters/{case.parent.name}/{case.name}: {len(text)} chars")
    return 0


if __name__ == "__main__":
    sys.exit(main())
