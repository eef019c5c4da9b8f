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
    (out,) = _gits(site, args)
    return out


def _gits(site: Path, *commands: tuple[str, ...]) -> list[str]:
    """The output of each git command of ``commands`` in ``site`` (``""`` when it fails),
    the commands run at once: a build with nothing to do waits for one git start, not three."""
    procs = []
    for args in commands:
        try:
            procs.append(subprocess.Popen(
                ["git", "-C", str(site), *args], stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
        except OSError:
            procs.append(None)
    outs = []
    for proc in procs:
        if proc is None:
            outs.append("")
            continue
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.SubprocessError:
            proc.kill()
            proc.communicate()
            outs.append("")
            continue
        outs.append(out.strip() if proc.returncode == 0 else "")
    return outs


#: The git commands the facts read: the origin's URL, its default branch, the work tree's top.
REMOTE = ("remote", "get-url", "origin")
HEAD = ("symbolic-ref", "--short", "refs/remotes/origin/HEAD")
TOP = ("rev-parse", "--show-toplevel")


def _given_repository(config: dict[str, Any]) -> str:
    given = config.get("repository")
    if isinstance(given, str) and _REPOSITORY.match(given.strip()):
        return given.strip()
    return ""


def _given_branch(config: dict[str, Any]) -> str:
    given = config.get("branch")
    if isinstance(given, (str, int)) and str(given).strip():
        return str(given).strip()
    return ""


def _repository_of(remote: str) -> str:
    found = _GITHUB.search(remote)
    return f"{found.group(1)}/{found.group(2)}" if found else ""


def _branch_of(head: str) -> str:
    return head.split("/", 1)[1] if "/" in head else "HEAD"


def repository(config: dict[str, Any], site: Path) -> str:
    """``owner/name`` of the site's GitHub repository, ``""`` when neither source gives one."""
    return _given_repository(config) or _repository_of(_git(site, *REMOTE))


def branch(config: dict[str, Any], site: Path) -> str:
    return _given_branch(config) or _branch_of(_git(site, *HEAD))


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
    given_repository, given_branch = _given_repository(config), _given_branch(config)
    asks = [TOP] + ([] if given_repository else [REMOTE]) + ([] if given_branch else [HEAD])
    answers = dict(zip(asks, _gits(site, *asks)))
    return {
        "toc-layouts": _rendering(layouts, TOC_LIQUID),
        "badges-layouts": _rendering(layouts, BADGES_LIQUID),
        "repository": given_repository or _repository_of(answers[REMOTE]),
        "branch": given_branch or _branch_of(answers[HEAD]),
        "git-top": answers[TOP],
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
