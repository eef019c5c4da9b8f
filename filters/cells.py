#!/usr/bin/env python3
"""pandoc filter: unwrap cell and output Divs into the post body.

Thin wrapper of `pandockit.filters.cells`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filters.cells import main

main()
