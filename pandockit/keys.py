"""The names pandockit's stages share: document metadata keys and the front matter mark.

A leaf module (it imports nothing), so that any stage can name a key without importing the
stage that writes it. Metadata is how the filters pass state on to later steps and the
renderer, in one process and chained as ``pandoc --filter`` processes alike (what is known
before they run is the job's: :mod:`pandockit.job`); :func:`pandockit.render.body_ast` drops
it all before pandoc writes the body.
"""

from __future__ import annotations

#: The notebook's path (the console scripts read the notebook from it: ``-M``).
NOTEBOOK_KEY = "pandockit-notebook"
#: The site folder (the console scripts' images go there; its ``_config.yml`` gives options).
SITE_KEY = "pandockit-site"
#: The resolved options (kebab-case keys), as the filter route records them.
OPTIONS_KEY = "pandockit"
#: Options ``front-matter`` and ``metadata`` as YAML text (metadata would make numbers text),
#: recorded with the options by the filter route for the next filter of a chain
#: (:mod:`pandockit.filter_route`, the one place options travel as text).
DEFAULTS_KEY = "pandockit-front-matter-defaults"
SET_KEY = "pandockit-front-matter-set"
#: The filters already applied (a chain of single filters, then ``pandockit-jekyll``).
DONE_KEY = "pandockit-done"
#: Written by the front matter filter: the front matter (YAML text) and the post's file stem.
FRONT_MATTER_KEY = "pandockit-front-matter"
POST_KEY = "pandockit-post"
#: Written by the images filter: asset file name -> source (see :mod:`pandockit.media`).
MEDIA_KEY = "pandockit-media"

#: The front matter entry by which pandockit knows a post as its own.
GENERATOR_KEY, GENERATOR = "generator", "pandockit"
