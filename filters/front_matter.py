#!/usr/bin/env python3
"""pandoc filter: collect front matter, name the post.

Thin wrapper of `pandockit.filters.front_matter`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import front_matter

front_matter()
