"""The blog around the post, on a stock ``jekyll new`` site (minima 2.5.1, jekyll-feed,
jekyll-seo-tag, ``show_excerpts: true``) after ``pandockit init`` and ``pandockit build``, with
the real notebooks (the corpus and a real fastpages blog's): what a reader meets outside each
post (home page excerpt, feed summary, meta description, social image) and at its top (TOC,
badges, heading anchors, copy buttons), read from the built site and in headless Chromium.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser import Browser, serve
from conftest import CORPUS, FASTPAGES_SITE
from stock_site import jekyll_build, new_site, pandockit

from pandockit import yamltext

pytestmark = pytest.mark.jekyll

NOTEBOOKS = sorted({*CORPUS.rglob("*.ipynb"), *(FASTPAGES_SITE / "_notebooks").glob("*.ipynb")})

#: A page listing every post's source path, URL and what Jekyll read of it.
POSTS_JSON = """---
---
[{% for p in site.posts %}{"path": {{ p.path | jsonify }}, "url": {{ p.url | jsonify }},
"description": {{ p.description | jsonify }}, "image": {{ p.image | jsonify }}}
{% unless forloop.last %},{% endunless %}{% endfor %}]
"""

SITE_DESCRIPTION = "Write an awesome description"


def _name(nb: Path) -> str:
    return f"{nb.parent.name}--{nb.name}"


class Site:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.posts: dict[str, dict] = {}  # notebook name -> {"url", "description", "front"}
        self.base = ""
        self.browser: Browser | None = None

    def page_file(self, url: str) -> Path:
        path = self.path / "_site" / unquote(url).lstrip("/")
        return path / "index.html" if url.endswith("/") else path

    def html(self, url: str) -> str:
        return self.page_file(url).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path = new_site(tmp_path_factory.mktemp("blog") / "blog", tmp_path_factory.getbasetemp())
    proc = pandockit("init", "--site", path)
    assert proc.returncode == 0, proc.stderr
    with (path / "_config.yml").open("a", encoding="utf-8") as config:
        config.write("show_excerpts: true\nfeed:\n  posts_limit: 1000\n")
    (path / "_notebooks").mkdir()
    for nb in NOTEBOOKS:
        shutil.copy(nb, path / "_notebooks" / _name(nb))
    proc = pandockit("build", "--site", path)
    assert proc.returncode == 0, proc.stderr
    (path / "posts.json").write_text(POSTS_JSON, encoding="utf-8")
    jekyll_build(path)
    listed = json.loads((path / "_site" / "posts.json").read_text(encoding="utf-8"))
    by_path = {item["path"]: item for item in listed}
    manifest = json.loads((path / ".pandockit" / "manifest.json").read_text(encoding="utf-8"))
    built = Site(path)
    for rel, entry in manifest["notebooks"].items():
        if entry["post"] in by_path:  # a post Jekyll does not publish (hide, future) is absent
            post = dict(by_path[entry["post"]])
            text = (path / entry["post"]).read_text(encoding="utf-8")
            post["front"] = yamltext.load(text.split("---\n", 2)[1])
            built.posts[Path(rel).name] = post
    browser = Browser()
    built.browser = browser
    with serve(path / "_site") as base:
        built.base = base
        yield built
    browser.close()


# --- summaries ------------------------------------------------------------------------------


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def unclean(text: str) -> str | None:
    """Why ``text``, shown as a post's summary, is not clean prose (None: it is)."""
    if "```" in text or re.match(r"(import|from) \w+", text):
        return "code"
    if re.search(r"\\\(|\\\)|\\\[|\\\]|\$", text):
        return "TeX delimiters"
    if re.search(r"</?[A-Za-z][^>]*>|{{|{%", text):
        return "markup shown as text"
    if len(text.split()) < 3:
        return "a heading or a label"
    return None


def _home_excerpts(site: Site) -> dict[str, str]:
    home = (site.path / "_site" / "index.html").read_text(encoding="utf-8")
    items = re.findall(r'<a class="post-link" href="([^"]*)">.*?</a>\s*</h3>(.*?)</li>', home,
                       re.S)
    return {url: _text(excerpt) for url, excerpt in items}


def _feed_summaries(site: Site) -> dict[str, str]:
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.parse(site.path / "_site" / "feed.xml").getroot()
    return {urlsplit(e.find(atom + "link").get("href")).path: _text(e.findtext(atom + "summary")
            or "") for e in root.findall(atom + "entry")}


def _meta(page: str, name: str) -> str | None:
    found = re.search(rf'<meta (?:name|property)="{re.escape(name)}" content="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def test_every_summary_is_clean_prose_on_the_home_page_in_the_feed_and_the_meta_tags(
    site: Site,
) -> None:
    excerpts, feed = _home_excerpts(site), _feed_summaries(site)
    clean = bare = 0
    for name, post in sorted(site.posts.items()):
        url, description = post["url"], post["front"].get("description")
        if description is None:  # no prose: nothing invented, no first block shown instead
            assert post["front"]["excerpt"] == "", name
            assert excerpts[url] == "" and feed[url] == "", name
            meta = _meta(site.html(url), "description")
            assert meta is None or meta.startswith(SITE_DESCRIPTION), (name, meta)
            bare += 1
            continue
        text = _text(post["front"]["excerpt"])  # the description as plain text
        assert text and text.replace(" ", "") in _text(str(description)).replace("`", "").replace(
            " ", "") + "\u2026", name
        for where, shown in (("home page", excerpts[url]), ("feed", feed[url]),
                             ("meta", _meta(site.html(url), "description")),
                             ("og", _meta(site.html(url), "og:description"))):
            assert shown == text, (name, where, shown)
        own = "description" in json.dumps(_notebook_front(name))
        assert own or unclean(text) is None, (name, unclean(text), text)
        clean += 1
    print(f"summaries: {clean} prose, {bare} without prose, of {len(site.posts)} posts")
    assert clean >= len(site.posts) - bare > 0


def _notebook_front(name: str) -> str:
    """The notebook's first markdown cell (where fastpages' ``> summary`` is)."""
    nb = next(nb for nb in NOTEBOOKS if _name(nb) == name)
    cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
    first = next((c for c in cells if c.get("cell_type") == "markdown"), {})
    source = first.get("source", "")
    text = "".join(source) if isinstance(source, list) else source
    return "description" if re.search(r"^>", text, re.M) or "description:" in text else ""
