"""Give the post a summary that reads as prose wherever it is shown outside its page (its card).

Jekyll's excerpt is the post's first block (a heading, a code cell, an output, HTML) and
jekyll-seo-tag falls back to it for ``<meta name="description">``; no MathJax runs on a home
page, in a feed reader or in a search result. So the front matter gets:

- ``description``: the notebook's own (front matter, fastpages' ``> summary``) when it has
  one; else the first prose paragraph of a markdown cell, as plain text (:func:`plain_text`):
  no heading, code, output, HTML or Liquid, math as its TeX without delimiters, at most
  :data:`LIMIT` characters, cut at a word. A paragraph of fewer than :data:`MIN_WORDS` words,
  or all bold or italic (a heading written as a paragraph), is not prose. No prose: no
  ``description`` (nothing is invented).
  Characters Markdown reads as markup are written as character references
  (:data:`_MARKDOWN_ACTIVE`): jekyll-seo-tag reads the description as Markdown.
- ``excerpt``: the same text (the notebook's description as plain text: its HTML tags taken
  out), HTML-escaped, code spans as ``<code>``, as one ``<p>``: the home page (minima's
  ``show_excerpts``) shows it in place of the first block. A notebook's own ``excerpt`` is
  kept; a notebook without prose gets an empty one.

- ``image`` (jekyll-seo-tag's ``og:image``, the picture of a shared link): the notebook's own
  when the site has that file (the job's ``site_images``, checked before the filters run) or
  it is a URL; else the post's first picture (an output or a markdown cell's image; SVG and
  PDF, which social sites do not show, skipped) as a path from the site root
  (``/assets/nb_files/<post>/output_3_0.png``), which jekyll-seo-tag makes absolute with the
  site's ``url`` and ``baseurl``. A notebook's own image that the site lacks is replaced by
  the first picture, or left out when the post has none, with a warning.

Runs after visibility (hidden cells are gone), outputs and images (pictures have their
files), before math is rewritten (a ``Math`` element still holds its TeX). Reads top-level
``Para``/``Plain`` blocks of markdown cell Divs and every ``Image`` and ``<img>``, touches
none. Rewrites ``pandockit-front-matter`` (YAML text).
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
from typing import Any
from urllib.parse import unquote

import panflute as pf

from pandockit import yamltext
from pandockit.filters.base import CELLS, is_cell, items_of, job_of, run, walk
from pandockit.keys import FRONT_MATTER_KEY
from pandockit.liquid import BASEURL_MARKER
from pandockit.media import IMG_SRC

log = logging.getLogger("pandockit")

NAME = "card"

#: At most this many characters (then cut at a word, an ellipsis added).
LIMIT = 300
#: A paragraph with fewer words is a label ("Intro", "Key ideas:"), not a summary.
MIN_WORDS = 4

_LIQUID = re.compile(r"{{|{%|%}|}}")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
#: Marks around a code span's and a formula's text in :func:`plain_text`'s result: the
#: excerpt writes a code span as ``<code>``.
CODE, END_CODE, MATH, END_MATH = "\x02", "\x03", "\x04", "\x05"
_MARKS = re.compile("[\x02-\x05]")


def _inline_text(elem: pf.Element, out: list[str]) -> None:
    if isinstance(elem, pf.Str):
        out.append(elem.text)
    elif isinstance(elem, (pf.Space, pf.SoftBreak, pf.LineBreak)):
        out.append(" ")
    elif isinstance(elem, pf.Code):
        out.append(CODE + _SPACE.sub(" ", elem.text) + END_CODE)
    elif isinstance(elem, pf.Math):
        out.append(MATH + _SPACE.sub(" ", elem.text).strip() + END_MATH)
    elif isinstance(elem, pf.Quoted):
        mark = '"' if elem.quote_type == "DoubleQuote" else "'"
        out.append(mark)
        for child in elem.content:
            _inline_text(child, out)
        out.append(mark)
    elif isinstance(elem, pf.RawInline) and elem.format in ("tex", "latex"):
        out.append(MATH + elem.text + END_MATH)  # \LaTeX in prose: TeX, as math is
    elif isinstance(elem, (pf.Image, pf.RawInline, pf.Note)):
        return  # pictures, HTML tags and footnotes are not the summary's text
    elif hasattr(elem, "content"):
        for child in elem.content:
            _inline_text(child, out)


def plain_text(block: pf.Block) -> str:
    """The text a reader reads in ``block`` (a paragraph): words, code spans' and math's text
    (between the marks :data:`CODE`/:data:`END_CODE`, :data:`MATH`/:data:`END_MATH`), no
    markup, whitespace collapsed."""
    out: list[str] = []
    for elem in block.content:
        _inline_text(elem, out)
    return _SPACE.sub(" ", "".join(out)).strip()


def shorten(text: str, limit: int = LIMIT) -> str:
    """``text`` cut to at most ``limit`` characters (marks not counted) at a word, with an
    ellipsis when cut; a code span or formula cut open is closed."""
    if len(_MARKS.sub("", text)) <= limit:
        return text
    cut, seen = text, 0
    for i, char in enumerate(text):
        seen += not _MARKS.match(char)
        if seen >= limit:
            cut = text[:i]
            break
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:.-\u2013\u2014")
    for start, end in ((CODE, END_CODE), (MATH, END_MATH)):
        if cut.rfind(start) > cut.rfind(end):
            cut += end
    return cut + "\u2026"


#: Characters Markdown would read as markup, written as character references in a description.
#: jekyll-seo-tag reads the description as Markdown (``__repr__`` would become a bold "repr",
#: ``\{`` a brace); jekyll-feed puts it as written into an HTML summary. A reference reads as
#: the character in both.
_MARKDOWN_ACTIVE = {c: f"&#{ord(c)};" for c in "\\`*_[]<"}


def as_description(text: str) -> str:
    """:func:`plain_text`'s text for ``description``: the marks out, Markdown-active
    characters as character references (:data:`_MARKDOWN_ACTIVE`)."""
    return "".join(_MARKDOWN_ACTIVE.get(c, c) for c in _MARKS.sub("", text))


def as_excerpt(text: str) -> str:
    """:func:`plain_text`'s text for ``excerpt``: HTML, a code span as ``<code>``, in a
    ``<p>``."""
    escaped = html.escape(text, quote=False)
    escaped = escaped.replace(CODE, "<code>").replace(END_CODE, "</code>")
    return "<p>" + _MARKS.sub("", escaped) + "</p>"


def _is_prose(block: pf.Block, text: str) -> bool:
    if not isinstance(block, (pf.Para, pf.Plain)) or _LIQUID.search(text):
        return False
    if len(text.split()) < MIN_WORDS:
        return False
    content = [e for e in block.content if not isinstance(e, (pf.Space, pf.SoftBreak))]
    return not (len(content) == 1 and isinstance(content[0], (pf.Strong, pf.Emph)))


def first_prose(doc: pf.Doc) -> str:
    """The first prose paragraph of the post's markdown cells, as plain text ("": none)."""
    for cell in items_of(doc):
        if not is_cell(cell, "markdown"):
            continue
        for block in cell.content:
            if isinstance(block, (pf.Para, pf.Plain)):
                text = plain_text(block)
                if _is_prose(block, text):
                    return shorten(text)
    return ""


def text_of_html(value: str) -> str:
    """A description as plain text: HTML tags out, entities read, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", value))).strip()


def summarize(fm: dict[str, Any], doc: pf.Doc) -> None:
    """Add ``description`` and ``excerpt`` to ``fm`` where the notebook gave none."""
    own = fm.get("description")
    if isinstance(own, str) and own.strip():
        text = shorten(_MARKS.sub("", text_of_html(own)))
    elif own is None or own == "":
        text = first_prose(doc)
        if text:
            fm["description"] = as_description(text)
    else:
        return  # a description that is not text: the author's, left alone
    if "excerpt" not in fm:
        # no prose: an empty excerpt, not the first block (a code cell, an output, a heading)
        fm["excerpt"] = as_excerpt(text) if text else ""


#: Pictures social sites show (og:image): not SVG, not PDF.
_RASTER = (".png", ".jpg", ".jpeg", ".gif", ".webp")
_WEB = re.compile(r"\Ahttps?://", re.I)


def _card_url(url: str) -> str | None:
    """``url`` as an ``image`` value, None when it cannot be one: a picture of the post's
    folder (behind the baseurl marker) as a path from the site root, or a web URL."""
    if url.startswith(BASEURL_MARKER):
        path = url[len(BASEURL_MARKER):]
    elif _WEB.match(url):
        path = url
    else:
        return None  # left as written by the images step: not a file of the site
    ext = posixpath.splitext(unquote(path.split("?", 1)[0].split("#", 1)[0]))[1].lower()
    return path if ext in _RASTER else None


def _urls(elem: pf.Element) -> list[str]:
    if isinstance(elem, pf.Image):
        return [elem.url]
    if isinstance(elem, (pf.RawInline, pf.RawBlock)) and elem.format == "html":
        return [next(g for g in m.groups()[1:] if g is not None) for m in IMG_SRC.finditer(
            elem.text)]
    return []


def first_picture(doc: pf.Doc) -> str | None:
    """The post's first picture that can be its card's, as an ``image`` value."""
    found: list[str] = []

    def visit(elem: pf.Element, _doc: pf.Doc) -> None:
        if found:
            return
        for url in _urls(elem):
            card = _card_url(url)
            if card is not None:
                found.append(card)
                return

    # read-only: the fast walk, which leaves the rest of the tree once a picture is found
    # (panflute's rebuilt every list of the post, a second a million elements)
    walk(doc, visit, doc, skip=lambda _elem: bool(found))
    return found[0] if found else None


def choose_image(fm: dict[str, Any], doc: pf.Doc) -> None:
    """Set ``fm['image']``: the notebook's own when the site has it, else the first picture."""
    own = fm.get("image")
    path = own.get("path") if isinstance(own, dict) else own
    verdicts = job_of(doc).site_images
    if own is not None and not (isinstance(path, str) and verdicts.get(path) is False):
        return  # a URL, a file the site has, or nothing checked it: the author's
    picture = first_picture(doc)
    if own is not None:
        instead = f"the post's first picture ({picture}) used instead" if picture else "left out"
        log.warning("%s: image %s is not a file of the site: %s", job_of(doc).name, path,
                    instead)
        fm.pop("image")
    if picture is not None:
        fm["image"] = picture


def prepare(doc: pf.Doc) -> None:
    text = doc.get_metadata(FRONT_MATTER_KEY, None)
    if not isinstance(text, str):
        return
    fm = yamltext.load(text)
    summarize(fm, doc)
    choose_image(fm, doc)
    doc.metadata[FRONT_MATTER_KEY] = pf.MetaString(yamltext.dump(fm))


def action(elem: pf.Element, doc: pf.Doc) -> None:
    return None  # prepare reads the cells it needs


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, None, doc, depth=CELLS)
