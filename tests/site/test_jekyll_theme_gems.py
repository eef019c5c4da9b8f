"""What ``pandockit init`` says of a theme Ruby cannot find (the gem looked up by the real
``ruby``; the sites' other shapes, which need no program: tests/unit/test_jekyll_theme.py)."""

from __future__ import annotations

from pathlib import Path

from test_jekyll_theme import LINE, write

from pandockit.site.init import InitOptions, init


def test_a_theme_not_installed_is_said_plainly(tmp_path: Path) -> None:
    site = write(tmp_path, {"_config.yml": "theme: jekyll-theme-nowhere\n"})
    lines = init(site, InitOptions()).lines(site, False)
    assert ("to do: the theme 'jekyll-theme-nowhere' is not installed here (no gem found): "
            f"install it and run 'pandockit init' again, or add {LINE} inside the <head> of "
            "the layout 'post'") in lines
    assert "posts get the layout 'post' (the theme jekyll-theme-nowhere is not installed here)" \
        in lines
