"""Posts with images built by real Jekyll: every ``<img>`` of the built page is a file whose
bytes are the notebook's (converted with ``pandockit convert``'s code path); the images filter
itself on small notebooks: tests/filters/images/test_images.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from converting import convert, run_filter_route
from jekyll_site import JekyllSite, article, img_srcs
from nbformat.v4 import new_code_cell, new_markdown_cell
from test_images import (
    GIF,
    JPEG,
    PDF,
    PNG,
    PNG2,
    STEM,
    SVG,
    TOP,
    b64,
    image_output,
    sha,
    warned,  # noqa: F401 (a fixture: the warnings pandockit logs)
    write_nb,
)

from pandockit.config import resolve_options
from pandockit.notebook import read_notebook
from pandockit.writer import MEDIA_MANIFEST

# --------------------------------------------------------------------------- real Jekyll


def full_notebook(folder: Path) -> Path:
    """Every kind of image a post can hold, in a notebook inside a site."""
    att = {"pic.png": {"image/png": b64(PNG2)}}
    return write_nb(
        folder,
        [
            new_markdown_cell(
                "Intro ![pic](attachment:pic.png) ![fig](images/fig.png) "
                "![data](data:image/gif;base64," + b64(GIF + b"data") + ")",
                attachments=att,
            ),
            new_code_cell(
                "#| fig-cap: Bars\nplot()",
                outputs=[
                    image_output("image/png", PNG, **{"image/png": {"width": 36, "height": 24}}),
                    image_output("image/jpeg", JPEG),
                    image_output("image/gif", GIF),
                    image_output("image/svg+xml", SVG),
                    image_output("application/pdf", PDF),
                ],
            ),
            new_markdown_cell("<img src='../images/top.png' alt='top'> ![r](https://example.com/r.png)"),
        ],
    )


EXPECTED = {  # name -> bytes of every file the post must show
    "attachment_0_pic.png": PNG2,
    "fig.png": PNG,
    "image_0_0.gif": GIF + b"data",
    "output_1_1.jpg": JPEG,
    "output_1_2.gif": GIF,
    "output_1_3.svg": SVG.encode(),
    "output_1_4.pdf": PDF,
    "top.png": TOP,
}


def site_files(site: JekyllSite) -> None:
    """The local images full_notebook names: one by the notebook, one at the site's root."""
    (site.path / "_notebooks" / "images").mkdir(parents=True)
    (site.path / "_notebooks" / "images" / "fig.png").write_bytes(PNG)
    (site.path / "images").mkdir()
    (site.path / "images" / "top.png").write_bytes(TOP)


def check_page(site: JekyllSite, post: Path, baseurl: str, assets: str = "assets/nb_files") -> str:
    """Every image of the built post is a file with the notebook's bytes (and the PDF link)."""
    page = site.post_html(post)
    prefix = f"{baseurl}/{assets}/{STEM}/"
    srcs = [s for s in img_srcs(page) if not s.startswith("https://")]
    assert len(srcs) == 8  # 3 in markdown, 4 outputs (the PNG shared with fig.png), 1 html
    shown = {}
    for src in srcs:
        assert src.startswith(prefix), src
        shown[src.rsplit("/", 1)[1]] = site.url_path(src).read_bytes()
    assert set(shown) == set(EXPECTED) - {"output_1_4.pdf"}
    assert all(shown[n] == EXPECTED[n] for n in shown)
    assert f'href="{prefix}output_1_4.pdf"' in page
    assert site.url_path(f"{prefix}output_1_4.pdf").read_bytes() == PDF
    assert 'alt="Bars" width="36" height="24"' in page
    assert "https://example.com/r.png" in img_srcs(page)
    return page


@pytest.mark.parametrize(
    ("baseurl", "assets"),
    [("", "assets/nb_files"), ("/blog", "assets/nb_files"), ("/blog", "img/posts")],
)
def test_every_image_resolves_in_jekyll(make_site, baseurl: str, assets: str) -> None:
    config: dict = {"baseurl": baseurl} if baseurl else {}
    if assets != "assets/nb_files":
        config["pandockit"] = {"assets-dir": assets}
    site = make_site(config or None)
    site_files(site)
    path = full_notebook(site.path / "_notebooks")
    result = convert(path, site.path, resolve_options(site.path))
    site.build()
    check_page(site, result.post, baseurl, assets)
    folder = site.path / assets / STEM
    assert sorted(p.name for p in folder.iterdir()) == sorted([*EXPECTED, MEDIA_MANIFEST])
    assert not (site.dest / assets / STEM / MEDIA_MANIFEST).exists()


def test_literal_baseurl_with_liquid_off(make_site) -> None:
    site = make_site({"baseurl": "/blog", "pandockit": {"liquid": "off"}})
    site_files(site)
    path = full_notebook(site.path / "_notebooks")
    result = convert(path, site.path, resolve_options(site.path))
    assert "{{ site.baseurl }}" not in result.post.read_text()
    site.build()
    check_page(site, result.post, "/blog")


def test_refused_images_stay_as_written_and_the_post_builds(make_site, warned) -> None:  # noqa: F811
    site = make_site()
    nbdir = site.path / "_notebooks"
    (nbdir / "images").mkdir(parents=True)
    (site.path.parent / "secret.png").write_bytes(b"private")
    (nbdir / "images" / "leak.png").symlink_to(site.path.parent / "secret.png")
    cell = new_markdown_cell(
        "![up](../../secret.png) ![f](file:///etc/hostname) ![link](images/leak.png) "
        "![gone](images/none.png) ![abs](/etc/hostname) ![x](attachment:a/b.png)",
        attachments={"a/b.png": {"image/png": b64(PNG)}},
    )
    path = write_nb(nbdir, [cell, new_markdown_cell("![y](attachment:elsewhere.png)")])
    result = convert(path, site.path, resolve_options(site.path))
    site.build()
    assert img_srcs(site.post_html(result.post)) == [
        "../../secret.png", "file:///etc/hostname", "images/leak.png", "images/none.png",
        "/etc/hostname", "attachment:a/b.png", "attachment:elsewhere.png",
    ]
    assert not (site.path / "assets" / "nb_files" / STEM).exists()
    assert b"private" not in b"".join(p.read_bytes() for p in site.dest.rglob("*") if p.is_file())
    assert len(warned) == 7


def test_reconversion_leaves_exactly_the_current_images(make_site) -> None:
    site = make_site()
    nbdir = site.path / "_notebooks"
    first = [image_output("image/png", PNG), image_output("image/svg+xml", SVG)]
    path = write_nb(nbdir, [new_code_cell("a", outputs=first)])
    convert(path, site.path, resolve_options(site.path))
    folder = site.path / "assets" / "nb_files" / STEM
    (folder / "notes.txt").write_text("mine")
    path = write_nb(nbdir, [new_markdown_cell("new"), new_code_cell("a", outputs=[first[0]])])
    result = convert(path, site.path, resolve_options(site.path))
    assert sorted(p.name for p in folder.iterdir()) == [MEDIA_MANIFEST, "notes.txt",
                                                        "output_1_0.png"]
    site.build()
    [src] = img_srcs(site.post_html(result.post))
    assert site.url_path(src).read_bytes() == PNG


CHAIN = ["pandockit-cell-index", "pandockit-jupyter-math", "pandockit-front-matter",
         "pandockit-visibility", "pandockit-notes", "pandockit-outputs", "pandockit-images",
         "pandockit-tex-math", "pandockit-raw-html",
         "pandockit-cells"]


@pytest.mark.parametrize("filters", [[], CHAIN], ids=["jekyll-filter", "chained-filters"])
def test_the_filter_route_writes_the_same_images(make_site, filters: list[str]) -> None:
    cli_site, filter_site = make_site(), make_site()
    site_files(cli_site)
    site_files(filter_site)
    cli_post = convert(full_notebook(cli_site.path / "_notebooks"), cli_site.path,
                       resolve_options(cli_site.path)).post
    nb = full_notebook(filter_site.path / "_notebooks")
    out = filter_site.path / "_posts" / f"{STEM}.md"
    out.parent.mkdir(exist_ok=True)
    run_filter_route(nb, filter_site.path, out, [*filters, "pandockit-jekyll"],
                     cwd=filter_site.path)
    assert out.read_text() == cli_post.read_text()

    def files(s: JekyllSite) -> dict[str, bytes]:
        folder = s.path / "assets" / "nb_files" / STEM
        return {p.name: p.read_bytes() for p in folder.iterdir()}

    assert files(filter_site) == files(cli_site)
    filter_site.build()
    check_page(filter_site, out, "")


# --------------------------------------------------------------------------- the corpus


def corpus_images(node: dict) -> list[tuple[int, str, set[str]]]:
    """(cell, what, SHA-1s of its valid images) for every image output and attachment of a
    notebook: showing any one of an output's (or attachment's) formats shows it."""
    from pandockit.media import decode, is_media_mime

    found = []
    for i, cell in enumerate(node["cells"]):
        bundles = [(f"output {n}", out.get("data") or {})
                   for n, out in enumerate(cell.get("outputs") or [])]
        attachments = (cell.get("attachments") or {}).items()
        bundles += [(f"attachment {name}", b) for name, b in attachments]
        for what, bundle in bundles:
            digests = {sha(raw) for mime, data in bundle.items() if is_media_mime(mime)
                       for raw in [decode(mime, data)] if raw is not None}
            if digests:
                found.append((i, what, digests))
    return found


def shown_images(site: JekyllSite, page: str) -> dict[str, str]:
    """SHA-1 -> src of every image (and linked PDF) of a built page that resolves to a file."""
    import html as html_lib
    import re

    links = [html_lib.unescape(h) for h in re.findall(r'href="([^"]+\.pdf)"', article(page))]
    shown = {}
    for src in img_srcs(page) + links:
        path = site.url_path(src)
        if src.startswith("/") and path.is_file():
            shown[sha(path.read_bytes())] = src
    return shown


def test_corpus_every_image_output_and_attachment_is_shown(corpus_build) -> None:
    from conftest import corpus_notebooks

    total = shown = excused = 0
    missing = []
    for nb in corpus_notebooks():
        node = read_notebook(nb).node
        got = shown_images(corpus_build.site, corpus_build.html(nb))
        for cell, what, digests in corpus_images(node):
            total += 1
            if digests & set(got):
                shown += 1
            elif not hidden_or_superseded(node["cells"][cell], what):
                missing.append(f"{nb.name}: cell {cell}: {what}")
            else:
                excused += 1
    assert not missing, missing
    assert shown + excused == total
    assert total >= 20  # the corpus holds images of every kind: the test is not vacuous
    print(f"corpus: {shown} of {total} image outputs and attachments shown")


REMOVING_TAGS = {"remove-cell", "remove_cell", "remove-output", "remove_output"}
REMOVING_FLAGS = ("#hide", "# hide", "#hide_output", "#hide-output", "#| include: false",
                  "#| output: false")


def hidden_or_superseded(cell: dict, what: str) -> bool:
    """Whether a reader of the notebook would not see this image either: its cell or output
    is removed by a tag or flag, or its output has a representation preferred to images
    (HTML, Markdown, LaTeX)."""
    lines = "".join(cell.get("source") or "").splitlines()
    tags = set((cell.get("metadata") or {}).get("tags") or [])
    if tags & REMOVING_TAGS or any(line.strip() in REMOVING_FLAGS for line in lines):
        return True
    if not what.startswith("output"):
        return False
    data = cell["outputs"][int(what.split()[1])].get("data") or {}
    return any(m in data for m in ("text/html", "text/markdown", "text/latex"))
