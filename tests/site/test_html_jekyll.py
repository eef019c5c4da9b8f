"""HTML that cannot swallow a post: outputs and markdown cells whose HTML leaves an element open
(or is not standard), converted and built by the real Jekyll, read back with an HTML5 parser.

Each crafted notebook has the bad HTML, then later cells: code, a stream, an image output and a
Markdown paragraph. Every one of these must be on the page as a block of its own (a child of
the post's ``<article>``), never inside the ``<video>``/``<table>``/``<div>`` left open, and
an output's HTML must mean on the page what it means alone to an HTML5 parser (Jupyter puts
it into an element of its own). Built once per ``--html`` mode.
"""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import nbformat.v4 as nbv
import nh3  # noqa: F401  (the sanitize mode's cleaner; imported so a missing one fails here)
import pytest
from converting import convert
from jekyll_site import JekyllSite, jekyll_available
from selectolax.lexbor import LexborHTMLParser, LexborNode
from test_htmltree import shape

from pandockit import htmlpolicy
from pandockit.config import resolve_options

pytestmark = [
    pytest.mark.skipif(not jekyll_available(), reason="needs the jekyll command"),
]

#: A 1x1 PNG.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
    "rkJggg=="
)
VIDEO = "data:video/mp4;base64," + base64.b64encode(b"\x00\x00\x00\x18ftypmp42" * 8).decode()
BIG_VIDEO = "data:video/mp4;base64," + "A" * (2 * 2**20)

#: Output HTML: name -> text/html (each shown by a code cell).
OUTPUTS = {
    "video": f'<video controls src="{VIDEO}">',
    "big-video": f'<video controls src="{BIG_VIDEO}">',
    "image": (  # RDKit's molecule table
        '<table><tr><th>mol</th></tr><tr><td><image src="data:image/png;base64,'
        + PNG + '" alt="mol"></td></tr></table>'
    ),
    "div": '<div class="wrap"><p>inside the div',
    "table": "<table><tr><td>cell one<td>cell two",
    "bold": "<b>bold to the end",
    "stray": "<p>before</p></div></div><p>after</p>",
    "void": "<p>a<br>b<hr><input type=checkbox checked><wbr>c<bgsound src=x.mid>d</p>",
    "script": '<div id="s"></div><script>var t = "</div>" + (1 < 2) + "<b>";</script>'
              "<style>.s > b { color: red }</style>",
    "comment": "<!-- <div> not a tag --><p>visible</p>",
}
#: Markdown cells: name -> source.
MARKDOWN = {
    "md-video": f'<video controls src="{VIDEO}">\n\nfallback text',
    "md-image": '<image src="data:image/png;base64,' + PNG + '"> an image, inline',
    "md-div": '<div class="note">\n\nMarkdown **inside** the div\n\n- a list',
    "md-table": "<table>\n<tr><td>\n\ncell *markdown*",
    "md-bold": "<b>bold start\n\nsecond paragraph",
    "md-stray": "before\n\n</div>\n\n</table>\n\nafter",
    "md-script": (
        '<script>var s = "</div>" + (1 < 2);</script>\n\n<style>\np > b { x: 1 }\n</style>'
    ),
}

#: A raw cell of HTML (kept as the post's HTML) that leaves a <div> open.
RAW = '<div class="rawbox"><p>raw html, never closed'


def later_cells(n: int) -> list:
    """The cells after the bad one: code with a stream and an image, then Markdown."""
    return [
        nbv.new_code_cell(f"print('later code {n}')", outputs=[
            nbv.new_output("stream", name="stdout", text=f"later stdout {n}\n"),
            nbv.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
        ]),
        nbv.new_markdown_cell(f"Later paragraph {n} with **bold**."),
        nbv.new_code_cell(f"print('last code {n}')"),
    ]


def notebooks(folder: Path) -> dict[str, Path]:
    made = {}
    for n, (name, html) in enumerate(OUTPUTS.items()):
        bad = nbv.new_code_cell(f"show_{name.replace('-', '_')}()", outputs=[nbv.new_output(
            "display_data", data={"text/html": html, "text/plain": f"<{name}>"})])
        made[name] = [nbv.new_markdown_cell(f"Post {name}."), bad, *later_cells(n)]
    for n, (name, source) in enumerate(MARKDOWN.items(), start=len(OUTPUTS)):
        made[name] = [nbv.new_markdown_cell(source), *later_cells(n)]
    raw = nbv.new_raw_cell(RAW, metadata={"raw_mimetype": "text/html"})
    made["raw-div"] = [raw, *later_cells(len(OUTPUTS) + len(MARKDOWN))]
    paths = {}
    for i, (name, cells) in enumerate(made.items()):
        path = folder / f"2021-01-{i + 1:02d}-{name}.ipynb"
        nbformat.write(nbv.new_notebook(cells=cells), str(path))
        paths[name] = path
    return paths


class Built:
    def __init__(self, site: JekyllSite, posts: dict[str, Path], mode: str, log: str) -> None:
        self.site = site
        self.posts = posts
        self.mode = mode
        self.log = log  # what jekyll build printed
        self.pages = site.pages()

    def article(self, name: str) -> LexborNode:
        rel = self.posts[name].relative_to(self.site.path).as_posix()
        node = LexborHTMLParser(self.pages[rel]).css_first("article")
        assert node is not None
        return node


@pytest.fixture(scope="module", params=["keep", "sanitize", "drop"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    mode = request.param
    root = tmp_path_factory.mktemp(f"html-{mode}")
    site = JekyllSite(root / "site", {"kramdown": {"show_warnings": True}})
    options = resolve_options(site.path, {"html": mode})
    posts = {name: convert(nb, site.path, options).post
             for name, nb in notebooks(root).items()}
    return Built(site, posts, mode, site.build().output)


def top(node: LexborNode, article: LexborNode) -> LexborNode:
    """The ancestor of ``node`` (or ``node``) that is a child of ``article``."""
    while node.parent is not None and node.parent.mem_id != article.mem_id:
        node = node.parent
    assert node.parent is not None, "not inside the article"
    return node


def classes(node: LexborNode) -> list[str]:
    return (node.attributes.get("class") or "").split()


NAMES = [*OUTPUTS, *MARKDOWN, "raw-div"]


@pytest.mark.parametrize("name", NAMES)
def test_later_cells_stand_on_their_own(built: Built, name: str) -> None:
    article = built.article(name)
    n = NAMES.index(name)
    codes = [c for c in article.css("code") if f"later code {n}" in c.text()
             or f"last code {n}" in c.text() or f"later stdout {n}" in c.text()]
    assert len(codes) == 3, f"later code of {name} missing from the page"
    for code in codes:
        block = top(code, article)
        assert block.tag == "div" and "highlighter-rouge" in classes(block), (
            name, block.tag, classes(block))
    images = [i for i in article.css("img") if "output_" in (i.attributes.get("src") or "")]
    assert len(images) == 1 and top(images[0], article).tag == "p"
    paras = [p for p in article.css("p") if f"Later paragraph {n}" in p.text()]
    assert len(paras) == 1 and top(paras[0], article) is not None
    assert top(paras[0], article).tag == "p" and paras[0].css_first("strong") is not None


def _output_html(built: Built, name: str) -> LexborNode | None:
    return built.article(name).css_first("div.pandockit-html")


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_output_html_means_what_it_means_alone(built: Built, name: str) -> None:
    wrapper = _output_html(built, name)
    if built.mode == "drop":
        assert wrapper is None
        return
    assert wrapper is not None
    html = OUTPUTS[name]
    if built.mode == "sanitize":
        html = htmlpolicy.sanitize(html)
    on_page = wrapper.inner_html or ""
    assert shape(on_page) == shape(html)


def test_video_and_image_are_real_elements(built: Built) -> None:
    if built.mode == "drop":
        return
    video = built.article("video").css_first("video")
    assert video is not None and video.attributes.get("src") == VIDEO
    assert video.child is None or not (video.text() or "").strip()
    big = built.article("big-video").css_first("video")
    assert big is not None and big.attributes.get("src") == BIG_VIDEO
    img = built.article("image").css_first("td img")
    assert img is not None and (img.attributes.get("src") or "").endswith(PNG)


def test_markdown_cells_read_as_jupyter_reads_them(built: Built) -> None:
    # an open <div>: the rest of the cell is in it, rendered as Markdown; the next cell is not
    div = built.article("md-div").css_first("div.note")
    assert div is not None and div.css_first("strong") is not None and div.css_first("li")
    # an open table cell holds the Markdown after it
    cell = built.article("md-table").css_first("td")
    assert cell is not None and cell.css_first("em") is not None
    # an unclosed <video>: what follows in the cell is its fallback content, as in Jupyter
    video = built.article("md-video").css_first("video")
    assert video is not None and "fallback text" in video.text()
    # <image> is an <img>; an unclosed <b> ends with its paragraph
    assert built.article("md-image").css_first("p img") is not None
    bold = built.article("md-bold").css_first("b")
    assert bold is not None and bold.text().strip() == "bold start"
    # stray end tags are not printed
    stray = built.article("md-stray")
    assert "</div>" not in stray.text() and "</table>" not in stray.text()
    # a raw cell's HTML is balanced too
    box = built.article("raw-div").css_first("div.rawbox")
    assert box is not None and "raw html, never closed" in box.text()
    assert "Later paragraph" not in box.text()
    # script and style keep their text
    script = built.article("md-script").css_first("script")
    assert script is not None and '"</div>"' in script.text()


def test_no_end_tag_is_missing_for_kramdown(built: Built) -> None:
    """kramdown warns 'Found no end tag' when it auto-closes: none for any post."""
    assert "no end tag" not in built.log and "invalidly used" not in built.log, built.log
