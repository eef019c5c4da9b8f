#!/usr/bin/env python3
"""pandoc filter: choose one representation per output.

Thin wrapper of `pandockit.filters.outputs`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filters.outputs import main

main()
