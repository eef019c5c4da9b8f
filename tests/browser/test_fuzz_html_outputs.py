"""Fuzz the HTML modes' new paths: generated ``text/markdown`` and ``image/svg+xml`` outputs, built
by the real Jekyll with ``--html sanitize`` and ``drop``, never put anything that runs on the page.

Hypothesis builds each notebook from pieces of known attacks (raw HTML scripts, handlers,
``javascript:`` URLs in their disguises, elements that swallow what follows, kramdown's own
syntax for HTML and attributes) mixed with Markdown and any text; every output is followed by a
marker paragraph. The notebook is converted and the site built once per example; on every page:
no ``<script>``, no handler attribute, no ``javascript:`` URL, no element that loads a document
(iframe, object, embed, base, meta), every marker a paragraph of its own (nothing swallowed),
no kramdown "no end tag" warning, and every SVG file written clean. The first examples are also
opened in Chromium, which must end without ``window.__pwned``. Bounded (``FUZZ_EXAMPLES``,
default 8 per mode, the same every run); ``FUZZ_RANDOM=1 FUZZ_EXAMPLES=200`` explores more.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import nbformat
import nbformat.v4 as nbv
import pytest
from browser import Browser, serve
from converting import convert
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jekyll_site import JekyllSite, jekyll_available
from selectolax.lexbor import LexborHTMLParser
from test_sanitize_jekyll import live_spots
from test_svgpolicy import active

from pandockit.config import resolve_options

pytestmark = [
    pytest.mark.skipif(not jekyll_available(), reason="needs the jekyll command"),
]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)

P = "window.__pwned=1"
HTML = st.sampled_from([
    f"<script>{P}</script>", "<script>", "</script>", f"<img src=x onerror={P}>",
    f'<a href="javascript:{P}">x</a>', f'<a href="java&#x09;script:{P}">y</a>',
    f'<a href="&#106;avascript:{P}">z</a>', f"<svg onload={P}>", f"<svg><script>{P}</script>",
    f'<iframe src="javascript:{P}">', "<div>", "</div>", "<table><tr><td>", "<b>", "</b>",
    "<style>*{color:red}</style>", "<plaintext>", "<template>", "</template>", "<textarea>",
    "<!--", "-->", f'<math><mi xlink:href="javascript:{P}">m</mi></math>',
    f'<object data="javascript:{P}">', f'<embed src="javascript:{P}">',
    f'<form action="javascript:{P}"><button>b</button></form>',
    f"<details open ontoggle={P}>", f"<video><source onerror={P}></video>",
    f"<body onload={P}>", f"<input autofocus onfocus={P}>", f'<base href="javascript:{P}//">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{P}">',
    f'<noscript><p title="</noscript><img src=x onerror={P}>"></noscript>',
    f"<xmp><img src=x onerror={P}></xmp>", f'<img src="x" onerror  =  "{P}">',
    f"<image src=x onerror={P}>", "<video controls src=x>", f'<div style="x" onclick="{P}">',
])
KRAMDOWN = st.sampled_from([
    f'{{: onclick="{P}"}}', f"{{::nomarkdown}}<img src=x onerror={P}>{{:/}}",
    '{::options parse_block_html="true" /}', f"[l](javascript:{P})",
    f"[r][ref]\n\n[ref]: javascript:{P}", f"<javascript:{P}>", f"![i](javascript:{P})",
    f"*[abbr]: <img src=x onerror={P}>", f'{{:ald: onclick="{P}"}}', "{: #id .c}",
    f"*x*{{: onmouseover='{P}'}}", "`code`", "$x<y$", f"```\n<script>{P}</script>\n```",
])
MARKDOWN = st.sampled_from(["\n\n", "\n", "**b**", "# h", "- li", "> q", "    indented",
                            "| a | b |\n|---|---|\n| 1 | 2 |", "abbr", "text"])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
MD_OUTPUT = st.lists(st.one_of(HTML, KRAMDOWN, MARKDOWN, TEXT), min_size=1, max_size=8).map(
    " ".join)
SVG_PART = st.sampled_from([
    f"<script>{P}</script>", f'<rect width="4" height="4" onclick="{P}"/>',
    f'<a href="javascript:{P}"><text>t</text></a>', '<path d="M0 0 L4 4"/>',
    f'<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="{P}"/>'
    "</body></foreignObject>", f'<set attributeName="onclick" to="{P}"/>', "<g>", "</g>",
    "&amp;", "<text>", "</text>",
])
SVG_OUTPUT = st.lists(SVG_PART, max_size=6).map(
    lambda parts: f'<svg xmlns="http://www.w3.org/2000/svg" onload="{P}">' + "".join(parts)
    + "</svg>")
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
    "rkJggg=="
)


@st.composite
def notebook_cells(draw) -> list:
    cells = []
    for n in range(draw(st.integers(2, 6))):
        if draw(st.integers(0, 3)) == 0:
            data = {"image/svg+xml": draw(SVG_OUTPUT), "text/plain": "<Figure>"}
            if draw(st.booleans()):
                data["image/png"] = PNG
        else:
            data = {"text/markdown": draw(MD_OUTPUT), "text/plain": "md"}
        cells.append(nbv.new_code_cell("show()", outputs=[
            nbv.new_output("display_data", data=data)]))
        cells.append(nbv.new_markdown_cell(f"Marker {n} here."))
    return cells


_RUNS = {"opened": 0}
LOADERS = ("iframe", "object", "embed", "base", "meta", "frame", "applet", "form")


@pytest.fixture(scope="module")
def browser() -> Browser:
    opened = Browser()
    yield opened
    opened.close()


@pytest.mark.parametrize("mode", ["sanitize", "drop"])
@FUZZ
@given(cells=notebook_cells())
def test_fuzzed_outputs_never_run(mode: str, cells: list, browser: Browser) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = JekyllSite(root / "site", {"kramdown": {"show_warnings": True}})
        nb = root / "2021-03-04-fuzz.ipynb"
        nbformat.write(nbv.new_notebook(cells=cells), str(nb))
        post = convert(nb, site.path, resolve_options(site.path, {"html": mode})).post
        log = site.build().output
        assert "no end tag" not in log, log
        page = site.post_html(post)
        article = LexborHTMLParser(page).css_first("article")
        assert live_spots(article) == [], post.read_text(encoding="utf-8")
        assert [n.tag for n in article.css(", ".join(LOADERS))] == []
        markers = [p for p in article.css("p") if re.fullmatch(r"Marker \d+ here\.", p.text())]
        assert len(markers) == len(cells) // 2, post.read_text(encoding="utf-8")
        for marker in markers:
            assert marker.parent is not None and marker.parent.tag == "article"
        for svg in (site.path / "assets").rglob("*.svg"):
            assert active(svg.read_bytes()) == [], svg.read_text(encoding="utf-8")
        if _RUNS["opened"] < 4:  # the first examples in Chromium too
            _RUNS["opened"] += 1
            file = next(p for p in site.dest.rglob("*.html") if "Marker 0" in p.read_text())
            with serve(site.dest) as base:
                _, tab = browser.open(f"{base}/{file.relative_to(site.dest).as_posix()}")
                try:
                    for link in tab.query_selector_all("article a"):
                        link.click(no_wait_after=True, timeout=2000)
                    assert tab.evaluate("window.__pwned") is None
                finally:
                    tab.close()
