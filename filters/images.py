#!/usr/bin/env python3
"""pandoc filter: name output images, point links at the asset folder.

Thin wrapper of `pandockit.filters.images`.
"""

import sys
from pathlib import Path

try:
    from pandockit.filters.images import main
except ImportError:  # run from a checkout: the package lives next to this folder
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from pandockit.filters.images import main

if __name__ == "__main__":
    main()
