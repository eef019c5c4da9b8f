"""Markdown between HTML blocks, as Jupyter reads it: CommonMark's HTML block rules
(pandockit.commonmark_html) and the page the real Jekyll builds from the crafted notebook
tests/cases/html-blocks (also in tests/oracle/notebooks, where the Jupyter oracle compares it
with JupyterLab's rendering), read back with an HTML5 parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from converting import convert
from jekyll_site import JekyllSite, jekyll_available
from selectolax.lexbor import LexborHTMLParser, LexborNode

from pandockit.commonmark_html import fenced, has_markdown, html_blocks, interrupts_paragraph
from pandockit.config import resolve_options

NOTEBOOK = Path(__file__).parent / "cases" / "html-blocks" / "2024-01-04-html-blocks.ipynb"


# --- CommonMark's HTML blocks ---------------------------------------------------------------


@pytest.mark.parametrize(("source", "blocks"), [
    ('<div align="center">\n\n**bold**\n\n</div>', [(0, 0, 6), (4, 4, 6)]),
    ("<details>\n<summary>More</summary>\n\nx\n\n</details>", [(0, 1, 6), (5, 5, 6)]),
    ("<pre>\n\nkept *as* text\n\n</pre>\n\nafter", [(0, 4, 1)]),
    ("<PRE>x</pre>\nafter", [(0, 0, 1)]),
    ("<!-- a\n\nb\n\n-->\nafter", [(0, 4, 2)]),
    ("<?php\n\necho 1;\n\n?>", [(0, 4, 3)]),
    ("<!DOCTYPE html>\ntext", [(0, 0, 4)]),
    ("<![CDATA[\n\nx\n\n]]>", [(0, 4, 5)]),
    ("<script>\n\nvar a;\n\n</script>", [(0, 4, 1)]),
    ("<span>\n\n*b*\n\n</span>", [(0, 0, 7), (4, 4, 7)]),
    ("<span>inline</span> starts a *paragraph*", []),  # not a tag alone on its line
    ("text\n<span>\n\n*b*", []),  # type 7 cannot interrupt a paragraph
    ("text\n<div>\n\n*b*", [(1, 1, 6)]),  # type 6 can
    ("    <div>\n\ncode", []),  # indented code
    ("```\n<div>\n\n```\n\n*b*", []),  # fenced code
    ("- item\n\n  <div>\n\n  *x*", []),  # in a list item: left to pandoc
    ("- item\n\n<div>\n\n*x*", [(2, 2, 6)]),  # after the list
    ("> <div>\n\n*x*", []),  # in a quote
])
def test_html_blocks_by_commonmark(source: str, blocks: list) -> None:
    assert html_blocks(source) == blocks


def test_has_markdown_only_where_a_block_ended_before_markdown() -> None:
    assert has_markdown("<div>\n\n**bold**\n\n</div>")
    assert has_markdown("<details>\n<summary>S</summary>\n\ntext\n\n</details>")
    assert not has_markdown("<pre>\n\n**bold**\n\n</pre>")
    assert not has_markdown("<!--\n\n**bold**\n\n-->")
    assert not has_markdown("<div>\n<p>all html</p>\n</div>")
    assert not has_markdown("<video src=x>text</video>\n\nmore")  # not a CommonMark block


def test_an_html_block_interrupting_a_paragraph() -> None:
    assert interrupts_paragraph("Text first\n<div class=\"late\">\n\n*x*\n\n</div>")
    assert not interrupts_paragraph("Text first\n\n<div>\n\n*x*")
    assert not interrupts_paragraph("Text first\n<span>\n\n*x*")  # type 7 cannot
    assert html_blocks("</pre>\n\nx") == []  # an end tag of type 1 starts no block


def test_fenced_puts_each_block_in_a_raw_fence() -> None:
    assert fenced("<div>\n\n*x*\n\n</div>") == (
        "\n```{=html}\n<div>\n```\n\n\n*x*\n\n\n```{=html}\n</div>\n```\n"
    )
    # a backtick run in the block: a longer fence
    assert fenced("<div>```</div>").splitlines()[1] == "````{=html}"
    assert fenced("no html\n\nhere") == "no html\n\nhere"


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


@pytest.mark.jekyll
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


@pytest.mark.jekyll
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


@pytest.mark.jekyll
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
