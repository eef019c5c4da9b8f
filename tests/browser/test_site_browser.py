"""A stock ``jekyll new`` site (Debian's minima 2.5.1, jekyll-feed, jekyll-seo-tag) after
``pandockit init`` and ``pandockit build``, read in headless Chromium as a reader reads it.

Every notebook of the tests (the corpus, the examples, the golden cases) becomes a post; the
site is built by the real ``jekyll`` with ``show_excerpts: true``; each post page is opened in
Debian's Chromium with MathJax served from npm's ``mathjax@3`` in place of the CDN. A page
with math has every formula kramdown handed MathJax typeset, with the author's TeX and no
MathJax error; no page shows raw TeX; outputs, stderr and tracebacks have the stylesheet's
style; toggles open; the feed parses and no Liquid text leaks into excerpts or the feed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import corpus
import pytest
from browser import Browser, raw_tex, serve
from goldens import available_notebooks
from math_oracle import page_formulas
from stock_site import jekyll_build, new_site, pandockit

pytestmark = corpus.mark

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
NOTEBOOKS = sorted(
    [*corpus.notebooks(), *(ROOT / "examples" / "_notebooks").glob("*.ipynb"),
     *available_notebooks()]
)

#: A test page listing every post's source path and URL (Liquid, so Jekyll says where).
POSTS_JSON = """---
---
[{% for p in site.posts %}{"path": {{ p.path | jsonify }}, "url": {{ p.url | jsonify }},
"math": {{ p.pandockit.math | jsonify }}, "mathjax": {{ p.pandockit.mathjax | jsonify }}}
{% unless forloop.last %},{% endunless %}{% endfor %}]
"""

#: Pages that show TeX delimiters on purpose, because Jupyter shows them: folder--name, why.
SHOWN_AS_IN_JUPYTER = {
    "nbconvert--exporters__notebook2.ipynb": "a lone '$$' ends a cell: Jupyter's math scanner "
    "finds no closing '$$', so Jupyter shows it as text too",
    "nbconvert-tags--2021-02-02-notebook2.ipynb": "the same cell (the nbconvert-tags golden case)",
    "math--2023-01-15-Linear-Algebra-Notes.ipynb": "\\(\\alpha\\) with one backslash: "
    "JupyterLab's removeMath masks only \\\\( and \\\\[, and marked reads \\( as an "
    "escaped '(', so Jupyter shows (\\alpha) and [..] as text (the example notebook now uses "
    "the double backslash)",
}


def _name(nb: Path) -> str:
    return f"{nb.parent.name}--{nb.name}"




def _page_file(root: Path, url: str) -> Path:
    """The file of the built site Jekyll wrote for the page at ``url``."""
    path = root / "_site" / url.lstrip("/")
    if url.endswith("/"):
        return path / "index.html"
    return path if path.suffix else path.with_name(path.name + ".html")


def _url(site: Site, file: Path) -> str:
    return site.base + "/" + file.relative_to(site.path / "_site").as_posix()


class Site:
    def __init__(self, path: Path, posts: dict[str, dict]) -> None:
        self.path = path
        self.posts = posts  # notebook name -> {"url", "math"}
        self.base = ""
        self.browser: Browser | None = None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path = new_site(tmp_path_factory.mktemp("stock") / "blog", tmp_path_factory.getbasetemp())
    proc = pandockit("init", "--site", path)
    assert proc.returncode == 0, proc.stderr
    with (path / "_config.yml").open("a", encoding="utf-8") as config:
        config.write("show_excerpts: true\n")
    (path / "_notebooks").mkdir(exist_ok=True)  # init makes it
    for nb in NOTEBOOKS:
        shutil.copyfile(nb, path / "_notebooks" / _name(nb))
    proc = pandockit("build", "--site", path)
    assert proc.returncode == 0, proc.stderr
    assert "MathJax" not in proc.stderr  # init wired the site: no warning
    (path / "posts.json").write_text(POSTS_JSON, encoding="utf-8")
    jekyll_build(path)
    listed = json.loads((path / "_site" / "posts.json").read_text(encoding="utf-8"))
    by_path = {item["path"]: item for item in listed}
    manifest = json.loads((path / ".pandockit" / "manifest.json").read_text(encoding="utf-8"))
    built = Site(path, {})
    for rel, entry in manifest["notebooks"].items():
        if entry["post"] in by_path:  # a post Jekyll does not publish (hide, future) is absent
            built.posts[Path(rel).name] = by_path[entry["post"]]
    browser = Browser()
    built.browser = browser
    with serve(path / "_site") as base:
        built.base = base
        yield built
    browser.close()


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=_name)
def test_post_page_shows_every_formula_typeset_and_no_raw_tex(site: Site, nb: Path) -> None:
    post = site.posts.get(_name(nb))
    if post is None:
        pytest.skip(f"{nb.name} is hidden from the blog (its front matter hides it)")
    file = _page_file(site.path, post["url"])
    result, page = site.browser.open(_url(site, file))
    page.close()
    facts = result.facts
    built = file.read_text(encoding="utf-8")
    handed = page_formulas(built)
    if post["math"]:
        major = f"{post['mathjax'] or 3}."
        assert facts["version"] and facts["version"].startswith(major), "MathJax did not load"
        assert facts["errors"] == 0, f"MathJax errors on {post['url']}"
        typeset = [(("display" if m["display"] else "inline"), m["tex"])
                   for m in facts["typeset"] if not m["widget"]]  # widgets' own: not the post's
        assert typeset == handed, "a formula kramdown handed MathJax was not typeset as written"
        assert typeset or len(facts["typeset"]), "a post with math shows no formula"
    else:
        assert facts["version"] is None, "MathJax loaded on a page without math"
        assert handed == [], "a post without the math mark holds formulas"
    assert facts["plots"] == facts["plotDivs"], "a Plotly figure was not drawn"
    spots = raw_tex(facts["text"])
    if _name(nb) in SHOWN_AS_IN_JUPYTER:
        assert spots, f"{nb.name} no longer shows raw TeX: remove it from SHOWN_AS_IN_JUPYTER"
    else:
        assert spots == [], f"raw TeX visible on {post['url']}"


def _open_with(site: Site, selector: str):
    for _, post in sorted(site.posts.items()):
        file = _page_file(site.path, post["url"])
        if re.search(selector, file.read_text(encoding="utf-8")):
            return site.browser.open(_url(site, file))
    raise AssertionError(f"no post page matches {selector!r}")


def test_outputs_stderr_and_tracebacks_have_the_stylesheets_style(site: Site) -> None:
    result, page = _open_with(site, r'class="[^"]*pandockit-output stderr')
    page.close()
    assert result.facts["stderr"] == {
        "background": "rgba(255, 196, 0, 0.12)", "borderLeft": "rgba(214, 150, 0, 0.8)",
        "borderLeftWidth": "3px"}
    result, page = _open_with(site, r'class="[^"]*pandockit-output error')
    page.close()
    assert result.facts["error"] == {
        "background": "rgba(255, 60, 60, 0.09)", "borderLeft": "rgba(200, 30, 30, 0.8)",
        "borderLeftWidth": "3px"}
    result, page = _open_with(site, r'class="[^"]*pandockit-output(?! stderr| error)')
    page.close()
    output, code = result.facts["output"], result.facts["code"]
    assert output["borderLeftWidth"] == "3px" and output["background"] == "rgba(0, 0, 0, 0)"
    assert code["background"] != output["background"]  # input and output read apart


def test_a_toggle_opens(site: Site) -> None:
    result, page = _open_with(site, r'<details class="pandockit-toggle"(?! open)')
    try:
        # a handle, not a locator: ":not([open])" would pick the next toggle once this opens
        toggle = page.locator("details.pandockit-toggle:not([open])").first.element_handle()
        summary = toggle.query_selector("summary")
        body = toggle.query_selector("summary + *")
        assert not body.is_visible()
        assert summary.evaluate("s => getComputedStyle(s).cursor") == "pointer"
        summary.click()
        assert toggle.evaluate("d => d.open") is True
        assert body.is_visible()
    finally:
        page.close()


#: Liquid that pandockit writes to keep notebook text literal; none may reach a reader.
LIQUID = re.compile(r"{%-?\s*(raw|endraw)\b|{{-?\s*(site\.|page\.|\"|')")


def _liquid_in_notebook(nb: Path) -> int:
    """How often the notebook's own text holds Liquid-like text (shown as written, rightly)."""
    def strings(node: object) -> Iterator[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            if all(isinstance(item, str) for item in node):
                yield "".join(node)  # a multiline source, as Jupyter joins it
            else:
                for item in node:
                    yield from strings(item)
        elif isinstance(node, dict):
            for value in node.values():
                yield from strings(value)

    cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
    return sum(len(LIQUID.findall(text)) for text in strings(cells))


def test_feed_parses_and_carries_no_liquid_text(site: Site) -> None:
    root = ET.parse(site.path / "_site" / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall(atom + "entry")
    assert len(entries) == 10  # jekyll-feed's default: the newest ten
    by_url = {post["url"]: name for name, post in site.posts.items()}
    notebooks = {_name(nb): nb for nb in NOTEBOOKS}
    for entry in entries:
        url = re.sub(r"^https?://[^/]+", "", entry.find(atom + "link").get("href"))
        own = _liquid_in_notebook(notebooks[by_url[url]]) if url in by_url else 0
        for tag in ("content", "summary", "title"):
            text = html.unescape(entry.findtext(atom + tag) or "")
            assert len(LIQUID.findall(text)) <= own, (url, LIQUID.search(text))
        assert entry.findtext(atom + "content")


def test_home_page_excerpts_carry_no_liquid_text(site: Site) -> None:
    home = (site.path / "_site" / "index.html").read_text(encoding="utf-8")
    assert home.count('class="post-link"') == len(site.posts) + 1  # + jekyll new's own post
    assert not LIQUID.search(html.unescape(home))
    for page in (site.path / "_site").rglob("*.html"):
        for meta in re.findall(r'<meta name="description" content="([^"]*)"', page.read_text()):
            assert not LIQUID.search(html.unescape(meta)), page


def test_plotly_figures_are_drawn_with_one_copy_of_the_library(site: Site) -> None:
    result, page = _open_with(site, r'class="plotly-graph-div"')
    page.close()
    assert result.facts["plotDivs"] >= 2
    assert result.facts["plots"] == result.facts["plotDivs"]
    libraries = [s for s in result.facts["scripts"] if "plotly" in s]
    assert len(libraries) == 1, libraries
