"""Unwrap the cell and output Divs into the flat body of a post; write code, text and toggles.

Touches: top-level cell Divs (``cell markdown|code|raw``) and the output Divs inside code
cells. kramdown does not read Markdown inside a raw ``<div>``, so no Div of the reader may
reach the post. Code cells become ```` ```<language> ```` fences; text outputs (``pandockit-
text`` code blocks from the outputs filter) become indented code blocks (option ``output-style:
indented``, the seed post's style) or ```` ```text ```` fences (``output-style: fenced``);
every text output carries a kramdown IAL (``{: .pandockit-output}``, plus ``.stderr`` or
``.error`` for stderr and tracebacks), so the stylesheet ``pandockit init`` installs (and any
theme) tells outputs from code input. Folds noted by the visibility and outputs filters
(``pandockit-fold-cell``, ``-input``, ``-output``, ``pandockit-fold`` on an output) become
``<details markdown="1">`` toggles, which kramdown fills with rendered Markdown (code keeps its
highlighting); their ``<summary>`` is ``pandockit.summary`` (inputs, whole cells; a cell's
``#| code-summary`` wins) or ``pandockit.output-summary`` (outputs). Last, two indented code
blocks in a row anywhere in the post (a cell's attribute-less code blocks; a text output's
class line already ends it) get kramdown's end-of-block marker ``^`` between them, which
kramdown would otherwise read as one.
Runs last: every other filter still sees cells as Divs.
"""

from __future__ import annotations

import html
import re

import panflute as pf

from pandockit.filters.base import CELLS, is_cell, is_output, items_of, job_of, run
from pandockit.liquid import live_cell

NAME = "cells"

TEXT_KIND = "pandockit-text"
#: The class every text output carries (the ANSI-coloured ``<pre>`` of the outputs filter too).
OUTPUT_CLASS = "pandockit-output"
#: The class each kind of text output carries besides; stdout and results carry none.
TEXT_CLASS = {"stderr": "stderr", "error": "error"}


def fence(code: str, language: str = "") -> pf.RawBlock:
    """A backtick fence around ``code``, longer than any backtick run inside it."""
    return pf.RawBlock(_fence_text(code, language) + "\n", format="markdown")


def _fence_text(code: str, language: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{code}\n{ticks}"


def _indented(text: str) -> str:
    return "\n".join("    " + line if line.strip() else "" for line in text.split("\n"))


def text_block(text: str, doc: pf.Doc, kind: str = "") -> pf.RawBlock:
    """A text output as the configured style of code block, with its class if it has one."""
    text = text.rstrip("\n")
    if job_of(doc).options.output_style == "fenced":
        body = _fence_text(text, "text")
    else:
        body = _indented(text)
    css = " ".join("." + c for c in (OUTPUT_CLASS, TEXT_CLASS.get(kind)) if c)
    body += "\n{: " + css + "}"  # the IAL must follow the block on the next line
    # The trailing newline makes pandoc's writer leave a blank line after the block.
    return pf.RawBlock(body + "\n", format="markdown")


_INDENTED = re.compile(r"\A\n*    ")
#: kramdown's end-of-block marker: a line holding only ``^`` ends the block before it.
END_OF_BLOCK = "^"


def _is_indented(block: pf.Element) -> bool:
    """A block the post holds as an indented code block: a code block without attributes
    (pandoc writes it so) or a text output (``output-style: indented``)."""
    if isinstance(block, pf.CodeBlock):
        return not (block.identifier or block.classes or block.attributes)
    return isinstance(block, pf.RawBlock) and block.format == "markdown" and bool(
        _INDENTED.match(block.text)
    )


_ENDS_WITH_IAL = re.compile(r"\n\{:[^\n]*\}\n*\Z")


def _ends_with_ial(block: pf.Element) -> bool:
    """A text output whose class line (``{: .pandockit-output}``) already ends the block."""
    return isinstance(block, pf.RawBlock) and _ENDS_WITH_IAL.search(block.text) is not None


def keep_apart(blocks: pf.ListContainer) -> None:
    """Put an end-of-block marker between two indented code blocks in a row of ``blocks``
    (and of the block lists inside them): kramdown, as any Markdown, reads indented blocks
    with only blank lines between as one block, and an IAL after the second
    (``{: .stderr}``) then styles both."""
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, (pf.BlockQuote, pf.Div, pf.Definition)):
            keep_apart(block.content)
        elif isinstance(block, (pf.BulletList, pf.OrderedList, pf.DefinitionList)):
            for item in block.content:
                keep_apart(item.content if not isinstance(item, pf.DefinitionItem)
                           else item.definitions)
        if (i + 1 < len(blocks) and _is_indented(block) and not _ends_with_ial(block)
                and _is_indented(blocks[i + 1])):
            blocks.insert(i + 1, pf.RawBlock(END_OF_BLOCK + "\n", format="markdown"))
            i += 1
        i += 1


def toggle(blocks: list[pf.Block], summary: str, opened: bool = False) -> list[pf.Block]:
    """``blocks`` inside ``<details markdown="1">``: kramdown renders the Markdown within."""
    if not blocks:
        return []
    attrs = ' class="pandockit-toggle"' + (" open" if opened else "") + ' markdown="1"'
    head = f"<details{attrs}>\n<summary>{html.escape(summary, quote=False)}</summary>\n"
    return [
        pf.RawBlock(head, format="markdown"),
        *blocks,
        pf.RawBlock("</details>\n", format="markdown"),
    ]


def _unwrap_output(div: pf.Div, doc: pf.Doc) -> list[pf.Block]:
    blocks: list[pf.Block] = []
    for block in items_of(div):
        if isinstance(block, pf.CodeBlock) and (TEXT_KIND in block.attributes or not block.classes):
            blocks.append(text_block(block.text, doc, block.attributes.get(TEXT_KIND, "")))
        else:
            blocks.append(block)
    if div.attributes.get("pandockit-fold") == "closed":
        return toggle(blocks, str(job_of(doc).options.output_summary))
    return blocks


def _unwrap_code(cell: pf.Div, doc: pf.Doc) -> list[pf.Block]:
    inputs: list[pf.Block] = []
    outputs: list[pf.Block] = []
    for block in items_of(cell):
        if isinstance(block, pf.CodeBlock):
            if block.text.strip():
                language = block.classes[0] if block.classes else ""
                inputs.append(fence(block.text, language))
        elif is_output(block):
            outputs.extend(_unwrap_output(block, doc))
        else:
            outputs.append(block)
    summary = cell.attributes.get("pandockit-summary") or str(job_of(doc).options.summary)
    fold_input = cell.attributes.get("pandockit-fold-input")
    if fold_input:
        inputs = toggle(inputs, summary, opened=fold_input == "open")
    if cell.attributes.get("pandockit-fold-output"):
        outputs = toggle(outputs, str(job_of(doc).options.output_summary))
    blocks = inputs + outputs
    fold_cell = cell.attributes.get("pandockit-fold-cell")
    if fold_cell:
        blocks = toggle(blocks, summary, opened=fold_cell == "open")
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
    shown = live_cell(elem, items_of(elem), str(job_of(doc).options.liquid_tag))
    fold = elem.attributes.get("pandockit-fold-cell")
    if fold:
        shown = toggle(shown, str(job_of(doc).options.summary), opened=fold == "open")
    return _separated(shown)


def finalize(doc: pf.Doc) -> None:
    keep_apart(doc.content)


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, None, finalize, doc, depth=CELLS)
