"""``pandockit-jekyll``: the whole pipeline as one pandoc filter, giving the same post as the CLI.

    pandoc NB.ipynb -f ipynb+raw_tex+tex_math_single_backslash+escaped_line_breaks -t markdown \\
        --filter pandockit-jekyll -M pandockit-notebook=NB.ipynb -M pandockit-site=. \\
        -o _posts/NAME.md

pandoc tells a filter neither the input file's name nor the image bytes, hence
``pandockit-notebook``; ``pandockit-site`` (default ``.``) is where the images are written and
whose ``_config.yml`` gives the options. The document comes back as one raw Markdown block,
the finished post, which pandoc's Markdown writer prints unchanged. After a chain of single
filters (``--filter pandockit-cell-index ... --filter pandockit-jekyll``) it runs only the
steps not yet applied, so the chain gives the same post.
"""

from __future__ import annotations

import sys

import panflute as pf

from pandockit.errors import PandockitError
from pandockit.filter_route import job_from_metadata
from pandockit.media import resolve
from pandockit.pipeline import run_pipeline
from pandockit.render import render, warn_future
from pandockit.writer import write_media


def jekyll_post(doc: pf.Doc) -> pf.Doc:
    """Run the pipeline on ``doc`` (read from the notebook named in its metadata), write the
    images into the site, and return the post as a one-block document."""
    job = job_from_metadata(doc, need_notebook=True)  # the same job as pandockit convert's
    doc = run_pipeline(doc, job)
    warn_future(doc)
    post = render(doc)
    media = resolve(job.notebook.node, post.media, post.clean_media)
    write_media(job.site, job.options.assets_dir, post.stem, media)
    return pf.Doc(pf.RawBlock(post.text.rstrip("\n"), format="markdown"))


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    if doc is not None:
        return jekyll_post(doc)
    try:
        pf.dump(jekyll_post(pf.load()))
    except PandockitError as exc:
        print(f"pandockit-jekyll: error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    return None
