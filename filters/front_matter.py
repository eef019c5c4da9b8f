#!/usr/bin/env python3
"""pandoc filter: collect front matter, name the post.

Thin wrapper of `pandockit.filters.front_matter`.
"""

import sys
from pathlib import Path

try:
    from pandockit.filters.front_matter import main
except ImportError:  # run from a checkout: the package lives next to this folder
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from pandockit.filters.front_matter import main

if __name__ == "__main__":
    main()
