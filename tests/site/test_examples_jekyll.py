"""End to end: the bundled examples converted and built by real Jekyll, checked in the HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from converting import convert
from jekyll_site import JekyllSite, img_srcs, text_of
from selectolax.lexbor import LexborHTMLParser

from pandockit.config import resolve_options

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "_notebooks").glob("*.ipynb"))
FLAGS = ("#hide", "#collapse", "#|", "# hide", "#exclude")


def visible_code(nb: Path) -> list[str]:
    """Sources of the code cells that carry no hiding flag or tag."""
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    out = []
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        flagged = any(line.strip().startswith(FLAGS) for line in source.splitlines())
        if cell["cell_type"] == "code" and source.strip() and not flagged:
            if not cell.get("metadata", {}).get("tags"):
                out.append(source)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[JekyllSite, dict[Path, str]]:
    site = JekyllSite(tmp_path_factory.mktemp("examples") / "site")
    options = resolve_options(site.path)
    posts = {nb: convert(nb, site.path, options).post for nb in EXAMPLES}
    build = site.build()
    assert "Liquid" not in build.output, build.output
    return site, {nb: site.post_html(post) for nb, post in posts.items()}


@pytest.mark.parametrize("nb", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_visible_code_cell_is_in_the_page(built, nb: Path) -> None:
    _, pages = built
    text = text_of(pages[nb])
    for source in visible_code(nb):
        assert source.strip() in text, f"code cell missing from the built page:\n{source}"


@pytest.mark.parametrize("nb", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_image_resolves_to_a_file(built, nb: Path) -> None:
    site, pages = built
    srcs = img_srcs(pages[nb])
    n_images = sum(
        1
        for cell in json.loads(nb.read_text())["cells"]
        for out in cell.get("outputs", [])
        if any(k.startswith("image/") for k in out.get("data", {}))
    )
    assert len(srcs) == n_images
    for src in srcs:
        assert site.url_path(src).is_file(), f"{src} does not resolve in the built site"


def test_seed_front_matter_reaches_jekyll(built) -> None:
    """The seed cell's front matter (layout, permalink, title) is what Jekyll used: the page at
    the permalink is this post's, through its layout, titled exactly so."""
    site, pages = built
    seed = next(nb for nb in EXAMPLES if nb.name.startswith("2022-07-24"))
    page = site.dest / "tensor-products-grads.html"  # the permalink was honoured
    assert page.read_text(encoding="utf-8") == pages[seed]
    tree = LexborHTMLParser(pages[seed])
    title = "A Way to Understand Shapes of Matrix Products and Gradients"
    assert tree.css_first("title").text() == title
    assert [h.text() for h in tree.css("h1.post-title")] == [title]
    assert text_of(pages[seed]).count(title) == 1  # the heading: the seed cell left no trace
