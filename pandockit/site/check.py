"""Whether a site's pages would load MathJax (``pandockit build`` warns when they would not).

A site loads it when a layout or include of its own or of its theme includes
``pandockit-head.html`` or loads MathJax (or KaTeX) itself. pandockit's own head include does
not count: written by ``pandockit init`` but included nowhere, it loads nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from pandockit.site import templates, theme
from pandockit.site.edits import ByHand, load_config

_LOADS = re.compile(r"mathjax|katex|" + re.escape(templates.HEAD_INCLUDE), re.I)


def _any_loads(root: Path) -> bool:
    for folder in ("_layouts", "_includes"):
        for path in sorted((root / folder).rglob("*.html")) if (root / folder).is_dir() else []:
            if path.name == templates.HEAD_INCLUDE:
                continue
            try:
                if _LOADS.search(path.read_text(encoding="utf-8", errors="replace")):
                    return True
            except OSError:
                continue
    return False


def loads_mathjax(site: Path) -> bool:
    """True when the pages of ``site`` would load MathJax (or KaTeX) for a post's math."""
    if _any_loads(site):
        return True
    for name in ("_config.yml", "_config.yaml"):
        if (site / name).is_file():
            try:
                config = load_config((site / name).read_text(encoding="utf-8", errors="replace"))
            except ByHand:
                return True  # a config Jekyll cannot read: the build says so, not this check
            break
    else:
        return False
    name = theme.theme_name(config)
    root = theme.theme_root(name, site) if name else None
    return root is not None and _any_loads(root)
