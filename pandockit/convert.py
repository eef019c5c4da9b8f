"""Convert one notebook into a post in a site: read, filter, render, write. The pipeline's driver.

One pandoc read (notebook -> AST), the filters in process in :mod:`pandockit.pipeline`'s
order, one pandoc write (AST -> Markdown), then the writer puts the files in the site.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import panflute as pf

from pandockit import context, pandoc
from pandockit.config import Options
from pandockit.media import resolve
from pandockit.notebook import Notebook, read_notebook
from pandockit.pipeline import run_pipeline
from pandockit.render import Post, render
from pandockit.writer import write_post

SOURCE_DATE_KEY = "pandockit-source-date"


def source_date(path: Path) -> str:
    """The date a notebook without a dated name is published under: its modification day."""
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return ""
    return datetime.fromtimestamp(stamp, tz=timezone.utc).strftime("%Y-%m-%d")


def prepare_doc(doc: pf.Doc, notebook: Notebook, options: Options) -> pf.Doc:
    """Give ``doc`` what the filters read: options, the notebook and its date."""
    doc.metadata["pandockit"] = options.to_meta()
    doc.metadata[SOURCE_DATE_KEY] = source_date(notebook.path)
    context.attach(doc, notebook)
    return doc


def load_doc(notebook: Notebook) -> pf.Doc:
    ast = pandoc.read_ast(notebook.pandoc_input)
    return pf.load(io.StringIO(json.dumps(ast)))


@dataclass
class Result:
    notebook: Path
    post: Path
    media: list[str]


def render_notebook(notebook: Notebook, options: Options) -> tuple[Post, dict[str, bytes]]:
    """The post and its media bytes for ``notebook``; writes nothing."""
    doc = prepare_doc(load_doc(notebook), notebook, options)
    doc = run_pipeline(doc)
    post = render(doc)
    return post, resolve(notebook.node, post.media)


def convert(path: str | Path, site: Path, options: Options) -> Result:
    """Convert the notebook at ``path`` into ``site``; raise PandockitError on failure."""
    notebook = read_notebook(path)
    post, media = render_notebook(notebook, options)
    target = write_post(site, options["posts-dir"], options["assets-dir"], post, media)
    return Result(notebook=Path(path), post=target, media=sorted(media))
