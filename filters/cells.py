#!/usr/bin/env python3
"""pandoc filter: unwrap cell and output Divs into the post body.

Thin wrapper of `pandockit.filters.cells`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import cells

cells()
