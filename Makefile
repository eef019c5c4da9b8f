# pandockit: `make demo` and `make test` are the two set-up commands (see README.md).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
DEMO   ?= demo-site

.PHONY: demo test lint goldens bench corpus jekyll oracle clean help

help:
	@echo "make demo     install pandockit and convert examples/_notebooks into $(DEMO)/"
	@echo "make test     install everything (Jekyll included) and run the whole suite"
	@echo "make goldens  regenerate the expected posts of tests/cases (on purpose only)"
	@echo "make corpus   build all 31 corpus notebooks in Jekyll, check every formula"
	@echo "make oracle   every test notebook as JupyterLab renders it against its built page"
	@echo "make bench    time pandockit against bare pandoc and nbconvert"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	$(PY) -m compileall -q pandockit  # as a non-editable install would: no compiling per run
	touch $@

# Jekyll is the real consumer of the posts; the tests build with Debian's package.
jekyll:
	@command -v jekyll >/dev/null 2>&1 || { \
	  echo "installing jekyll (Debian package)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jekyll >/dev/null; }
	@jekyll --version

demo: $(STAMP)
	mkdir -p $(DEMO)
	cp -R examples/site/. $(DEMO)/
	$(VENV)/bin/pandockit convert examples/_notebooks/*.ipynb --site $(DEMO)
	@echo
	@echo "Posts are in $(DEMO)/_posts, images in $(DEMO)/assets/nb_files."
	@echo "See the site: cd $(DEMO) && jekyll serve   (or: make jekyll && jekyll build -s $(DEMO))"

lint: $(STAMP)
	$(VENV)/bin/ruff check pandockit filters tests tools bench

# The Jupyter oracle's node side (marked at JupyterLab's version, parse5): exact versions from
# tests/oracle/package-lock.json; npm ci runs again only when the package files change.
ORACLE_STAMP := tests/oracle/node_modules/.installed
$(ORACLE_STAMP): tests/oracle/package.json tests/oracle/package-lock.json
	npm ci --prefix tests/oracle --no-audit --no-fund --loglevel=error
	touch $@

test: $(STAMP) jekyll lint $(ORACLE_STAMP)
	$(VENV)/bin/pytest -q

# The oracle alone, with its figures: notebooks, cells, differences by class, time.
oracle: $(STAMP) jekyll $(ORACLE_STAMP)
	$(VENV)/bin/pytest -q -s tests/test_jupyter_oracle.py

goldens: $(STAMP)
	$(PY) tests/regen_goldens.py

# The whole corpus in real Jekyll: builds, no Liquid warning, every formula exact (figures shown).
corpus: $(STAMP) jekyll
	$(VENV)/bin/pytest -q -s tests/test_corpus_jekyll.py tests/test_math_jekyll.py -k corpus

# The benchmark's peers (nbconvert, jekyllnb, psutil) are the optional group `bench`, never a
# user's dependency. Notebooks are generated into bench/out (git-ignored); results.md too.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(PIP) install --quiet -e '.[bench]'
	touch $@

bench: $(BENCH_STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .ruff_cache tests/oracle/node_modules
