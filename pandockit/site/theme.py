"""Where a Jekyll site's post pages get their ``<head>``, and the theme's hook for extra content.

The post's layout (:func:`pandockit.jekyll_theme.post_site`: the site's ``defaults:``, else
``post``, else ``default``) names its parent in its front matter, and so on up to the layout
that writes ``<head>``, itself or through an include (each looked up in the site, then in the
theme gem). Inside that ``<head>``, themes leave an include for the site to fill: a hook. The
hooks that themes document are known by name (:data:`HOOKS`); any other include of the head
whose name says ``custom`` counts too. ``pandockit init`` adds its one line to the hook, or,
where there is none, to a site copy of the theme's head file (minima 2.5); a head file of the
site's own that is not a hook is never edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pandockit.jekyll_theme import (
    INCLUDE,
    Source,
    find,
    layout_chain,
    read,
    theme_name,
    theme_root,
)

__all__ = ["HOOKS", "Head", "head", "theme_name", "theme_root"]

#: The head hooks themes document, most specific first: minima 3, Minimal Mistakes, Cayman and
#: the other GitHub Pages themes, Just the Docs, Chirpy.
HOOKS = (
    "custom-head.html",
    "head/custom.html",
    "head-custom.html",
    "head_custom.html",
    "metadata-hook.html",
)
_HEAD_OPEN = re.compile(r"<head[\s>]", re.I)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.I)
_CUSTOM = re.compile(r"custom", re.I)


@dataclass(frozen=True)
class Head:
    """The file that writes the post page's ``<head>``, the hook in it, and whether pandockit's
    include is already in."""

    source: Source
    hook: Source | None  # the hook as Jekyll resolves it (site's, else theme's)
    hook_name: str | None  # its include name, e.g. "head/custom.html"
    includes_pandockit: bool


def _head_in(source: Source, site: Path, theme: Path | None, depth: int = 0) -> Source | None:
    """The file among ``source`` and what it includes that opens ``<head>``."""
    text = read(source.path)
    if _HEAD_OPEN.search(text):
        return source
    if depth >= 3:
        return None
    for name in INCLUDE.findall(text):
        inner = find(site, theme, f"_includes/{name}")
        found = inner and _head_in(inner, site, theme, depth + 1)
        if found:
            return found
    return None


def head_region(text: str) -> tuple[int, int]:
    """Where ``<head>`` .. ``</head>`` is in ``text`` (the whole text when it does not say)."""
    start = _HEAD_OPEN.search(text)
    end = _HEAD_CLOSE.search(text, start.end() if start else 0)
    return (start.start() if start else 0, end.end() if end else len(text))


def _head_includes(source: Source, site: Path, theme: Path | None) -> list[str]:
    """The include names rendered inside the ``<head>`` of ``source``, and inside what those
    include in turn (two levels), in order."""
    text = read(source.path)
    a, b = head_region(text)
    names: list[str] = []
    todo = [(n, 0) for n in INCLUDE.findall(text[a:b])]
    while todo:
        name, depth = todo.pop(0)
        if name in names:
            continue
        names.append(name)
        inner = find(site, theme, f"_includes/{name}")
        if inner is not None and depth < 2:
            todo += [(n, depth + 1) for n in INCLUDE.findall(read(inner.path))]
    return names


def _hook(names: list[str]) -> str | None:
    for hook in HOOKS:
        if hook in names:
            return hook
    return next((n for n in names if _CUSTOM.search(n)), None)


def head(site: Path, theme: Path | None, layout: str | None, include: str) -> Head | None:
    """Where the ``<head>`` of a page of ``layout`` is written (None: no layout writes one)."""
    for source in reversed(layout_chain(site, theme, layout)):
        found = _head_in(source, site, theme)
        if found is None:
            continue
        names = _head_includes(found, site, theme)
        name = _hook(names)
        hook = find(site, theme, f"_includes/{name}") if name else None
        return Head(found, hook, name, include in names)
    return None
