"""pandoc reads a batch of notebooks without their images' bytes.

pandoc's ipynb reader does one thing with an output image's bytes: it names the image by their
SHA-1 (``<sha1>.png``) and keeps them in its media bag, which pandockit does not ask for (it
writes the images from the notebook, :mod:`pandockit.media`). Yet it parses them twice (the
pandoc-server request, then the notebook) and decodes them: a fifth of its read of notebooks
with plots. So :func:`stand_ins` gives pandoc the notebook with each base64 image output
replaced by a few bytes of its own, and :func:`restore` puts each image's own name back into
pandoc's answer (the SHA-1 of a stand-in is unique to it): the AST is the one pandoc makes of
the notebook itself (tests/convert/test_image_stand_ins.py holds it so on the examples, the
golden cases and the corpus).
"""

from __future__ import annotations

import base64
import json
import re

from pandockit.mimedata import decode, sha1

__all__ = ["restore", "stand_ins"]

#: The output types pandoc reads as base64 bytes and names by their SHA-1 (SVG is text).
_BINARY = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp")
#: An image name in pandoc's JSON: a string of 40 hex digits and the extension.
_NAME = re.compile(r'"([0-9a-f]{40})\.')


def stand_ins(node: dict) -> tuple[bytes, dict[str, str]] | None:
    """The notebook ``node`` (nbformat 4) as pandoc's input with its output images stood in
    for, and the stand-ins' SHA-1 names -> the images' own; None when it has no such image
    (or would not encode: pandockit then gives pandoc the notebook itself)."""
    cells = node.get("cells")
    if not isinstance(cells, list):
        return None
    names: dict[str, str] = {}
    new_cells = list(cells)
    for ci, cell in enumerate(cells):
        outputs = cell.get("outputs") if isinstance(cell, dict) else None
        if not isinstance(outputs, list):
            continue
        new_outputs = list(outputs)
        for oi, out in enumerate(outputs):
            data = out.get("data") if isinstance(out, dict) else None
            if not isinstance(data, dict):
                continue
            new_data = dict(data)
            for mime in _BINARY:
                raw = decode(mime, data[mime]) if mime in data else None
                if raw is None:
                    continue  # not there, or not base64: pandoc reads it as it is
                stand_in = f"pandockit stand-in {len(names)}".encode("ascii")
                names[sha1(stand_in)] = sha1(raw)
                new_data[mime] = base64.b64encode(stand_in).decode("ascii")
                new_outputs[oi] = {**out, "data": new_data}
                new_cells[ci] = {**cell, "outputs": new_outputs}
    if not names:
        return None
    try:
        text = json.dumps({**node, "cells": new_cells}, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError):
        return None
    return text, names


def restore(text: str | bytes, names: dict[str, str]) -> str | bytes:
    """pandoc's JSON ``text`` of a notebook read with stand-ins, its images named as pandoc
    names them when it reads the notebook itself."""
    if not names:
        return text
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if len(names) <= _FEW:
        for stand_in, own in names.items():
            text = text.replace(stand_in, own)
        return text
    return _NAME.sub(lambda m: '"' + names.get(m.group(1), m.group(1)) + ".", text)


#: Up to this many images, each stand-in's name is replaced in turn (a scan of the text each,
#: in C); past it, one regular-expression pass finds them all.
_FEW = 8
