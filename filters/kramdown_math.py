#!/usr/bin/env python3
"""pandoc filter: write math for kramdown and MathJax.

Thin wrapper of `pandockit.filters.kramdown_math`.
"""

import sys
from pathlib import Path

try:
    from pandockit.filters.kramdown_math import main
except ImportError:  # run from a checkout: the package lives next to this folder
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from pandockit.filters.kramdown_math import main

if __name__ == "__main__":
    main()
