"""Notebook media data as pandoc reads it: MIME types, file extensions, base64 and data URIs.

Functions on strings and bytes (decoded images are kept a while: :func:`decode`), shared by
the notebook checks, :mod:`pandockit.image_stand_ins` and :mod:`pandockit.media`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from urllib.parse import unquote, unquote_to_bytes

#: File extension of each MIME type (as pandoc names media; ``jpg`` for JPEG).
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/svg+xml": "svg",
    "image/webp": "webp",
    "image/bmp": "bmp",
    "application/pdf": "pdf",
}

_DATA_URI = re.compile(r"\Adata:([^,;]*)((?:;[^,;]*)*),(.*)\Z", re.S)


def is_media_mime(mime: str) -> bool:
    """True for the MIME types pandoc's reader turns into images (``image/*``, PDF)."""
    return str(mime).startswith("image/") or mime == "application/pdf"


def extension(mime: str) -> str:
    """The file extension (no dot) for ``mime``: ``jpg`` for JPEG, else the subtype."""
    if mime in EXTENSIONS:
        return EXTENSIONS[mime]
    sub = mime.split("/")[-1].split("+")[0]
    return re.sub(r"[^a-z0-9]", "", sub.lower()) or "bin"


def decode(mime: str, data: object) -> bytes | None:
    """The bytes of notebook ``data`` of type ``mime``; None when it is not valid base64.

    SVG output is stored as text (its bytes are its UTF-8 encoding; an attachment's SVG is
    base64); everything else as base64, which is checked strictly (line breaks allowed): a
    corrupt image is reported, never written as garbage.

    A notebook's images are decoded by several steps of its conversion (its checks, pandoc's
    input, the images filter, the writer): the last :data:`RECENT_BYTES` decoded are kept.
    """
    if isinstance(data, list):
        data = "".join(str(d) for d in data)
    if not isinstance(data, str):
        return None
    key = (mime, data)
    found = _decoded.find(key)
    if found is not None:
        return found[0]
    raw = _decode(mime, data)
    _decoded.keep(key, raw, len(data) + (len(raw) if raw else 0))
    return raw


class _Kept:
    """The latest entries given, at most ``limit`` bytes of them (the oldest go first; an
    entry larger than a quarter of it is not kept)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.entries: dict[object, tuple[object, int]] = {}
        self.size = 0

    def find(self, key: object) -> tuple[object, int] | None:
        """(value, size) kept under ``key``, or None."""
        return self.entries.get(key)

    def keep(self, key: object, value: object, size: int) -> None:
        if size > self.limit // 4:
            return
        self.entries[key] = (value, size)
        self.size += size
        while self.size > self.limit:
            self.size -= self.entries.pop(next(iter(self.entries)))[1]


#: How many bytes :func:`decode` keeps decoded, and :func:`sha1` keeps hashed.
RECENT_BYTES = 32_000_000
_decoded = _Kept(RECENT_BYTES)


def _decode(mime: str, data: str) -> bytes | None:
    compact = "".join(data.split())
    if mime == "image/svg+xml":
        if "<" in data or not compact:
            return data.encode("utf-8") or None
        # Attachments hold SVG base64-encoded, as any other image.
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw or None


def sha1(data: bytes) -> str:
    """The hex SHA-1 of ``data`` (pandoc's name for an image). An image is named by several
    steps of its conversion (the batch's stand-ins, the images filter, the media the writer
    gets), each with the bytes object :func:`decode` kept: the digests of the last
    :data:`RECENT_BYTES` of such objects are kept, by the object itself (bytes never change)."""
    found = _digests.find(id(data))
    if found is not None and found[0][0] is data:
        return found[0][1]
    digest = hashlib.sha1(data).hexdigest()
    if len(data) >= _DIGEST_MIN:  # the object is held: its id is not reused while kept
        _digests.keep(id(data), (data, digest), len(data))
    return digest


#: Objects below this size are hashed again (cheaper than keeping them).
_DIGEST_MIN = 4096
_digests = _Kept(RECENT_BYTES)


def decode_data_uri(uri: str) -> tuple[str, bytes] | None:
    """(MIME type, bytes) of a ``data:`` URI (base64 or percent-encoded); None if malformed."""
    match = _DATA_URI.match(uri.strip())
    if not match:
        return None
    mime = match.group(1).strip().lower() or "text/plain"
    params = [p.strip().lower() for p in match.group(2).split(";") if p.strip()]
    payload = match.group(3)
    if "base64" in params:
        raw = decode("application/octet-stream", unquote(payload))
    else:
        raw = unquote_to_bytes(payload)
    return (mime, raw) if raw else None
