#!/usr/bin/env python3
"""pandoc filter: choose one representation per output.

Thin wrapper of `pandockit.filters.outputs`.
"""

import sys
from pathlib import Path

try:
    from pandockit.filters.outputs import main
except ImportError:  # run from a checkout: the package lives next to this folder
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from pandockit.filters.outputs import main

if __name__ == "__main__":
    main()
