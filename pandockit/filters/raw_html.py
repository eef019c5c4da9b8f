"""Make the raw HTML of markdown and raw cells well-formed for kramdown, as Jupyter's cell makes it.

Touches: ``RawBlock``/``RawInline`` of format ``html`` in markdown cells and ``RawBlock html``
of raw cells (outputs' HTML is balanced by the outputs filter, which knows where an output
ends). Jupyter renders a markdown cell into an element of its own, so an element the author
left open (``<div>``, ``<video ...>``, ``<table><tr><td>``) closes where the cell ends and a
stray ``</div>`` does nothing; kramdown would instead read the rest of the post into that
element, or print the stray end tag as text. So, per cell (:mod:`pandockit.htmltree`):

- the cell's top-level raw HTML blocks are parsed together as one HTML5 fragment, each stretch
  of Markdown between them standing in as an empty ``<div>``, and written back balanced; an
  element that holds Markdown gets ``markdown="block"`` (kramdown then reads the Markdown in
  it, as Jupyter shows it). Where that cannot be written for kramdown (Markdown inside a
  ``<b>`` or ``<a>``, or swallowed by an open ``<script>``), each block is balanced alone;
- raw HTML blocks deeper in the cell (in a list, a quote) are balanced alone;
- a paragraph's ``<script>`` and ``<style>`` (pandoc reads their text as the paragraph's) are
  left out with their text, and its ``<template>`` and ``<plaintext>`` tags (not their
  content), as JupyterLab shows a markdown cell: it renders it untrusted, always, and its
  sanitiser removes those elements (script and style with their text). Kept as written, the
  text would show on the page and ``<plaintext>`` would take the rest of the page as text;
- a paragraph's inline tags: each start tag written as kramdown reads it (``<image>`` as
  ``<img>``, attributes quoted), an element left open closed where the paragraph ends (as
  kramdown would, with a warning), an end tag with no start tag before it in the paragraph
  left out (kramdown would print it), a whole inline fragment (``<span>x</span>``,
  ``<script>..</script>``) balanced.

Runs after the math filter, which reads the ``markdown`` attribute of raw HTML to choose how
it writes formulas there (the attribute added here is for what lies between the blocks, which
that filter has already written as Markdown).
"""

from __future__ import annotations

import logging
import re

import panflute as pf

from pandockit import htmltree
from pandockit.context import inputs
from pandockit.filters.base import CELLS, cell_index, is_cell, items_of, run, walk

NAME = "raw-html"
log = logging.getLogger("pandockit")

#: Block types whose items are inlines.
_INLINE_HOLDERS = (pf.Para, pf.Plain, pf.Header)
_DEEPER_TYPES = (*_INLINE_HOLDERS, pf.RawBlock)
_END_TAG = re.compile(r"\A</([A-Za-z][^\s/>]*)\s*>\Z")
#: Inline elements JupyterLab's sanitiser removes from a markdown cell with their text, and
#: those whose tags alone it removes.
_WITH_TEXT = ("script", "style")
_TAG_ONLY = ("template", "plaintext")
_UNSHOWN = re.compile(
    r"\A<(/?)(" + "|".join(_WITH_TEXT + _TAG_ONLY) + r")(?:[\s/][^>]*)?>\Z", re.I | re.S
)


def _is_html(elem: pf.Element) -> bool:
    return isinstance(elem, (pf.RawBlock, pf.RawInline)) and elem.format == "html"


def cell_blocks(blocks: list[pf.Block]) -> list[pf.Block]:
    """The top-level blocks of a markdown cell with its raw HTML blocks balanced together.

    A paragraph's end tags that close nothing opened in it (pandoc reads ``<video ...>text
    </video>`` opening a line as a raw block, then a paragraph ending in ``</video>``) stand
    after its placeholder: they close the element there, and the paragraph drops them
    (:func:`inline_html`).
    """
    pieces: list[list[str]] = [[]]
    slots: list[pf.Block] = []
    for block in blocks:
        if _is_html(block):
            pieces[-1].append(block.text)
        else:
            slots.append(block)
            pieces.append(["".join(f"</{name}>" for name in _unmatched_ends(block))])
    if not any(p for piece in pieces for p in piece):
        return blocks
    joined = ["\n\n".join(p for p in piece if p) for piece in pieces]
    balanced = htmltree.balance_cell(joined)
    if balanced is None:
        return [
            pf.RawBlock(htmltree.balance(b.text, markdown_attr=True), format="html")
            if _is_html(b) else b
            for b in blocks
        ]
    out: list[pf.Block] = []
    for piece, slot in zip(balanced, [*slots, None]):
        if piece.strip():
            out.append(pf.RawBlock(piece.strip("\n"), format="html"))
        if slot is not None:
            out.append(slot)
    return out


def _unmatched_ends(block: pf.Block) -> list[str]:
    """The end tags among ``block``'s raw inlines that close nothing opened before them in it."""
    if not isinstance(block, _INLINE_HOLDERS):
        return []
    found: list[pf.RawInline] = []
    _raw_inlines(block, found)
    opened: list[str] = []
    unmatched: list[str] = []
    for raw in found:
        end = _END_TAG.match(raw.text.strip())
        if end:
            name = end.group(1).lower()
            if name in opened:
                del opened[len(opened) - 1 - opened[::-1].index(name):]
            else:
                unmatched.append(name)
        elif not raw.text.lstrip().startswith("<!"):
            tag = htmltree.start_tag(raw.text.strip())
            if tag is not None:
                name = tag[1:].split(None, 1)[0].rstrip(">/").lower()
                if name not in htmltree.VOID:
                    opened.append(name)
    return unmatched


#: Inline types that hold inlines (links, emphasis), where raw HTML can be too.
_SPANS = frozenset({pf.Link, pf.Emph, pf.Strong, pf.Span, pf.Quoted, pf.Strikeout,
                    pf.Superscript, pf.Subscript, pf.SmallCaps, pf.Underline, pf.Cite})


def _raw_inlines(elem: pf.Element, found: list[pf.RawInline]) -> None:
    """The raw HTML inlines of ``elem``, in order, into ``found`` (read without panflute's
    per-item bookkeeping: most paragraphs have none)."""
    for item in elem.content.list:
        kind = type(item)
        if kind is pf.RawInline:
            if item.format == "html":
                found.append(item)
        elif kind in _SPANS:
            _raw_inlines(item, found)


def _unshown_tag(item: pf.Inline) -> re.Match | None:
    if type(item) is not pf.RawInline or item.format != "html":
        return None
    return _UNSHOWN.match(item.text.strip())


def unshown(items: list[pf.Inline]) -> tuple[list[pf.Inline], list[str]]:
    """``items`` (a paragraph's, or a span's) without what JupyterLab does not show of a
    markdown cell: a ``<script>`` or ``<style>`` with the text up to its end tag (or the end of
    ``items``; one with no text, ``<script src=..></script>``, stays, as before), the
    ``<template>`` and ``<plaintext>`` tags; and the names of those left out."""
    out: list[pf.Inline] = []
    gone: list[str] = []
    i = 0
    while i < len(items):
        item = items[i]
        m = _unshown_tag(item)
        i += 1
        if m is None or (m.group(1) and m.group(2).lower() in _WITH_TEXT):
            if type(item) in _SPANS:
                inner, more = unshown(list(item.content))
                if more:
                    item.content = inner
                    gone += more
            out.append(item)  # a stray </script> is left to inline_html, which drops it
            continue
        name = m.group(2).lower()
        if name in _WITH_TEXT:
            close = next((j for j in range(i, len(items)) if (e := _unshown_tag(items[j]))
                          and e.group(1) and e.group(2).lower() == name), len(items))
            if close == i:  # nothing between the tags: an external script, kept
                out.append(item)
                continue
            i = close + 1
        gone.append(name)
    return out, gone


def inline_html(block: pf.Block, cell: int | None = None) -> None:
    """The raw inline HTML of a paragraph (or heading) as kramdown reads it like a browser."""
    found: list[pf.RawInline] = []
    _raw_inlines(block, found)
    if not found:
        return
    if any(_UNSHOWN.match(raw.text.strip()) for raw in found):
        kept, gone = unshown(list(block.content))
        if gone:
            block.content = kept
            what = [f"<{n}> with its text" if n in _WITH_TEXT else f"the <{n}> tags"
                    for n in dict.fromkeys(gone)]
            log.warning("cell %s: %s inside a paragraph left out, as JupyterLab shows the "
                        "cell", "?" if cell is None else cell, ", ".join(what))
            found = []
            _raw_inlines(block, found)
    opened: list[str] = []
    for raw in found:
        text = raw.text.strip()
        end = _END_TAG.match(text)
        if end:
            name = end.group(1).lower()
            if name in opened:
                del opened[len(opened) - 1 - opened[::-1].index(name):]
            else:
                raw.text = ""  # Jupyter's browser ignores it; kramdown would print it
            continue
        tag = htmltree.start_tag(text)
        if tag is not None:
            raw.text = tag
            name = tag[1:].split(None, 1)[0].rstrip(">/").lower()
            if name not in htmltree.VOID:
                opened.append(name)
        elif text.startswith("<") and not text.startswith("<!--"):
            raw.text = htmltree.balance(raw.text, markdown_attr=True)
    for name in reversed(opened):  # closed where the paragraph ends, as kramdown would
        block.content.append(pf.RawInline(f"</{name}>", format="html"))


def _deeper(elem: pf.Element, doc: pf.Doc, cell: int | None = None) -> None:
    if not isinstance(elem, _DEEPER_TYPES):
        return  # the cheap test first: nearly every element is a word or a space
    if isinstance(elem, _INLINE_HOLDERS):
        inline_html(elem, cell)
    elif isinstance(elem, pf.RawBlock) and elem.format == "html" and not is_cell(elem.parent):
        elem.text = htmltree.balance(elem.text, markdown_attr=True)


def _may_hold_html(cell: pf.Div, doc: pf.Doc) -> bool:
    """False for a markdown cell whose source has no ``<``: pandoc then read no raw HTML in
    it, and what filters put there (a note's box) is balanced already. Most cells are such;
    the walk of each would cost more than the look at its source (with no notebook: True)."""
    nb_cell = inputs(doc).cell(cell_index(cell))
    return nb_cell is None or "<" in nb_cell.source


def action(elem: pf.Element, doc: pf.Doc) -> None:
    if not (is_cell(elem) and elem.parent is doc):
        return
    if "raw" in elem.classes:
        for block in items_of(elem):
            if _is_html(block):
                block.text = htmltree.balance(block.text, markdown_attr=True)
        return
    if "markdown" not in elem.classes or not _may_hold_html(elem, doc):
        return
    blocks = items_of(elem)
    new = cell_blocks(blocks)
    if new is not blocks:
        elem.content = new
    index = cell_index(elem)
    walk(elem, lambda e, d: _deeper(e, d, index), doc)


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, None, None, doc, depth=CELLS)
