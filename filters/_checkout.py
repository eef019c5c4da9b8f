"""Make ``pandockit`` importable from a checkout when it is not installed (filters/ wrappers)."""

import sys
from pathlib import Path

try:
    import pandockit  # noqa: F401
except ImportError:  # run from a checkout: the package lives next to this folder
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
