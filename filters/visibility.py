#!/usr/bin/env python3
"""pandoc filter: hide what the author hid.

Thin wrapper of `pandockit.filters.visibility`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import visibility

visibility()
