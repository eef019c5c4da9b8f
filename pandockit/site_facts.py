"""What the site says about the top of its posts: which of its layouts render a TOC or
notebook badges themselves, and the repository and branch badges link to.

Read before the pipeline (files and git: the top filter does no I/O) by
:func:`pandockit.plan.plan_post`, which hands :func:`facts` to the filters on the job.

- A layout renders its own TOC when it or a layout it extends (the site's ``_layouts/``, as
  a fork of a theme has them) uses ``page.toc``, the ``toc`` filter or a ``toc`` include:
  fastpages' ``post.html`` (jekyll-toc's ``{{ content | toc }}``), Minimal Mistakes' ``single``.
  Badges likewise: ``page.badges`` or fastpages' ``notebook_*_link.html`` includes.
- The repository (``owner/name`` on GitHub) is ``_config.yml``'s ``repository:`` (the key
  jekyll-github-metadata reads), else the site's git remote ``origin`` on github.com.
- The branch is ``_config.yml``'s ``branch:``, else the remote's default branch
  (``origin/HEAD``), else ``HEAD`` (GitHub and Binder read it as the default branch).
- The notebook's path in the repository is its path from the git work tree's top (a site in
  a ``docs/`` folder too), else from the site.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path
from typing import Any

from pandockit.config import read_site_config
from pandockit.errors import PandockitError

#: A layout that shows a TOC / badges of its own (Liquid it would use for them).
TOC_LIQUID = re.compile(r"page\.toc\b|\|\s*toc\b|{%-?\s*include\s+toc\b")
BADGES_LIQUID = re.compile(r"page\.badges\b|notebook_(?:github|colab|binder)_link")
_PARENT = re.compile(r"\A---\s*\n(?:.*\n)*?layout:\s*['\"]?([\w./-]+)", re.M)
_GITHUB = re.compile(r"github\.com[:/]+([\w.-]+)/([\w.-]+?)(?:\.git)?/?\Z")
_REPOSITORY = re.compile(r"\A[\w.-]+/[\w.-]+\Z")


def _layouts(site: Path) -> dict[str, str]:
    folder = site / "_layouts"
    out = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.html")):
            try:
                out[path.stem] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    return out


def _rendering(layouts: dict[str, str], pattern: re.Pattern) -> list[str]:
    """The layouts whose chain (the layout, the layouts it extends) matches ``pattern``."""
    found = []
    for name in layouts:
        seen, current = set(), name
        while current in layouts and current not in seen:
            seen.add(current)
            if pattern.search(layouts[current]):
                found.append(name)
                break
            parent = _PARENT.match(layouts[current])
            current = parent.group(1).removesuffix(".html") if parent else ""
    return found


def _git(site: Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", "-C", str(site), *args], capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return proc.stdout.strip() if proc.returncode == 0 else ""


def repository(config: dict[str, Any], site: Path) -> str:
    """``owner/name`` of the site's GitHub repository, ``""`` when neither source gives one."""
    given = config.get("repository")
    if isinstance(given, str) and _REPOSITORY.match(given.strip()):
        return given.strip()
    found = _GITHUB.search(_git(site, "remote", "get-url", "origin"))
    return f"{found.group(1)}/{found.group(2)}" if found else ""


def branch(config: dict[str, Any], site: Path) -> str:
    given = config.get("branch")
    if isinstance(given, (str, int)) and str(given).strip():
        return str(given).strip()
    head = _git(site, "symbolic-ref", "--short", "refs/remotes/origin/HEAD")
    return head.split("/", 1)[1] if "/" in head else "HEAD"


def _stamp(site: Path) -> tuple:
    """What the facts are read from, by modification time: a change (``--watch`` editing
    ``_config.yml``, a new layout, a new remote) reads them again."""
    paths = [site / "_config.yml", site / "_layouts", site / ".git" / "config"]
    if (site / "_layouts").is_dir():
        paths += sorted((site / "_layouts").glob("*.html"))
    out = []
    for path in paths:
        try:
            out.append((str(path), path.stat().st_mtime_ns))
        except OSError:
            out.append((str(path), None))
    return tuple(out)


def facts(site: Path) -> dict[str, Any]:
    """The facts of the site at ``site`` (read again only when its files change)."""
    return _facts(site, _stamp(site))


@functools.lru_cache(maxsize=8)
def _facts(site: Path, _stamp: tuple) -> dict[str, Any]:
    try:
        config = read_site_config(site)
    except PandockitError:
        config = {}
    layouts = _layouts(site)
    return {
        "toc-layouts": _rendering(layouts, TOC_LIQUID),
        "badges-layouts": _rendering(layouts, BADGES_LIQUID),
        "repository": repository(config, site),
        "branch": branch(config, site),
        "git-top": _git(site, "rev-parse", "--show-toplevel"),
    }


def repository_path(notebook: Path, site: Path, top: str) -> str:
    """``notebook``'s path in the repository (from the git work tree's top ``top``, else from
    the site), ``""`` when it is in neither."""
    for root in ([Path(top)] if top else []) + [site]:
        try:
            return notebook.resolve().relative_to(root.resolve()).as_posix()
        except (OSError, ValueError):
            continue
    return ""
