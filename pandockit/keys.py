"""The names pandockit's stages share: document metadata keys and the front matter mark.

A leaf module (it imports nothing), so that any stage can name a key without importing the
stage that writes it. Metadata is how the filters pass state on, in one process and chained as
``pandoc --filter`` processes alike; :func:`pandockit.render.body_ast` drops it all before
pandoc writes the body.
"""

from __future__ import annotations

#: The notebook's path (the console scripts read the notebook from it: ``-M``).
NOTEBOOK_KEY = "pandockit-notebook"
#: The site folder (the console scripts' images go there; its ``_config.yml`` gives options).
SITE_KEY = "pandockit-site"
#: The resolved options (kebab-case keys).
OPTIONS_KEY = "pandockit"
#: The day a notebook without a date in its name is published under (``YYYY-MM-DD`` or "").
SOURCE_DATE_KEY = "pandockit-source-date"
#: The notebook's path in the site (``_notebooks/x.ipynb``), given with ``first-cell:
#: fastpages``: fastpages wrote it as ``nb_path``, which its layouts' badges link to.
NB_PATH_KEY = "pandockit-nb-path"
#: Options ``front-matter`` and ``metadata`` as YAML text (metadata would make numbers text).
DEFAULTS_KEY = "pandockit-front-matter-defaults"
SET_KEY = "pandockit-front-matter-set"
#: The layout posts are written with (``""``: none, the site's ``defaults:`` give it) and the
#: front matter key that turns on the theme's own math library (``""``: none), found from the
#: site's files before the filters run (:mod:`pandockit.jekyll_theme`).
LAYOUT_KEY = "pandockit-layout"
MATH_SWITCH_KEY = "pandockit-math-switch"
#: The verdicts on the local images markdown cells name (checked before the filters run).
LOCAL_KEY = "pandockit-local-images"
#: The verdicts on the site files the notebook names as its social image (``image:``): path ->
#: whether the site has that file (checked before the filters run; the card step reads them).
SITE_IMAGES_KEY = "pandockit-site-images"
#: Post URLs of the site's other notebooks (path relative to this notebook's folder -> URL
#: behind the baseurl marker), gathered before the filters run; the anchors step reads them.
POST_URLS_KEY = "pandockit-post-urls"
#: What the site says about the top of its posts (:func:`pandockit.site_facts.facts`: layouts
#: that render their own TOC or badges, repository, branch) and the notebook's repository path.
SITE_FACTS_KEY = "pandockit-site-facts"
#: The filters already applied (a chain of single filters, then ``pandockit-jekyll``).
DONE_KEY = "pandockit-done"
#: Written by the front matter filter: the front matter (YAML text) and the post's file stem.
FRONT_MATTER_KEY = "pandockit-front-matter"
POST_KEY = "pandockit-post"
#: Written by the images filter: asset file name -> source (see :mod:`pandockit.media`).
MEDIA_KEY = "pandockit-media"

#: The front matter entry by which pandockit knows a post as its own.
GENERATOR_KEY, GENERATOR = "generator", "pandockit"
