"""Let every heading answer to Jupyter's id too, and point links between notebooks at posts.

Jupyter gives a heading the id of its text with spaces made hyphens, case kept
(``Sorted-and-Unsorted-Indices``; JupyterLab's ``createHeaderId``), and authors link to it
(``[see](#Sorted-and-Unsorted-Indices)``). kramdown gives the heading its own lowercase id,
which its TOC links to, and which links made to the published post use. So the heading keeps
kramdown's id and an empty ``<div id="Jupyter-Id" class="pandockit-anchor"></div>`` before it
answers to Jupyter's (not written when the two are the same). A ``<div>``: kramdown's TOC
copies a heading's inline HTML into its entries, where a second element of that id would be.

A link to another notebook of the site (``other.ipynb#Section``, relative to this notebook's
folder) becomes a link to that notebook's post (``<baseurl>/2020/01/02/other.html#Section``),
from the job's ``post_urls`` (notebook path relative to this notebook's folder -> post URL,
gathered before the pipeline by :mod:`pandockit.post_urls`; this filter does no I/O). A link
to a notebook that is not there stays as written.

Runs before ``tex-math``, which rewrites a heading's math (Jupyter's id holds its TeX).
Touches ``Header`` blocks (anywhere) and ``Link`` elements whose target ends in ``.ipynb``.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote

import panflute as pf

from pandockit.filters.base import job_of, run

NAME = "anchors"

_NOT_ID = re.compile(r"[^\w\- ]", re.UNICODE)
_SCHEME = re.compile(r"\A(?:[a-z][a-z0-9+.-]*:|//|/)", re.I)


def _text(elem: pf.Element, out: list[str]) -> None:
    """The heading's text as a browser's ``textContent`` has it in Jupyter."""
    if isinstance(elem, pf.Str):
        out.append(elem.text)
    elif isinstance(elem, (pf.Space, pf.SoftBreak)):
        out.append(" ")
    elif isinstance(elem, pf.Code):
        out.append(elem.text)
    elif isinstance(elem, pf.Math):
        mark = "$$" if elem.format == "DisplayMath" else "$"
        out.append(mark + elem.text + mark)
    elif isinstance(elem, pf.Quoted):
        mark = '"' if elem.quote_type == "DoubleQuote" else "'"
        out.append(mark)
        for child in elem.content:
            _text(child, out)
        out.append(mark)
    elif isinstance(elem, (pf.RawInline, pf.Image, pf.Note, pf.LineBreak)):
        return
    elif hasattr(elem, "content"):
        for child in elem.content:
            _text(child, out)


def heading_text(header: pf.Header) -> str:
    out: list[str] = []
    for elem in header.content:
        _text(elem, out)
    return "".join(out).strip()


def jupyter_id(header: pf.Header) -> str:
    """Jupyter's id of ``header``: its text, spaces made hyphens, case kept."""
    return heading_text(header).replace(" ", "-")


def kramdown_id(text: str) -> str:
    """kramdown's (GFM parser's) id of a heading of ``text``, before its duplicate counter."""
    return _NOT_ID.sub("", text.lower()).replace(" ", "-")


def anchor(ident: str) -> pf.RawBlock:
    return pf.RawBlock(f'<div id="{html.escape(ident)}" class="pandockit-anchor"></div>',
                       format="html")


def post_link(url: str, urls: dict) -> str | None:
    """The post URL plus anchor for a link ``url`` to a notebook of the site, else None."""
    if _SCHEME.match(url):
        return None
    path, _, fragment = url.partition("#")
    path = path.split("?", 1)[0]
    if not path.lower().endswith(".ipynb"):
        return None
    target = urls.get(posixpath.normpath(unquote(path)))
    if not isinstance(target, str):
        return None
    return target + ("#" + fragment if fragment else "")


def prepare(doc: pf.Doc) -> None:
    doc.pandockit_post_urls = dict(job_of(doc).post_urls)


def action(elem: pf.Element, doc: pf.Doc) -> pf.Element | list | None:
    if isinstance(elem, pf.Link) and doc.pandockit_post_urls:
        target = post_link(elem.url, doc.pandockit_post_urls)
        if target is not None:
            elem.url = target
        return None
    if not isinstance(elem, pf.Header):
        return None
    text = heading_text(elem)
    ident = text.replace(" ", "-")
    if not ident or ident == kramdown_id(text):
        return None
    return [anchor(ident), elem]


def finalize(doc: pf.Doc) -> None:
    del doc.pandockit_post_urls


def _paragraph(elem: pf.Element) -> bool:
    """A paragraph holds words, never a heading: without post URLs to give its links, the
    step has nothing to do in it (most of a post's elements are in paragraphs)."""
    return type(elem) in (pf.Para, pf.Plain)


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    links = doc is None or bool(job_of(doc).post_urls)
    return run(NAME, action, prepare, finalize, doc, skip=None if links else _paragraph)
