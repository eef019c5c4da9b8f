"""Choose one representation for each output, as a reader of the notebook sees it.

Touches: output Divs (``output execute_result|display_data|stream|error``) inside code cells.
pandoc's reader gives one block per MIME type; pandoc would pick one only after the filters,
and not at all when the AST is written from JSON, so this filter picks.
"""

from __future__ import annotations

import panflute as pf

from pandockit.filters.base import is_cell, is_output, run

NAME = "outputs"

#: Preference among an output's representations (as Jupyter and nbconvert order them).
PREFERENCE = ("text/html", "text/markdown", "text/latex", "image", "text/plain")


def mime_of(block: pf.Block) -> str:
    """The MIME family a block of pandoc's ipynb reader stands for."""
    if isinstance(block, pf.RawBlock):
        return {"html": "text/html", "latex": "text/latex", "tex": "text/latex"}.get(
            block.format, f"text/{block.format}"
        )
    if isinstance(block, pf.CodeBlock):
        return "application/json" if "json" in block.classes else "text/plain"
    if isinstance(block, (pf.Para, pf.Plain)) and any(
        isinstance(i, pf.Image) for i in block.content
    ):
        return "image"
    return "other"


def choose(blocks: list[pf.Block]) -> list[pf.Block]:
    """The preferred representation among ``blocks`` (one output's MIME bundle)."""
    by_mime = {mime_of(b): b for b in blocks}
    for mime in PREFERENCE:
        if mime in by_mime:
            return [by_mime[mime]]
    return []


def action(elem: pf.Element, doc: pf.Doc) -> None:
    if not (is_cell(elem, "code") and elem.parent is doc):
        return
    for out in elem.content:
        if not is_output(out):
            continue
        if "execute_result" in out.classes or "display_data" in out.classes:
            out.content = choose(list(out.content))


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, None, None, doc)
