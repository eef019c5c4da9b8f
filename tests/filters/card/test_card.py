"""The card step's text helpers: the cut at a word, and the description's character references
(the whole step: tests/filters/card/; on a real site: tests/browser/test_blog_site.py)."""

from __future__ import annotations

import html

from pandockit.filters.card import CODE, END_CODE, LIMIT, as_description, as_excerpt, shorten


def test_shorten_cuts_at_a_word_within_the_limit() -> None:
    text = " ".join(["word"] * 200)
    short = shorten(text)
    assert len(short) <= LIMIT and short.endswith("word\u2026")
    assert shorten("short text") == "short text"


def test_a_code_span_cut_open_is_closed() -> None:
    text = "a " * 140 + CODE + "x " * 40 + END_CODE
    short = shorten(text)
    assert short.count(CODE) == short.count(END_CODE) == 1
    assert as_excerpt(short).count("<code>") == as_excerpt(short).count("</code>") == 1


def test_description_reads_as_its_text_once_html_references_are_read() -> None:
    text = f"the {CODE}__repr__{END_CODE} of x^\\star, a*b and [1] < 2 & more"
    written = as_description(text)
    assert "_" not in written and "*" not in written and "\\" not in written
    assert html.unescape(written) == "the __repr__ of x^\\star, a*b and [1] < 2 & more"
