#!/usr/bin/env python3
"""pandoc filter: read markdown cells' math by Jupyter's rules.

Thin wrapper of `pandockit.filters.jupyter_math`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filters.jupyter_math import main

main()
