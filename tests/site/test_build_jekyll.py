"""``pandockit build`` on examples and corpus notebooks, then the real Jekyll builds the site:
every image of every post resolves, math and Liquid-looking text come through (the build
itself, incremental runs, clean, locks: tests/convert/test_build.py)."""

from __future__ import annotations

from pathlib import Path

import corpus
from jekyll_site import img_srcs, math_in, text_of
from test_build import ALGEBRA, CORPUS, EXAMPLES, TENSOR, new_site

from pandockit import builder as bld
from pandockit import cli, manifest

# -- the built site in real Jekyll ------------------------------------------------------------


@corpus.mark
def test_jekyll_builds_the_built_site(tmp_path: Path) -> None:
    site = new_site(
        tmp_path / "site",
        sorted(EXAMPLES.glob("*.ipynb"))
        + [CORPUS / "jekyllnb/hello-world.ipynb", CORPUS / "myst-nb/complex_outputs.ipynb"],
    )
    assert cli.main(["build", "--site", str(site.path), "-q"]) == 0
    site.build()
    entries = manifest.load(site.path).entries
    assert len(entries) == 5
    for entry in entries.values():
        page = site.post_html(site.path / entry.post)
        srcs = img_srcs(page)
        assert len(srcs) == len(bld.written_files(site.path, entry)) - 1  # its images
        for src in srcs:
            assert site.url_path(src).is_file(), src
    algebra = site.post_html(site.path / f"_posts/{ALGEBRA}.md")
    assert "e^{i\\pi} + 1 = 0" in math_in(algebra)
    tensor = text_of(site.post_html(site.path / f"_posts/{TENSOR}.md"))
    assert "{{ not liquid }} and {% raw %}" in tensor
