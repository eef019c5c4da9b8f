"""Write every formula so that kramdown hands MathJax the author's TeX unchanged.

Touches: ``Math`` (inline and display), ``RawInline``/``RawBlock`` of format ``tex``/``latex``
(what the ``raw_tex`` reader extension keeps of bare ``\\begin{align}`` environments and of
stray backslash commands in prose), and the ``Para``/``Plain`` blocks that hold them.

kramdown's only math delimiter is ``$$``, and it takes the content raw, so:
- inline math becomes ``$$TeX$$`` in the sentence; a paragraph that is only inline math gets
  its first ``$`` escaped (``\\$$x$$``), or kramdown would make it a display block;
- display math becomes a ``$$`` block of its own (the paragraph around it is split);
- inside a table, ``|`` (which splits the cell) is written ``\\vert `` and ``\\|`` ``\\Vert ``:
  the same formula to MathJax.
Configured by ``pandockit.math`` (``kramdown``; ``dollars`` is handled by the same rules with
single dollars, see :func:`inline_text`).
"""

from __future__ import annotations

import re

import panflute as pf

from pandockit.filters.base import run

NAME = "math"

#: Environments Jupyter's MathJax renders when they stand bare in a markdown cell.
ENVIRONMENT = re.compile(
    r"\A\s*\\begin\{(equation|align|alignat|gather|multline|eqnarray|flalign|split|"
    r"displaymath|math|array|[pbvBV]?matrix|cases)\*?\}.*\\end\{\1\*?\}\s*\Z",
    re.S,
)


def in_table(elem: pf.Element) -> bool:
    node = elem if isinstance(elem, pf.TableCell) else elem.parent
    while node is not None:
        if isinstance(node, pf.TableCell):
            return True
        node = node.parent
    return False


def table_safe(tex: str) -> str:
    """TeX without ``|`` (kramdown's cell separator), same formula for MathJax."""
    return re.sub(r"\\\|", r"\\Vert ", tex).replace("|", r"\vert ")


def inline_text(tex: str) -> str:
    return f"$${tex.strip()}$$"


def display_block(tex: str) -> pf.RawBlock:
    # The trailing newline makes pandoc's writer leave a blank line after the block.
    return pf.RawBlock(f"$$\n{tex.strip()}\n$$\n", format="markdown")


def _is_display(elem: pf.Element) -> bool:
    if isinstance(elem, pf.Math):
        return elem.format == "DisplayMath"
    return isinstance(elem, pf.RawInline) and elem.format in ("tex", "latex") and bool(
        ENVIRONMENT.match(elem.text)
    )


def _display_tex(elem: pf.Element) -> str:
    return elem.text


def _split(block: pf.Block) -> list[pf.Block]:
    """``block`` cut around its display math, each formula a block of its own."""
    out: list[pf.Block] = []
    run_: list[pf.Inline] = []

    def flush() -> None:
        while run_ and isinstance(run_[0], (pf.Space, pf.SoftBreak, pf.LineBreak)):
            run_.pop(0)
        while run_ and isinstance(run_[-1], (pf.Space, pf.SoftBreak, pf.LineBreak)):
            run_.pop()
        if run_:
            out.append(type(block)(*run_))
        run_.clear()

    for item in list(block.content):
        if _is_display(item):
            flush()
            out.append(display_block(_display_tex(item)))
        else:
            run_.append(item)
    flush()
    return out


def _escape_lone_start(block: pf.Block) -> None:
    """``\\$$x$$``: inline math alone on a paragraph's first line stays inline in kramdown."""
    items = list(block.content)
    if in_table(block):
        return  # a table cell is no block context: kramdown reads $$ there as inline
    if not items or not isinstance(items[0], pf.RawInline) or not items[0].text.startswith("$$"):
        return
    if len(items) == 1 or isinstance(items[1], (pf.SoftBreak, pf.LineBreak)):
        items[0].text = "\\" + items[0].text


def action(elem: pf.Element, doc: pf.Doc) -> pf.Element | list | None:
    if isinstance(elem, pf.Math):
        if elem.format == "DisplayMath" and isinstance(elem.parent, (pf.Para, pf.Plain)):
            return None  # the block pass below gives it a block of its own
        tex = table_safe(elem.text) if in_table(elem) else elem.text
        return pf.RawInline(inline_text(tex), format="markdown")
    if isinstance(elem, pf.RawInline) and elem.format in ("tex", "latex"):
        if _is_display(elem) and isinstance(elem.parent, (pf.Para, pf.Plain)):
            return None
        if _is_display(elem):
            return pf.RawInline(inline_text(elem.text), format="markdown")
        return pf.Str(elem.text)  # a backslash word in prose, shown as Jupyter shows it
    if isinstance(elem, pf.RawBlock) and elem.format in ("tex", "latex"):
        if ENVIRONMENT.match(elem.text):
            return display_block(elem.text)
        return pf.Para(pf.Str(elem.text))
    if isinstance(elem, (pf.Para, pf.Plain)):
        if any(_is_display(i) for i in elem.content):
            blocks = _split(elem)
        else:
            blocks = [elem]
        for b in blocks:
            if isinstance(b, (pf.Para, pf.Plain)):
                _escape_lone_start(b)
        return blocks if blocks != [elem] else None
    return None


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, None, None, doc)
