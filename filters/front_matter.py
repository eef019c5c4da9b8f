#!/usr/bin/env python3
"""pandoc filter: collect front matter, name the post.

Thin wrapper of `pandockit.filters.front_matter`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filters.front_matter import main

main()
