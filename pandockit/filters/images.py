"""Name output images as nbconvert does and point the post at the site's asset folder.

Touches: ``Image`` elements inside output Divs of code cells. Each becomes
``<baseurl>/<assets-dir>/<post>/output_<cell>_<n>.<ext>`` (cell counted over all cells from 0,
``n`` the output's position in the cell). Writes the metadata ``pandockit-media``: a mapping
from each file name to the name pandoc's reader gave the image (the SHA-1 of its bytes), from
which the writer takes the bytes out of the notebook. Configured by ``pandockit.assets-dir``.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

import panflute as pf

from pandockit.config import get_option
from pandockit.filters.base import cell_index, is_cell, is_output, run
from pandockit.liquid import BASEURL_MARKER

NAME = "images"
MEDIA_KEY = "pandockit-media"
POST_KEY = "pandockit-post"


def asset_url(doc: pf.Doc, name: str) -> str:
    """The URL of file ``name`` of this post's asset folder, behind the baseurl marker."""
    folder = get_option(doc, "assets-dir").strip("/")
    post = str(doc.get_metadata(POST_KEY, "post"))
    return BASEURL_MARKER + quote("/" + posixpath.join(folder, post, name))


def media(doc: pf.Doc) -> dict[str, str]:
    return dict(doc.get_metadata(MEDIA_KEY, {}) or {})


def prepare(doc: pf.Doc) -> None:
    doc.pandockit_media = media(doc)


def _rename_outputs(cell: pf.Div, doc: pf.Doc) -> None:
    index = cell_index(cell)
    outputs = [b for b in cell.content if is_output(b)]
    for n, out in enumerate(outputs):

        def rename(elem: pf.Element, d: pf.Doc, n: int = n) -> None:
            if isinstance(elem, pf.Image) and "/" not in elem.url:
                ext = posixpath.splitext(elem.url)[1] or ".png"
                name = f"output_{index}_{n}{ext}"
                doc.pandockit_media[name] = elem.url
                elem.url = asset_url(doc, name)

        out.walk(rename)


def action(elem: pf.Element, doc: pf.Doc) -> None:
    if is_cell(elem, "code") and elem.parent is doc:
        _rename_outputs(elem, doc)


def finalize(doc: pf.Doc) -> None:
    doc.metadata[MEDIA_KEY] = doc.pandockit_media
    del doc.pandockit_media


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, finalize, doc)
