#!/usr/bin/env python3
"""pandoc filter: badges and a table of contents at the top of the post.

Thin wrapper of `pandockit.filters.top`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import top

top()
