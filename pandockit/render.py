"""Turn a filtered document into the text of a post: front matter, Markdown body, Liquid guard.

The Jekyll Markdown writer: pandoc writes the body (see :data:`pandockit.pandoc.options.WRITER`),
the front matter the filters collected is dumped with the YAML library, and notebook text is
kept from running as Liquid (:mod:`pandockit.liquid`). A post with math on a theme that loads
its own MathJax behind a front matter switch (the job's ``math_switch``: Chirpy's ``math``) gets
that switch set. Reads the options from the document's job (:func:`pandockit.job.job_of`), and
what the filters recorded from its metadata. Touches no file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import panflute as pf

from pandockit import liquid, page_needs, pandoc, source_dates, yamltext
from pandockit.errors import PandockitError
from pandockit.job import job_of
from pandockit.keys import FRONT_MATTER_KEY, MEDIA_KEY, POST_KEY
from pandockit.tree import body_json


@dataclass
class Post:
    """A rendered post: its file stem, its text, and the media files it references."""

    stem: str
    text: str
    #: file name -> source: pandoc's media name (SHA-1), ``file:<path>`` or a ``data:`` URI
    media: dict[str, str] = field(default_factory=dict)
    #: what the post's page needs from the site (:mod:`pandockit.page_needs`): ``math``...
    needs: dict[str, str | int] = field(default_factory=dict)
    #: ``html: sanitize``/``drop``: media are cleaned before they are written
    #: (:func:`pandockit.media.publishable`)
    clean_media: bool = False
    #: the ``layout`` its front matter names (None: none, or ``none``)
    layout: str | None = None


def render(doc: pf.Doc) -> Post:
    """The post ``doc`` stands for (``doc`` has been through the whole pipeline)."""
    (body,) = pandoc.write([body_ast(doc)]).results()
    if isinstance(body, PandockitError):
        raise body
    return finish(doc, body)


def body_ast(doc: pf.Doc) -> dict:
    """The JSON AST pandoc writes as the body of the post of ``doc`` (metadata is pandockit's
    working state, never part of the body)."""
    return body_json(doc)


def finish(doc: pf.Doc, body: str) -> Post:
    """The post of ``doc`` with ``body``, the Markdown pandoc wrote of :func:`body_ast`."""
    job = job_of(doc)
    fm = yamltext.load(str(doc.get_metadata(FRONT_MATTER_KEY, "") or ""))
    stem = str(doc.get_metadata(POST_KEY, "post"))
    media = {str(k): str(v) for k, v in (doc.get_metadata(MEDIA_KEY, {}) or {}).items()}
    needs = page_needs.needs(doc)
    if needs:
        fm[page_needs.FRONT_MATTER_KEY] = needs
    if job.math_switch and needs.get("math"):
        fm.setdefault(job.math_switch, True)  # the theme's own MathJax (Chirpy: math)
    if job.options.liquid == "off":
        fm["render_with_liquid"] = False
        body = liquid.protect(body, baseurl=job.options.baseurl)
    else:
        body = liquid.protect(body)
    text = yamltext.front_matter(fm) + "\n" + body.rstrip("\n") + "\n"
    clean_media = job.options.html != "keep"
    layout = fm.get("layout")
    return Post(stem=stem, text=text, media=media, needs=needs, clean_media=clean_media,
                layout=layout if isinstance(layout, str) and layout not in ("", "none") else None)


def warn_future(doc: pf.Doc) -> None:
    """Warn when Jekyll would skip the post of ``doc`` (through the pipeline) as future-dated."""
    fm = yamltext.load(str(doc.get_metadata(FRONT_MATTER_KEY, "") or ""))
    stem = str(doc.get_metadata(POST_KEY, "") or "")
    job = job_of(doc)
    source_dates.warn_if_future(job.name, fm, stem, job.options.future, job.options.timezone or "")
