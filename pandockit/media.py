"""Find the bytes of the images a post references, in the notebook they came from.

pandoc's JSON AST does not carry image bytes: its ipynb reader names each image by the SHA-1
of its bytes. This module recomputes those names from the notebook's outputs and attachments.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from pathlib import PurePosixPath

log = logging.getLogger("pandockit")


def _bytes_of(mime: str, data: object) -> bytes | None:
    if isinstance(data, list):
        data = "".join(str(d) for d in data)
    if not isinstance(data, str):
        return None
    if mime == "image/svg+xml":
        return data.encode("utf-8")
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        return None


def notebook_images(node: dict) -> dict[str, bytes]:
    """SHA-1 hex -> bytes, for every image in the notebook's outputs and attachments."""
    found: dict[str, bytes] = {}
    for cell in node.get("cells", []):
        bundles = [o.get("data", {}) for o in cell.get("outputs", []) or [] if isinstance(o, dict)]
        bundles += list((cell.get("attachments") or {}).values())
        for bundle in bundles:
            if not isinstance(bundle, dict):
                continue
            for mime, data in bundle.items():
                if not str(mime).startswith("image/") and mime != "application/pdf":
                    continue
                raw = _bytes_of(mime, data)
                if raw is not None:
                    found[hashlib.sha1(raw).hexdigest()] = raw
    return found


def resolve(node: dict, media: dict[str, str]) -> dict[str, bytes]:
    """File name -> bytes for each entry of a post's media map; missing ones are warned of."""
    images = notebook_images(node)
    out: dict[str, bytes] = {}
    for name, source in media.items():
        key = PurePosixPath(source).stem
        if key in images:
            out[name] = images[key]
        else:
            log.warning("image %s: its data was not found in the notebook", name)
    return out
