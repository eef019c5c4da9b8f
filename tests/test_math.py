"""The math filter on small inputs: what it writes for kramdown, and for the dollars style."""

from __future__ import annotations

import io
import json

import panflute as pf
import pytest

from pandockit import pandoc
from pandockit.filters import kramdown_math as km

READER = "markdown+raw_tex+tex_math_single_backslash"


def doc_of(markdown: str, math: str = "kramdown") -> pf.Doc:
    ast = pandoc.run_pandoc(["-f", READER, "-t", "json"], markdown.encode("utf-8"))
    doc = pf.load(io.StringIO(ast.decode("utf-8")))
    doc.metadata["pandockit"] = {"math": math}
    return doc


def convert(markdown: str, math: str = "kramdown") -> str:
    """``markdown`` through the math filter and pandockit's Markdown writer."""
    doc = km.main(doc_of(markdown, math))
    ast = json.loads(json.dumps(doc.to_json()))
    ast["meta"] = {}
    return write_markdown(ast).strip("\n")


def write_markdown(ast: dict) -> str:
    (body,) = pandoc.write([ast]).results()
    assert isinstance(body, str), body
    return body


def test_inline_math_is_double_dollar_in_the_sentence() -> None:
    assert convert("a $x_1*y$ b") == "a $$x_1*y$$ b"


def test_display_math_mid_paragraph_splits_it() -> None:
    assert convert("before $$\\frac{a}{b}$$ after") == "before\n\n$$\n\\frac{a}{b}\n$$\n\nafter"


def test_a_paragraph_of_one_inline_formula_stays_inline() -> None:
    assert convert("$x$") == "\\$$x$$"
    assert convert("- $x$\n- $y$ text") == "- \\$$x$$\n- $$y$$ text"


def test_inline_formula_first_with_text_after_is_not_escaped() -> None:
    # kramdown would show `\$$x$$ more` as literal text
    assert convert("$x$\nmore") == "$$x$$ more"


def test_a_formula_line_that_would_start_a_block_is_indented() -> None:
    assert convert("a $x +\n- y$ b") == "a $$x +\n    - y$$ b"
    assert convert("a $x\n# y$ b") == "a $$x\n    # y$$ b"
    assert convert("a $x\ny$ b") == "a $$x\ny$$ b"


def test_tex_ending_in_a_dollar_keeps_its_closing_delimiter() -> None:
    assert convert("a $b\\$$ c") == "a $$b\\$ $$ c"


def test_pipes_in_table_cells_are_escaped_once() -> None:
    out = convert("| a |\n|---|\n| $|x| + \\|y\\|$ |")
    assert "$$\\|x\\| + \\\\|y\\\\|$$" in out


def test_display_math_in_a_table_or_heading_is_inline() -> None:
    assert convert("## T $$x$$") == "## T $$x$$"
    assert "| $$y$$ |" in convert("| a |\n|---|\n| $$y$$ |")


def test_bare_environment_and_backslash_delimiters() -> None:
    tex = "\\begin{align*}\na &= b \\\\\nc &= d\n\\end{align*}"
    assert convert(tex) == f"$$\n{tex}\n$$"
    assert convert("\\(a\\) and \\[b\\]") == "$$a$$ and\n\n$$\nb\n$$"


def test_backslash_words_in_prose_come_back_as_text() -> None:
    out = convert("C:\\path\\to\\file and \\textbf{x_1 \\$5} \\alpha here")
    # kramdown reads `\\` as one backslash; `\$` in the source is Markdown's escaped `$`
    assert out == "C:\\\\path\\\\to\\\\file and \\\\textbf{x\\_1 \\$5} \\\\alpha here"


def test_a_non_math_environment_block_is_text() -> None:
    out = convert("\\begin{itemize}\n\\item a\n\\end{itemize}")
    assert out == "\\\\begin{itemize}\n\\\\item a\n\\\\end{itemize}"


def test_prose_dollars() -> None:
    assert convert("costs $5 and $6") == "costs \\$5 and \\$6"
    assert convert("pid $$ here") == "pid \\\\\\$\\\\\\$ here"
    assert convert("costs $5", math="dollars") == "costs \\\\\\$5"


def test_metadata_is_left_alone() -> None:
    doc = doc_of("---\ntitle: costs $5 and $x$\n---\n\ntext")
    before = doc.get_metadata("title")
    km.main(doc)
    assert doc.get_metadata("title") == before


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
    assert km.dollars_escape(tex) == written


def test_dollars_style_delimiters() -> None:
    assert convert("a $x_1$ b", math="dollars") == "a $x\\_1$ b"
    assert convert("a $$x$$ b", math="dollars") == "a\n\n\\$\\$\nx\n\\$\\$\n\nb"


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
    assert km.latex_formula(latex) == tex


def test_mixed_latex_output_keeps_text_and_math() -> None:
    doc = doc_of("x")
    blocks = km.latex_output("The value $a_1$ then $$b$$", doc)
    text = write_markdown(pf.Doc(*blocks).to_json()).strip()
    assert text == "The value $$a_1$$ then\n\n$$\nb\n$$"


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
    assert km.html_math(html, dollars) == out
