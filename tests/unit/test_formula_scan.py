"""The Jupyter math scanner against JupyterLab's behaviour.

The first cases are JupyterLab's own tests of ``removeMath``/``replaceMath``
(``packages/rendermime/test/latex.spec.ts``), input and expected output as they are there; the
rest follow from reading its source (``packages/rendermime/src/latex.ts``), each with the line
of that source it exercises.
"""

from __future__ import annotations

import random
import re

import pytest

from pandockit import formula_scan
from pandockit.formula_scan import Formula, formulas, remove_math, replace_math

# --- JupyterLab's latex.spec.ts, case by case ---------------------------------------------


def test_split_text_and_math() -> None:
    assert remove_math("hello, $ /alpha $, there") == ("hello, @@0@@, there", ["$ /alpha $"])


def test_code_spans() -> None:
    text = "`$foo` and `$bar` are variables"
    assert remove_math(text) == (text, [])


def test_math_markers() -> None:
    assert remove_math(" @@0@@ hello, $ /alpha $, there") == (
        " @@0@@ hello, @@1@@, there",
        ["@@0@@", "$ /alpha $"],
    )


def test_unbalanced_braces() -> None:
    assert remove_math("hello, $ /alpha { $, there") == ("hello, @@0@@, there", ["$ /alpha { $"])


def test_balanced_braces() -> None:
    assert remove_math("hello, $ /alpha { } $, there") == (
        "hello, @@0@@, there",
        ["$ /alpha { } $"],
    )


def test_math_blocks() -> None:
    assert remove_math("hello, $$\nfoo\n$$, there") == ("hello, @@0@@, there", ["$$\nfoo\n$$"])


def test_begin_statements() -> None:
    assert remove_math("hello, \\begin{align} \\end{align}, there") == (
        "hello, @@0@@, there",
        ["\\begin{align} \\end{align}"],
    )


def test_single_backslash_paren_in_a_fence_is_not_math() -> None:
    text = ("\n      ```\n        Some \\(text\n        '''\n        **bold**\n"
            "        ## header\n      ")
    assert remove_math(text) == (text, [])


def test_double_backslash_paren() -> None:
    text = "hello, \\\\(\n          /alpha\n      \\\\), there"
    assert remove_math(text) == (
        "hello, @@0@@, there",
        ["\\\\(\n          /alpha\n      \\\\)"],
    )


def test_double_backslash_bracket() -> None:
    text = "hello, \\\\[\n          /alpha\n      \\\\], there"
    assert remove_math(text) == (
        "hello, @@0@@, there",
        ["\\\\[\n          /alpha\n      \\\\]"],
    )


def test_replace_math_recombines() -> None:
    text = "hello, $ /alpha $, there"
    assert replace_math(*remove_math(text)) == text


def test_replace_math_unwraps_double_backslashes() -> None:
    assert replace_math(*remove_math("a \\\\(x\\\\) b \\\\[y\\\\]")) == "a \\(x\\) b \\[y\\]"


# --- rules read from latex.ts ---------------------------------------------------------------

# (source, [(display, TeX)]) -- what MathJax is handed, in order.
CASES: list[tuple[str, list[tuple[bool, str]]]] = [
    # no rule about digits after the closing `$` (pandoc's `notFollowedBy digit`)
    ("$\\alpha=$0.5", [(False, "\\alpha=")]),
    # nor about spaces inside the dollars (pandoc: none after `$`, none before the closing one)
    ("speed $ v = dx/dt$ here", [(False, " v = dx/dt")]),
    ("is $ N(n\\mu, n\\sigma^2)$.", [(False, " N(n\\mu, n\\sigma^2)")]),
    # prices pair up: `$5 and $` is math in Jupyter
    ("Costs $5 and $6.", [(False, "5 and ")]),
    # `$$` in a sentence is display math; `$$` never closes `$`
    ("a $$x$$ b", [(True, "x")]),
    ("a $x$$ b", []),
    ("a lone $$ here", []),
    ("$a$ and a lone $$ here", [(False, "a")]),
    # escaped dollars and braces are no delimiters: `\{` does not count as a brace
    ("\\$5 and \\$6", []),
    ("$\\{x$ y", [(False, "\\{x")]),
    # open braces: the closing `$` is skipped... and taken back at the blank line
    ("$a{b$ c$ d\n\ne", [(False, "a{b$ c")]),
    ("$a{b$ c\n\ne$", [(False, "a{b")]),
    # a blank line (white space between two line breaks) ends the search
    ("$a\n\nb$", []),
    ("$a\n \t\nb$", []),
    ("$a\nb$", [(False, "a\nb")]),
    # one backslash: marked's escape, not math; two: math
    ("\\(x\\) and \\[y\\]", []),
    ("\\\\(x\\\\) and \\\\[y\\\\]", [(False, "x"), (True, "y")]),
    # environments: any name of letters, matched by name
    ("\\begin{align}a\\\\b\\end{align}", [(True, "\\begin{align}a\\\\b\\end{align}")]),
    ("\\begin{foo*}x\\end{foo*}", [(True, "\\begin{foo*}x\\end{foo*}")]),
    ("\\begin{align}a\\end{gather}", []),
    ("$$\\begin{pmatrix}a\\end{pmatrix}$$", [(True, "\\begin{pmatrix}a\\end{pmatrix}")]),
    # `\BEGIN` is cut out (flag i) but opens nothing (the test of "begin" is exact)
    ("\\BEGIN{x} $y$", [(False, "y")]),
    # code: spans and fences hide their dollars, with backticks and tildes
    ("`$x` and $y$", [(False, "y")]),
    ("```\n$x$\n```\n$y$", [(False, "y")]),
    ("~~~\n$x$\n~~~\n$y$", [(False, "y")]),
    ("\\`$x$`", [(False, "x")]),  # an escaped backtick opens no span
    ("`a\nb $x$ c`", [(False, "x")]),  # a code span of one line only
    # `\\(` in a code span is still found (JupyterLab hides only dollars)
    ("`\\\\(x\\\\)`", [(False, "x")]),
    # tildes elsewhere come back as they were
    ("a ~ $x~y$ ~~~ b", [(False, "x~y")]),
    # `|` is nothing special
    ("as $|x|$ increases", [(False, "|x|")]),
    # CRLF line ends become LF
    ("$a\r\nb$", [(False, "a\nb")]),
]


@pytest.mark.parametrize(("source", "want"), CASES, ids=[c[0] for c in CASES])
def test_formulas(source: str, want: list[tuple[bool, str]]) -> None:
    assert [(f.display, f.tex) for f in formulas(source)] == want


def test_formula_keeps_its_source() -> None:
    assert formulas("x $$a$$ y") == [Formula(True, "a", "$$a$$")]


def test_text_keeps_code_tildes_and_dollars() -> None:
    text, math = remove_math("`$a` ~~~ $b$ ~")
    assert text == "`$a` ~~~ @@0@@ ~"
    assert math == ["$b$"]


def test_round_trip_keeps_the_text() -> None:
    for source, _ in CASES:
        if "\\\\" in source:
            continue  # replace_math hands MathJax `\(`: one backslash less
        assert replace_math(*remove_math(source)) == source.replace("\r\n", "\n")


#: Pieces of cell text around Jupyter's delimiters, for generated sources.
_PIECES = ["$", "$$", "\\", "\\\\", "{", "}", "\n", "\n\n", " ", "\u00a0", "\u2028", "@@1@@", "@",
           "`", "```\n", "~", "~T", "~D", "T", "D", "a", "\\begin{align}", "\\end{align}",
           "\\BEGIN{Eq*}", "\\End{eq*}", "\\(", "\\)", "\\[", "\\]", "\\\\(", "\\\\]", "\r\n",
           "~~~\n", "\u00e9", "\\$", "\\{", "\\}"]


def _sources(count: int) -> list[str]:
    rnd = random.Random(24)
    return ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 30))) for _ in range(count)]


def test_the_split_is_jupyterlab_pattern_s() -> None:
    # MATHSPLIT is JupyterLab's pattern behind a lookahead on the characters a match starts
    # with (speed only): it cuts every source where the pattern alone does
    plain = re.compile(formula_scan.MATHSPLIT.pattern.removeprefix("(?=[$\\\\{}\\n@])"),
                       formula_scan.MATHSPLIT.flags)
    assert plain.pattern != formula_scan.MATHSPLIT.pattern
    for source in _sources(20_000):
        assert formula_scan.MATHSPLIT.split(source) == plain.split(source), source


def test_code_dollars_come_back_as_jupyterlab_puts_them() -> None:
    # JupyterLab's deTilde: one pass of ~T -> ~ and ~D -> $ over the text its code hiding made
    def one_pass(text: str) -> str:
        return re.sub(r"~([TD])", lambda m: "~" if m.group(1) == "T" else "$", text)

    for source in _sources(20_000):
        hidden = formula_scan._hide_code_dollars(source)
        assert formula_scan._de_tilde(hidden) == one_pass(hidden), source
