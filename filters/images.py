#!/usr/bin/env python3
"""pandoc filter: name output images, point links at the asset folder.

Thin wrapper of `pandockit.filters.images`, run by `pandockit.filter_route`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filter_route import images

images()
