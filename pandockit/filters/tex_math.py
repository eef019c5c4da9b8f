"""Write every formula so that MathJax, behind Jekyll's kramdown, gets the author's TeX unchanged.

The step ``tex-math`` (console script ``pandockit-tex-math``; ``pandockit-math``, its name
before, stays as an alias). One name for file, step and script, and one that says what it
does: it writes TeX math (and the prose dollars around it) for either style, ``kramdown`` or
``dollars``, so neither ``kramdown_math`` (half of it) nor ``math`` (the stdlib module's name,
STYLE.md; and ``jupyter-math`` is a math step too) fits. A document marked done with ``math``
by an older chain counts as done with ``tex-math`` (:data:`pandockit.pipeline.FORMER_NAMES`).

This module decides *where*: which element, which style, in a table or not, inline or a block
of its own. How each formula is written is :mod:`pandockit.formula_text`'s (pure strings).

Touches: ``Math`` (inline and display); ``RawInline``/``RawBlock`` of format ``tex``/``latex``
in markdown cells (what the ``raw_tex`` reader extension keeps of bare ``\\begin{align}``
environments, and of backslash words in prose such as ``C:\\path``, which go back to text);
``RawBlock latex`` inside an output Div (a ``text/latex`` result the outputs filter chose);
``RawBlock html`` of markdown cells and of outputs (their ``$`` math, which Jupyter typesets
in both, see :func:`pandockit.formula_text.html_math`); ``RawBlock markdown`` of a
``text/markdown`` output (its ``$`` math); ``Str`` holding ``$`` (prose dollars); the
``Para``/``Plain`` blocks that hold display math (split: each formula a block of its own; in a
table cell, a heading or a span, where no block can stand, display math is written inline).
Configured by ``pandockit.math``: ``kramdown`` (default) or ``dollars``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import panflute as pf

from pandockit import formula_text
from pandockit.filters.base import (
    ancestor,
    cell_index,
    is_cell,
    is_output,
    job_of,
    run,
    within,
)
from pandockit.job import inputs_of
from pandockit.page_needs import record

NAME = "tex-math"

_TEX_FORMATS = ("tex", "latex")
_BREAKS = (pf.Space, pf.SoftBreak, pf.LineBreak)

# --- where an element stands ----------------------------------------------------------------


def in_table(elem: pf.Element) -> bool:
    """True when ``elem`` is inside a table cell (where kramdown splits rows on ``|``)."""
    return within(elem, pf.TableCell)


def in_output(elem: pf.Element) -> bool:
    """True when ``elem`` is a block of a code cell's output Div."""
    return is_output(elem.parent) if elem.parent is not None else False


def _block_level(elem: pf.Element) -> bool:
    """True when ``elem`` stands directly in a paragraph outside tables (may become a block)."""
    return isinstance(elem.parent, (pf.Para, pf.Plain)) and not in_table(elem)


def _in_markdown_cell(elem: pf.Element) -> bool:
    cell = ancestor(elem, is_cell)
    return cell is None or "markdown" in cell.classes


def _in_body(elem: pf.Element) -> bool:
    """False for elements of the metadata (the filter rewrites the body only)."""
    return not within(elem, pf.MetaValue)


# --- the style, and the elements the encoders' text becomes ----------------------------------


def _dollars(doc: pf.Doc) -> bool:
    return job_of(doc).options.math == "dollars"


def _has_math(doc: pf.Doc) -> None:
    """Record that the post has a formula: its page loads MathJax, set for the math style
    (once a run: the record is the same for every formula)."""
    if getattr(doc, "pandockit_math_recorded", False):
        return
    record(doc, "math", "dollars" if _dollars(doc) else "kramdown")
    if hasattr(doc, "pandockit_math_recorded"):
        doc.pandockit_math_recorded = True


def inline_math(tex: str, elem: pf.Element, doc: pf.Doc) -> pf.RawInline:
    """The inline formula ``tex`` as Markdown, for where ``elem`` stands."""
    _has_math(doc)
    return pf.RawInline(formula_text.inline(tex, _dollars(doc), table=in_table(elem)),
                        format="markdown")


def display_math(tex: str, doc: pf.Doc) -> pf.RawBlock:
    """A display formula as a block (its text ends with a newline: a blank line follows)."""
    _has_math(doc)
    return pf.RawBlock(formula_text.display(tex, _dollars(doc)), format="markdown")


def _is_display(elem: pf.Element) -> bool:
    if isinstance(elem, pf.Math):
        return elem.format == "DisplayMath"
    return (
        isinstance(elem, pf.RawInline)
        and elem.format in _TEX_FORMATS
        and bool(formula_text.ENVIRONMENT.match(elem.text))
    )


def prose_dollars(text: str, doc: pf.Doc) -> list[pf.Inline] | None:
    """Prose text with its dollars written so they never start math (None: nothing to do)."""
    pieces = formula_text.prose_dollars(text, _dollars(doc))
    if pieces is None:
        return None
    return [pf.RawInline(piece, format="markdown") if markdown else pf.Str(piece)
            for markdown, piece in pieces]


def _text(text: str, doc: pf.Doc) -> list[pf.Inline]:
    """Literal prose ``text`` as Jupyter shows it, as raw Markdown: pandoc's writer would not
    keep a ``Str`` such as ``\\textbf{costs \\$5}`` intact (measured: it writes
    ``\\textbf{costs \\\\5}``)."""
    return [pf.RawInline(formula_text.literal_text(text, _dollars(doc)), format="markdown")]


# --- splitting paragraphs around display math ------------------------------------------------


def _trim(items: list[pf.Inline]) -> list[pf.Inline]:
    while items and isinstance(items[0], _BREAKS):
        items.pop(0)
    while items and isinstance(items[-1], _BREAKS):
        items.pop()
    return items


def split_display(block: pf.Para | pf.Plain, doc: pf.Doc) -> list[pf.Block]:
    """``block`` cut around its display math, each formula a block of its own."""
    out: list[pf.Block] = []
    run_: list[pf.Inline] = []

    def flush() -> None:
        items = _trim(run_[:])
        if items:
            out.append(type(block)(*items))
        run_.clear()

    for item in list(block.content):
        if _is_display(item):
            flush()
            out.append(display_math(item.text, doc))
        else:
            run_.append(item)
    flush()
    return out


def escape_lone_start(block: pf.Block, doc: pf.Doc) -> None:
    """``\\$$x$$``: a paragraph that is one inline formula stays inline in kramdown."""
    if not isinstance(block, (pf.Para, pf.Plain)):
        return
    items = block.content.list  # read only: no copy, no panflute bookkeeping per item
    if not items or not isinstance(items[0], pf.RawInline) or items[0].format != "markdown":
        return
    if not items[0].text.startswith("$$") or _dollars(doc) or in_table(block):
        return
    # kramdown's rule: `$$..$$` that ends its line and is followed by a block boundary.
    rest = itertools.islice(items, 1, None)
    if (len(items) == 1 or isinstance(items[1], pf.LineBreak)
            or all(isinstance(i, _BREAKS) for i in rest)):
        items[0].text = "\\" + items[0].text


# --- text/latex outputs ---------------------------------------------------------------------


def latex_output(text: str, doc: pf.Doc) -> list[pf.Block]:
    """A ``text/latex`` output as display math, or as text with its formulas as math."""
    tex = formula_text.latex_formula(text)
    if tex is not None:
        return [display_math(tex, doc)]
    items: list[pf.Inline] = []
    for kind, piece in formula_text.latex_pieces(text):
        if kind == "text":
            items += _words(piece)
        else:
            items.append(pf.Math(piece, format="InlineMath" if kind == "inline" else "DisplayMath"))
    para = pf.Para(*_trim(items))
    for i, item in enumerate(list(para.content)):
        if isinstance(item, pf.Math) and item.format == "InlineMath":
            para.content[i] = inline_math(item.text, item, doc)
        elif isinstance(item, pf.Str):
            para.content[i : i + 1] = _text(item.text, doc)
    blocks = split_display(para, doc)
    for block in blocks:
        escape_lone_start(block, doc)
    return blocks


def _words(text: str) -> list[pf.Inline]:
    items: list[pf.Inline] = []
    for token in re.split(r"(\s+)", text):
        if not token:
            continue
        items.append((pf.SoftBreak() if "\n" in token else pf.Space()) if token.isspace()
                     else pf.Str(token))
    return items


# --- the author's TeX, as typed ---------------------------------------------------------------


def source_tex(tex: str, elem: pf.Element, doc: pf.Doc) -> str:
    """``tex`` as the author typed it in the cell's source.

    pandoc's Markdown reader drops spaces at line ends and expands tabs inside math; Jupyter
    hands MathJax the source as typed. When ``tex`` is not verbatim in its cell's source, the
    piece of source that differs from it only in white space is taken instead.
    """
    node = ancestor(elem, is_cell)
    source = _cell_source(node, doc)
    if source is None:
        return tex
    found = _near(tex, source, node, doc)
    return found if found is not None else _whole(tex, source)


#: How far past the end of the cell's formula before it a formula's TeX is looked for
#: verbatim before anything else (characters).
NEAR = 4096


def _near(tex: str, source: str, cell: pf.Div, doc: pf.Doc) -> str | None:
    """``tex`` as typed, looked for where the cell's formula before it was found (the walk
    meets a cell's formulas in the order of its source): verbatim just after it, else the
    first piece of source from there that differs from ``tex`` only in white space (unless
    ``tex`` stands verbatim before that piece ends). None when neither is there after it.

    Each formula is looked for from the last one's end, not in the whole source: a cell of N
    formulas costs about its length, not N times its length (when pandoc changed every
    formula, the whole source was searched twice for each)."""
    cursors = getattr(doc, "pandockit_cell_cursors", None)
    if cursors is None:  # outside a run (a helper called on its own)
        return None
    key = cell_index(cell)
    start = cursors.get(key, 0)
    at = source.find(tex, start, start + len(tex) + NEAR)
    if at < 0:
        pattern = _pattern(tex)
        m = pattern.search(source, start) if pattern is not None else None
        if m is None:
            return None
        at = source.find(tex, start, m.end())
        if at < 0:
            cursors[key] = m.end()
            return m.group(0)
    cursors[key] = at + len(tex)
    return tex


def _whole(tex: str, source: str) -> str:
    """``tex`` if it is verbatim anywhere in ``source``, else the first piece of ``source``
    that differs from it only in white space, else ``tex``."""
    if tex in source:
        return tex
    pattern = _pattern(tex)
    m = pattern.search(source) if pattern is not None else None
    return m.group(0) if m else tex


def _pattern(tex: str) -> re.Pattern | None:
    """``tex``'s words with any white space (or none) between them."""
    words = [re.escape(w) for w in tex.split()]
    return re.compile(r"\s*".join(words)) if words else None


def _cell_source(node: pf.Element | None, doc: pf.Doc) -> str | None:
    if node is None:
        return None
    nb_cell = inputs_of(doc).cell(cell_index(node))
    return nb_cell.source if nb_cell is not None else None


# --- the filter: one handler per element type -------------------------------------------------
#
# Each handler first asks what the element itself tells (a dollar in a word, a raw format),
# which rules out nearly every element without a climb up the tree or an option lookup; only
# then where the element stands. A type without a handler is never changed.

#: The inline types a formula is (or has become, ``RawInline``) in a paragraph.
_FORMULA_TYPES = frozenset({pf.Math, pf.RawInline})


def _math(elem: pf.Math, doc: pf.Doc) -> pf.Element | None:
    if not _in_body(elem):
        return None
    elem.text = source_tex(elem.text, elem, doc)
    if elem.format == "DisplayMath" and _block_level(elem):
        return None  # the paragraph's handler gives it a block of its own
    return inline_math(elem.text, elem, doc)


def _raw_inline(elem: pf.RawInline, doc: pf.Doc) -> pf.Element | list | None:
    if elem.format not in _TEX_FORMATS or not _in_body(elem):
        return None
    if _is_display(elem):
        return None if _block_level(elem) else inline_math(elem.text, elem, doc)
    return _text(elem.text, doc)  # a backslash word in prose, shown as Jupyter shows it


def _raw_block(elem: pf.RawBlock, doc: pf.Doc) -> pf.Element | list | None:
    if elem.format in _TEX_FORMATS:
        if not _in_body(elem):
            return None
        if in_output(elem):
            return latex_output(elem.text, doc)
        if not _in_markdown_cell(elem):
            return None  # a raw cell: not shown as Jupyter does not render it
        if formula_text.ENVIRONMENT.match(elem.text):
            return display_math(elem.text, doc)
        return pf.Para(*_text(elem.text, doc))
    if "$" not in elem.text or not _in_body(elem):
        return None
    if elem.format == "html" and (in_output(elem) or _in_markdown_cell(elem)):
        elem.text, found = formula_text.html_math(elem.text, _dollars(doc))
        if found:
            _has_math(doc)
    elif elem.format == "markdown" and in_output(elem):
        elem.text, found = formula_text.markdown_output_math(elem.text, _dollars(doc))
        if found:
            _has_math(doc)
    return None


def _str(elem: pf.Str, doc: pf.Doc) -> list[pf.Inline] | None:
    if "$" not in elem.text or not _in_body(elem):
        return None
    return prose_dollars(elem.text, doc)


def _holds_display(block: pf.Para | pf.Plain) -> bool | None:
    """Whether ``block`` holds display math (:func:`split_display`); None when it holds no
    formula at all, nor does it open with one written ``$$..$$`` (:func:`escape_lone_start`):
    then both leave it alone. Reads the items without panflute's per-item bookkeeping (the
    walk has done it)."""
    items = block.content.list
    if _FORMULA_TYPES.isdisjoint(map(type, items)):
        return None  # prose: the common case, told without a loop in Python
    display = any(_is_display(i) for i in items if type(i) in _FORMULA_TYPES)
    if display:
        return True
    first = items[0]
    if isinstance(first, pf.RawInline) and first.format == "markdown":
        if first.text.startswith("$$"):
            return False
    return None


def _paragraph(elem: pf.Para | pf.Plain, doc: pf.Doc) -> list[pf.Block] | None:
    display = _holds_display(elem)
    if display is None or not _in_body(elem) or in_table(elem):
        return None
    blocks = split_display(elem, doc) if display else [elem]
    for block in blocks:
        escape_lone_start(block, doc)
    return blocks if blocks != [elem] else None


_HANDLERS: dict[type, Callable[[pf.Element, pf.Doc], pf.Element | list | None]] = {
    pf.Math: _math,
    pf.RawInline: _raw_inline,
    pf.RawBlock: _raw_block,
    pf.Str: _str,
    pf.Para: _paragraph,
    pf.Plain: _paragraph,
}


def action(elem: pf.Element, doc: pf.Doc) -> pf.Element | list | None:
    handler = _HANDLERS.get(type(elem))
    return handler(elem, doc) if handler is not None else None


def prepare(doc: pf.Doc) -> None:
    doc.pandockit_cell_cursors = {}  # cell index -> where its last formula found ended
    doc.pandockit_math_recorded = False


def finalize(doc: pf.Doc) -> None:
    del doc.pandockit_cell_cursors
    del doc.pandockit_math_recorded


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, finalize, doc)
