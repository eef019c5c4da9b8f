"""YAML text for front matter, always through the YAML library (never string formatting).

Any value (colons, quotes, ``#``, leading ``@``, unicode, several lines, ``---``) is quoted
as YAML needs, so what Jekyll reads is exactly the value. Keys keep their insertion order.
"""

from __future__ import annotations

import datetime
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
    """``data`` as PyYAML writes it, with the keys of simple values (most of a front matter:
    short strings, a list of tags, ``pandockit: {math: kramdown}``) written here directly:
    PyYAML's emitter, in Python, costs far more than the text. The other keys are dumped by
    PyYAML in runs (each top-level key of a block mapping is written on its own); PyYAML dumps
    the whole mapping when an object is met twice (it writes anchors and aliases), a type is
    not known here, or a run closes its document (``...``)."""
    texts = [_direct(key, value) for key, value in data.items()]
    # Path resolvers (none are added) would make a string's tag depend on its place.
    if all(text is None for text in texts) or _Dumper.yaml_path_resolvers:
        return _pyyaml_dump(data)
    if not _unshared(data, set()):
        return _pyyaml_dump(data)
    parts: list[str] = []
    runs: list[str] = []
    rest: dict[Any, Any] = {}
    for (key, value), text in zip(data.items(), texts):
        if text is None:
            rest[key] = value
            continue
        if rest:
            runs.append(_pyyaml_dump(rest))
            parts.append(runs[-1])
            rest = {}
        parts.append(text)
    if rest:
        runs.append(_pyyaml_dump(rest))
        parts.append(runs[-1])
    if any(run.endswith("...\n") for run in runs):
        return _pyyaml_dump(data)
    return "".join(parts)


#: Strings PyYAML's emitter writes plain, alone on their line, as a block mapping's value or
#: simple key or a block sequence's item (``Emitter.analyze_scalar``, ``choose_scalar_style``),
#: with ``allow_unicode`` and an infinite width (never folded): not starting with ``---``,
#: ``...``, a space, an indicator (``#,[]{}&*!|>'"%@`` and backtick) or ``-``, ``?``, ``:``
#: followed by a space or the end; printable characters but tab and line breaks (``\x85``,
#: ``\u2028``, ``\u2029`` are printable; ``\ufeff`` is not). No trailing space or ``:``, no
#: ``: `` or `` #`` is tested on the string (much faster than a regex going through each
#: space); whether the text resolves to a string, and ``_str``'s quoting, are checked apart.
#: The printable characters are written as the class of those that are not (the same class,
#: code point for code point: tests/unit/test_yamltext.py), which compiles in 0.35 ms, not
#: the 2.5 ms of its ranges written out, every run.
_PLAIN = re.compile(
    r"(?!---|\.\.\.|[-?:](?: |\Z)|[ #,\[\]{}&*!|>'\"%@`])"
    r"[^\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff\U0010ffff]+"
)

#: Longest key written here: PyYAML writes a key as ``? key`` from 123 characters (its length
#: with the ``!!str`` tag reaching 128).
_KEY_MAX = 100

_STR_TAG = "tag:yaml.org,2002:str"

#: A dumper to ask ``resolve`` of (it reads the implicit resolvers of ``_Dumper``'s class).
_RESOLVER = _Dumper(None)


def _plain_str(text: str) -> bool:
    """Whether ``_Dumper`` writes ``text`` plain as it is: no quoting by ``_str``, the text
    read back as a string (not ``yes``, ``1e5``, ``~``, ``2024-01-02``), no indicator."""
    return (
        _PLAIN.fullmatch(text) is not None
        and not text.endswith((" ", ":"))
        and ": " not in text
        and " #" not in text
        and _PSYCH_SPECIAL.fullmatch(text) is None
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG
    )


def _plain_key(key: Any) -> bool:
    return type(key) is str and len(key) <= _KEY_MAX and _plain_str(key)


def _scalar_text(value: Any) -> str | None:
    """``value`` as ``_Dumper`` writes it plain, or None when it is not sure to be: only
    strings written as they are, ``int`` (not its subclasses), booleans and None."""
    kind = type(value)
    if kind is str:
        return value if _plain_str(value) else None
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if value is None:
        return "null"
    return None


def _direct(key: Any, value: Any) -> str | None:
    """The lines of ``key: value`` in a top-level block mapping as ``_Dumper`` writes them, for
    a plain key and a plain scalar, a list of those (indentless) or a mapping of those
    (indented by 2); None for anything else, left to PyYAML."""
    if not _plain_key(key):
        return None
    kind = type(value)
    if kind is list:
        if not value:
            return f"{key}: []\n"
        lines = [f"{key}:\n"]
        for item in value:
            text = _scalar_text(item)
            if text is None:
                return None
            lines.append(f"- {text}\n")
        return "".join(lines)
    if kind is dict:
        if not value:
            return f"{key}: {{}}\n"
        lines = [f"{key}:\n"]
        for inner, item in value.items():
            text = _scalar_text(item)
            if text is None or not _plain_key(inner):
                return None
            lines.append(f"  {inner}: {text}\n")
        return "".join(lines)
    text = _scalar_text(value)
    return None if text is None else f"{key}: {text}\n"


#: Types whose objects PyYAML may write as an anchor and alias when met twice.
_ALIASABLE = (dict, list, datetime.date, datetime.datetime)
_KNOWN = (str, int, float, bool, type(None), *_ALIASABLE)


def _unshared(value: Any, seen: set[int]) -> bool:
    """Whether ``value`` is made of types known here only, without an object met twice (which
    PyYAML writes as an anchor and aliases, numbered across the whole document)."""
    kind = type(value)
    if kind not in _KNOWN:
        return False
    if kind in _ALIASABLE:
        if id(value) in seen:
            return False
        seen.add(id(value))
    if kind is dict:
        return all(_unshared(k, seen) and _unshared(v, seen) for k, v in value.items())
    if kind is list:
        return all(_unshared(item, seen) for item in value)
    return True


def _pyyaml_dump(data: dict[Any, Any]) -> str:
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
    return tuple(_JSON.encode([k, v]) for k, v in data.items())


#: ``json.dumps(..., ensure_ascii=False)`` without making an encoder at each call.
_JSON = json.JSONEncoder(ensure_ascii=False)


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
