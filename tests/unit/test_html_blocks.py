"""Markdown between HTML blocks, as Jupyter reads it: CommonMark's HTML block rules
(pandockit.commonmark_html), on strings (the page the real Jekyll builds from them:
tests/site/test_html_blocks_jekyll.py)."""

from __future__ import annotations

import pytest

from pandockit.commonmark_html import fenced, has_markdown, html_blocks, interrupts_paragraph

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
