#!/usr/bin/env python3
"""pandoc filter: number the cells (run first when chaining single filters).

Thin wrapper of `pandockit.filters.cell_index`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import cell_index

cell_index()
