#!/usr/bin/env python3
"""pandoc filter: write math for kramdown and MathJax.

Thin wrapper of `pandockit.filters.kramdown_math`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filters.kramdown_math import main

main()
