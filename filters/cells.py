#!/usr/bin/env python3
"""pandoc filter: unwrap cell and output Divs into the post body.

Thin wrapper of `pandockit.filters.cells`.
"""

import sys
from pathlib import Path

try:
    from pandockit.filters.cells import main
except ImportError:  # run from a checkout: the package lives next to this folder
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from pandockit.filters.cells import main

if __name__ == "__main__":
    main()
