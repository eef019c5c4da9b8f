"""fastpages blogs: recognise one, and the options that make ``pandockit build`` convert it as
fastpages' own GitHub Action did.

Pure data for ``pandockit init``, which writes :func:`site_options` under ``pandockit:`` in the
site's ``_config.yml`` when :func:`detect` says the site is a fastpages repository. Every one
of these options is an ordinary option (:data:`pandockit.config.DEFAULTS`), which any site may
set by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The folder every fastpages repository has: its Action's scripts (``nb2post.py``...).
MARKER = "_action_files"


def detect(site: Path) -> bool:
    """Whether ``site`` is a fastpages repository (it has fastpages' ``_action_files/``)."""
    return (site / MARKER).is_dir()


def site_options(site: Path | None = None) -> dict[str, Any]:
    """The ``pandockit:`` options of ``_config.yml`` that convert as fastpages did (for the
    fastpages repository ``site``, when given):

    - ``recursive: false``: only the notebooks directly in ``_notebooks/`` (fastpages read
      ``_notebooks/*.ipynb``; subfolders hold data, drafts and scratch notebooks);
    - ``post-names: fastpages``: undated names dated and cleaned as fastpages did;
    - ``first-cell: fastpages``: the ``# Title`` / ``> summary`` / ``- key: value`` cell read
      exactly as fastpages read it, so title, description and categories (and with them the
      post's URL) are the ones fastpages published;
    - ``notes: true``: ``> Note:`` boxes and ``> youtube:`` / ``> twitter:`` embeds;
    - ``front-matter: {layout: notebook}`` when ``site`` has fastpages' notebook layout
      (``_layouts/notebook.html``): fastpages' ``post.html`` shows the GitHub, Binder and
      Colab badges of a notebook post only on posts of that layout (linked to the ``nb_path``
      key, which ``first-cell: fastpages`` writes).
    """
    options: dict[str, Any] = {
        "recursive": False,
        "post-names": "fastpages",
        "first-cell": "fastpages",
        "notes": True,
    }
    if site is not None and (site / "_layouts" / "notebook.html").is_file():
        options["front-matter"] = {"layout": "notebook"}
    return options
