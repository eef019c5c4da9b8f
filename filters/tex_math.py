#!/usr/bin/env python3
"""pandoc filter: write math for kramdown and MathJax (step ``tex-math``).

Thin wrapper of `pandockit.filters.tex_math`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import tex_math

tex_math()
