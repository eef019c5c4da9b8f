"""YAML text for front matter, always through the YAML library (never string formatting).

Any value (colons, quotes, ``#``, leading ``@``, unicode, several lines, ``---``) is quoted
as YAML needs, so what Jekyll reads is exactly the value. Keys keep their insertion order.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line strings as literal blocks, readable in a post.

    A post's front matter is dumped by three steps in turn (front-matter, card, render), each
    adding keys, and PyYAML's emitter reads every character of every string each time to
    choose its style (``analyze_scalar``, in Python): its analysis of a string, which depends
    on the string and ``allow_unicode`` alone, is kept for the next dump."""

    def analyze_scalar(self, scalar: str) -> Any:
        key = (scalar, self.allow_unicode)
        found = _ANALYSES.get(key)
        if found is None:
            if len(_ANALYSES) >= _ANALYSES_MAX:
                _ANALYSES.clear()
            found = _ANALYSES[key] = super().analyze_scalar(scalar)
        return found


#: The emitter's analyses of recent strings (cleared when full).
_ANALYSES: dict[tuple[str, bool], Any] = {}
_ANALYSES_MAX = 4096


#: Plain scalars that Ruby's YAML (Psych, what Jekyll reads front matter with) resolves to
#: something else than PyYAML does, measured with Psych 4 (Ruby 3.1): ``:name`` is a Symbol,
#: which Jekyll's safe load refuses (the build fails); numbers with ``,`` (``1,000``) and
#: ``+.5`` are numbers; ``2020-1-1`` is a Date. Such strings are quoted.
_PSYCH_SPECIAL = re.compile(
    r":.*"
    r"|[-+]?(?:[0-9][0-9_,]*)?\.?[0-9_,]*(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?0[xXbBoO][0-9a-fA-F_,]*"
    r"|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)"
    r"|\d{4}-\d{1,2}-\d{1,2}(?:[Tt\s].*)?",
    re.S,
)

#: Line breaks of YAML 1.1 besides ``\n``: inside a plain, quoted or block scalar they become
#: other text; only a double-quoted scalar's escapes (``\N``, ``\L``, ``\P``) keep them.
_ODD_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(ch in value for ch in _ODD_BREAKS):
        style = '"'
    elif "\n" in value:
        # A literal block only where it round-trips exactly (no trailing spaces, no leading).
        plain = all(line == line.rstrip() for line in value.split("\n"))
        style = "|" if plain and value.strip() == value.rstrip("\n") else None
    else:
        style = "'" if _PSYCH_SPECIAL.fullmatch(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: dict[str, Any]) -> str:
    """``data`` as a YAML mapping, one key a line in insertion order.

    A post's front matter is dumped three times as its steps add keys to it; when ``data``
    is a mapping dumped lately with keys added at its end, only the added keys are dumped and
    appended: each top-level key of a block mapping is written on its own, so the text is the
    same (tests/unit/test_yamltext.py holds the two ways equal). Only plain JSON-like data
    is matched so (no dates, no object shared between keys, whose YAML would be an alias), and
    never after a text that closes its document (``...``)."""
    if not data:
        return ""
    items = _signatures(data)
    if items is None:
        return _dump_whole(data)
    for end in range(len(items) - 1, 0, -1):
        head = _RECENT_DUMPS.get(items[:end])
        if head is not None:
            text = head + _dump_whole(dict(list(data.items())[end:]))
            break
    else:
        text = _dump_whole(data)
    if not text.endswith("\n...\n"):
        if len(_RECENT_DUMPS) >= _RECENT_MAX:
            _RECENT_DUMPS.clear()
        _RECENT_DUMPS[items] = text
    return text


def _dump_whole(data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=float("inf"),
    )


#: Recent dumps: each key and value of the mapping as JSON text -> its YAML text.
_RECENT_DUMPS: dict[tuple[str, ...], str] = {}
_RECENT_MAX = 256


def _signatures(data: dict[str, Any]) -> tuple[str, ...] | None:
    """Each (key, value) of ``data`` as JSON text, telling types apart (``1``, ``1.0``,
    ``true``); None for data this module dumps whole: a value not made of dicts with string
    keys, lists, strings, numbers, booleans and None, or an object under two keys."""
    seen: set[int] = set()
    if not all(isinstance(k, str) and _plain(v, seen) for k, v in data.items()):
        return None
    return tuple(json.dumps([k, v], ensure_ascii=False) for k, v in data.items())


def _plain(value: Any, seen: set[int]) -> bool:
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return kind is not float or value == value  # NaN is not equal to itself
    if kind not in (dict, list) or id(value) in seen:
        return False
    seen.add(id(value))
    if kind is dict:
        return all(type(k) is str and _plain(v, seen) for k, v in value.items())
    return all(_plain(v, seen) for v in value)


#: libyaml's parser when PyYAML was built with it (the wheels are): the same YAML 1.1 results as
#: ``yaml.safe_load``, about ten times faster (measured: 0.7 ms a front matter block).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parses_as_jekyll() -> bool:
    """Whether :func:`safe_load` parses as Jekyll does: with libyaml, the parser of Ruby's
    Psych (PyYAML's own parser refuses some files Jekyll reads: a tab before a comment)."""
    return _SafeLoader is not yaml.SafeLoader


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)``, with libyaml when it is there."""
    return yaml.load(text, Loader=_SafeLoader)  # a safe loader, C or Python


def load(text: str) -> dict[str, Any]:
    """Inverse of :func:`dump`."""
    data = safe_load(text) if text.strip() else {}
    return data if isinstance(data, dict) else {}


def front_matter(data: dict[str, Any]) -> str:
    """The ``---``-fenced front matter block of a post."""
    return f"---\n{dump(data)}---\n"


def dump_scalar(value: Any) -> str:
    """``value`` (a string, number, list...) as YAML on one line: ``'*.ipynb'``, ``[a, b]``."""
    text = yaml.dump(
        value, Dumper=_Dumper, default_flow_style=True, allow_unicode=True, width=float("inf")
    )
    return text.strip().removesuffix("...").strip()
