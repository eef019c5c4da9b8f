#!/usr/bin/env python3
"""pandoc filter: read markdown cells' math by Jupyter's rules.

Thin wrapper of `pandockit.filters.jupyter_math`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import jupyter_math

jupyter_math()
