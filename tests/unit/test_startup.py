"""pandockit.startup: the pattern given to PyYAML's reader is its own, compiled faster (the
imports that take it: tests/convert/test_startup_imports.py)."""

from __future__ import annotations

import re
import sys

from pandockit import startup


def test_the_equivalent_matches_the_same_code_points_as_pyyaml_pattern() -> None:
    # re.UNICODE is a str pattern's default: the same pattern, compiled past the seeded cache
    original = re.compile(startup.YAML_NON_PRINTABLE, re.UNICODE)
    fast = re.compile(startup.NON_PRINTABLE, re.UNICODE)
    text = "".join(map(chr, range(sys.maxunicode + 1)))
    assert [m.start() for m in fast.finditer(text)] == [m.start() for m in original.finditer(text)]
    assert len(original.findall(text)) == 9 + 2 + 18 + 6 + 26 + 2048 + 2  # what it leaves out
