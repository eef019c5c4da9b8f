"""Every corpus notebook converts, and the whole corpus builds in real Jekyll as one site."""

from __future__ import annotations

import re

import corpus
import pytest
import yaml
from conftest import corpus_notebooks

NOTEBOOKS = corpus_notebooks()

pytestmark = corpus.mark


def test_corpus_builds_without_liquid_warnings(corpus_build) -> None:
    assert len(corpus_build.posts) == len(NOTEBOOKS) == 31
    assert not re.search(r"Liquid (Exception|Warning)|Error:", corpus_build.build_output), (
        corpus_build.build_output
    )


@pytest.mark.parametrize("nb", corpus.params(NOTEBOOKS))
def test_corpus_post_is_built_with_its_front_matter(corpus_build, nb) -> None:
    post = corpus_build.posts[nb]
    front = post.read_text(encoding="utf-8").split("---\n", 2)[1]
    fm = yaml.safe_load(front)
    page = corpus_build.html(nb)
    assert fm["layout"] in ("post", "notebook")  # jekyllnb's notebook names its own layout
    title = str(fm["title"])
    import html

    assert html.escape(title, quote=False).strip() in page or title in html.unescape(page)
