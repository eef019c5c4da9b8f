"""Markdown between HTML blocks, as Jupyter reads it, on the page the real Jekyll builds from
the crafted notebook tests/cases/html-blocks (also in tests/oracle/notebooks, where the Jupyter
oracle compares it with JupyterLab's rendering), read back with an HTML5 parser (CommonMark's
HTML block rules alone, pandockit.commonmark_html: tests/unit/test_html_blocks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from converting import convert
from jekyll_site import JekyllSite, jekyll_available
from selectolax.lexbor import LexborHTMLParser, LexborNode

from pandockit.config import resolve_options

NOTEBOOK = (Path(__file__).resolve().parents[1] / "cases" / "html-blocks"
            / "2024-01-04-html-blocks.ipynb")


# --- the page Jekyll builds -----------------------------------------------------------------

pytestmark_jekyll = pytest.mark.skipif(not jekyll_available(), reason="needs the jekyll command")


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> LexborNode:
    root = tmp_path_factory.mktemp("html-blocks")
    site = JekyllSite(root / "site", {"kramdown": {"show_warnings": True}})
    options = resolve_options(site.path, {})
    post = convert(NOTEBOOK, site.path, options).post
    site.build()
    page = site.pages()[post.relative_to(site.path).as_posix()]
    node = LexborHTMLParser(page).css_first("article")
    assert node is not None
    return node


def _with_text(nodes: list[LexborNode], text: str) -> LexborNode:
    found = [n for n in nodes if text in n.text()]
    assert len(found) == 1, (text, [n.html for n in nodes])
    return found[0]


def _child_of_body(node: LexborNode) -> bool:
    """Whether ``node`` stands on its own in the post (the harness's layout: in <article>)."""
    parent = node.parent
    return parent is not None and parent.tag == "article"


@pytestmark_jekyll
def test_markdown_inside_the_element(article: LexborNode) -> None:
    center = article.css_first('div[align="center"]')
    assert center is not None
    assert center.css_first("p > strong").text() == "bold"
    assert center.css_first("img").attributes["src"] == "https://example.com/x.png"
    after = _with_text(article.css("p"), "After the div.")
    assert _child_of_body(after)

    details = article.css_first("details")
    assert details.css_first("summary").text() == "More"
    assert details.css_first("p > em").text() == "text"

    heading = article.css_first("center > h1")
    assert heading is not None and heading.text() == "Title in center"


@pytestmark_jekyll
def test_lists_code_math_liquid_and_local_images(article: LexborNode) -> None:
    box = article.css_first("div.box")
    items = box.css("li")
    assert [i.text().strip()[:3] for i in items] == ["one", "two"]
    assert items[0].css_first("em").text() == "item"
    assert '{{ not liquid }}' in box.css_first("pre code").text()  # Liquid left untouched
    text = box.text()
    assert "a + b" in text and "\\sum_i i" in text and "$" not in text.replace("$$", "")
    # math Jupyter finds and pandoc does not, in a cell read split (one run each reading)
    assert "a + b" in article.css_first("div.m > p").text()
    assert "v = dx/dt" in _with_text(article.css("p"), "Speed").text()
    assert "$" not in article.css_first("div.m").text().replace("\\(", "")
    section = article.css_first("section#s")
    assert "{{ liquid }}" in section.css_first("p").text()
    img = article.css_first("div.pic > p > img")
    assert img is not None and img.attributes["src"].endswith("attachment_5_dot.png")
    late = article.css_first("div.late > p > em")  # the div interrupted a paragraph
    assert late is not None and late.text() == "late div"
    assert _child_of_body(_with_text(article.css("p"), "Text first"))
    cell = article.css_first("td > p > strong")
    assert cell is not None and cell.text() == "cell"


@pytestmark_jekyll
def test_blocks_that_a_blank_line_does_not_end(article: LexborNode) -> None:
    pre = article.css_first("pre:not(.highlight)")
    assert pre is not None and "kept *as* pre text" in pre.text()
    assert _with_text(article.css("p"), "Then").css_first("em").text() == "emphasis"
    assert "with blank lines inside" not in article.text()
    assert _with_text(article.css("p"), "After the comment").css_first("em") is not None
    assert _with_text(article.css("p"), "After the script").css_first("em") is not None
    script = article.css_first('script[type="text/plain"]')
    assert script is not None and "**not bold**" in script.text(deep=True)
    assert not [s for s in article.css("strong") if "not bold" in s.text()]
    para = _with_text(article.css("p"), "start of a")
    assert para.css_first("span").text() == "inline" and para.css_first("em") is not None
    # no Markdown left as text anywhere outside code, pre and script
    shown = article.text(deep=True)
    for code in [*article.css("pre"), *article.css("script")]:
        shown = shown.replace(code.text(deep=True), "")
    assert "**" not in shown and "*text*" not in shown
    end = _with_text(article.css("p"), "The end.")
    assert _child_of_body(end)
