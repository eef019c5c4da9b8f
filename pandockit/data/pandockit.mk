# pandockit.mk: Make rules that turn a Jekyll site's notebooks into posts.
#
# Write them next to your site's Makefile (in the site's root folder) and include them:
#
#     pandockit makefile > pandockit.mk
#     echo 'include pandockit.mk' >> Makefile
#
#     make posts          # convert new and changed notebooks (make -j4 posts: four at a time)
#     make clean-posts    # remove the posts and image folders these rules make
#
# One rule per post, _posts/NAME.md from _notebooks/NAME.ipynb, so make rebuilds only the posts
# whose notebook is newer and `make -j` converts several at once. This needs what Jekyll needs
# anyway: notebooks named YYYY-MM-DD-title.ipynb, directly in the notebooks folder (the post
# keeps that name). For notebooks in subfolders or without a date in their name, use
# `pandockit build`, which also works by content rather than by modification time.
#
# Options come from the pandockit: section of _config.yml; override these variables on the
# command line or before the include (e.g. PANDOCKIT = .venv/bin/pandockit).

PANDOCKIT           ?= pandockit
PANDOCKIT_NOTEBOOKS ?= _notebooks
PANDOCKIT_POSTS     ?= _posts
PANDOCKIT_ASSETS    ?= assets/nb_files
PANDOCKIT_FLAGS     ?=

PANDOCKIT_IPYNB := $(wildcard $(PANDOCKIT_NOTEBOOKS)/[0-9][0-9][0-9][0-9]-[0-9]*-[0-9]*-*.ipynb)
PANDOCKIT_NAMES := $(basename $(notdir $(PANDOCKIT_IPYNB)))
PANDOCKIT_MD    := $(PANDOCKIT_NAMES:%=$(PANDOCKIT_POSTS)/%.md)

.PHONY: posts clean-posts

posts: $(PANDOCKIT_MD)

$(PANDOCKIT_POSTS)/%.md: $(PANDOCKIT_NOTEBOOKS)/%.ipynb
	$(PANDOCKIT) convert -q --site . --posts-dir $(PANDOCKIT_POSTS) \
	  --assets-dir $(PANDOCKIT_ASSETS) $(PANDOCKIT_FLAGS) $< >/dev/null

clean-posts:
	rm -f $(PANDOCKIT_MD)
	rm -rf $(PANDOCKIT_NAMES:%=$(PANDOCKIT_ASSETS)/%)
