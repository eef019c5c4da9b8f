"""Every corpus notebook converts, and the whole corpus builds in real Jekyll as one site."""

from __future__ import annotations

import re

import corpus
import pytest
import yaml
from conftest import corpus_notebooks
from selectolax.lexbor import LexborHTMLParser

NOTEBOOKS = corpus_notebooks()

pytestmark = corpus.mark


def test_corpus_builds_without_liquid_warnings(corpus_build) -> None:
    assert len(corpus_build.posts) == len(NOTEBOOKS) == 31
    assert not re.search(r"Liquid (Exception|Warning)|Error:", corpus_build.build_output), (
        corpus_build.build_output
    )


@pytest.mark.parametrize("nb", corpus.params(NOTEBOOKS))
def test_corpus_post_is_its_page_with_its_title(corpus_build, nb) -> None:
    """The page Jekyll built from each corpus post is that post, through the layout pandockit
    named, with exactly the title pandockit wrote as the page's title and its one heading (the
    front matter as Jekyll parsed it, key by key: tests/site/test_front_matter_jekyll.py)."""
    post = corpus_build.posts[nb]
    fm = yaml.safe_load(post.read_text(encoding="utf-8").split("---\n", 2)[1])
    assert fm["layout"] in ("post", "notebook")  # jekyllnb's notebook names its own layout
    tree = LexborHTMLParser(corpus_build.html(nb))
    source = tree.css_first('meta[name="pandockit-source"]')
    assert source.attributes["content"] == post.relative_to(corpus_build.site.path).as_posix()
    title = str(fm["title"])
    assert tree.css_first("title").text() == title
    assert [h.text() for h in tree.css("h1.post-title")] == [title]
