#!/usr/bin/env python3
"""pandoc filter: the whole pipeline, giving the finished Jekyll post.

Thin wrapper of `pandockit.jekyll_filter`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.jekyll_filter import main

main()
