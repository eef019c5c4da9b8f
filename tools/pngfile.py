"""Encode raw RGB rows as a PNG file, in pure Python (for generated example and bench images)."""

from __future__ import annotations

import struct
import zlib


def encode_png(width: int, height: int, rows: bytes, level: int = 9) -> bytes:
    """A truecolour PNG of ``rows``: per row a filter byte (0) and ``width`` RGB triples."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, level))
        + chunk(b"IEND", b"")
    )
