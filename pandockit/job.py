"""One notebook's job: everything known about its post before the filters run, made once.

nbconvert's ``resources`` habit: the plan (:func:`pandockit.plan.plan_post`) reads the notebook,
collects its front matter, names and dates the post and gathers what the filters may not look
up themselves (the site's layout and math switch, the verdicts on the files it names, the URLs
of the posts it links to, the facts of the site's repository), and freezes all of it in one
:class:`Job`. ``pandockit convert``, ``pandockit build`` (in its workers too) and the
``pandoc --filter`` route (:mod:`pandockit.filter_route`) hand that job down; nothing below
the plan collects the front matter, names the post or resolves an option again.

The filters receive it in process: :func:`pandockit.pipeline.run_pipeline` attaches it to the
document once (:func:`attach`), and every filter reads it through :func:`job_of`. What a filter
works out for a later step or for the renderer (the front matter as the steps edit it, the
media names, what the page needs) still travels in the document's metadata, so that a chain of
``pandoc --filter`` processes passes it on; the job itself never does.

No I/O here (the plan does it): a module low in the layers, so the filters, the renderer and
the media checks can all name it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import panflute as pf

from pandockit.config import Options
from pandockit.errors import PandockitError
from pandockit.inputs import NO_INPUTS, Inputs

if TYPE_CHECKING:  # the type only: a filter that reads the job imports no notebook reader
    from pandockit.notebook import Notebook


@dataclass(frozen=True)
class CellEdit:
    """What becomes of a cell that held front matter: ``rest`` is the source it keeps (``""``:
    none; the cell stays, empty, so cell numbers do not move), and ``blocks`` what pandoc's
    ipynb reader makes of a markdown cell holding only ``rest`` (the JSON text of its blocks,
    read by the plan: a filter starts no pandoc; ``""`` when no read was needed)."""

    index: int
    rest: str
    blocks: str = ""


@dataclass(frozen=True)
class FrontMatter:
    """The front matter the notebook's sources give (before the title fallbacks, which need the
    document: :mod:`pandockit.filters.front_matter`), the cells to edit, and the warnings to
    give (once, by the filter)."""

    values: Mapping[str, Any]
    edits: tuple[CellEdit, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Job:
    """One notebook's post, planned: made once by :func:`pandockit.plan.plan_post`."""

    #: The options of the run, typed (``job.options.math``).
    options: Options
    #: The notebook as read (checked, repaired, upgraded: ``node`` is nbformat v4).
    notebook: Notebook
    #: The collected front matter and the cell edits it asks for.
    front_matter: FrontMatter
    #: The post's file stem: the post is ``<posts-dir>/<stem>.md``, its images in
    #: ``<assets-dir>/<stem>/``.
    stem: str
    #: The day a notebook without a date in its name is published under (``YYYY-MM-DD``, or
    #: ``""``: its name holds one, or nothing knows it).
    source_day: str
    #: The site folder (images are checked and written against it).
    site: Path = Path(".")
    #: The layout posts are written with (None: none, the site's ``defaults:`` give it).
    layout: str | None = "post"
    #: The front matter key that turns on the theme's own math library (``""``: none).
    math_switch: str = ""
    #: The notebook's path in the site (``_notebooks/x.ipynb``), with ``first-cell: fastpages``
    #: (fastpages wrote it as ``nb_path``); ``""`` otherwise.
    nb_path: str = ""
    #: Link target (relative to the notebook's folder) -> URL of the post of that notebook.
    post_urls: Mapping[str, str] = field(default_factory=dict)
    #: What the site says about the top of its posts (:func:`pandockit.site_facts.facts`) and the
    #: notebook's repository path (``path``).
    site_facts: Mapping[str, Any] = field(default_factory=dict)
    #: Site path the notebook names as its social image -> whether the site has that file.
    site_images: Mapping[str, bool] = field(default_factory=dict)
    #: Local image URL of the document -> verdict (:func:`pandockit.media.check_local`),
    #: checked against pandoc's read of the notebook (:func:`pandockit.plan.with_read`).
    local_images: Mapping[str, Any] = field(default_factory=dict)
    #: What the filters read of the notebook, as data (its cells, the markdown cells pandoc read
    #: again as Jupyter reads them, the HTML of Markdown outputs), gathered against pandoc's
    #: read (:func:`pandockit.plan.with_read`); the filters take it through
    #: :func:`pandockit.context.inputs`.
    inputs: Inputs = NO_INPUTS

    @property
    def name(self) -> str:
        """The notebook's path as given: the prefix of its warnings."""
        return str(self.notebook.path)

    @property
    def notebook_name(self) -> str:
        """The notebook's file name (``2020-01-02-x.ipynb``): the post's name and title come
        from it when nothing else gives them."""
        return self.notebook.path.name

    @property
    def post_path(self) -> PurePosixPath:
        """The post's file, relative to the site."""
        return PurePosixPath(self.options.posts_dir) / f"{self.stem}.md"

    @property
    def asset_folder(self) -> PurePosixPath:
        """The folder of the post's images, relative to the site."""
        return PurePosixPath(self.options.assets_dir) / self.stem


def attach(doc: pf.Doc, job: Job) -> pf.Doc:
    """Give ``doc`` (pandoc's read of ``job``'s notebook) its job: once, by the driver."""
    doc.pandockit_job = job
    return doc


def job_of(doc: pf.Doc) -> Job:
    """The job attached to ``doc``: the one way a filter, the renderer or a check reads it."""
    job = getattr(doc, "pandockit_job", None)
    if job is None:
        raise PandockitError(None, "the document has no job: run the filters through "
                             "pandockit.pipeline.run_pipeline or their console scripts")
    return job


def has_job(doc: pf.Doc) -> bool:
    return getattr(doc, "pandockit_job", None) is not None
