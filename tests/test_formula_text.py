"""The math encoders on their own (pandockit.formula_text): plain strings in, Markdown out."""

from __future__ import annotations

import pytest

from pandockit import formula_text


@pytest.mark.parametrize(
    ("tex", "written"),
    [
        ("a_b*c", "a\\_b\\*c"),
        ("\\{x\\}", "\\\\{x\\\\}"),
        ("f'(x) -- y...", "f\\'(x) \\-\\- y\\.\\.\\."),
        ("a~~b|c", "a\\~\\~b\\|c"),
        ("\\&amp; & x", "\\\\&amp;amp; & x"),
        ("a \\\\\nb", "a \\\\&#92;\nb"),
        ("- a\n+ b\n= c\n12. d", "\\- a\n\\+ b\n\\= c\n12\\. d"),
        ("a  \nb", "a &#32;\nb"),
        ("{:x} <b> #1 [l](u) `c`", "\\{:x} \\<b\\> \\#1 \\[l\\](u) \\`c\\`"),
    ],
)
def test_dollars_escape(tex: str, written: str) -> None:
    assert formula_text.dollars_escape(tex) == written


LABELLED = "\\begin{equation}E\\label{e}\\end{equation}"


@pytest.mark.parametrize(
    ("latex", "tex"),
    [
        ("$\\displaystyle x^{2}$", "\\displaystyle x^{2}"),
        ("$$ a = b+c $$", "a = b+c"),
        ("\\[\\begin{aligned}a\\end{aligned}\\]", "\\begin{aligned}a\\end{aligned}"),
        ("\\begin{equation*}E\\end{equation*}", "E"),
        (LABELLED, LABELLED),  # a label: MathJax could number it, so the wrapper stays
        ("\\begin{align}a\\\\b\\end{align}", "\\begin{align}a\\\\b\\end{align}"),
        ("$a$ and $b$", None),
        ("\\begin{tabular}{ll}a & b\\end{tabular}", None),
    ],
)
def test_latex_formula(latex: str, tex: str | None) -> None:
    assert formula_text.latex_formula(latex) == tex


@pytest.mark.parametrize(
    ("html", "dollars", "out"),
    [
        ("<p>$x$ and $$y$$</p>", False, "<p>\\(x\\) and \\[y\\]</p>"),
        ('<a title="$t$">$5 and $6</a>', False, '<a title="$t$">$5 and $6</a>'),
        ("<code>$c$</code> $d$", False, "<code>$c$</code> \\(d\\)"),
        ('<div markdown="1">$x$ $$y$$</div>', False, '<div markdown="1">$$x$$ $$y$$</div>'),
        ("<p>$x$ costs $5</p>", True, "<p>$x$ costs \\$5</p>"),
    ],
)
def test_html_math(html: str, dollars: bool, out: str) -> None:
    assert formula_text.html_math(html, dollars)[0] == out


@pytest.mark.parametrize(
    ("tex", "table", "written"),
    [
        ("x^2", False, "$$x^2$$"),
        ("  x  ", False, "$$x$$"),  # kramdown strips the content: so does the writer
        ("a\\$", False, "$$a\\$ $$"),  # a closing `$` of the TeX kept off the delimiter
        ("a\n- b", False, "$$a\n    - b$$"),  # a line that would start a list: indented
        ("a\n# b", False, "$$a\n    # b$$"),
        ("|x|", True, "$$\\|x\\|$$"),  # in a table: kramdown takes one backslash back
        ("|x|", False, "\\\\(\\|x\\|\\\\)"),  # outside: escaped text shown as \(|x|\)
    ],
)
def test_kramdown_inline(tex: str, table: bool, written: str) -> None:
    assert formula_text.kramdown_inline(tex, table=table) == written


def test_display_in_either_style() -> None:
    assert formula_text.display(" a = b \n", dollars=False) == "$$\na = b\n$$\n"
    assert formula_text.display("a\n\nb_1", dollars=True) == "\\$\\$\na\nb\\_1\n\\$\\$\n"
    assert formula_text.inline("x_1", dollars=True) == "$x\\_1$"
    assert formula_text.inline("x_1", dollars=False) == "$$x_1$$"


def test_table_safe() -> None:
    assert formula_text.table_safe("\\|a| |b|") == "\\\\|a\\| \\|b\\|"


@pytest.mark.parametrize(
    ("text", "dollars", "pieces"),
    [
        ("costs $5", False, None),  # one dollar: stock MathJax has no `$` delimiter
        ("a $$b", False, [(False, "a "), (True, formula_text.ESCAPED_DOLLAR * 2), (False, "b")]),
        ("$5", True, [(True, formula_text.ESCAPED_DOLLAR), (False, "5")]),
        ("plain", True, None),
    ],
)
def test_prose_dollars(text: str, dollars: bool, pieces: list | None) -> None:
    assert formula_text.prose_dollars(text, dollars) == pieces


@pytest.mark.parametrize(
    ("text", "dollars", "written"),
    [
        ("C:\\path", False, "C:\\\\path"),
        ("\\$5 and $$", False, "\\$5 and " + formula_text.ESCAPED_DOLLAR * 2),
        ("$5", True, formula_text.ESCAPED_DOLLAR + "5"),
        ("\\ref{x} &amp;", False, "\\\\ref{x} &amp;"),  # entities left for the browser
    ],
)
def test_literal_text(text: str, dollars: bool, written: str) -> None:
    assert formula_text.literal_text(text, dollars) == written


def test_latex_pieces() -> None:
    assert formula_text.latex_pieces("The $a$ and \\[b\\] or \\begin{align}c\\end{align}.") == [
        ("text", "The "), ("inline", "a"), ("text", " and "), ("display", "b"),
        ("text", " or "), ("display", "\\begin{align}c\\end{align}"), ("text", "."),
    ]


@pytest.mark.parametrize(
    ("html", "found"),
    [("<p>$x$</p>", True), ('<a title="$t$">t</a>', False), ("<code>$c$</code>", False),
     ("$5 and $6", False), ("$$y$$", True)],
)
def test_html_math_says_whether_it_found_a_formula(html: str, found: bool) -> None:
    assert formula_text.html_math(html)[1] is found


@pytest.mark.parametrize(
    ("text", "dollars", "written", "found"),
    [
        ("a $x$ b", False, "a $$x$$ b", True),
        ("$x$", False, "\\$$x$$", True),  # a paragraph of one formula stays inline
        ("a $$y$$ b", False, "a \n\n$$\ny\n$$\n\n b", True),
        ("`$x$` and\n\n    $y$", False, "`$x$` and\n\n    $y$", False),  # code stays
        ("a $x_1$", True, "a $x\\_1$", True),
        ("costs $5", False, "costs $5", False),
    ],
)
def test_markdown_output_math(text: str, dollars: bool, written: str, found: bool) -> None:
    assert formula_text.markdown_output_math(text, dollars) == (written, found)


def test_para_before_is_the_regex_read_backwards() -> None:
    """``_para_before`` (linear in a long text/markdown output) answers as the search it
    replaces, on every prefix of texts made of the characters that matter."""
    import itertools

    from pandockit import formula_text as tm

    for n in range(7):
        for chars in itertools.product(" \tx\n", repeat=n):
            text = "".join(chars) + "$x$"
            for end in range(len(text) + 1):
                expected = tm._PARA_BEFORE.search(text, 0, end) is not None
                assert tm._para_before(text, end) is expected, (text, end)
