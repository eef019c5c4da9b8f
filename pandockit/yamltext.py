"""YAML text for front matter, always through the YAML library (never string formatting).

Any value (colons, quotes, ``#``, leading ``@``, unicode, several lines, ``---``) is quoted
as YAML needs, so what Jekyll reads is exactly the value. Keys keep their insertion order.
"""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line strings as literal blocks, readable in a post."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # A literal block only where it round-trips exactly (no trailing spaces or odd breaks).
    lines = value.split("\n")
    plain = all(line == line.rstrip() for line in lines) and "\r" not in value
    style = "|" if "\n" in value and plain and value.strip() == value.rstrip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: dict[str, Any]) -> str:
    """``data`` as a YAML mapping, one key a line in insertion order."""
    if not data:
        return ""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=float("inf"),
    )


def load(text: str) -> dict[str, Any]:
    """Inverse of :func:`dump`."""
    data = yaml.safe_load(text) if text.strip() else {}
    return data if isinstance(data, dict) else {}


def front_matter(data: dict[str, Any]) -> str:
    """The ``---``-fenced front matter block of a post."""
    return f"---\n{dump(data)}---\n"
