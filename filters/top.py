#!/usr/bin/env python3
"""pandoc filter: badges and a table of contents at the top of the post.

Thin wrapper of `pandockit.filters.top`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filters.top import main

main()
