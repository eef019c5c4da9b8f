"""Where a Jekyll site's post pages get their ``<head>``: the site's own files or its theme's.

Jekyll looks a layout or include up in the site first, then in the theme gem; a post uses the
``post`` layout, which names its parent in its front matter (``layout: default``), and so on
up to the layout that writes ``<head>``, itself or through an include. This module follows
that chain as Jekyll does, so ``pandockit init`` knows which file to extend: a site file (the
site has its own layouts), a hook the theme's head includes (minima 3's ``custom-head.html``),
or the theme's head include itself (minima 2.5, which has no hook).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.S)
_INCLUDE = re.compile(r"{%-?\s*include\s+([\w./-]+)")
_HEAD_OPEN = re.compile(r"<head[\s>]", re.I)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.I)
#: A theme's extension point in its head: an include named like ``custom-head.html``,
#: ``head-custom.html`` or ``head/custom.html`` that the theme leaves for the site to fill.
_HOOK = re.compile(r"custom", re.I)


@dataclass(frozen=True)
class Source:
    """A layout or include file, and whether the site (else the theme) holds it."""

    rel: str  # e.g. "_includes/head.html"
    path: Path
    in_site: bool


@dataclass(frozen=True)
class Head:
    """The file that writes the post page's ``<head>``, and the theme's hook in it, if any."""

    source: Source
    hook: str | None  # include name, e.g. "custom-head.html"
    includes_pandockit: bool  # the head already includes pandockit-head.html


def theme_name(config: dict) -> str | None:
    name = config.get("theme")
    return name if isinstance(name, str) and name.strip() else None


def theme_root(name: str) -> Path | None:
    """The folder of the installed theme gem ``name`` (as Jekyll finds it), or None."""
    ruby = shutil.which("ruby")
    if ruby is None:
        return None
    script = (
        "s = Gem::Specification.find_by_name(ARGV[0]) rescue nil; "
        "puts(s ? s.full_gem_path : '')"
    )
    try:
        proc = subprocess.run(
            [ruby, "-e", script, name], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = proc.stdout.strip()
    return Path(found) if proc.returncode == 0 and found and Path(found).is_dir() else None


def find(site: Path, theme: Path | None, rel: str) -> Source | None:
    """``rel`` (``_layouts/post.html``) as Jekyll resolves it: the site's, else the theme's."""
    for root, in_site in ((site, True), (theme, False)):
        if root is not None and (root / rel).is_file():
            return Source(rel, root / rel, in_site)
    return None


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _parent_layout(text: str) -> str | None:
    m = _FRONT.match(text)
    if not m or not m.group(1):
        return None
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return None
    name = data.get("layout") if isinstance(data, dict) else None
    return name if isinstance(name, str) and name else None


def layout_chain(site: Path, theme: Path | None, layout: str = "post") -> list[Source]:
    """The layouts a page of ``layout`` is rendered through, innermost first."""
    chain: list[Source] = []
    name: str | None = layout
    while name and len(chain) < 10:
        source = find(site, theme, f"_layouts/{name}.html")
        if source is None or source in chain:
            break
        chain.append(source)
        name = _parent_layout(_read(source.path))
    return chain


def _head_in(source: Source, site: Path, theme: Path | None, depth: int = 0) -> Source | None:
    """The file among ``source`` and what it includes that opens ``<head>``."""
    text = _read(source.path)
    if _HEAD_OPEN.search(text):
        return source
    if depth >= 3:
        return None
    for name in _INCLUDE.findall(text):
        inner = find(site, theme, f"_includes/{name}")
        found = inner and _head_in(inner, site, theme, depth + 1)
        if found:
            return found
    return None


def _head_region(text: str) -> str:
    start = _HEAD_OPEN.search(text)
    end = _HEAD_CLOSE.search(text, start.end() if start else 0)
    return text[start.start() if start else 0 : end.end() if end else len(text)]


def head(site: Path, theme: Path | None, include: str) -> Head | None:
    """Where the post page's ``<head>`` is written (None: no layout writes one)."""
    for layout in reversed(layout_chain(site, theme)):
        source = _head_in(layout, site, theme)
        if source is None:
            continue
        region = _head_region(_read(source.path))
        names = _INCLUDE.findall(region)
        hook = next((n for n in names if _HOOK.search(n)), None)
        return Head(source, hook, include in names or _includes(site, theme, names, include))
    return None


def _includes(site: Path, theme: Path | None, names: list[str], include: str) -> bool:
    """Whether one of the site's includes ``names`` (a hook it filled) includes ``include``."""
    for name in names:
        source = find(site, theme, f"_includes/{name}")
        if source is None or not source.in_site:
            continue
        if include in _INCLUDE.findall(_read(source.path)):
            return True
    return False
