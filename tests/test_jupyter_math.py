"""The jupyter-math step: when a cell is re-read (pandockit.rereads), and what the re-read gives."""

from __future__ import annotations

import panflute as pf
import pytest

from pandockit import rereads
from pandockit.formula_text import kramdown_inline
from pandockit.pandoc import pandoc_path


def _cell(markdown: str) -> pf.Div:
    doc = pf.convert_text(markdown, input_format="markdown+raw_tex+tex_math_single_backslash",
                          standalone=True, pandoc_path=pandoc_path())
    return pf.Div(*doc.content, classes=["cell", "markdown"])


@pytest.mark.parametrize(
    ("source", "differs"),
    [
        ("plain $x$ and $$y$$", False),
        ("no math at all", False),
        ("spaces $ x $ inside", True),
        ("a digit $x$5", True),
        ("one backslash \\(x\\)", True),
        ("two backslashes \\\\(x\\\\)", True),
        ("`$code$` and $x$", False),
    ],
)
def test_which_cells_are_read_again(source: str, differs: bool) -> None:
    assert rereads.math_differs(_cell(source), source) is differs


def test_unmask_gives_math_text_and_code_back() -> None:
    blocks = [pf.Para(pf.Str("a@@0@@b"), pf.Space(), pf.Code("@@1@@"), pf.Space(),
                      pf.Str("@@2@@"), pf.Space(), pf.Str("@@3@@"))]
    math = ["$ x $", "$$y$$", "@@7@@", "\\begin{align}z\\end{align}"]
    (para,) = rereads.unmask(blocks, math)
    items = list(para.content)
    assert isinstance(items[1], pf.Math) and items[1].text == " x "
    assert items[1].format == "InlineMath"
    assert [type(i) for i in items[:3]] == [pf.Str, pf.Math, pf.Str]
    assert isinstance(items[4], pf.Code) and items[4].text == "$$y$$"
    assert isinstance(items[6], pf.Str) and items[6].text == "@@7@@"
    assert isinstance(items[8], pf.RawInline) and items[8].format == "tex"


def test_read_masked_keeps_markdown_around_the_markers() -> None:
    (blocks,) = rereads.read_masked([{"source": "*a* @@0@@ \\(b\\)", "id": "c1"}])
    assert pf.stringify(blocks[0]).strip() == "a @@0@@ (b)"


def test_inline_math_with_a_pipe_is_escaped_text() -> None:
    assert kramdown_inline("|x|") == "\\\\(\\|x\\|\\\\)"
    assert kramdown_inline("\\|v\\|") == "\\\\(\\\\\\|v\\\\\\|\\\\)"
    assert kramdown_inline("|x|", table=True) == "$$\\|x\\|$$"
