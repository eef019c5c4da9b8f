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
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import corpus
import pytest
from browser import Browser, serve
from conftest import FASTPAGES_SITE
from stock_site import jekyll_build, new_site, pandockit

from pandockit import yamltext

pytestmark = corpus.mark

NOTEBOOKS = corpus.all_notebooks()

#: A page listing every post's source path, URL and what Jekyll read of it.
POSTS_JSON = """---
---
[{% for p in site.posts %}{"path": {{ p.path | jsonify }}, "url": {{ p.url | jsonify }},
"description": {{ p.description | jsonify }}, "image": {{ p.image | jsonify }}}
{% unless forloop.last %},{% endunless %}{% endfor %}]
"""

SITE_DESCRIPTION = "Write an awesome description"
#: The site's address: posts live under a baseurl, as on GitHub Pages' project sites.
SITE_URL, BASEURL = "https://reader.example", "/blog"
#: The blog's repository (the site's git remote), which badges link to.
REMOTE, REPOSITORY = "https://github.com/cast42/fastpages-blog", "cast42/fastpages-blog"


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
        config.write(f"show_excerpts: true\nfeed:\n  posts_limit: 1000\nurl: {SITE_URL}\n"
                     f"baseurl: {BASEURL}\n")
    corpus.copy(FASTPAGES_SITE / "images", path / "images")  # the blog's own pictures
    (path / "_notebooks").mkdir(exist_ok=True)
    for nb in NOTEBOOKS:
        corpus.copy(nb, path / "_notebooks" / _name(nb))
    # a clone of the blog's repository: badges link to it (its remote; branch from the posts)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    subprocess.run(["git", "-C", str(path), "remote", "add", "origin", f"{REMOTE}.git"],
                   check=True)
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
    root = path.parent / "served"  # the site under its baseurl
    root.mkdir()
    (root / BASEURL.strip("/")).symlink_to(path / "_site")
    with serve(root) as base:
        built.base = base + BASEURL
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
    return {url.removeprefix(BASEURL): _text(excerpt) for url, excerpt in items}


def _feed_summaries(site: Site) -> dict[str, str]:
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.parse(site.path / "_site" / "feed.xml").getroot()
    found = {}
    for entry in root.findall(atom + "entry"):
        url = urlsplit(entry.find(atom + "link").get("href")).path.removeprefix(BASEURL)
        found[url] = _text(entry.findtext(atom + "summary") or "")
    return found


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


# --- social image -----------------------------------------------------------------------------


def _site_file(site: Site, url: str) -> Path | None:
    """The file of the built site at the absolute ``url`` (None: not an URL of the site)."""
    prefix = SITE_URL + BASEURL + "/"
    if not url.startswith(prefix):
        return None
    return site.path / "_site" / unquote(urlsplit(url).path).removeprefix(BASEURL + "/")


def _shown(site: Site, post_url: str, src: str) -> bool:
    """Whether the picture ``src`` of the page at ``post_url`` shows: a web URL, or a file of
    the built site (a broken link to a file the notebook's folder lacked shows nothing)."""
    if re.match(r"https?://", src):
        return True
    url = urljoin(SITE_URL + BASEURL + post_url, src)
    file = _site_file(site, url)
    return file is not None and file.is_file()


def test_every_post_that_shows_a_picture_has_an_og_image_that_resolves(site: Site) -> None:
    shown = resolving = 0
    for name, post in sorted(site.posts.items()):
        page = site.html(post["url"])
        if "<head" not in page:  # a layout the site lacks (jekyllnb's ``notebook``): no meta
            continue
        content = page.split('itemprop="articleBody"', 1)[-1]
        og = _meta(page, "og:image")
        pictures = [html.unescape(p) for p in re.findall(r'<img [^>]*src="([^"]+)"', content)]
        raster = [p for p in pictures if not p.lower().endswith((".svg", ".pdf"))
                  and _shown(site, post["url"], p)]
        if not raster:
            continue
        shown += 1
        assert og is not None, f"{name} shows a picture but has no og:image"
        if og.startswith(SITE_URL):
            file = _site_file(site, og)
            assert file is not None and file.is_file(), (name, og)
            resolving += 1
        else:  # a picture on the web, as the post shows it
            assert og in pictures, (name, og)
    print(f"og:image: {resolving} resolving in the site, of {shown} posts showing a picture")
    assert resolving > 0


def test_a_notebooks_own_image_is_kept_when_the_site_has_it(site: Site) -> None:
    name = "_notebooks--2022-04-18-Economist-style.ipynb"
    og = _meta(site.html(site.posts[name]["url"]), "og:image")
    assert og == f"{SITE_URL}{BASEURL}/images/Economist_stye;_30dayschartchallenge_day12.png"
    file = _site_file(site, og)
    assert file is not None and file.is_file()


# --- heading anchors and in-page links --------------------------------------------------------

#: Every in-page link of the post's body: its target, whether the page has that element, and
#: whether the target names a heading of the post (its id, or its text as Jupyter makes an id).
IN_PAGE_LINKS = """() => {
  const heads = [...document.querySelectorAll('.post-content :is(h1,h2,h3,h4,h5,h6)')];
  const named = new Set(heads.flatMap(h => [h.id, h.textContent.trim().replace(/ /g, '-')]));
  return [...document.querySelectorAll('.post-content a[href^="#"]')].map(a => {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    return [id, id === '' || document.getElementById(id) !== null, named.has(id)];
  });
}"""


def _open(site: Site, url: str):
    page = site.browser.context.new_page()
    page.goto(site.base + url, wait_until="load")
    return page


def test_every_in_page_link_resolves(site: Site) -> None:
    links = broken = 0
    jupyter_style = 0
    for name, post in sorted(site.posts.items()):
        page = _open(site, post["url"])
        try:
            found = page.evaluate(IN_PAGE_LINKS)
        finally:
            page.close()
        links += len(found)
        jupyter_style += sum(1 for ident, _, _ in found if ident != ident.lower())
        missing = [ident for ident, ok, heading in found if not ok and heading]
        assert not missing, (name, missing)
        # a target that is no heading of the post was broken in Jupyter too (the author's)
        broken += sum(1 for _, ok, _ in found if not ok)
    print(f"in-page links: {links - broken} of {links} resolve ({jupyter_style} Jupyter ids; "
          f"{broken} name no heading of their post)")
    assert jupyter_style > 0


def test_a_link_to_another_notebook_leads_to_its_post_and_section(
    site: Site, tmp_path: Path
) -> None:
    browser = site.browser  # one Chromium per module
    site = new_site(tmp_path / "two", tmp_path)
    assert pandockit("init", "--site", site).returncode == 0
    with (site / "_config.yml").open("a", encoding="utf-8") as config:
        config.write("baseurl: /b\npermalink: pretty\n")
    notebooks = site / "_notebooks"
    (notebooks / "sub").mkdir(parents=True)

    def md(text: str) -> dict:
        return {"cell_type": "markdown", "metadata": {}, "source": text}

    def save(path: Path, *cells: str) -> None:
        nb = {"cells": [md(c) for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        path.write_text(json.dumps(nb), encoding="utf-8")

    save(notebooks / "2021-05-06-first.ipynb",
         "# First\n> The first post.\n\n- categories: [Deep Learning, fun]",
         "Read [the other's section](sub/2022-01-02-other%20one.ipynb#Second-Part) now.")
    save(notebooks / "sub" / "2022-01-02-other one.ipynb", "# Other\n\nFiller text " * 40,
         "## Second Part\n\n" + "More text. " * 300,
         "Back to [the first](../2021-05-06-first.ipynb).")
    proc = pandockit("build", "--site", site)
    assert proc.returncode == 0, proc.stderr
    jekyll_build(site)
    root = tmp_path / "served"
    root.mkdir()
    (root / "b").symlink_to(site / "_site")
    with serve(root) as base:
        page = browser.context.new_page()
        try:
            page.goto(base + "/b/deep%20learning/fun/2021/05/06/first/", wait_until="load")
            assert page.title().startswith("First")
            page.click("text=the other's section")
            page.wait_for_load_state("load")
            assert page.url == base + "/b/2022/01/02/other-one/#Second-Part"
            assert page.evaluate("document.getElementById('Second-Part') !== null")
            assert page.evaluate("window.scrollY") > 0  # it went to the section
            page.click("text=the first")
            page.wait_for_load_state("load")
            assert page.title().startswith("First")
        finally:
            page.close()


# --- TOC and badges ---------------------------------------------------------------------------

#: The TOC's links (text, target found) and the badges' links (text, href) of a post page.
TOP = """() => ({
  toc: [...document.querySelectorAll('.post-content #markdown-toc a')].map(a => [
    a.textContent, document.getElementById(decodeURIComponent(a.hash.slice(1))) !== null]),
  tocs: document.querySelectorAll('#markdown-toc').length,
  badges: [...document.querySelectorAll('.post-content .pandockit-badges a')].map(a => [
    a.textContent, a.href]),
  headings: document.querySelectorAll('.post-content :is(h1,h2,h3,h4,h5,h6)').length,
})"""


def _asks(post: dict, key: str) -> bool:
    return post["front"].get(key) is True


def test_every_post_that_asks_for_a_toc_or_badges_shows_them_with_links_that_resolve(
    site: Site,
) -> None:
    tocs = badges = asked_toc = asked_badges = 0
    for name, post in sorted(site.posts.items()):
        page = _open(site, post["url"])
        try:
            top = page.evaluate(TOP)
        finally:
            page.close()
        assert top["tocs"] <= 1, name  # never twice
        if _asks(post, "toc") and top["headings"]:
            asked_toc += 1
            assert top["toc"], f"{name} asks for a TOC and shows none"
            assert all(found for _, found in top["toc"]), (name, top["toc"])
            assert len(top["toc"]) == top["headings"], name  # every heading, once
            tocs += 1
        elif not _asks(post, "toc"):
            assert top["tocs"] == 0, name
        if _asks(post, "badges"):
            asked_badges += 1
            branch = post["front"].get("branch", "HEAD")
            path = "_notebooks/" + quote(name)
            binder = f"{branch}?labpath={quote(path, safe='')}"
            assert top["badges"] == [
                ["View on GitHub", f"https://github.com/{REPOSITORY}/blob/{branch}/{path}"],
                ["Open in Colab",
                 f"https://colab.research.google.com/github/{REPOSITORY}/blob/{branch}/{path}"],
                ["Launch Binder", f"https://mybinder.org/v2/gh/{REPOSITORY}/{binder}"],
            ], name
            assert (site.path / unquote(path)).is_file()  # the notebook the links open
            badges += 1
        else:
            assert top["badges"] == [], name
    print(f"TOC shown on {tocs} of {asked_toc} posts asking for one (with headings); "
          f"badges on {badges} of {asked_badges}")
    assert tocs == asked_toc > 0 and badges == asked_badges > 0


# --- copy buttons -----------------------------------------------------------------------------

#: Before the page's scripts: record what is written to the clipboard (the page still copies).
RECORD_CLIPBOARD = """(() => {
  window.__copied = [];
  const clipboard = navigator.clipboard;
  const write = clipboard.writeText.bind(clipboard);
  clipboard.writeText = text => { window.__copied.push(text); return write(text).catch(() => {}); };
})()"""


def _code_sources(nb: Path) -> set[str]:
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    out = set()
    for cell in cells:
        source = cell.get("source", "")
        out.add("".join(source) if isinstance(source, list) else source)
    return out


def test_a_copy_button_copies_the_cells_exact_source_by_keyboard(site: Site) -> None:
    name = "_notebooks--2020-11-01-rt-be-region.ipynb"
    nb = next(nb for nb in NOTEBOOKS if _name(nb) == name)
    sources = _code_sources(nb)
    page = site.browser.context.new_page()
    page.add_init_script(RECORD_CLIPBOARD)
    try:
        page.goto(site.base + site.posts[name]["url"], wait_until="load")
        buttons = page.locator("div.highlighter-rouge button.pandockit-copy")
        count = buttons.count()
        assert count > 3
        assert page.locator(".pandockit-output button.pandockit-copy").count() == 0
        for i in range(count):
            buttons.nth(i).focus()  # Tab reaches a <button>; Enter presses it
            page.keyboard.press("Enter")
        copied = page.evaluate("window.__copied")
        assert len(copied) == count
        assert all(text in sources for text in copied), [t for t in copied if t not in sources]
        assert any("\n" in text for text in copied)  # whole cells, line breaks kept
        buttons.nth(0).focus()
        page.keyboard.press("Space")  # a <button>: Space presses it too; the label says so
        page.wait_for_function(
            "document.querySelector('button.pandockit-copy').textContent === 'Copied'")
        assert len(page.evaluate("window.__copied")) == count + 1
    finally:
        page.close()
