"""Plan a post: read its notebook and make its job, the single source of everything known
about the post before the filters run.

:func:`plan_post` is called once per notebook, by ``pandockit convert``, by a build's workers
and by the ``pandoc --filter`` route (:mod:`pandockit.filter_route`), before pandoc reads the
notebook, so that a post is named (and collisions found) before anything is written. It does
the I/O the filters may not do, once:

- the notebook's file (:func:`pandockit.notebook.read_notebook`);
- its date: git or its modification time (:func:`pandockit.source_dates.source_date`);
- its front matter from every convention, and its name
  (:mod:`pandockit.front_matter_sources`: collected and named here, and nowhere else);
- pandoc's read of a front matter cell that keeps text besides its YAML block (that text alone,
  as pandoc's ipynb reader reads it: the front matter filter applies the blocks);
- the site: its layout and math switch (found once per run, kept on the options:
  :func:`pandockit.config.with_post_site`), the facts of its repository for badges
  (:mod:`pandockit.site_facts`), the files the notebook names as its social image, and the URLs
  of the posts of the notebooks it links to (:mod:`pandockit.post_urls`).

What needs pandoc's read of the notebook the driver adds once that read is there, before the
filters run (:func:`with_read`): the verdicts on the local images the document names.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Collection
from pathlib import Path
from urllib.parse import unquote

import panflute as pf

from pandockit import pandoc, post_urls, rereads, site_facts
from pandockit.config import Options, with_post_site
from pandockit.errors import PandockitError
from pandockit.front_matter_sources import collect, name_post
from pandockit.gather import gather
from pandockit.inputs import multiline_text
from pandockit.job import CellEdit, FrontMatter, Job
from pandockit.media import check_local_images
from pandockit.notebook import Notebook, read_notebook
from pandockit.source_dates import source_date


def plan_post(
    path: str | Path,
    options: Options,
    site: Path | None = None,
    *,
    source_day: str | None = None,
    links: dict[str, str] | None = None,
    notebook: Notebook | None = None,
) -> Job:
    """The job of the notebook at ``path`` (read here unless ``notebook`` is given) converted
    into ``site`` (None: the current folder, and no links between posts are resolved):
    ``source_day`` (None: found from git or the file), ``links`` (the URLs of the posts it
    links to; None: gathered from the site). Raises PandockitError naming ``path``."""
    if notebook is None:
        notebook = read_notebook(path, max_output_chars=options.max_output_chars)
    where = Path(".") if site is None else site
    options = with_post_site(options, where)
    layout = options.post_site.layout if options.post_site is not None else "post"
    day = source_date(notebook.path, options) if source_day is None else source_day
    try:
        front_matter = collect(notebook.node, options.front_matter, options.metadata,
                               options.first_cell, layout or None)
        stem = name_post(notebook.path.name, dict(front_matter.values), day, options.slug,
                         options.post_names)
    except PandockitError as exc:
        raise PandockitError(path, exc.message) from None
    facts = dict(site_facts.facts(where.resolve()))
    facts["path"] = site_facts.repository_path(notebook.path, where, facts.pop("git-top"))
    return Job(
        options=options,
        notebook=notebook,
        front_matter=_read_edits(front_matter, notebook.node),
        stem=stem,
        source_day=day,
        site=where,
        layout=layout or None,
        math_switch=(options.post_site.math_key or "") if options.post_site else "",
        nb_path=site_path(notebook.path, where) if options.first_cell == "fastpages" else "",
        post_urls=post_urls.gather(notebook, options, site) if links is None else dict(links),
        site_facts=facts,
        site_images=check_site_images(notebook.node, options, where),
    )


def with_read(job: Job, doc: pf.Doc, steps: Collection[str] | None = None) -> Job:
    """``job`` with the facts that need pandoc's read ``doc`` of its notebook, added by the
    driver after that read and before the filters run (the filters do no I/O): the verdicts on
    the local images the document names, and what the filters of ``steps`` (None: all) read of
    the notebook (:func:`pandockit.gather.gather`: the re-reads of jupyter-math, the HTML of
    Markdown outputs). The one place a job grows after the plan."""
    verdicts = check_local_images(doc, job.notebook.path, job.site, job.notebook.node)
    given = gather(doc, job.notebook.node, job.options.html, steps)
    return dataclasses.replace(job, local_images=verdicts, inputs=given)


def _read_edits(found: FrontMatter, node: dict) -> FrontMatter:
    """``found`` with pandoc's read of each markdown cell that keeps text besides its front
    matter (read alone, with its id and attachments, through the same reader and extensions);
    one pandoc run for all of them (there is rarely more than one)."""
    cells = node.get("cells", [])
    todo = [e for e in found.edits
            if e.rest.strip() and cells[e.index].get("cell_type") != "raw"]
    if not todo:
        return found
    inputs = [rereads.markdown_notebook([{"source": e.rest, "id": cells[e.index].get("id"),
                                          "attachments": cells[e.index].get("attachments")}])
              for e in todo]
    read = {}
    for edit, parts in zip(todo, pandoc.read(inputs).results()):
        pieces = list(parts)  # raises the PandockitError pandoc's read failed with
        text = "".join(p if isinstance(p, str) else p.decode("utf-8") for p in pieces)
        read[edit.index] = _cell_blocks(text)
    edits = tuple(CellEdit(e.index, e.rest, read.get(e.index, e.blocks)) for e in found.edits)
    return dataclasses.replace(found, edits=edits)


def _cell_blocks(ast: str) -> str:
    """The JSON text of the blocks of the one cell of pandoc's read ``ast`` (its cell Div's
    content; the blocks themselves when pandoc made no Div)."""
    blocks = json.loads(ast)["blocks"]
    if blocks and blocks[0].get("t") == "Div":
        blocks = blocks[0]["c"][1]
    return json.dumps(blocks, ensure_ascii=False)


#: A ``image: PATH`` line of a front matter block or a fastpages first cell (``- image:``).
_IMAGE_LINE = re.compile(r"^[ \t]*(?:[-*][ \t]+)?image[ \t]*:[ \t]*(.+?)[ \t]*$", re.M)
_REMOTE = re.compile(r"\A(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def image_candidates(node: dict, options: Options) -> set[str]:
    """Every value the notebook (its metadata, its text cells' ``image:`` lines) or the
    options may give as the post's ``image``: site paths, not URLs."""
    found: list = [options.front_matter.get("image"), options.metadata.get("image")]
    meta = node.get("metadata") or {}
    found += [m.get("image") for m in (meta.get(k) for k in ("jekyll", "front-matter",
              "front_matter")) if isinstance(m, dict)]
    for cell in node.get("cells", []):
        if isinstance(cell, dict) and cell.get("cell_type") in ("markdown", "raw"):
            text = multiline_text(cell.get("source"))
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
