"""No script through ``--html sanitize`` or ``drop`` (issue 20, items 1, 2 and 7's markdown cells),
checked on the page the real Jekyll builds, read with an HTML5 parser and opened in Chromium.

Each crafted notebook is a post: a ``text/markdown`` output with the issue's script, event
handler and ``javascript:`` link; one with kramdown's own ways to HTML (``{::nomarkdown}``, an
attribute list, a ``javascript:`` reference link); one that leaves a ``<div>`` open; SVG
outputs with scripts, handlers, ``foreignObject``, an XHTML script and ``javascript:`` links
(and one that is not XML, beside a PNG); markdown cells with ``<plaintext>``, and an inline
``<script>``, ``<style>`` and ``<template>`` in a paragraph. Every payload sets
``window.__pwned``: Chromium must end each page (and each SVG opened by its URL) without it.
Built once per ``--html`` mode.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import nbformat
import nbformat.v4 as nbv
import pytest
from browser import Browser, serve
from converting import convert
from jekyll_site import JekyllSite, jekyll_available
from selectolax.lexbor import LexborHTMLParser, LexborNode

from pandockit.config import resolve_options

pytestmark = [
    pytest.mark.skipif(not jekyll_available(), reason="needs the jekyll command"),
]

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
    "rkJggg=="
)
PWN = "window.__pwned='{}'"
#: The issue's reproduction, as written there.
ISSUE_MD = ('<script>alert(1)</script><img src=x onerror=alert(2)>'
            '<a href="javascript:alert(3)">x</a>')
MD_SCRIPT = (f"<script>{PWN.format('md-script')}</script>"
             f'<img src=x onerror="{PWN.format("md-onerror")}">'
             f'<a id="jslink" href="javascript:{PWN.format("md-link")}">x</a> after')
MD_KRAMDOWN = (
    "hello *there*\n{: onmouseover=\"" + PWN.format("ial") + "\"}\n\n"
    "{::nomarkdown}<img src=x onerror=\"" + PWN.format("nomarkdown") + "\">{:/}\n\n"
    "[ref][r] and [inline](javascript:" + PWN.format("inline") + ")\n\n"
    "[r]: javascript:" + PWN.format("ref") + "\n"
)
MD_OPEN = '<div class="mdwrap">\n\n**inside** the div'
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    f'width="40" height="20" onload="{PWN.format("svg-onload")}">'
    f'<script>{PWN.format("svg-script")}</script>'
    '<rect id="drawing" width="40" height="20" fill="#36c" '
    f'onclick="{PWN.format("svg-click")}"/>'
    f'<a xlink:href="javascript:{PWN.format("svg-link")}"><text x="2" y="15">go</text></a>'
    '<foreignObject width="10" height="10"><body xmlns="http://www.w3.org/1999/xhtml">'
    f'<img src="x" onerror="{PWN.format("svg-foreign")}"/></body></foreignObject>'
    '<h:script xmlns:h="http://www.w3.org/1999/xhtml">' + PWN.format("svg-xhtml") +
    '</h:script>'
    '<set attributeName="onmouseover" to="' + PWN.format("svg-set") + '"/>'
    '<path id="line" d="M0 0 L40 20" stroke="black"/></svg>'
)
SVG_BROKEN = f'<svg xmlns="http://www.w3.org/2000/svg"><script>{PWN.format("broken")}</script>'
#: An "image" that is an HTML page: its asset file would run on the site's origin if opened.
DATA_HTML = "![x](data:text/html;base64," + base64.b64encode(
    f"<script>{PWN.format('data-html')}</script>".encode()).decode() + ")"
#: Markdown cells (item 7): each followed by the later cells.
CELLS = {
    "plaintext": "a <plaintext> b\n\nafter plaintext",
    "style": "para <style>p{color:red}</style> more",
    "script": f"para <script>{PWN.format('cell-script')}</script> more",
    "template": "para <template><b>t</b></template> more",
}


def _output(data: dict) -> nbformat.NotebookNode:
    return nbv.new_code_cell("show()", outputs=[nbv.new_output("display_data", data=data)])


def later(n: int) -> list:
    return [
        nbv.new_code_cell(f"print('later code {n}')", outputs=[
            nbv.new_output("stream", name="stdout", text=f"later stdout {n}\n")]),
        nbv.new_markdown_cell(f"Later paragraph {n} with **bold**."),
    ]


def notebooks() -> dict[str, list]:
    made = {
        "md-issue": [_output({"text/markdown": ISSUE_MD, "text/plain": "md"})],
        "md-script": [_output({"text/markdown": MD_SCRIPT, "text/plain": "md"})],
        "md-kramdown": [_output({"text/markdown": MD_KRAMDOWN, "text/plain": "md"})],
        "md-open": [_output({"text/markdown": MD_OPEN, "text/plain": "md"})],
        "svg": [_output({"image/svg+xml": SVG, "text/plain": "<Figure>"})],
        "svg-broken": [_output({"image/svg+xml": SVG_BROKEN, "image/png": PNG,
                                "text/plain": "<Figure>"})],
    }
    for name, source in CELLS.items():
        made[f"cell-{name}"] = [nbv.new_markdown_cell(source)]
    made["data-html"] = [nbv.new_markdown_cell(DATA_HTML)]
    return {name: [*cells, *later(i)] for i, (name, cells) in enumerate(made.items())}


class Built:
    def __init__(self, site: JekyllSite, posts: dict[str, Path], mode: str, log: str) -> None:
        self.site = site
        self.posts = posts
        self.mode = mode
        self.log = log
        self.files = {}
        for page in site.dest.rglob("*.html"):
            m = re.search(r'<meta name="pandockit-source" content="([^"]*)">',
                          page.read_text(encoding="utf-8"))
            if m:
                self.files[html.unescape(m.group(1))] = page

    def page(self, name: str) -> Path:
        return self.files[self.posts[name].relative_to(self.site.path).as_posix()]

    def article(self, name: str) -> LexborNode:
        node = LexborHTMLParser(self.page(name).read_text(encoding="utf-8")).css_first("article")
        assert node is not None
        return node

    def url(self, base: str, file: Path) -> str:
        return base + "/" + file.relative_to(self.site.dest).as_posix()


@pytest.fixture(scope="module", params=["keep", "sanitize", "drop"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    mode = request.param
    root = tmp_path_factory.mktemp(f"safe-{mode}")
    site = JekyllSite(root / "site", {"kramdown": {"show_warnings": True}})
    options = resolve_options(site.path, {"html": mode})
    posts = {}
    for i, (name, cells) in enumerate(notebooks().items()):
        path = root / f"2021-02-{i + 1:02d}-{name}.ipynb"
        nbformat.write(nbv.new_notebook(cells=cells), str(path))
        posts[name] = convert(path, site.path, options).post
    return Built(site, posts, mode, site.build().output)


@pytest.fixture(scope="module")
def browser() -> Browser:
    opened = Browser()
    yield opened
    opened.close()


def live_spots(article: LexborNode) -> list[str]:
    """What can run in ``article``: script elements, event handler attributes, links and
    sources to ``javascript:`` (read as a browser reads a URL)."""
    found = [f"<script> {s.text()[:40]!r}" for s in article.css("script")]
    for node in article.css("*"):
        for name, value in node.attributes.items():
            if name.lower().startswith("on"):
                found.append(f"<{node.tag} {name}>")
            compact = re.sub(r"[\x00-\x20]+", "", value or "").lower()
            if compact.startswith(("javascript:", "vbscript:", "data:text/html")):
                found.append(f"<{node.tag} {name}={value!r}>")
    return found


POSTS = [*notebooks()]


@pytest.mark.parametrize("built", ["sanitize", "drop"], indirect=True)
@pytest.mark.parametrize("name", POSTS)
def test_nothing_runs_with_sanitize_or_drop(built: Built, name: str) -> None:
    assert live_spots(built.article(name)) == []


@pytest.mark.parametrize("built", ["keep"], indirect=True)
def test_keep_publishes_a_trusted_notebooks_scripts(built: Built) -> None:
    """keep is for notebooks you trust: the Markdown output's script, handler and link stay
    live, as Jupyter runs a trusted notebook's outputs."""
    spots = live_spots(built.article("md-issue"))
    assert any(s.startswith("<script>") for s in spots), spots
    assert any(" onerror>" in s for s in spots), spots


@pytest.mark.parametrize("name", POSTS)
def test_later_cells_stand_on_their_own(built: Built, name: str) -> None:
    article = built.article(name)
    n = POSTS.index(name)
    codes = [c for c in article.css("code") if f"later stdout {n}" in c.text()
             or f"later code {n}" in c.text()]
    assert len(codes) == 2, f"later cells of {name} missing: {article.html[:2000]}"
    paras = [p for p in article.css("p") if f"Later paragraph {n}" in p.text()]
    assert len(paras) == 1
    for node in [*codes, paras[0]]:
        while node.parent is not None and node.parent.tag != "article":
            assert node.parent.tag not in ("plaintext", "template", "script", "style"), name
            assert "mdwrap" not in (node.parent.attributes.get("class") or ""), name
            node = node.parent


def test_markdown_output_reads_as_jupyter_renders_it(built: Built) -> None:
    if built.mode == "drop":
        # a line that opens with <script> is an HTML block, as CommonMark reads it: removed
        # whole; the output has nothing left, and is left out
        assert built.article("md-script").css_first("div.pandockit-html") is None
    else:
        img = built.article("md-script").css_first("div.pandockit-html img")
        assert img is not None and img.attributes.get("src") == "x"
    # an element left open ends with the output; the Markdown after it is in it
    wrap = built.article("md-open").css_first(".mdwrap")
    if built.mode == "drop":
        assert wrap is None
        assert built.article("md-open").css_first("div.pandockit-html strong").text() == "inside"
    else:
        assert wrap is not None and wrap.css_first("strong").text() == "inside"
    # kramdown's syntax is text, as Jupyter shows it
    kd = built.article("md-kramdown")
    assert kd.css_first("em").text() == "there"
    assert "{: onmouseover=" in kd.text() and "{::nomarkdown}" in kd.text()
    if built.mode == "keep":
        # trusted: the output's own script is on the page, as Jupyter runs it
        assert built.article("md-issue").css_first("script").text() == "alert(1)"


def test_svg_file_is_clean_and_still_draws(built: Built, browser: Browser) -> None:
    folder = built.site.path / "assets" / "nb_files" / built.posts["svg"].stem
    (svg,) = folder.glob("*.svg")
    data = svg.read_bytes()
    if built.mode == "keep":
        assert data == SVG.encode("utf-8")  # byte for byte, as today
        return
    assert not re.search(rb"<(?:\w+:)?script|\son\w+\s*=|javascript:|foreignObject|<set\b",
                         data), data
    with serve(built.site.path) as base:
        page = browser.context.new_page()  # an SVG document: no body for browser.open's facts
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/{svg.relative_to(built.site.path).as_posix()}", wait_until="load")
        try:
            page.mouse.click(5, 5)
            page.mouse.click(4, 16)  # the link that was javascript:
            page.wait_for_timeout(200)
            assert page.evaluate("window.__pwned === undefined")
            box = page.evaluate("(() => { const r = document.getElementById('drawing');"
                                " const b = r.getBBox(); return [b.width, b.height]; })()")
            assert box == [40, 20]
            assert page.evaluate("document.getElementById('line').getTotalLength() > 40")
            assert errors == []
        finally:
            page.close()


def test_svg_that_is_not_xml_gives_way_to_the_png(built: Built) -> None:
    folder = built.site.path / "assets" / "nb_files" / built.posts["svg-broken"].stem
    names = sorted(p.suffix for p in folder.iterdir() if not p.name.startswith("."))
    assert names == ([".svg"] if built.mode == "keep" else [".png"])
    if built.mode != "keep":
        assert base64.b64decode(PNG) == next(folder.glob("*.png")).read_bytes()


def test_only_inert_files_are_written_with_sanitize_or_drop(built: Built) -> None:
    folder = built.site.path / "assets" / "nb_files" / built.posts["data-html"].stem
    written = sorted(p.suffix for p in folder.glob("[!.]*")) if folder.exists() else []
    assert written == ([".html"] if built.mode == "keep" else [])


def test_markdown_cells_show_as_jupyterlab_shows_them(built: Built) -> None:
    plain = built.article("cell-plaintext")
    assert plain.css_first("plaintext") is None
    texts = [p.text().strip() for p in plain.css("p")]
    assert "a b" in texts and "after plaintext" in texts
    for name, hidden in (("style", "color:red"), ("script", "__pwned")):
        article = built.article(f"cell-{name}")
        assert hidden not in article.text() and "para more" in article.text()
        assert article.css_first(name) is None
    template = built.article("cell-template")
    assert template.css_first("template") is None
    assert template.css_first("b").text() == "t"  # JupyterLab's sanitiser keeps the content


def test_no_page_runs_a_payload_in_chromium(built: Built, browser: Browser) -> None:
    """Every post page, opened in Chromium, ends without ``window.__pwned`` (with keep: the
    markdown cells' inline script is gone too; the outputs' scripts run, as trusted)."""
    with serve(built.site.dest) as base:
        ran = {}
        for name in POSTS:
            if built.mode == "keep" and not name.startswith("cell-"):
                continue
            _, page = browser.open(built.url(base, built.page(name)))
            try:
                for link in page.query_selector_all("article a"):
                    link.click(no_wait_after=True, timeout=2000)
                page.wait_for_timeout(100)
                value = page.evaluate("window.__pwned")
            finally:
                page.close()
            if value is not None:
                ran[name] = value
    assert ran == {}


def test_kramdown_closed_every_element(built: Built) -> None:
    assert "no end tag" not in built.log and "invalidly used" not in built.log, built.log
