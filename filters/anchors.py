#!/usr/bin/env python3
"""pandoc filter: headings answer to Jupyter's ids; links to other notebooks go to their posts.

Thin wrapper of `pandockit.filters.anchors`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import anchors

anchors()
