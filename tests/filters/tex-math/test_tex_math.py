"""The tex-math filter on small inputs: what it writes for kramdown, and for dollars.

The encoders on their own are tested in test_formula_text.py."""

from __future__ import annotations

import io
import json

import panflute as pf

from pandockit import pandoc
from pandockit.filter_route import job_from_metadata
from pandockit.filters import tex_math as km
from pandockit.job import attach

READER = "markdown+raw_tex+tex_math_single_backslash"


def doc_of(markdown: str, math: str = "kramdown") -> pf.Doc:
    ast = pandoc.run_pandoc(["-f", READER, "-t", "json"], markdown.encode("utf-8"))
    doc = pf.load(io.StringIO(ast.decode("utf-8")))
    doc.metadata["pandockit"] = {"math": math}  # as -M pandockit.math=... gives it
    attach(doc, job_from_metadata(doc))  # the filter route's adapter: a job without cells
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


def test_dollars_style_delimiters() -> None:
    assert convert("a $x_1$ b", math="dollars") == "a $x\\_1$ b"
    assert convert("a $$x$$ b", math="dollars") == "a\n\n\\$\\$\nx\n\\$\\$\n\nb"


def test_mixed_latex_output_keeps_text_and_math() -> None:
    doc = doc_of("x")
    blocks = km.latex_output("The value $a_1$ then $$b$$", doc)
    text = write_markdown(pf.Doc(*blocks).to_json()).strip()
    assert text == "The value $$a_1$$ then\n\n$$\nb\n$$"


def test_each_formula_is_looked_up_from_the_last_one_found(tmp_path, monkeypatch) -> None:
    """The author's TeX is looked for in the cell's source from where the formula before it
    was found (linear in the cell): the post is the one a search of the whole source makes,
    for repeated formulas, a formula whose TeX stood earlier, and TeX pandoc changed (trailing
    spaces, a tab) in the middle of the cell."""
    from pandockit.cli import main

    cells = [
        "# Heading $h_1$\n\n$x$ and $x$ and $y$, then $b$ and $a$; a table:\n\n"
        "| $a$ | $q|r$ |\n|---|---|\n| 1 | 2 |\n\n"
        "$$\na + b   \n\t= c\n$$\n\nAfter it $x$, $a + b$ and $z_{1}^2$.",
        "Second cell: $z_{1}^2$ and $y$ and $\\alpha$\n$x$.",
        # formulas further apart than tex_math.NEAR: looked for beyond it
        "$p$ " + "word " * 1000 + "$q + r$ then $q +  \ns$ " + "word " * 1000 + "$q +  \ns$",
    ]
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": "markdown", "metadata": {}, "id": f"c{i}", "source": src}
                    for i, src in enumerate(cells)]}
    path = tmp_path / "2024-01-01-formulas.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    posts = []
    for label in ("cursor", "whole source"):
        site = tmp_path / label
        site.mkdir()
        assert main(["convert", "-q", "--site", str(site), str(path)]) == 0
        posts.append((site / "_posts" / "2024-01-01-formulas.md").read_text(encoding="utf-8"))
        monkeypatch.setattr(km, "_near", lambda tex, source, cell, doc: None)  # whole source
    assert posts[0] == posts[1]
    assert "a + b   \n\t= c" in posts[0]  # the author's white space, found by the regex
    assert posts[0].count("z_{1}^2") == 2
    assert "$$q + r$$" in posts[0] and posts[0].count("$$q +  \ns$$") == 2


def _formula_post(tmp_path, source: str) -> str:
    from pandockit.cli import main

    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": "markdown", "metadata": {}, "id": "c0", "source": source}]}
    path = tmp_path / "2024-01-01-loose.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert main(["convert", "-q", "--site", str(tmp_path), str(path)]) == 0
    return (tmp_path / "_posts" / "2024-01-01-loose.md").read_text(encoding="utf-8")


def test_a_formula_pandoc_changed_keeps_its_own_white_space(tmp_path) -> None:
    """Two inline formulas of the same words, each with spaces at a line's end (which pandoc
    drops): each gets its own source's white space, the second too (a search of the whole
    source gave the second the first one's)."""
    post = _formula_post(tmp_path, "one $a +  \nb$ then $a +   \nb$ two")
    assert "$$a +  \nb$$" in post
    assert "$$a +   \nb$$" in post
