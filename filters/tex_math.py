#!/usr/bin/env python3
"""pandoc filter: write math for kramdown and MathJax (step ``tex-math``).

Thin wrapper of `pandockit.filters.tex_math`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filters.tex_math import main

main()
