#!/usr/bin/env python3
"""pandoc filter: the post's description and excerpt as plain prose (its social card).

Thin wrapper of `pandockit.filters.card`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import card

card()
