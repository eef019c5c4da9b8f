"""Unwrap the cell and output Divs into the flat body of a post; write code as fenced blocks.

Touches: top-level cell Divs (``cell markdown|code|raw``) and the output Divs inside code
cells. kramdown does not read Markdown inside a raw ``<div>``, so no Div of the reader may
reach the post. Code cells become ```` ```<language> ```` fences; text outputs become indented
code blocks (option ``output-style: indented``, the seed post's style) or ```` ```text ```` fences
(``output-style: fenced``). Runs last: every other filter still sees cells as Divs.
"""

from __future__ import annotations

import re

import panflute as pf

from pandockit.config import get_option
from pandockit.filters.base import is_cell, is_output, run

NAME = "cells"


def fence(code: str, language: str = "") -> pf.RawBlock:
    """A backtick fence around ``code``, longer than any backtick run inside it."""
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    # The trailing newline makes pandoc's writer leave a blank line after the block.
    return pf.RawBlock(f"{ticks}{language}\n{code}\n{ticks}\n", format="markdown")


def text_block(text: str, doc: pf.Doc) -> pf.Block:
    """A text output as the configured style of code block."""
    text = text.rstrip("\n")
    if get_option(doc, "output-style") == "fenced":
        return fence(text, "text")
    return pf.CodeBlock(text)


def _unwrap_output(div: pf.Div, doc: pf.Doc) -> list[pf.Block]:
    blocks: list[pf.Block] = []
    for block in div.content:
        if isinstance(block, pf.CodeBlock) and not block.classes:
            blocks.append(text_block(block.text, doc))
        else:
            blocks.append(block)
    return blocks


def _unwrap_code(cell: pf.Div, doc: pf.Doc) -> list[pf.Block]:
    blocks: list[pf.Block] = []
    for block in cell.content:
        if isinstance(block, pf.CodeBlock):
            if block.text.strip():
                language = block.classes[0] if block.classes else ""
                blocks.append(fence(block.text, language))
        elif is_output(block):
            blocks.extend(_unwrap_output(block, doc))
        else:
            blocks.append(block)
    return blocks


def _separated(blocks: list[pf.Block]) -> list[pf.Block]:
    """pandoc's writer puts no blank line after a raw block; kramdown needs one between an
    HTML block and what follows, so each raw block gets one."""
    for block in blocks:
        if isinstance(block, pf.RawBlock) and not block.text.endswith("\n"):
            block.text += "\n"
    return blocks


def action(elem: pf.Element, doc: pf.Doc) -> list[pf.Block] | None:
    if not (is_cell(elem) and elem.parent is doc):
        return None
    if "code" in elem.classes:
        return _separated(_unwrap_code(elem, doc))
    return _separated(list(elem.content))


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, None, None, doc)
