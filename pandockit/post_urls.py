"""The URLs of the posts a notebook links to: ``other.ipynb#Section`` on the page is the other
notebook's post.

Gathered before the pipeline (this reads the other notebooks and the site's ``_config.yml``;
the anchors filter, which rewrites the links, does no I/O): each ``.ipynb`` link target of the
notebook's markdown cells that is a notebook of the site is named as ``pandockit convert``
names its post (:func:`pandockit.front_matter_sources.collect` and ``name_post``), and its URL
is the one Jekyll gives that post (:func:`jekyll_url`: the post's or the site's ``permalink``,
``:categories`` lowercased, the date and slug of the post's name).
"""

from __future__ import annotations

import posixpath
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from pandockit import post_names
from pandockit.config import Options, read_site_config
from pandockit.context import multiline_text
from pandockit.errors import PandockitError
from pandockit.front_matter_sources import collect, name_post
from pandockit.liquid import BASEURL_MARKER
from pandockit.notebook import Notebook, read_notebook
from pandockit.source_dates import source_date

#: Jekyll's permalink styles (``permalink: pretty`` ...); anything else is a pattern.
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_STEM = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(.*)")
#: A notebook link target in a markdown cell: ``](x.ipynb...)`` or ``href="x.ipynb..."``.
_TARGET = re.compile(r"""(?:\]\(\s*<?|href\s*=\s*["']?)([^\s)"'>#?]+\.ipynb)""", re.I)
_REMOTE = re.compile(r"\A(?:[a-z][a-z0-9+.-]*:|//|/)", re.I)
#: Jekyll's slugify, ``pretty`` mode, case kept (its ``:title``).
_NOT_PRETTY = re.compile(r"[^\w._~!$&'()+,;=@]+")


def _categories(fm: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key in ("category", "categories"):
        value = fm.get(key)
        items = value.split() if isinstance(value, str) else value
        items = items if isinstance(items, list) else []
        found += [str(item).lower() for item in items if item is not None]
    return list(dict.fromkeys(found))


def jekyll_url(stem: str, fm: dict[str, Any], permalink: Any = None) -> str:
    """The URL Jekyll gives the post ``_posts/<stem>.md`` of front matter ``fm`` on a site
    whose ``permalink`` setting is ``permalink`` (None: ``date``), baseurl not included."""
    match = _STEM.fullmatch(stem)
    if match is None:
        raise ValueError(f"not a post name: {stem}")
    day = post_names.front_matter_date(fm.get("date"))
    when = day.date() if isinstance(day, datetime) else day if isinstance(day, date) else (
        date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    slug = _NOT_PRETTY.sub("-", str(fm.get("slug") or match.group(4))).strip("-")
    pattern = fm.get("permalink") or permalink or "date"
    pattern = STYLES.get(str(pattern), str(pattern))
    values = {
        "categories": "/".join(_categories(fm)),
        "year": f"{when.year:04d}", "month": f"{when.month:02d}", "day": f"{when.day:02d}",
        "i_month": str(when.month), "i_day": str(when.day), "short_year": f"{when.year % 100:02d}",
        "y_day": f"{when.timetuple().tm_yday:03d}", "week": f"{when.isocalendar()[1]:02d}",
        "short_day": when.strftime("%a"), "long_day": when.strftime("%A"),
        "short_month": when.strftime("%b"), "long_month": when.strftime("%B"),
        "title": slug, "slug": slug,
        "name": stem, "output_ext": ".html",
    }
    url = re.sub(r":(\w+)", lambda m: _placeholder(m, values), pattern)
    url = re.sub(r"/{2,}", "/", "/" + url)
    return quote(url, safe="/:@!$&'()*+,;=~.-_%")


def _placeholder(match: re.Match, values: dict[str, str]) -> str:
    key = match.group(1)
    if key in values:
        return values[key]
    for name in sorted(values, key=len, reverse=True):  # ``:title:output_ext``-like runs
        if key.startswith(name):
            return values[name] + key[len(name):]
    return match.group(0)


def link_targets(notebook: Notebook) -> set[str]:
    """The ``.ipynb`` files the notebook's markdown cells link to (relative paths, as written)."""
    found: set[str] = set()
    for cell in notebook.node.get("cells", []):
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            text = multiline_text(cell.get("source"))
            if ".ipynb" in text.lower():
                found |= {t for t in _TARGET.findall(text) if not _REMOTE.match(t)}
    return found


def gather(notebook: Notebook, options: Options, site: Path | None) -> dict[str, str]:
    """Link target (normalised, relative to the notebook's folder) -> the URL of its post,
    behind the baseurl marker, for each notebook of the site that ``notebook`` links to."""
    targets = link_targets(notebook)
    if not targets or site is None:
        return {}
    root = site.resolve()
    folder = notebook.path.resolve().parent
    permalink = read_site_config(site).get("permalink")
    urls: dict[str, str] = {}
    for target in sorted(targets):
        rel = posixpath.normpath(unquote(target))
        path = (folder / rel).resolve()
        if rel in urls or not path.is_file() or not path.is_relative_to(root):
            continue
        try:
            other = read_notebook(path, max_output_chars=options.max_output_chars)
            fm = dict(collect(other.node, options.front_matter, options.metadata,
                              options.first_cell).values)
            stem = name_post(path.name, fm, source_date(path, options), options.slug,
                             options.post_names)
            urls[rel] = BASEURL_MARKER + jekyll_url(stem, fm, permalink)
        except (PandockitError, ValueError, OSError):
            continue  # a notebook that does not convert has no post to link to
    return urls
