#!/usr/bin/env python3
"""pandoc filter: hide what the author hid.

Thin wrapper of `pandockit.filters.visibility`."""
import _checkout  # noqa: F401  (finds pandockit in a checkout)

from pandockit.filters.visibility import main

main()
