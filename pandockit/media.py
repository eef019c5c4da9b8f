"""Where a post's media come from: image bytes in the notebook, data URIs and local files.

pandoc's JSON AST does not carry image bytes: its ipynb reader names each output image and
attachment by the SHA-1 of its bytes (SVG: of its UTF-8 text). This module decodes notebook
data as pandoc does, classifies the URLs markdown cells use, checks local files before the
filters run (:func:`check_local_images`, the I/O the images filter may not do) and, after
rendering, gives the writer the bytes of every file the post names (:func:`resolve`).

A post's media map (metadata ``pandockit-media``) maps each asset file name to its source:
``<sha1>.<ext>`` (bytes in the notebook's outputs or attachments), ``data:...`` (a data URI
of a markdown cell) or ``file:<absolute path>`` (a local file checked by
:func:`check_local_images`).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import panflute as pf

from pandockit import svgpolicy
from pandockit.context import multiline_text
from pandockit.mimedata import (  # named here too: media.decode etc. are this module's words
    EXTENSIONS,
    decode,
    decode_data_uri,
    extension,
    is_media_mime,
    sha1,
)
from pandockit.tree import is_cell, walk

__all__ = [
    "EXTENSIONS", "check_local_images", "classify", "decode", "decode_data_uri",
    "extension", "is_media_mime", "local_path", "resolve", "sha1",
]

log = logging.getLogger("pandockit")

#: ``src`` of ``<img>`` tags in raw HTML (double-, single- or unquoted value).
IMG_SRC = re.compile(
    r"""(<img\b[^>]*?\ssrc\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I | re.S
)

_WINDOWS_DRIVE = re.compile(r"\A[A-Za-z]:[\\/]")


def classify(url: str) -> str:
    """What a URL in a markdown cell points at.

    ``remote`` (any scheme or ``//host``: left alone), ``anchor`` (empty or ``#...``),
    ``data``, ``attachment``, ``file-url`` (``file:``), ``absolute`` (``/x``, ``C:\\x``)
    or ``local`` (a path relative to the notebook's folder).
    """
    url = url.strip()
    if not url or url.startswith("#"):
        return "anchor"
    if _WINDOWS_DRIVE.match(url) or url.startswith("\\"):
        return "absolute"
    lowered = url.lower()
    for scheme in ("data", "attachment", "file"):
        if lowered.startswith(scheme + ":"):
            return "file-url" if scheme == "file" else scheme
    if url.startswith("//") or urlsplit(url).scheme:
        return "remote"
    if url.startswith("/"):
        return "absolute"
    return "local"


def local_path(url: str) -> str:
    """The relative file path a local URL names (query and fragment cut, %-escapes decoded)."""
    path = re.split(r"[?#]", url.strip(), maxsplit=1)[0]
    return unquote(path).replace("\\", "/")


def img_srcs(html_text: str) -> list[str]:
    """The ``src`` of each ``<img>`` tag in ``html_text`` (entities decoded)."""
    import html

    return [html.unescape(next(g for g in m.groups()[1:] if g is not None))
            for m in IMG_SRC.finditer(html_text)]


# --------------------------------------------------------------------------- local files


def notebook_folder(notebook: Path) -> Path:
    """The folder a notebook's relative image URLs are read from: the folder it is named in
    (symlinks of the folders resolved), as Jupyter shows them. A notebook that is a symlink
    is not followed to its target: its images are those beside the link, as Jupyter (which
    serves the notebook from where it was opened) shows them, never those beside a target
    somewhere else."""
    return Path(os.path.realpath(os.path.dirname(os.path.abspath(notebook))))


def confinement_root(notebook: Path, site: Path | None) -> Path:
    """The folder local images may come from: the site if the notebook is named inside it
    (even through a folder that is a symlink leading out: then nothing qualifies), else the
    notebook's own folder (:func:`notebook_folder`; symlinks resolved)."""
    nb_dir = notebook_folder(notebook)
    if site is not None:
        root = Path(os.path.realpath(site))
        named = Path(os.path.abspath(notebook)).parent
        site_named = Path(os.path.abspath(site))
        if _within(nb_dir, root) or _within(named, site_named):
            return root
    return nb_dir


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def check_local(url: str, notebook: Path, root: Path) -> dict[str, str]:
    """The verdict on a local image URL: ``{"status": "ok", "path", "sha1"}`` or a refusal
    (``outside``: ``..`` leaves ``root``; ``symlink``: resolves outside it; ``hidden``: a
    dot-file or dot-folder, never published; ``missing``; ``unreadable``; ``not-a-file``)."""
    rel = local_path(url)
    nb_dir = notebook_folder(notebook)
    lexical = Path(os.path.normpath(nb_dir / rel))
    if not _inside(lexical, root):
        return {"status": "outside"}
    real = Path(os.path.realpath(lexical))
    if not _inside(real, root):
        return {"status": "symlink"}
    if any(part.startswith(".") for part in real.relative_to(root).parts):
        return {"status": "hidden"}
    if not real.exists():
        return {"status": "missing"}
    if not real.is_file():
        return {"status": "not-a-file"}
    try:
        data = real.read_bytes()
    except OSError:
        return {"status": "unreadable"}
    return {"status": "ok", "path": str(real), "sha1": sha1(data)}


def _inside(path: Path, root: Path) -> bool:
    return path != root and root in path.parents


def local_urls(doc: pf.Doc, node: dict | None = None) -> set[str]:
    """Every URL of an image (Markdown or raw HTML ``<img>``) of a markdown cell that names a
    local file (``node``: the notebook ``doc`` was read from, whose sources say when no cell
    can name one)."""
    found: set[str] = set()

    def visit(elem: pf.Element, _doc: pf.Doc) -> None:
        if isinstance(elem, pf.Image):
            urls = [elem.url]
        elif isinstance(elem, (pf.RawInline, pf.RawBlock)) and elem.format == "html":
            urls = img_srcs(elem.text)
        else:
            return
        found.update(u for u in urls if classify(u) == "local")

    if node is not None and not _may_name_images(node):
        return found  # most notebooks: no walk at all
    for block in doc.content:
        if is_cell(block, "markdown"):
            walk(block, visit, doc)
    return found


def _may_name_images(node: dict) -> bool:
    """Whether a markdown cell of the notebook could hold an image: Markdown's ``![`` or
    HTML's ``<img`` is in its source (pandoc makes no image of anything else)."""
    for cell in node.get("cells", []):
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            text = multiline_text(cell.get("source"))
            if "![" in text or "<img" in text.lower():
                return True
    return False


def check_local_images(
    doc: pf.Doc, notebook: Path, site: Path | None = None, node: dict | None = None
) -> dict[str, dict[str, str]]:
    """The verdict on every local image the document (pandoc's read of the notebook at
    ``notebook``, nbformat ``node``) names, for the images filter, which may not touch files
    itself: run before the pipeline (:func:`pandockit.plan.with_read`), kept on the
    job."""
    root = confinement_root(notebook, site)
    return {url: check_local(url, notebook, root) for url in sorted(local_urls(doc, node))}


# --------------------------------------------------------------------------- resolution


def notebook_images(node: dict) -> dict[str, bytes]:
    """SHA-1 hex -> bytes, for every valid image in the notebook's outputs and attachments."""
    found: dict[str, bytes] = {}
    for cell in node.get("cells", []):
        if not isinstance(cell, dict):
            continue
        outputs = cell.get("outputs") if isinstance(cell.get("outputs"), list) else []
        bundles = [o.get("data") for o in outputs if isinstance(o, dict)]
        attachments = cell.get("attachments")
        bundles += list(attachments.values()) if isinstance(attachments, dict) else []
        for bundle in bundles:
            if not isinstance(bundle, dict):
                continue
            for mime, data in bundle.items():
                if not is_media_mime(str(mime)):
                    continue
                raw = decode(str(mime), data)
                if raw is not None:
                    found[sha1(raw)] = raw
    return found


def _read_file(name: str, path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        log.warning("image %s: cannot read %s (%s)", name, path, exc.strerror or exc)
        return None


#: File types written as they are with ``html: sanitize`` or ``drop``: images, PDF, audio and
#: video, none of which a browser runs as a page of the site (an SVG is cleaned first).
INERT = frozenset({
    "png", "jpg", "jpeg", "gif", "webp", "bmp", "avif", "ico", "tif", "tiff", "pdf",
    "mp3", "wav", "ogg", "oga", "m4a", "flac", "mp4", "m4v", "webm", "ogv", "mov",
})


def publishable(name: str, raw: bytes, clean: bool) -> bytes | None:
    """The bytes to write for the asset ``name``: as they are, or with ``clean`` (``html:
    sanitize``/``drop``) an SVG without what runs (:mod:`pandockit.svgpolicy`) and nothing
    for a type a browser would open as a page of the site (HTML from a ``data:text/html``
    image, a local ``.html`` file), with a warning."""
    if not clean:
        return raw
    ext = PurePosixPath(name).suffix.lower().lstrip(".")
    if ext == "svg":
        cleaned = svgpolicy.clean(raw)
        if cleaned is None:
            log.warning("image %s: not a well-formed SVG; not published (html: sanitize/drop)",
                        name)
        return cleaned
    if ext not in INERT:
        log.warning("image %s: a .%s file is not published with html: sanitize/drop", name, ext)
        return None
    return raw


def resolve(node: dict, media: dict[str, str], clean: bool = False) -> dict[str, bytes]:
    """File name -> bytes for each entry of a post's media map; missing ones are warned of.
    ``clean`` (``html: sanitize``/``drop``): each passed through :func:`publishable`."""
    images: dict[str, bytes] | None = None
    out: dict[str, bytes] = {}
    for name, source in media.items():
        raw: bytes | None
        if source.startswith("file:"):
            raw = _read_file(name, source[len("file:") :])
        elif source.startswith("data:"):
            decoded = decode_data_uri(source)
            raw = decoded[1] if decoded else None
        else:
            if images is None:
                images = notebook_images(node)
            raw = images.get(PurePosixPath(source).stem)
        if raw is None:
            log.warning("image %s: its data was not found", name)
            continue
        kept = publishable(name, raw, clean)
        if kept is not None:
            out[name] = kept
    return out
