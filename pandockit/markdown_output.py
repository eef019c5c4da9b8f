"""``text/markdown`` outputs that hold HTML, made HTML as Jupyter renders them.

Jupyter renders a Markdown output to HTML (its math hidden from the Markdown parser first),
sanitises that HTML when it does not trust the notebook, and sets it in an element of its own.
Handed to kramdown as Markdown, the output would instead reach the page through everything
kramdown makes HTML of (raw HTML, ``{::nomarkdown}``, attribute lists such as
``{: onmouseover="..."}``, ``javascript:`` links), and an element its HTML leaves open would
take the rest of the post. So such an output is read by pandoc as a markdown cell is read
again for the jupyter-math step (:mod:`pandockit.rereads`: math hidden as Jupyter hides it,
HTML blocks fenced where CommonMark ends them: :data:`pandockit.pandoc.FENCED_READER`),
``html: drop`` removes its raw HTML, pandoc writes HTML and the formulas go back
(HTML-escaped). The outputs filter then treats that HTML
as a ``text/html`` output's (sanitised with ``sanitize`` and ``drop``, balanced in every mode)
and puts it in an HTML block, which kramdown does not read. All such outputs of a document:
one pandoc read, one write, before the pipeline (:mod:`pandockit.gather`; the filter does no
I/O).
"""

from __future__ import annotations

import html
import io
import json
import secrets

import panflute as pf

from pandockit import commonmark_html, formula_scan
from pandockit.pandoc import FENCED_READER, run_pandoc


def _notebook(sources: list[str]) -> bytes:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": s} for s in sources]
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    return json.dumps(nb, ensure_ascii=False).encode("utf-8")


def _drop_raw(elem: pf.Element, doc: pf.Doc) -> list | None:
    return [] if isinstance(elem, (pf.RawBlock, pf.RawInline)) else None


def read(texts: list[str]) -> tuple[list[list[pf.Block]], list[list[str]]]:
    """The blocks of each Markdown text as a markdown cell is read again for jupyter-math
    (formulas as ``@@N@@``, HTML blocks ended where CommonMark ends them), and each text's
    formulas."""
    masked = [formula_scan.remove_math(t) for t in texts]
    sources = [commonmark_html.fenced(m) for m, _ in masked]
    ast = run_pandoc(["-f", FENCED_READER, "-t", "json"], _notebook(sources),
                     what="pandoc (reading Markdown outputs)")
    doc = pf.load(io.StringIO(ast.decode("utf-8")))
    cells = [list(b.content) for b in doc.content if isinstance(b, pf.Div)]
    if len(cells) != len(texts):  # pandoc gives a Div per cell: never seen otherwise
        raise ValueError("pandoc did not read one cell per Markdown output")
    return cells, [math for _, math in masked]


def write_html(cells: list[list[pf.Block]]) -> list[str]:
    """The HTML pandoc writes of each list of blocks (one run, cut at unguessable marks)."""
    mark = f"<!--pandockit-{secrets.token_hex(12)}-->"
    blocks: list[pf.Block] = []
    for i, cell in enumerate(cells):
        if i:
            blocks.append(pf.RawBlock(mark, format="html"))
        blocks.extend(cell)
    body = json.dumps(pf.Doc(*blocks).to_json()).encode("utf-8")
    out = run_pandoc(["-f", "json", "-t", "html", "--wrap=none"], body,
                     what="pandoc (writing Markdown outputs as HTML)").decode("utf-8")
    parts = out.split(mark)
    if len(parts) != len(cells):
        raise ValueError("pandoc did not write one part per Markdown output")
    return parts


def to_html(texts: list[str], drop: bool) -> list[str]:
    """Each Markdown output of ``texts`` as HTML (see the module docstring), not yet
    sanitised or balanced; ``drop``: its raw HTML removed first."""
    if not texts:
        return []
    cells, formulas = read(texts)
    if drop:
        cells = [list(pf.Div(*cell).walk(_drop_raw).content) for cell in cells]
    return [
        formula_scan.replace_math(part, [html.escape(m) for m in math]).strip()
        for part, math in zip(write_html(cells), formulas)
    ]
