#!/usr/bin/env python3
"""pandoc filter: hide what the author hid.

Thin wrapper of `pandockit.filters.visibility`.
"""

import sys
from pathlib import Path

try:
    from pandockit.filters.visibility import main
except ImportError:  # run from a checkout: the package lives next to this folder
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from pandockit.filters.visibility import main

if __name__ == "__main__":
    main()
