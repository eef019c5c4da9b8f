"""A real fastpages blog, configured as ``pandockit init`` configures one, built with
``pandockit build`` and the real ``jekyll build``: every post fastpages published, at its URL,
with its title and description (``published.tsv``), and no other; plus crafted notebooks for
each fastpages rule (``- toc:true``, notes, embeds, a subfolder notebook, undated names).

The blog is the corpus's ``fastpages-site`` (tests/corpus.py), copied into a temporary folder
before anything runs in it: the corpus is never written."""

from __future__ import annotations

import difflib
import html
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import corpus
import pytest
import yaml

from pandockit import fastpages

BLOG = corpus.FASTPAGES_SITE
BIN = Path(sys.executable).parent

pytestmark = corpus.mark

#: What the test build passes after the blog's own _config.yml: the plugins Debian has (the
#: blog lists jekyll-gist, jekyll-octicons, jekyll-toc, ... which are not installed here), the
#: minima theme, and kramdown's own MathJax output instead of KaTeX (kramdown-math-katex is not
#: installed here; see docs/fastpages.md).
OVERRIDE = {
    "theme": "minima",
    "plugins": ["jekyll-feed", "jekyll-seo-tag"],
    "remote_theme": None,
    "kramdown": {"math_engine": "mathjax"},
}

#: An undated notebook's modification time (fastpages dated it one day earlier).
MTIME = datetime(2021, 6, 15, 12, 0).timestamp()


def md(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def code(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source}


def write_nb(path: Path, *cells: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    node = {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    path.write_text(json.dumps(node), encoding="utf-8")
    return path


CRAFTED_FIRST_CELL = (
    "# Crafted: \"every rule\"\n"
    "> A summary with a [link](https://example.com/a).\n"
    "\n"
    "- toc:true\n"
    "- badges: false\n"
    "- comments: true\n"
    "- hide: false\n"
    "- author: Ann Author\n"
    "- categories: [fastpages, Testing]\n"
    "- image: images/chart-preview.png"
)

NOTES = (
    "> Note: a note with **bold** and {{ site.title }} kept as text\n"
    "\n"
    "> Warning: careful {% if true %}now{% endif %}\n"
    "\n"
    "> tip: a tip, lower case\n"
    "> Important: two notes in one quotation\n"
    "\n"
    "> Other: stays a quotation\n"
    "\n"
    "> youtube: https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m5s\n"
    "\n"
    "> twitter: https://twitter.com/jakevdp/status/1204765621767901185?s=20\n"
    "\n"
    "> twitter: https://x.com/fastdotai/status/1234567890123456789\n"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The blog with the crafted notebooks, through pandockit init's options, pandockit build
    and jekyll build."""
    site = tmp_path_factory.mktemp("fastpages") / "blog"
    corpus.copy(BLOG, site)
    assert (site / "_action_files").is_dir()  # what makes it a fastpages repository
    # fastpages' notebook layout: the post layout, which shows badges on notebook posts.
    (site / "_layouts").mkdir()
    (site / "_layouts" / "notebook.html").write_text("---\nlayout: post\n---\n{{ content }}\n")
    assert fastpages.detect(site)
    nbs = site / "_notebooks"
    write_nb(nbs / "2021-03-04-crafted.ipynb", md(CRAFTED_FIRST_CELL), md(NOTES), code("1 + 1"))
    write_nb(
        nbs / "2021-03-05-permalink.ipynb",
        md("# Moved\n> Has its own URL\n\n- permalink: /moved-here/\n- hide: true"),
        md("> Note: no tweet here"),
    )
    undated = [
        write_nb(nbs / "My Undated Post.ipynb", md("# Undated\n> Dated by fastpages\n")),
        write_nb(nbs / "01-intro notes.ipynb", md("# Intro\n> Leading digits go\n")),
    ]
    for path in undated:
        os.utime(path, (MTIME, MTIME))
    write_nb(nbs / "drafts" / "2021-03-04-crafted.ipynb", md("# Draft\n> never a post\n"))
    write_nb(nbs / "data" / "scratch.ipynb", md("# Scratch\n> never a post\n"))
    # pandockit init configures the blog: the fastpages options go into _config.yml.
    before = (site / "_config.yml").read_text(encoding="utf-8")
    init = subprocess.run([str(BIN / "pandockit"), "init"], cwd=site, capture_output=True,
                          text=True, check=False)
    assert init.returncode == 0, init.stderr
    assert ("changes _config.yml: notebook sources are not published ('*.ipynb' excluded); a "
            "fastpages blog: notebooks converted as fastpages did (pandockit: options)"
            ) in init.stdout.splitlines()
    config = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8"))
    assert config["pandockit"] == fastpages.site_options(site)
    after = (site / "_config.yml").read_text(encoding="utf-8").splitlines()
    ops = difflib.SequenceMatcher(None, before.splitlines(), after).get_opcodes()
    assert {op[0] for op in ops} == {"equal", "insert"}  # every line of the user's is kept
    (site / "_test_override.yml").write_text(yaml.safe_dump(OVERRIDE), encoding="utf-8")
    proc = subprocess.run(
        [str(BIN / "pandockit"), "build", "-j", "2"], cwd=site, capture_output=True, text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    jekyll = subprocess.run(
        ["jekyll", "build", "--config", "_config.yml,_test_override.yml"],
        cwd=site, capture_output=True, text=True, check=False,
    )
    assert jekyll.returncode == 0, jekyll.stdout + jekyll.stderr
    return site


def published() -> list[tuple[str, str, str]]:
    rows = []
    for line in (BLOG / "published.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            path, title, description = line.split("\t")
            rows.append((path, title, description))
    return rows


def notebook_rows() -> list[tuple[str, str, str]]:
    """The rows of published.tsv that are notebook posts: their date and name match a
    notebook directly in _notebooks/."""
    names = {p.stem for p in (BLOG / "_notebooks").glob("*.ipynb")}
    rows = []
    for path, title, description in published():
        m = re.search(r"(\d{4})/(\d{2})/(\d{2})/([^/]+)\.html$", path)
        if m and "-".join(m.groups()) in names:
            rows.append((path, title, description))
    return rows


def built_page(site: Path, path: str) -> Path:
    """The built page at ``path``; a row cut at a space (see PROVENANCE.md) by its end."""
    exact = site / "_site" / path
    if exact.is_file():
        return exact
    found = [p for p in (site / "_site").rglob("*.html")
             if p.relative_to(site / "_site").as_posix().endswith(" " + path)]
    assert len(found) == 1, f"no page at {path}"
    return found[0]


def head_of(page: Path) -> tuple[str, str]:
    text = page.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    desc = re.search(r'<meta name="description" content="([^"]*)"', text)
    return (html.unescape(title.group(1)) if title else "",
            html.unescape(desc.group(1)) if desc else "")


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_every_notebook_post_fastpages_published_is_at_its_url_with_its_title(built: Path):
    rows = notebook_rows()
    assert len(rows) == 12
    for path, title, description in rows:
        page = built_page(built, path)
        got_title, got_description = head_of(page)
        if title:  # the row cut at a space has neither
            assert (got_title, got_description) == (title, description), path


def test_the_posts_are_the_notebooks_directly_in_notebooks_and_no_others(built: Path):
    day = datetime.fromtimestamp(MTIME - 86400).date().isoformat()
    expected = {p.stem for p in (BLOG / "_notebooks").glob("*.ipynb")} | {
        "2021-03-04-crafted", "2021-03-05-permalink", f"{day}-My-Undated-Post",
        f"{day}-intro-notes",
    }
    assert {p.stem for p in (built / "_posts").glob("*.md")} == expected
    assert not (built / "_site" / "drafts").exists()
    pages = [p.read_text(encoding="utf-8") for p in (built / "_site").rglob("*.html")]
    assert not any("never a post" in text for text in pages)


def test_undated_names_are_dated_and_cleaned_as_fastpages_did(built: Path):
    y, m, d = datetime.fromtimestamp(MTIME - 86400).strftime("%Y %m %d").split()
    page = built / "_site" / y / m / d / "My-Undated-Post.html"
    assert head_of(page)[0] == "Undated | Blog of cast42"
    assert (built / "_site" / y / m / d / "intro-notes.html").is_file()


def test_crafted_front_matter_keys_are_exact(built: Path):
    fm = front_matter(built / "_posts" / "2021-03-04-crafted.md")
    assert fm["title"] == 'Crafted: "every rule"'
    assert fm["description"] == "A summary with a <a href='https://example.com/a'>link</a>."
    assert fm["toc"] is True
    assert fm["badges"] is False
    assert fm["comments"] is True
    assert fm["hide"] is False
    assert fm["author"] == "Ann Author"
    assert fm["categories"] == ["fastpages", "Testing"]
    assert fm["image"] == "images/chart-preview.png"
    assert fm["layout"] == "notebook"
    assert fm["nb_path"] == "_notebooks/2021-03-04-crafted.ipynb"
    page = built / "_site" / "fastpages" / "testing" / "2021" / "03" / "04" / "crafted.html"
    text = page.read_text(encoding="utf-8")
    assert head_of(page)[0] == 'Crafted: “every rule” | Blog of cast42'
    assert 'content="https://cast42.github.io/blog/images/chart-preview.png"' in text
    moved = front_matter(built / "_posts" / "2021-03-05-permalink.md")
    assert (moved["permalink"], moved["hide"]) == ("/moved-here/", True)
    assert head_of(built / "_site" / "moved-here" / "index.html")[0] == "Moved | Blog of cast42"


def test_notes_are_styled_boxes_and_their_text_never_liquid(built: Path):
    page = built / "_site" / "fastpages" / "testing" / "2021" / "03" / "04" / "crafted.html"
    text = page.read_text(encoding="utf-8")
    boxes = re.findall(
        r'<div class="pandockit-note pandockit-note-(\w+)">\s*<p><strong>(\w+):</strong> (.*?)</p>',
        text, re.S,
    )
    assert [(style, label) for style, label, _ in boxes] == [
        ("note", "Note"), ("warning", "Warning"), ("tip", "Tip"), ("important", "Important"),
    ]
    assert boxes[0][2] == "a note with <strong>bold</strong> and {{ site.title }} kept as text"
    assert boxes[1][2] == "careful {% if true %}now{% endif %}"
    assert "<blockquote>\n  <p>Other: stays a quotation</p>\n</blockquote>" in text
    css = (Path(fastpages.__file__).parent / "data" / "site" / "css" / "notes.css").read_text()
    for style, _, _ in boxes:
        assert f".pandockit-note-{style}" in css or style == "note"


def test_youtube_and_twitter_embeds_and_the_script_only_where_needed(built: Path):
    page = built / "_site" / "fastpages" / "testing" / "2021" / "03" / "04" / "crafted.html"
    text = page.read_text(encoding="utf-8")
    assert '<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ' \
           '?start=65"' in text
    tweets = re.findall(r'<blockquote class="twitter-tweet"><a href="([^"]+)">', text)
    assert tweets == ["https://twitter.com/jakevdp/status/1204765621767901185",
                      "https://twitter.com/fastdotai/status/1234567890123456789"]
    assert text.count("platform.twitter.com/widgets.js") == 1
    moved = (built / "_site" / "moved-here" / "index.html").read_text(encoding="utf-8")
    assert "pandockit-note-note" in moved and "widgets.js" not in moved
    real = built_page(built, "cast42/covid19/belgium/2020/11/05/RKI-rte-calculation.html")
    real_text = real.read_text(encoding="utf-8")
    assert real_text.count('class="twitter-tweet"') == 4
    assert real_text.count("platform.twitter.com/widgets.js") == 1


def test_images_copied_from_nb_and_social_cards_keep_working(built: Path):
    # The folder fastpages' Action filled stays in the site: Jekyll publishes what is kept
    # there at the same URL, and pandockit neither writes nor removes anything in it.
    assert (built / "_site" / "images" / "copied_from_nb" / "README.md").is_file()
    assert sorted(p.name for p in (built / "images" / "copied_from_nb").iterdir()) == [
        "README.md"
    ]
    page = built_page(built, "cast42/altair/2022/04/24/FT-barchart-altair.html")
    text = page.read_text(encoding="utf-8")
    assert 'content="https://cast42.github.io/blog/images/barchart_FT_style_altair.png"' in text
    assert (built / "_site" / "images" / "barchart_FT_style_altair.png").is_file()
    # Markdown images of a notebook (fastpages: images/copied_from_nb/my_icons/...) are
    # copied with the post and show.
    test_page = built_page(built, "jupyter/2020/02/20/test.html").read_text(encoding="utf-8")
    srcs = re.findall(r'<img src="([^"]*fastai_logo[^"]*)"', test_page)
    assert srcs and all((built / "_site" / s.removeprefix("/blog/")).is_file() for s in srcs)


def test_a_second_build_converts_nothing(built: Path):
    proc = subprocess.run([str(BIN / "pandockit"), "build"], cwd=built, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0
    assert "0 converted" in proc.stdout + proc.stderr
