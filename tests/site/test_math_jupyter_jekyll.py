"""Math as Jupyter finds it, and ``|`` in inline math, built with the real Jekyll.

Issue 15, parts 2 and 3. Each markdown cell below holds one variant; the notebook is converted
in both math styles and built by Jekyll, and the built page must hand MathJax exactly the
formulas Jupyter typesets (JupyterLab's ``removeMath`` rules, not pandoc's ``tex_math_dollars``),
with the author's TeX, and show the prose around them. The expected formulas are written here
by hand from JupyterLab's rules (tests/unit/test_formula_scan.py holds the scanner to them); the
oracle of tests/math_oracle.py must agree with them too.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from converting import convert, run_filter_route
from jekyll_site import JekyllSite, article, text_of
from math_oracle import notebook_formulas, page_dollar_formulas, page_formulas
from nbformat.v4 import new_markdown_cell, new_notebook

from pandockit.config import resolve_options

#: Part 2: ``|`` in math on a line kramdown would read as a table row. (source, formulas,
#: prose the page must show).
PIPES: list[tuple[str, list[tuple[str, str]], list[str]]] = [
    ("as $|x|$ increases", [("inline", "|x|")], ["as ", " increases"]),
    ("$\\|v\\|_2$ is a norm, so is $\\left|y\\right|$ too",
     [("inline", "\\|v\\|_2"), ("inline", "\\left|y\\right|")], [" is a norm, so is "]),
    ("a | b and $|x|$ c", [("inline", "|x|")], ["a | b and "]),
    ("$|q|$", [("inline", "|q|")], []),
    ("$$a|b$$", [("display", "a|b")], []),
    ("Before $$\\|a|b\\|$$ after", [("display", "\\|a|b\\|")], ["Before", "after"]),
    ("- item $|x|$\n- two", [("inline", "|x|")], ["item ", "two"]),
    ("> quote $|z|$ end", [("inline", "|z|")], ["quote ", " end"]),
    ("*emph $|e|$* and [link $|l|$](http://example.com)",
     [("inline", "|e|"), ("inline", "|l|")], [" and "]),
    ("## Head $|h|$", [("inline", "|h|")], ["Head "]),
    ("Over lines $|a|\n+ |b|$ end", [("inline", "|a|\n+ |b|")], ["Over lines ", " end"]),
    ("Mixed $x$ | $|y| * |z|$ b", [("inline", "x"), ("inline", "|y| * |z|")], [" | "]),
    ("| a | b |\n|---|---|\n| $|x|$ | $a \\mid b$ |",
     [("inline", "|x|"), ("inline", "a \\mid b")], []),
]

#: Part 3: where Jupyter's rules and pandoc's differ.
JUPYTER: list[tuple[str, list[tuple[str, str]], list[str]]] = [
    # a digit after the closing dollar
    ("Let $\\alpha=$0.5 be fixed.", [("inline", "\\alpha=")], ["0.5 be fixed."]),
    # spaces inside the dollars (MathJax gets them; kramdown strips the ends)
    ("speed $ v = dx/dt$ here", [("inline", "v = dx/dt")], ["speed ", " here"]),
    ("is $ N(n\\mu, n\\sigma^2)$.", [("inline", "N(n\\mu, n\\sigma^2)")], ["is "]),
    ("Costs $5 and $6.", [("inline", "5 and")], ["Costs ", "6."]),
    # `$$` in a sentence: display math; a lone `$$` never closes a `$`
    ("a $$x^2$$ b and $ y $$ z", [("display", "x^2")], ["a", "b and $ y"]),
    # double backslashes are math, single ones Markdown escapes
    ("\\\\(x_1\\\\) and \\\\[y_2\\\\] end", [("inline", "x_1"), ("display", "y_2")], ["and"]),
    ("\\(x\\) and \\[y\\] show brackets", [], ["(x) and [y] show brackets"]),
    # code spans and fences hide their dollars; math after them is found
    ("`$a$` code and $b$ math", [("inline", "b")], ["$a$", " code and "]),
    ("```\nx = $y$\n```\n\nthen $c$", [("inline", "c")], ["x = $y$", "then "]),
    # over lines, not over a blank line
    ("one $a +\nb$ two", [("inline", "a +\nb")], ["one ", " two"]),
    ("one $a\n\nb$ two", [], ["one $a", "b$ two"]),
    # an escaped brace is no brace; braces balance
    ("set $\\{x$ and ${a}$ c", [("inline", "\\{x"), ("inline", "{a}")], [" c"]),
    # environments anywhere in the text
    ("In text \\begin{equation}E=mc^2\\end{equation} here",
     [("display", "\\begin{equation}E=mc^2\\end{equation}")], ["In text", "here"]),
]

CASES = PIPES + JUPYTER
#: Prose pieces above that are code (their dollars stay as typed in both styles).
CODE = {"$a$", "x = $y$"}


def notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell("Math by Jupyter's rules")]
    nb.cells += [new_markdown_cell(source) for source, _, _ in CASES]
    return nb


def expected() -> list[tuple[str, str]]:
    """The same in both styles (no display math stands in a span or heading here)."""
    return [f for _, fs, _ in CASES for f in fs]


@pytest.fixture(scope="module")
def nb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("nb") / "2024-04-01-jupyter-math.ipynb"
    nbformat.write(notebook(), str(path))
    return path


def build(site: JekyllSite, path: Path, **cli) -> tuple[str, str]:
    post = convert(path, site.path, resolve_options(site.path, cli)).post
    result = site.build()
    said = result.output.replace(str(site.path), "SITE")
    assert not re.search(r"liquid|warn|error|deprecat", said, re.I), said
    return post.read_text(encoding="utf-8"), site.post_html(post)


def test_the_oracle_agrees(nb_path: Path) -> None:
    """tests/math_oracle.py (Jupyter's masking, pandoc for the rest) finds the same."""
    assert [(f.kind, f.tex) for f in notebook_formulas(nb_path)] == expected()


def test_kramdown_style(site: JekyllSite, nb_path: Path) -> None:
    post, page = build(site, nb_path)
    assert page_formulas(page) == expected()
    body = article(page)
    assert body.count("<table") == 1  # the one Markdown table; no formula made a row
    text = text_of(page)
    for _, _, prose in CASES:
        for piece in prose:
            assert piece in text


def test_dollars_style(make_site, nb_path: Path) -> None:
    site = make_site({"pandockit": {"math": "dollars"}})
    post, page = build(site, nb_path)
    assert page_dollar_formulas(page) == expected()
    assert article(page).count("<table") == 1
    text = text_of(page)
    for _, _, prose in CASES:
        for piece in prose:
            # prose dollars reach this style's MathJax as \$ (shown as $), code's stay $
            assert (piece if piece in CODE else piece.replace("$", "\\$")) in text


@pytest.mark.parametrize("chained", [False, True], ids=["jekyll-filter", "single-filters"])
def test_filter_route_reads_math_as_jupyter(tmp_path: Path, nb_path: Path, chained) -> None:
    """``pandoc --filter`` gives the CLI's post here too (the re-read runs in the filter)."""
    from pandockit.pipeline import PIPELINE

    cli_site = tmp_path / "cli"
    cli_site.mkdir()
    post = convert(nb_path, cli_site, resolve_options(cli_site)).post
    names = [f"pandockit-{step.name}" for step in PIPELINE] if chained else []
    out = tmp_path / "post.md"
    run_filter_route(nb_path, tmp_path, out, [*names, "pandockit-jekyll"])
    assert out.read_text(encoding="utf-8") == post.read_text(encoding="utf-8")
