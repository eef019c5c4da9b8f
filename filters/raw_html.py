#!/usr/bin/env python3
"""pandoc filter: make the raw HTML of markdown and raw cells well-formed for kramdown.

Thin wrapper of `pandockit.filters.raw_html`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import raw_html

raw_html()
