#!/usr/bin/env python3
"""pandoc filter: number the cells (run first when chaining single filters).

Thin wrapper of `pandockit.filters.cell_index`.
"""

import sys
from pathlib import Path

try:
    from pandockit.filters.cell_index import main
except ImportError:  # run from a checkout: the package lives next to this folder
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from pandockit.filters.cell_index import main

if __name__ == "__main__":
    main()
