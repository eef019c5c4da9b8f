"""Regenerate the expected posts of tests/cases (``make goldens``): run on purpose, then review
the diff with ``git diff tests/cases`` before committing."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from goldens import EXPECTED_MEDIA, EXPECTED_POST, case_dirs, convert_case, media_listing  # noqa: E402


def main() -> int:
    for case in case_dirs():
        with tempfile.TemporaryDirectory() as tmp:
            text, media, post = convert_case(case, Path(tmp) / "site")
        (case / EXPECTED_POST).write_text(text, encoding="utf-8")
        (case / EXPECTED_MEDIA).write_text(media_listing(post.stem, media), encoding="utf-8")
        print(f"{case.name}: {len(text)} chars, {len(media)} media files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
