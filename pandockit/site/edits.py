"""Additions to a user's own text files that keep every byte they had: ``.gitignore`` and
``_config.yml``.

Each function returns the new text, or None when the addition is already there. An edit of
``_config.yml`` is made only where it is certain: the result is parsed again and must equal
what was there plus the addition, else the function says what to add by hand.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import yaml

from pandockit import yamltext


class ByHand(Exception):
    """The edit cannot be made safely; the message says what to add by hand."""


BOM = "\ufeff"


def newline(text: str) -> str:
    """The line break ``text`` uses most: ``\r\n`` or ``\n`` (what an addition is written
    with, so a CRLF file stays CRLF)."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


def keeping_bom(edit: Callable[..., str | None]) -> Callable[..., str | None]:
    """``edit`` made on the text after a byte-order mark, which the result keeps."""

    @functools.wraps(edit)
    def wrapped(text: str, *args: Any) -> str | None:
        bom = BOM if text.startswith(BOM) else ""
        new = edit(text[len(bom) :], *args)
        return None if new is None else bom + new

    return wrapped


def _with_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + newline(text)


@keeping_bom
def gitignore(text: str, line: str) -> str | None:
    """``.gitignore`` with ``line`` (``.pandockit/``), unless a line already ignores it."""
    bare = line.strip("/")
    for existing in text.splitlines():
        if existing.strip().strip("/") in (bare, f"/{bare}".strip("/")):
            return None
    return _with_newline(text) + line + newline(text)


def load_config(text: str) -> dict[str, Any]:
    """``_config.yml``'s mapping, read by libyaml when PyYAML has it (the parser of Ruby's
    Psych, which Jekyll reads it with: a tab before a comment is fine there, not in PyYAML's
    own parser). ByHand when it cannot be read (nothing is then edited)."""
    try:
        body = text.lstrip(BOM)
        data = yamltext.safe_load(body) if body.strip() else {}
    except (yaml.YAMLError, RecursionError) as exc:
        raise ByHand(f"it is not valid YAML ({' '.join(str(exc).split())})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ByHand("it is not a mapping of keys")
    return data


@keeping_bom
def config_exclude(text: str, pattern: str) -> str | None:
    """``_config.yml`` with ``pattern`` in Jekyll's ``exclude`` list."""
    data = load_config(text)
    current = data.get("exclude")
    nl = newline(text)
    if current is None and "exclude" not in data:
        new = _with_newline(text) + f"exclude:{nl}  - {yamltext.dump_scalar(pattern)}{nl}"
        return _checked(text, new, "exclude", [pattern])
    if not isinstance(current, list):
        raise ByHand(f"add {pattern!r} to its 'exclude' list")
    if pattern in current:
        return None
    m = re.search(
        r"^exclude[ \t]*:[ \t]*(?:#.*)?\r?\n((?:[ \t]*(?:#.*)?\r?\n|[ \t]+-.*\n)*)", text, re.M
    )
    items = re.findall(r"^([ \t]+)-", m.group(1), re.M) if m else []
    if not m or not items:
        raise ByHand(f"add {pattern!r} to its 'exclude' list")
    block = m.group(1)
    last = max(i.end() for i in re.finditer(r"^[ \t]+-.*\n", block, re.M))
    at = m.start(1) + last
    new = text[:at] + f"{items[0]}- {yamltext.dump_scalar(pattern)}{nl}" + text[at:]
    return _checked(text, new, "exclude", [*current, pattern])


@keeping_bom
def config_block(text: str, key: str, values: dict[str, Any]) -> str | None:
    """``_config.yml`` with ``values`` under ``key`` (``pandockit:``), added as a new block.

    Where the block exists, values it lacks must be added by hand (its own comments and
    layout are the user's); values it has are never changed.
    """
    data = load_config(text)
    if key not in data:
        block = yamltext.dump({key: values}).replace("\n", newline(text))
        new = _with_newline(text) + block
        return _checked(text, new, key, values)
    current = data.get(key)
    if not isinstance(current, dict):
        raise ByHand(f"its '{key}' key is not a mapping")
    missing = {k: v for k, v in values.items() if k not in current}
    if not missing:
        return None
    lines = "; ".join(f"{k}: {yamltext.dump_scalar(v)}" for k, v in missing.items())
    raise ByHand(f"add under '{key}:' {lines}")


def _checked(old: str, new: str, key: str, value: Any) -> str:
    before = load_config(old)
    try:
        after = load_config(new)
    except ByHand:
        raise ByHand(
            f"set '{key}' to {value!r} (an automatic edit would not read back as YAML)"
        ) from None
    expected = dict(before)
    expected[key] = value
    if after != expected:
        raise ByHand(f"set '{key}' to {value!r} (an automatic edit would change other keys)")
    return new
