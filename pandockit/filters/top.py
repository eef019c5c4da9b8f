"""Put what fastpages showed above a notebook post at the top of the post itself: badges, then
a table of contents, so any theme shows them.

- **Badges** (``badges: true`` in the front matter, else option ``badges``): one paragraph of
  plain links separated by `` · ``, no script, ``<p class="pandockit-badges">``: "View on GitHub"
  (``github.com/OWNER/NAME/blob/BRANCH/PATH``), "Open in Colab"
  (``colab.research.google.com/github/OWNER/NAME/blob/BRANCH/PATH``), "Launch Binder"
  (``mybinder.org/v2/gh/OWNER/NAME/BRANCH?labpath=PATH``). fastpages' ``hide_github_badge``,
  ``hide_colab_badge`` and ``hide_binder_badge`` leave one out. The repository, the branch
  (the post's ``branch:`` first) and the notebook's path in the repository come from
  the job's ``site_facts`` (:mod:`pandockit.site_facts`); with no repository, no badges and a
  warning.
- **TOC** (``toc: true`` in the front matter, fastpages' first cell included, else option
  ``toc``): kramdown's own, ``* TOC`` + ``{:toc}``, a list of links to the post's headings,
  which works on any theme. Hidden cells are gone by now, so their headings are not listed.
  None for a post without headings.

Neither is written when the post's layout shows it itself (the job's ``site_facts``: the
site's layouts that render a TOC or badges, as fastpages' and Minimal Mistakes' do), so
nothing shows twice. Touches the start of the body only; reads ``pandockit-front-matter``.
"""

from __future__ import annotations

import html
import logging
from typing import Any
from urllib.parse import quote

import panflute as pf

from pandockit import yamltext
from pandockit.filters.base import CELLS, job_of, run
from pandockit.keys import FRONT_MATTER_KEY

log = logging.getLogger("pandockit")

NAME = "top"

#: kramdown's TOC: a one-item list that kramdown replaces with the post's headings.
TOC = "* TOC\n{:toc}"


def _asked(fm: dict[str, Any], key: str, doc: pf.Doc) -> bool:
    value = fm.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return bool(job_of(doc).options[key])


def badge_links(repo: str, branch: str, path: str, fm: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, URL) of each badge the post shows."""
    blob = f"{repo}/blob/{quote(branch)}/{quote(path)}"
    binder = f"{repo}/{quote(branch, safe='')}?labpath={quote(path, safe='')}"
    links = [
        ("hide_github_badge", "View on GitHub", f"https://github.com/{blob}"),
        ("hide_colab_badge", "Open in Colab", f"https://colab.research.google.com/github/{blob}"),
        ("hide_binder_badge", "Launch Binder", f"https://mybinder.org/v2/gh/{binder}"),
    ]
    return [(label, url) for hide, label, url in links if fm.get(hide) is not True]


def badges_html(links: list[tuple[str, str]]) -> str:
    items = " \u00b7 ".join(
        f'<a class="pandockit-badge" href="{html.escape(url)}">{label}</a>' for label, url in links
    )
    return f'<p class="pandockit-badges">{items}</p>'


def _has_headings(doc: pf.Doc) -> bool:
    found = []

    def visit(elem: pf.Element, _doc: pf.Doc) -> None:
        if isinstance(elem, pf.Header):
            found.append(elem)

    doc.walk(visit)
    return bool(found)


def top_parts(doc: pf.Doc, fm: dict[str, Any], facts: dict[str, Any]) -> list[str]:
    """The Markdown of what goes above the post: badges, TOC (either may be left out)."""
    layout = str(fm.get("layout", ""))
    blocks: list[str] = []
    if _asked(fm, "badges", doc) and layout not in (facts.get("badges-layouts") or []):
        repo, path = str(facts.get("repository") or ""), str(facts.get("path") or "")
        branch = str(fm.get("branch") or facts.get("branch") or "HEAD")
        links = badge_links(repo, branch, path, fm) if repo and path else []
        if links:
            blocks.append(badges_html(links))
        elif not repo:
            log.warning("%s: badges left out: the site names no GitHub repository (set "
                        "'repository: OWNER/NAME' in _config.yml)", job_of(doc).name)
    if (_asked(fm, "toc", doc) and layout not in (facts.get("toc-layouts") or [])
            and _has_headings(doc)):
        blocks.append(TOC)
    return blocks


def prepare(doc: pf.Doc) -> None:
    text = doc.get_metadata(FRONT_MATTER_KEY, None)
    fm = yamltext.load(text) if isinstance(text, str) else {}
    facts = dict(job_of(doc).site_facts)
    parts = top_parts(doc, fm if isinstance(fm, dict) else {}, facts)
    if parts:  # one raw block: a blank line between the parts and after them, for kramdown
        doc.content.insert(0, pf.RawBlock("\n\n".join(parts) + "\n", format="markdown"))


def action(elem: pf.Element, doc: pf.Doc) -> None:
    return None  # prepare adds the blocks; nothing below the top changes


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, None, doc, depth=CELLS)
