#!/usr/bin/env python3
"""pandoc filter: choose one representation per output.

Thin wrapper of `pandockit.filters.outputs`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import outputs

outputs()
