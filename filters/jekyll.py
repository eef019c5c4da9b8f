#!/usr/bin/env python3
"""pandoc filter: the whole pipeline, giving the finished Jekyll post.

Needs -M pandockit-notebook=NB.ipynb.

Thin wrapper of `pandockit.jekyll_filter`.
"""

import sys
from pathlib import Path

try:
    from pandockit.jekyll_filter import main
except ImportError:  # run from a checkout: the package lives next to this folder
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from pandockit.jekyll_filter import main

if __name__ == "__main__":
    main()
