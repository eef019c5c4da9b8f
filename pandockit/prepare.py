"""Give a document what the filters read before they run: options, the notebook, its date, the
verdicts on its local images and on the site files it names as its social image, and a reader
for cells the front matter filter rewrites.

The I/O the filters may not do happens here (the notebook's file, local image files, git for
a date, pandoc for a rewritten cell), in process (:func:`prepare_doc`, called by
:mod:`pandockit.convert`) and for the console scripts (:func:`attach_from_metadata`).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import unquote

import panflute as pf

from pandockit import context, pandoc, site_facts, source_dates, yamltext
from pandockit.config import Options, post_site, resolve_options
from pandockit.keys import (
    DEFAULTS_KEY,
    LAYOUT_KEY,
    MATH_SWITCH_KEY,
    NB_PATH_KEY,
    NOTEBOOK_KEY,
    OPTIONS_KEY,
    POST_URLS_KEY,
    SET_KEY,
    SITE_FACTS_KEY,
    SITE_IMAGES_KEY,
    SOURCE_DATE_KEY,
)
from pandockit.media import check_local_images
from pandockit.notebook import Notebook, read_notebook


def source_date(path: Path, options: Options) -> str:
    """The day (``YYYY-MM-DD``) a notebook without a date in its name is published under: its
    last commit in git, else its modification time, in the site's ``timezone`` (with
    ``post-names: fastpages``: its modification time minus one day, as fastpages dated it).
    ``""`` for a dated name (git is not asked) or when neither is known."""
    names = str(options["post-names"])
    if not source_dates.needs_source_day(path.name, names):
        return ""
    tz = source_dates.site_timezone(str(options["timezone"] or ""))
    if names == "fastpages":
        day = source_dates.fastpages_day(path, tz)
    else:
        day = source_dates.source_day(path, tz)
    return day.isoformat() if day else ""


def prepare_doc(
    doc: pf.Doc,
    notebook: Notebook,
    options: Options,
    site: Path | None = None,
    source_day: str | None = None,
    post_urls: dict[str, str] | None = None,
) -> pf.Doc:
    """Give ``doc`` what the filters read: options, the notebook, its date (``source_day``,
    computed when None), the verdicts on the local images it names (checked here: the
    images filter does no I/O) against ``site`` (default: the ``pandockit-site`` metadata,
    else ``.``), and the URLs of the posts of the notebooks it links to (``post_urls``,
    gathered by :func:`pandockit.post_urls.gather`)."""
    doc.metadata[OPTIONS_KEY] = options.to_meta()
    if source_day is None:
        source_day = source_date(notebook.path, options)
    doc.metadata[SOURCE_DATE_KEY] = source_day
    # The front matter options as YAML text: metadata would turn their numbers into text.
    doc.metadata[DEFAULTS_KEY] = yamltext.dump(options["front-matter"])
    doc.metadata[SET_KEY] = yamltext.dump(options["metadata"])
    attach(doc, notebook)
    site = context.site_of(doc) if site is None else site
    given = post_site(site, options)
    doc.metadata[LAYOUT_KEY] = given.layout or ""
    doc.metadata[MATH_SWITCH_KEY] = given.math_key or ""
    if options["first-cell"] == "fastpages":
        doc.metadata[NB_PATH_KEY] = site_path(notebook.path, site)
    check_local_images(doc, notebook.path, site)
    if post_urls:
        doc.metadata[POST_URLS_KEY] = post_urls
    facts = dict(site_facts.facts(site.resolve()))
    facts["path"] = site_facts.repository_path(notebook.path, site, facts.pop("git-top"))
    doc.metadata[SITE_FACTS_KEY] = facts
    verdicts = check_site_images(notebook.node, options, site)
    if verdicts:
        doc.metadata[SITE_IMAGES_KEY] = verdicts
    return doc


#: A ``image: PATH`` line of a front matter block or a fastpages first cell (``- image:``).
_IMAGE_LINE = re.compile(r"^[ \t]*(?:[-*][ \t]+)?image[ \t]*:[ \t]*(.+?)[ \t]*$", re.M)
_REMOTE = re.compile(r"\A(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def image_candidates(node: dict, options: Options) -> set[str]:
    """Every value the notebook (its metadata, its text cells' ``image:`` lines) or the
    options may give as the post's ``image``: site paths, not URLs."""
    found: list = [options["front-matter"].get("image"), options["metadata"].get("image")]
    meta = node.get("metadata") or {}
    found += [m.get("image") for m in (meta.get(k) for k in ("jekyll", "front-matter",
              "front_matter")) if isinstance(m, dict)]
    for cell in node.get("cells", []):
        if isinstance(cell, dict) and cell.get("cell_type") in ("markdown", "raw"):
            text = context.multiline_text(cell.get("source"))
            if "image" in text:
                found += [yamltext_value(m) for m in _IMAGE_LINE.findall(text)]
    values = {v.get("path") if isinstance(v, dict) else v for v in found}
    return {v for v in values if isinstance(v, str) and v.strip() and not _REMOTE.match(v)}


def yamltext_value(text: str) -> str:
    """A ``key: value`` line's value with its quotes taken off."""
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0] else text


def check_site_images(node: dict, options: Options, site: Path) -> dict[str, bool]:
    """Whether the site holds each file the notebook names as its image (a path from the site
    root, as jekyll-seo-tag reads it; ``%XX`` read as the character it stands for)."""
    root = site.resolve()
    verdicts = {}
    for value in sorted(image_candidates(node, options)):
        rel = value.split("#", 1)[0].split("?", 1)[0].lstrip("/")
        try:
            verdicts[value] = any((root / p).resolve().is_relative_to(root)
                                  and (root / p).is_file() for p in {rel, unquote(rel)})
        except (OSError, ValueError, RuntimeError):
            verdicts[value] = False
    return verdicts


def site_path(path: Path, site: Path) -> str:
    """``path`` relative to ``site`` (``_notebooks/x.ipynb``), ``""`` when it is not inside."""
    try:
        return path.resolve().relative_to(site.resolve()).as_posix()
    except (OSError, ValueError, RuntimeError):
        return ""


def attach(doc: pf.Doc, notebook: Notebook) -> None:
    """Give ``doc`` its notebook and the cell reader (see :func:`context.read_cell`)."""
    context.attach(doc, notebook, read_markdown_cell)


def attach_from_metadata(doc: pf.Doc) -> None:
    """For the console scripts: read the notebook named by ``pandockit-notebook``, if any.

    The first filter of a chain also resolves the options from the site's ``_config.yml``
    (``pandockit-site``, default ``.``), exactly as ``pandockit convert`` does; later filters
    of the chain find them in the metadata.
    """
    if context.notebook_of(doc) is not None:
        return
    path = doc.get_metadata(NOTEBOOK_KEY, None)
    if not path:
        return
    notebook = read_notebook(str(path))
    if doc.get_metadata(OPTIONS_KEY, None) is None:
        prepare_doc(doc, notebook, resolve_options(context.site_of(doc)))
    else:
        attach(doc, notebook)


def read_markdown_cell(cell: dict, source: str) -> list[pf.Block]:
    """What pandoc's ipynb reader makes of markdown cell ``cell`` holding ``source``: the cell
    is read alone, with its id and attachments, through the same reader and extensions."""
    one = {**cell, "source": source}
    nb = {"cells": [one], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (parts,) = pandoc.read([json.dumps(nb, ensure_ascii=False).encode("utf-8")]).results()
    blocks = pf.load(io.StringIO(b"".join(parts).decode("utf-8"))).content
    return list(blocks[0].content) if blocks and isinstance(blocks[0], pf.Div) else list(blocks)
