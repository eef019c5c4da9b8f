"""Give every image of a post a file in its asset folder and a URL that resolves to it.

Touches:
- ``Image`` elements of code cells, which pandoc's reader names ``<sha1>.<ext>`` (outputs
  ``image/png``, ``image/jpeg``, ``image/gif``, ``image/svg+xml``, ``application/pdf``):
  each is named ``output_<cell>_<n>.<ext>`` as nbconvert names it (cell counted over all
  cells from 0, ``n`` the output's index in the notebook). Alt text comes from the cell's
  Quarto ``#| fig-alt:`` / ``#| fig-cap:`` option (a list gives one per image) or its
  ``caption`` metadata, else the format (``png``, as nbconvert writes it). Width and height
  from the output's metadata become a kramdown attribute list ``{: width=".." height=".."}``.
  A PDF becomes a link to its file. An image whose data is not valid base64 is left out,
  with a warning naming the cell.
- ``Image`` elements and raw HTML ``<img src=..>`` of markdown cells: attachments, ``data:``
  URIs and local files get a file of their own; remote URLs are left alone; ``file:`` URLs,
  absolute paths, paths out of the notebook's folder (or of the site, when the notebook is
  inside it), symlinks leading out, hidden files, missing files and attachment names with a
  path separator get a warning naming the cell and are left as written. Local files are
  checked before the pipeline by :func:`pandockit.media.check_local_images` (this filter
  does no I/O); it reads the verdicts from the job (``local_images``).
Code blocks and code spans are never looked at.

Each URL is ``<baseurl marker>/<assets-dir>/<post>/<name>``; identical bytes share one file
(the first name given to them). Writes the metadata ``pandockit-media``: file name -> source
(see :mod:`pandockit.media`), from which the writer takes the bytes. Configured by
``pandockit.assets-dir``.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

import panflute as pf
import yaml

from pandockit import yamltext
from pandockit.context import inputs
from pandockit.filters.base import CELLS, cell_index, is_cell, job_of, run, walk
from pandockit.keys import MEDIA_KEY, POST_KEY
from pandockit.liquid import BASEURL_MARKER
from pandockit.media import (
    EXTENSIONS,
    IMG_SRC,
    classify,
    decode,
    decode_data_uri,
    extension,
    is_media_mime,
    local_path,
    sha1,
)

NAME = "images"

log = logging.getLogger("pandockit")

#: How pandoc's ipynb reader names the media of outputs and attachments.
PANDOC_NAME = re.compile(r"\A([0-9a-f]{40})(?:\.([A-Za-z0-9]+))?\Z")

#: A width or height value safe to write into an attribute list (``360``, ``50%``, ``12em``).
SIZE = re.compile(r"\A\d+(?:\.\d+)?(?:px|%|em|rem)?\Z")

_REFUSALS = {
    "file-url": "is a file: URL: refused",
    "absolute": "is an absolute path: refused",
    "outside": "leaves the notebook's folder (or the site): refused",
    "symlink": "is a symlink leading out of the notebook's folder (or the site): refused",
    "hidden": "is a hidden file: refused",
    "missing": "was not found",
    "not-a-file": "is not a file",
    "unreadable": "cannot be read",
}


def asset_url(doc: pf.Doc, name: str) -> str:
    """The URL of file ``name`` of this post's asset folder, behind the baseurl marker."""
    folder = job_of(doc).options.assets_dir.strip("/")
    post = str(doc.get_metadata(POST_KEY, "post"))
    return BASEURL_MARKER + quote("/" + posixpath.join(folder, post, name))


def media(doc: pf.Doc) -> dict[str, str]:
    """The post's media map so far (file name -> source)."""
    return dict(doc.get_metadata(MEDIA_KEY, {}) or {})


def safe_name(name: str, mime: str = "") -> str:
    """A file name Jekyll publishes: no folders, ``[A-Za-z0-9._-]`` only, no leading dot or
    underscore (Jekyll skips those), with an extension."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", posixpath.basename(name.replace("\\", "/")))
    base = base.lstrip("._-") or "image"
    if "." not in base and mime:
        base += "." + extension(mime)
    return base


@dataclass
class _Run:
    """The state of one filter run: the media map and which file holds which bytes."""

    names: dict[str, str]
    by_digest: dict[str, str] = field(default_factory=dict)
    local: dict[str, dict] = field(default_factory=dict)

    def claim(self, wanted: str, digest: str, source: str) -> str:
        """The file name for bytes ``digest``: the one they already have, else ``wanted``
        (suffixed with the digest if another file took that name)."""
        if digest in self.by_digest:
            return self.by_digest[digest]
        name = wanted
        if name in self.names:
            stem, ext = posixpath.splitext(wanted)
            name = f"{stem}-{digest[:8]}{ext}"
        self.names[name] = source
        self.by_digest[digest] = name
        return name


def _state(doc: pf.Doc) -> _Run:
    return doc.pandockit_images


def _warn(doc: pf.Doc, index: int, message: str) -> None:
    log.warning("%s: cell %d: %s", job_of(doc).name, index, message)


def _short(url: str) -> str:
    return url if len(url) <= 60 else url[:40] + "..." + url[-12:]


def _mapping(value: object) -> dict:
    """``value`` if it is a mapping, else {} (a malformed notebook must not crash us)."""
    return dict(value) if isinstance(value, dict) else {}


def _words(text: str) -> list[pf.Inline]:
    out: list[pf.Inline] = []
    for word in text.split():
        if out:
            out.append(pf.Space())
        out.append(pf.Str(word))
    return out


def _sized(image: pf.Image, meta: dict) -> pf.Inline | list[pf.Inline]:
    """``image`` followed by a kramdown attribute list of its width and height, if any
    (pandoc would write an image with attributes as an ``<img>`` tag, so they move)."""
    attrs = []
    for key in ("width", "height"):
        value = meta.get(key, image.attributes.get(key))
        image.attributes.pop(key, None)
        if value is not None and not isinstance(value, bool) and SIZE.match(str(value)):
            attrs.append(f'{key}="{value}"')
    if not attrs:
        return image
    return [image, pf.RawInline("{: " + " ".join(attrs) + "}", format="markdown")]


# --------------------------------------------------------------------------- code cells


def cell_options(source: str) -> dict:
    """The Quarto ``#|`` options that open a cell's source, as a mapping."""
    lines = []
    for line in source.splitlines():
        if not line.startswith("#|"):
            break
        lines.append(line[2:].removeprefix(" "))
    if not lines:
        return {}
    try:
        data = yamltext.safe_load("\n".join(lines))
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict):
        return data
    pairs = (line.split(":", 1) for line in lines if ":" in line)
    return {k.strip(): v.strip().strip("\"'") for k, v in pairs}


def alt_text(options: dict, caption: object, k: int) -> str:
    """The alt text of the ``k``-th image of a cell from its options or caption, or ''."""
    for value in (options.get("fig-alt"), options.get("fig-cap"), caption):
        if isinstance(value, list):
            value = value[k] if k < len(value) else None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            if str(value).strip():
                return " ".join(str(value).split())
    return ""


def default_alt(mime: str) -> str:
    """nbconvert's alt text: the format (``png``, ``jpeg``, ``svg``, ``pdf``)."""
    return "svg" if mime == "image/svg+xml" else mime.split("/")[-1]


def output_images(outputs: Sequence) -> dict[str, tuple[int, str, dict]]:
    """SHA-1 -> (output index, MIME type, its size metadata) for each valid image of a cell's
    ``outputs``."""
    found: dict[str, tuple[int, str, dict]] = {}
    for n, out in enumerate(outputs):
        if not isinstance(out, dict):
            continue
        meta, data = _mapping(out.get("metadata")), _mapping(out.get("data"))
        for mime, value in data.items():
            if not is_media_mime(mime):
                continue
            raw = decode(mime, value)
            if raw is None:
                continue
            size = meta.get(mime) if isinstance(meta.get(mime), dict) else meta
            found.setdefault(sha1(raw), (n, mime, dict(size) if isinstance(size, dict) else {}))
    return found


_MIME_OF_EXT = {ext: mime for mime, ext in EXTENSIONS.items()}


def _code_cell(cell: pf.Div, doc: pf.Doc) -> None:
    index = cell_index(cell)
    nb_cell = inputs(doc).cell(index)
    known = output_images(nb_cell.outputs) if nb_cell is not None else None
    if nb_cell is not None:
        source = nb_cell.source
        caption = nb_cell.metadata.get("caption")
    else:
        code = next((b for b in cell.content if isinstance(b, pf.CodeBlock)), None)
        source = code.text if code is not None else ""
        caption = cell.attributes.get("caption")
    options = cell_options(source)
    count = [0]

    def visit(elem: pf.Element, _doc: pf.Doc) -> pf.Element | list | None:
        if not isinstance(elem, pf.Image):
            return _drop_empty(elem)
        match = PANDOC_NAME.match(elem.url)
        if not match:
            return None
        digest, ext = match.group(1), match.group(2) or ""
        if known is not None:
            if digest not in known:
                _warn(doc, index, f"output image ({ext or 'unknown type'}) has invalid data; "
                      "left out")
                return []
            n, mime, size = known[digest]
        else:
            n, mime, size = count[0], _MIME_OF_EXT.get(ext, f"image/{ext}"), {}
        ext = ext or extension(mime)
        name = _state(doc).claim(f"output_{index}_{n}.{ext}", digest, f"{digest}.{ext}")
        alt = alt_text(options, caption, count[0])
        count[0] += 1
        if mime == "application/pdf":
            return pf.Link(*_words(alt or name), url=asset_url(doc, name))
        elem.url = asset_url(doc, name)
        elem.content = _words(alt or default_alt(mime))
        return _sized(elem, size)

    walk(cell, visit, doc)


def _drop_empty(elem: pf.Element) -> list | None:
    """Remove a paragraph left empty by images left out (an output that was only them).

    Part of the same walk as the images: it visits a paragraph after its images, so the
    paragraph is seen as the images left it."""
    if isinstance(elem, (pf.Para, pf.Plain)) and not elem.content:
        return []
    return None


# --------------------------------------------------------------------------- markdown cells


@dataclass
class _Cell:
    index: int
    ident: str
    source: str
    attachments: dict | None  # None: no notebook to look in
    data_count: int = 0


def _attachment_of(url: str, cell: _Cell) -> str | None:
    """The attachment reference (as written after ``attachment:``) that pandoc turned into
    ``url`` (``<cell id>-<name>``, or ``<name>`` for cells without an id), or None."""
    candidate = None
    if cell.ident and url.startswith(cell.ident + "-"):
        candidate = url[len(cell.ident) + 1 :]
    elif not cell.ident:
        candidate = url
    if candidate is None:
        return None
    if cell.attachments is None:  # no notebook: trust the reader's prefix
        return candidate if cell.ident else None
    if "attachment:" + candidate in cell.source or (
        cell.ident and unquote(candidate) in cell.attachments
    ):
        return candidate
    return None


def _attachment(name: str, cell: _Cell, doc: pf.Doc) -> str | None:
    if "/" in name or "\\" in name:
        _warn(doc, cell.index, f"attachment '{name}' has a path separator in its name: "
              "refused; left as written")
        return None
    bundle = (cell.attachments or {}).get(name)
    mime = next((m for m in sorted(bundle or {}) if is_media_mime(m)), None)
    if not isinstance(bundle, dict) or mime is None:
        _warn(doc, cell.index, f"attachment '{name}' is not in the cell; left as written")
        return None
    raw = decode(mime, bundle[mime])
    if raw is None:
        _warn(doc, cell.index, f"attachment '{name}' has invalid data; left as written")
        return None
    digest = sha1(raw)
    wanted = f"attachment_{cell.index}_{safe_name(name, mime)}"
    name = _state(doc).claim(wanted, digest, f"{digest}.{extension(mime)}")
    return asset_url(doc, name)


def _data_uri(url: str, cell: _Cell, doc: pf.Doc) -> str | None:
    decoded = decode_data_uri(url)
    if decoded is None:
        _warn(doc, cell.index, "image data: URI is malformed; left as written")
        return None
    mime, raw = decoded
    wanted = f"image_{cell.index}_{cell.data_count}.{extension(mime)}"
    cell.data_count += 1
    return asset_url(doc, _state(doc).claim(wanted, sha1(raw), url.strip()))


def _local(url: str, cell: _Cell, doc: pf.Doc) -> str | None:
    verdict = _state(doc).local.get(url)
    if not isinstance(verdict, dict):
        _warn(doc, cell.index, f"image '{_short(url)}' was not checked (run pandockit or "
              "pandockit-jekyll to copy local images); left as written")
        return None
    status = verdict.get("status")
    if status != "ok":
        reason = _REFUSALS.get(str(status), "cannot be used")
        _warn(doc, cell.index, f"image '{_short(url)}' {reason}; left as written")
        return None
    wanted = safe_name(local_path(url))
    name = _state(doc).claim(wanted, str(verdict["sha1"]), "file:" + str(verdict["path"]))
    return asset_url(doc, name)


def resolve_url(url: str, cell: _Cell, doc: pf.Doc) -> str | None:
    """The new URL of an image a markdown cell names, or None to leave it as written."""
    if url.startswith(BASEURL_MARKER):
        return None
    attachment = _attachment_of(url, cell)
    if attachment is not None:  # refused: back to what the author wrote, not pandoc's name
        return _attachment(unquote(attachment), cell, doc) or "attachment:" + attachment
    kind = classify(url)
    if kind in ("remote", "anchor"):
        return None
    if kind == "attachment":
        return _attachment(unquote(url.split(":", 1)[1]), cell, doc)
    if kind == "data":
        return _data_uri(url, cell, doc)
    if kind in _REFUSALS:
        _warn(doc, cell.index, f"image '{_short(url)}' {_REFUSALS[kind]}; left as written")
        return None
    return _local(url, cell, doc)


def _rewrite_html(text: str, cell: _Cell, doc: pf.Doc) -> str:
    import html

    def sub(match: re.Match) -> str:
        value = next(g for g in match.groups()[1:] if g is not None)
        new = resolve_url(html.unescape(value), cell, doc)
        return match.group(0) if new is None else f'{match.group(1)}"{new}"'

    return IMG_SRC.sub(sub, text)


#: The element types a markdown cell's images can be in.
_MARKDOWN_TARGETS = frozenset({pf.Image, pf.RawInline, pf.RawBlock})
#: Inline types that neither are nor hold an image or raw HTML.
_TEXT = frozenset({pf.Str, pf.Space, pf.SoftBreak, pf.LineBreak, pf.Math, pf.Code})
#: Inline types that hold inlines only (links, emphasis).
_SPANS = frozenset({pf.Link, pf.Emph, pf.Strong, pf.Span, pf.Quoted, pf.Strikeout,
                    pf.Superscript, pf.Subscript, pf.SmallCaps, pf.Underline})


def _text_only(items: list[pf.Inline]) -> bool:
    """True when ``items`` are words, math and code, alone or in links and emphasis."""
    for item in items:
        kind = type(item)
        if kind not in _TEXT and not (kind in _SPANS and _text_only(item.content.list)):
            return False
    return True


def _prose(elem: pf.Element) -> bool:
    """True for a paragraph or heading of text only (most are), where no image and no raw
    HTML can be: the walk of a markdown cell skips it, a test several times cheaper than
    visiting its every word."""
    return type(elem) in (pf.Para, pf.Plain, pf.Header) and _text_only(elem.content.list)


def _markdown_cell(div: pf.Div, doc: pf.Doc) -> None:
    index = cell_index(div)
    nb_cell = inputs(doc).cell(index)
    attachments = None if nb_cell is None else dict(nb_cell.attachments)
    source = nb_cell.source if nb_cell is not None else ""
    cell = _Cell(index, div.identifier, source, attachments)

    def visit(elem: pf.Element, _doc: pf.Doc) -> pf.Element | list | None:
        if type(elem) not in _MARKDOWN_TARGETS:
            return None  # the cheap test first: nearly every element is a word or a space
        if isinstance(elem, pf.Image):
            new = resolve_url(elem.url, cell, doc)
            if new is None:
                return None
            elem.url = new
            return _sized(elem, {})
        if isinstance(elem, (pf.RawInline, pf.RawBlock)) and elem.format == "html":
            elem.text = _rewrite_html(elem.text, cell, doc)
        return None

    walk(div, visit, doc, skip=_prose)


# --------------------------------------------------------------------------- the filter


def prepare(doc: pf.Doc) -> None:
    doc.pandockit_images = _Run(names=media(doc), local=dict(job_of(doc).local_images))


def action(elem: pf.Element, doc: pf.Doc) -> None:
    if not (is_cell(elem) and elem.parent is doc):
        return
    if "code" in elem.classes:
        _code_cell(elem, doc)
    elif "markdown" in elem.classes:
        _markdown_cell(elem, doc)


def finalize(doc: pf.Doc) -> None:
    doc.metadata[MEDIA_KEY] = _state(doc).names
    del doc.pandockit_images


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, finalize, doc, depth=CELLS)
