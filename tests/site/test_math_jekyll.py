"""Math and Liquid end to end: convert notebooks, build them with real Jekyll, read the HTML.

A torture notebook holds every hard case of issue #4; each formula must reach the built page
with the TeX the author typed (``\\(TeX\\)``/``\\[TeX\\]`` in the kramdown style, ``$TeX$``/
``$$TeX$$`` in the dollars style), every Liquid-looking text must appear literally, and no
build may warn. The corpus check runs the same comparison over every corpus notebook.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from conftest import CORPUS, EXAMPLES
from converting import convert, run_filter_route
from jekyll_site import JekyllSite, text_of
from math_oracle import Formula, notebook_formulas, page_dollar_formulas, page_formulas
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pandockit.config import resolve_options

#: (markdown source, the formulas its author wrote: (kind, TeX)) -- kind as kramdown shows it.
CELLS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Sets $A = \\{ x \\mid x > 0 \\}$ and $\\{1, 2\\}$, products $a*b*c$ and $x_1 + y_2$, "
        "escapes $\\_$, $\\$5$, $50\\%$, $\\#1$ and $a\\$$ at the end.",
        [("inline", "A = \\{ x \\mid x > 0 \\}"), ("inline", "\\{1, 2\\}"), ("inline", "a*b*c"),
         ("inline", "x_1 + y_2"), ("inline", "\\_"), ("inline", "\\$5"), ("inline", "50\\%"),
         ("inline", "\\#1"), ("inline", "a\\$")],
    ),
    (
        "Before $$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$$ after, and $$x^*_1$$ too.",
        [("display", "\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}"), ("display", "x^*_1")],
    ),
    (
        "\\begin{align}\na &= b \\\\\nc &= d_{*} % comment\n\\end{align}",
        [("display", "\\begin{align}\na &= b \\\\\nc &= d_{*} % comment\n\\end{align}")],
    ),
    (
        "Text first.\n\n\\begin{align*}\nx &= 1 \\\\\n y &= 2\n\\end{align*}\n\n"
        "\\begin{equation*}\ne^{i\\pi} = -1\n\\end{equation*}\n\n"
        "\\begin{gather}\na \\\\ b\n\\end{gather}",
        [("display", "\\begin{align*}\nx &= 1 \\\\\n y &= 2\n\\end{align*}"),
         ("display", "\\begin{equation*}\ne^{i\\pi} = -1\n\\end{equation*}"),
         ("display", "\\begin{gather}\na \\\\ b\n\\end{gather}")],
    ),
    (
        # Jupyter: one backslash is Markdown's escape of the bracket (see PROSE); two are math
        "Inline \\(\\alpha_{i}\\) and display \\[\\int_0^1 x\\,dx = \\frac{1}{2}\\] end.",
        [],
    ),
    (
        "Inline \\\\(\\alpha_{i}\\\\) and display \\\\[\\int_0^1 x\\,dx = \\frac{1}{2}\\\\] end.",
        [("inline", "\\alpha_{i}"), ("display", "\\int_0^1 x\\,dx = \\frac{1}{2}")],
    ),
    ("$x$ is first.", [("inline", "x")]),
    ("$y_{*}$", [("inline", "y_{*}")]),
    ("$z$\nnext line", [("inline", "z")]),
    (
        "- $a$\n- item $b$ text\n- $$c_1$$\n\n1. $d$\n2. two",
        [("inline", "a"), ("inline", "b"), ("display", "c_1"), ("inline", "d")],
    ),
    (
        "> $e$\n>\n> quote $f$ here\n>\n> $$g = h$$",
        [("inline", "e"), ("inline", "f"), ("display", "g = h")],
    ),
    ("## Heading with $h^2$ and $$H$$", [("inline", "h^2"), ("inline", "H")]),
    (
        "[link $i$](http://example.com) and *emph $j_k$* and **$l$** and *a $$m$$ b*",
        [("inline", "i"), ("inline", "j_k"), ("inline", "l"), ("inline", "m")],
    ),
    (
        "| a | b |\n|---|---|\n| $|x|$ | $\\|v\\|_2$ |\n| $\\left|y\\right|$ | $p \\mid q$ |\n"
        "| $$D|d$$ | `c|d` |",
        [("inline", "|x|"), ("inline", "\\|v\\|_2"), ("inline", "\\left|y\\right|"),
         ("inline", "p \\mid q"), ("inline", "D|d")],
    ),
    (
        # Jupyter pairs the first two dollars, whatever follows them
        "Costs $5 and $6, shell $HOME, escaped \\$\\$ and a lone $$ here.",
        [("inline", "5 and")],
    ),
    (
        "Liquid in math: $\\frac{{a}}{b}$ and $\\{{% endraw %}\\}$ and $\\text{{{x}}}$.",
        [("inline", "\\frac{{a}}{b}"), ("inline", "\\{{% endraw %}\\}"),
         ("inline", "\\text{{{x}}}")],
    ),
    ("Typography $f'(x) -- g''$ and $1...n$ and $a~~b~c$ and $a<b>c$ and $\\&lt;$.",
     [("inline", "f'(x) -- g''"), ("inline", "1...n"), ("inline", "a~~b~c"),
      ("inline", "a<b>c"), ("inline", "\\&lt;")]),
    (
        "Lines that look like Markdown:\n\n$$\n- x\n+ y\n= z\n1. w\n# v\n> u\n{: t}\n$$",
        [("display", "- x\n+ y\n= z\n1. w\n# v\n> u\n{: t}")],
    ),
    (
        '<div class="note">\n\nIn raw HTML $x^2$ and $$\\sum_i i$$, and '
        '<b title="a">$b$</b>.\n\n</div>',
        [("inline", "x^2"), ("display", "\\sum_i i"), ("inline", "b")],
    ),
    (
        # kramdown style only: a line that would start a block gets 4 spaces (documented)
        "Inline over lines $x +\n- y$ and $a\n# b$ end.",
        [("inline", "x +\n- y"), ("inline", "a\n# b")],
    ),
    (
        "Trailing spaces: $$\\begin{vmatrix}\na & b  \n\\end{vmatrix}$$",
        [("display", "\\begin{vmatrix}\na & b  \n\\end{vmatrix}")],
    ),
]

#: Liquid-looking texts of the notebook that must appear literally in the built page.
LIQUID_TEXTS = [
    "Prose {{ page.title }} and {% include nothing.html %} and {% endraw %} and {%- endraw -%}.",
    "Path C:\\path\\to\\file and \\textbf{bold} and \\alpha word.",
]
#: Prose that pandoc's raw_tex reading takes for TeX, and the text Jupyter shows for it.
PROSE = [
    ("Inline \\(\\alpha_{i}\\) and display \\[\\int_0^1 x\\,dx = \\frac{1}{2}\\] end.",
     "Inline (\\alpha_{i}) and display [\\int_0^1 x,dx = \\frac{1}{2}] end."),
    ("Costs \\textbf{only \\$5 and \\_x\\_ -- \"q\"} \\ref{eq:1}.",
     'Costs \\textbf{only $5 and _x_ -- "q"} \\ref{eq:1}.'),
    ("Windows C:\\Users\\me\\new_file and \\alpha\\\\beta \\newline",
     "Windows C:\\Users\\me\\new_file and \\alpha\\beta \\newline"),
]
CODE = 'print("{{ code }}", "{% endraw %}", "{%endraw%}")'
STREAM = "{{ code }} {% endraw %} {%endraw%}\n"
LATEX_OUTPUTS = [
    ("$$\\sum_{i=1}^n i$$", "\\sum_{i=1}^n i"),
    ("$\\displaystyle \\int x^{2}\\, dx$", "\\displaystyle \\int x^{2}\\, dx"),
    ("\\begin{equation}E = mc^2\\end{equation}", "E = mc^2"),
    ("\\begin{align}a &= b \\\\ c &= d\\end{align}",
     "\\begin{align}a &= b \\\\ c &= d\\end{align}"),
    ("\\[ \\{ {{x}} \\} \\]", "\\{ {{x}} \\}"),
]

#: An HTML result (a DataFrame's) with math in a cell, which Jupyter typesets, and prices.
HTML_OUTPUT = "<table><tr><td>$\\delta_{x}$</td><td>$5 and $6</td></tr></table>"

#: A text/markdown result (IPython.display.Markdown): its math, not its code, is math.
MARKDOWN_OUTPUT = "Result: $x_{*}$ and $$\\sum_i x_i$$ then `$code$`\n\n$y$\n"


def torture_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "language": "python",
                                  "display_name": "Python 3"}}
    cells = [new_markdown_cell("# Math torture")]
    cells += [new_markdown_cell(source) for source, _ in CELLS]
    cells += [new_markdown_cell(text) for text in LIQUID_TEXTS]
    cells += [new_markdown_cell(source) for source, _ in PROSE]
    cells.append(new_markdown_cell('<span title="{{ attr }}">a span</span>'))
    cells.append(new_code_cell(CODE, outputs=[new_output("stream", name="stdout", text=STREAM)],
                               execution_count=1))
    for n, (latex, _) in enumerate(LATEX_OUTPUTS, start=2):
        out = new_output("execute_result", data={"text/latex": latex, "text/plain": "<expr>"},
                         execution_count=n)
        cells.append(new_code_cell("expr", outputs=[out], execution_count=n))
    html = new_output("execute_result", data={"text/html": HTML_OUTPUT, "text/plain": "df"},
                      execution_count=9)
    cells.append(new_code_cell("df", outputs=[html], execution_count=9))
    md = new_output("display_data", data={"text/markdown": MARKDOWN_OUTPUT, "text/plain": "md"})
    cells.append(new_code_cell("Markdown(text)", outputs=[md], execution_count=10))
    nb.cells = cells
    return nb


def expected(style: str = "kramdown") -> list[tuple[str, str]]:
    """The formulas of the torture notebook as MathJax must get them in ``style``."""
    formulas = [f for _, fs in CELLS for f in fs]
    if style == "kramdown":  # the one documented change: see formula_text.kramdown_inline
        formulas = [(k, re.sub(r"\n(?=[-#])", "\n    ", t) if k == "inline" else t)
                    for k, t in formulas]
    outputs = [("display", tex) for _, tex in LATEX_OUTPUTS] + [("inline", "\\delta_{x}")]
    outputs += [("inline", "x_{*}"), ("display", "\\sum_i x_i"), ("inline", "y")]
    return formulas + outputs


@pytest.fixture(scope="module")
def torture_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("nb") / "2024-03-01-math-torture.ipynb"
    nbformat.write(torture_notebook(), str(path))
    return path


def build(site: JekyllSite, notebook: Path, **cli) -> tuple[str, str]:
    """Convert ``notebook`` into ``site``, build it; the post's text and its built page."""
    options = resolve_options(site.path, cli)
    post = convert(notebook, site.path, options).post
    result = site.build()
    said = result.output.replace(str(site.path), "SITE")
    assert not re.search(r"liquid|warn|error|deprecat", said, re.I), said
    return post.read_text(encoding="utf-8"), site.post_html(post)


def test_the_oracle_reads_the_torture_notebook_as_written(torture_path: Path) -> None:
    found = [f.tex for f in notebook_formulas(torture_path)]
    assert found == [tex for _, tex in expected("dollars")]


def test_every_formula_reaches_mathjax_exactly(site: JekyllSite, torture_path: Path) -> None:
    _, page = build(site, torture_path)
    assert page_formulas(page) == expected()


def test_liquid_texts_appear_literally(site: JekyllSite, torture_path: Path) -> None:
    post, page = build(site, torture_path)
    text = text_of(page)
    for literal in LIQUID_TEXTS:
        assert literal in text
    assert STREAM.strip() in text
    assert CODE in text
    assert 'title="{{ attr }}"' in page
    # one $ stays (stock MathJax has no single-dollar delimiter); $$ reaches MathJax as \$\$
    assert "6, shell $HOME, escaped \\$\\$ and a lone \\$\\$ here." in text
    # Fewest spans: one over the notebook text (no image: no Liquid of pandockit's own), broken
    # only at each endraw tag the notebook itself holds.
    sources = [s for s, _ in CELLS] + LIQUID_TEXTS + [CODE, STREAM] + [t for t, _ in LATEX_OUTPUTS]
    endraws = sum(len(re.findall(r"\{%-?\s*endraw", s)) for s in sources)
    assert post.count("{% raw %}") == post.count("{% endraw %}") == 1 + endraws


def test_prose_shows_as_jupyter_shows_it(site: JekyllSite, torture_path: Path) -> None:
    _, page = build(site, torture_path)
    text = text_of(page)
    for _, shown in PROSE:
        assert shown in text


def test_dollars_style(make_site, torture_path: Path) -> None:
    """``math: dollars`` in _config.yml: MathJax configured for $..$ gets the exact TeX."""
    post, page = build(make_site({"pandockit": {"math": "dollars"}}), torture_path)
    assert "\\$\\$\n" in post
    assert page_dollar_formulas(page) == [
        # the dollars style drops blank lines only; a table keeps display math inline
        (kind, tex) for kind, tex in expected("dollars")
    ]
    assert "6, shell \\$HOME" in text_of(page)


def test_cli_math_option(tmp_path: Path, torture_path: Path) -> None:
    from pandockit.cli import main

    site = tmp_path / "site"
    site.mkdir()
    assert main(["convert", str(torture_path), "--site", str(site), "--math", "dollars"]) == 0
    post = next((site / "_posts").glob("*.md")).read_text(encoding="utf-8")
    # display math as the seed post writes it: \$\$ lines, TeX escaped for kramdown
    assert "\\$\\$\n\\\\sum\\_{i=1}^n i\n\\$\\$" in post


def test_liquid_off(site: JekyllSite, torture_path: Path) -> None:
    post, page = build(site, torture_path, liquid="off")
    assert "render_with_liquid: false" in post.split("---")[1]
    assert "{% raw %}" not in post
    text = text_of(page)
    for literal in LIQUID_TEXTS:
        assert literal in text
    assert page_formulas(page) == expected()


def test_a_liquid_tagged_cell_runs_its_liquid(make_site, tmp_path: Path) -> None:
    site = make_site({"pandockit": {"liquid-tag": "live"}})
    nb = new_notebook()
    live = new_markdown_cell("{% assign n = 6 | times: 7 %}The answer is {{ n }}.")
    live.metadata["tags"] = ["live"]
    nb.cells = [new_markdown_cell("Literal {{ n }} here, $\\frac{{a}}{b}$."), live,
                new_markdown_cell("And {% endraw %} after.")]
    path = tmp_path / "2024-03-02-live.ipynb"
    nbformat.write(nb, str(path))
    _, page = build(site, path)
    text = text_of(page)
    assert "The answer is 42." in text
    assert "Literal {{ n }} here" in text
    assert "And {% endraw %} after." in text
    assert page_formulas(page) == [("inline", "\\frac{{a}}{b}")]


def test_example_notebooks_math(site: JekyllSite) -> None:
    options = resolve_options(site.path)
    posts = {nb: convert(nb, site.path, options).post for nb in sorted(EXAMPLES.glob("*.ipynb"))}
    site.build()
    checked = 0
    for nb, post in posts.items():
        want = [f.tex for f in notebook_formulas(nb)]
        assert [tex for _, tex in page_formulas(site.post_html(post))] == want, nb.name
        checked += len(want)
    assert checked >= 10


def test_corpus_every_formula_exact(corpus_build, capsys) -> None:
    """Every corpus notebook: built, no Liquid error, every formula as written (figures shown)."""
    said = corpus_build.build_output
    assert not re.search(r"Liquid|Excerpt modified|Error", said), said
    total = exact = 0
    wrong: list[str] = []
    for nb in corpus_build.posts:
        want: list[Formula] = notebook_formulas(nb)
        got = [tex for _, tex in page_formulas(corpus_build.html(nb))]
        total += len(want)
        exact += sum(1 for f in want if f.tex in got)
        if [f.tex for f in want] != got:
            wrong.append(f"{nb.relative_to(CORPUS)}: want {len(want)}, page has {len(got)}")
    with capsys.disabled():
        print(f"\ncorpus math: {len(corpus_build.posts)} notebooks, {total} formulas, "
              f"{exact} exact")
    assert not wrong, wrong
    assert total == exact > 0


@pytest.mark.parametrize("chained", [False, True], ids=["jekyll-filter", "single-filters"])
def test_filter_route_writes_the_same_math(tmp_path: Path, torture_path: Path, chained) -> None:
    """``pandoc --filter`` (whole pipeline, or each filter chained) gives the CLI's post."""
    from pandockit.pipeline import PIPELINE

    cli_site = tmp_path / "cli"
    cli_site.mkdir()
    post = convert(torture_path, cli_site, resolve_options(cli_site)).post
    names = [f"pandockit-{step.name}" for step in PIPELINE] if chained else []
    out = tmp_path / "post.md"
    run_filter_route(torture_path, tmp_path, out, [*names, "pandockit-jekyll"])
    assert out.read_text(encoding="utf-8") == post.read_text(encoding="utf-8")
