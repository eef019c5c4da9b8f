"""The ``pandoc --filter`` route: each step as a console script (``pandockit-<step>``), and the one
adapter that makes a notebook's job from the document's metadata.

pandoc tells a filter neither the input file nor the site, so the route takes them from the
metadata (``-M pandockit-notebook=NB.ipynb -M pandockit-site=SITE``, site default ``.``) and
plans the post as ``pandockit convert`` does (:func:`pandockit.plan.plan_post`): the same job,
hence the same post. A script reads pandoc's JSON from stdin, makes the job
(:func:`job_from_metadata`), runs its step in process and writes the JSON to stdout.

This is the one place where options travel as text. The first filter of a chain resolves them
from the site's ``_config.yml`` (defaults < ``pandockit:``) and records them in the metadata
(``pandockit``, kebab-case keys; ``front-matter`` and ``metadata`` also as YAML text, since
metadata turns numbers into text); a later filter of the chain reads them back here, typed by
each option's default. No filter reads options from metadata.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Collection
from pathlib import Path
from typing import Any

import panflute as pf

from pandockit import yamltext
from pandockit.config import DEFAULTS, Options, attribute, resolve_options
from pandockit.errors import PandockitError
from pandockit.front_matter_sources import collect, name_post
from pandockit.gather import gather
from pandockit.job import Job, attach
from pandockit.keys import DEFAULTS_KEY, NOTEBOOK_KEY, OPTIONS_KEY, SET_KEY, SITE_KEY
from pandockit.notebook import Notebook
from pandockit.pipeline import FORMER_NAMES, PIPELINE
from pandockit.plan import plan_post, with_read


def site_of(doc: pf.Doc) -> Path:
    """The site folder the metadata names (``pandockit-site``), else the current folder."""
    return Path(str(doc.get_metadata(SITE_KEY, ".") or "."))


def job_from_metadata(
    doc: pf.Doc, *, need_notebook: bool = False, steps: Collection[str] | None = None
) -> Job:
    """The job of the notebook ``doc`` was read from, as :func:`pandockit.plan.plan_post` makes
    it for ``pandockit convert``, with the verdicts on the local images ``doc`` names.

    The options: those an earlier filter of the chain recorded in the metadata, else the site's
    (recorded here for the next filter). Without ``pandockit-notebook`` (and unless
    ``need_notebook``: then a one-line error) the job has no notebook cells: the front matter
    comes from the document's ``jupyter`` metadata alone, as a bare pandoc read gives it."""
    site = site_of(doc)
    options = _recorded_options(doc)
    if options is None:
        options = resolve_options(site)
        record_options(doc, options)
    path = doc.get_metadata(NOTEBOOK_KEY, None)
    if not path:
        if need_notebook:
            raise PandockitError(None, "the filter needs -M pandockit-notebook=NOTEBOOK.ipynb")
        job = _metadata_only(doc, options)  # what the steps can have without the notebook:
        return dataclasses.replace(job, inputs=gather(doc, None, options.html, steps))
    job = plan_post(str(path), options, site, links={})
    return with_read(job, doc, steps)


def record_options(doc: pf.Doc, options: Options) -> None:
    """Write ``options`` into ``doc``'s metadata, as text, for the next filter of a chain."""
    doc.metadata[OPTIONS_KEY] = {key: _meta_value(value) for key, value in options.items()}
    # The front matter options as YAML text: metadata would turn their numbers into text.
    doc.metadata[DEFAULTS_KEY] = yamltext.dump(options.front_matter)
    doc.metadata[SET_KEY] = yamltext.dump(options.metadata)


def _meta_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _meta_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_meta_value(v) for v in value]
    if isinstance(value, (str, bool, int, float)):
        return value
    return "" if value is None else str(value)


def _recorded_options(doc: pf.Doc) -> Options | None:
    """The options an earlier filter recorded (or ``-M pandockit.KEY=VALUE`` gave), each typed
    as its default; None when there are none."""
    if doc.metadata.content.dict.get(OPTIONS_KEY) is None:
        return None
    given = doc.get_metadata(OPTIONS_KEY, {})
    given = given if isinstance(given, dict) else {}
    values = {key: _typed(key, given.get(key, default)) for key, (default, _) in DEFAULTS.items()}
    for key, meta_key in (("front-matter", DEFAULTS_KEY), ("metadata", SET_KEY)):
        text = doc.get_metadata(meta_key, None)
        if isinstance(text, str):
            values[key] = yamltext.load(text)
    return Options(**{attribute(k): v for k, v in values.items()},
                   sources=dict.fromkeys(values, "metadata"))


def _typed(key: str, value: Any) -> Any:
    """A metadata value (numbers and booleans may arrive as text) as the type of the option's
    default."""
    default = DEFAULTS[key][0]
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes")
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            return default
    if isinstance(default, dict):
        return value if isinstance(value, dict) else {}
    return value


def _metadata_only(doc: pf.Doc, options: Options) -> Job:
    """The job of a document given no notebook: front matter from its ``jupyter`` metadata."""
    meta = doc.get_metadata("jupyter", {}) or {}
    node = {"metadata": meta if isinstance(meta, dict) else {}, "cells": []}
    found = collect(node, options.front_matter, options.metadata, layout="post")
    stem = name_post("post.ipynb", dict(found.values), "", options.slug, options.post_names)
    notebook = Notebook(Path("post.ipynb"), node, b"")
    return Job(options=options, notebook=notebook, front_matter=found, stem=stem,
               source_day="", site=site_of(doc))


def run_step(name: str) -> None:
    """The console script of step ``name`` (or a former name): pandoc's JSON in, the step
    applied with the notebook's job, pandoc's JSON out. Fails in one line on bad input."""
    name = FORMER_NAMES.get(name, name)
    step = next(s for s in PIPELINE if s.name == name)
    try:
        doc = pf.load()
        attach(doc, job_from_metadata(doc, steps=(name,)))  # gathered for this step alone
        pf.dump(step.main(doc))
    except PandockitError as exc:
        print(f"pandockit-{name}: error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


# The console scripts (pyproject.toml), one per step, and former names.
def cell_index() -> None:
    run_step("cell-index")


def jupyter_math() -> None:
    run_step("jupyter-math")


def front_matter() -> None:
    run_step("front-matter")


def visibility() -> None:
    run_step("visibility")


def notes() -> None:
    run_step("notes")


def outputs() -> None:
    run_step("outputs")


def images() -> None:
    run_step("images")


def card() -> None:
    run_step("card")


def anchors() -> None:
    run_step("anchors")


def tex_math() -> None:
    run_step("tex-math")


def math() -> None:  # tex-math's former name
    run_step("math")


def raw_html() -> None:
    run_step("raw-html")


def html() -> None:  # raw-html's former name
    run_step("html")


def top() -> None:
    run_step("top")


def cells() -> None:
    run_step("cells")
