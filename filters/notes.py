#!/usr/bin/env python3
"""pandoc filter: fastpages notes (> Note: text) as boxes; > youtube: and > twitter: embeds.

Thin wrapper of `pandockit.filters.notes`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import notes

notes()
