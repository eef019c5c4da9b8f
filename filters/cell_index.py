#!/usr/bin/env python3
"""pandoc filter: number the cells (run first when chaining single filters).

Thin wrapper of `pandockit.filters.cell_index`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filters.cell_index import main

main()
