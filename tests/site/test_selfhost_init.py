"""``pandockit init --self-host`` on a stock ``jekyll new`` site: the head include loads
MathJax from the site (self-hosting itself, with no Jekyll: tests/convert/test_selfhost.py;
in Chromium: tests/browser/test_selfhost_browser.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_init_self_host_loads_mathjax_from_the_site(tmp_path: Path,
                                                    tmp_path_factory: pytest.TempPathFactory
                                                    ) -> None:
    from stock_site import new_site, pandockit

    site = new_site(tmp_path / "blog", tmp_path_factory.getbasetemp())
    proc = pandockit("init", "--site", site, "--self-host")
    assert proc.returncode == 0, proc.stderr
    assert "self-host: true" in (site / "_config.yml").read_text(encoding="utf-8")
    head = (site / "_includes" / "pandockit-head.html").read_text(encoding="utf-8")
    assert '{{ "/assets/pandockit/lib/mathjax@3.2.2/es5/tex-mml-chtml.js" | relative_url }}' in head
    assert ('{{ "/assets/pandockit/lib/mathjax@2.7.9/MathJax.js" | relative_url }}'
            "?config=TeX-AMS-MML_SVG") in head
    assert "cdn.jsdelivr" not in head
    # init again, without the flag: the site stays self-hosted, nothing changes
    proc = pandockit("init", "--site", site)
    assert proc.returncode == 0, proc.stderr
    assert "nothing to change" in proc.stdout
    assert (site / "_includes" / "pandockit-head.html").read_text(encoding="utf-8") == head
