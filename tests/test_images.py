"""The images filter on small notebooks, and posts with images built by real Jekyll.

Unit tests run pandoc's reader, the cell-index filter and the images filter on notebooks
made here; the Jekyll tests convert with ``pandockit convert``'s code path and check that
every ``<img>`` of the built page is a file whose bytes are the notebook's.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import subprocess
import sys
from pathlib import Path

import nbformat
import panflute as pf
import pytest
from converting import convert, load_doc, prepared
from jekyll_site import JekyllSite, article, img_srcs
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pandockit.config import default_options, resolve_options
from pandockit.filters import cell_index, images
from pandockit.job import attach
from pandockit.liquid import BASEURL_MARKER
from pandockit.media import resolve
from pandockit.notebook import read_notebook
from pandockit.plan import plan_post
from pandockit.writer import MEDIA_MANIFEST

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PNG2 = PNG + b"\x00second"  # other bytes: browsers do not care, the checks do
JPEG = b"\xff\xd8\xff\xe0fake jpeg bytes\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00fake gif"
PDF = b"%PDF-1.4\n% fake pdf\n"
TOP = GIF + b"top"
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
    '<rect width="8" height="8"/></svg>'
)
STEM = "2024-03-04-pictures"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def sha(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def image_output(mime: str, data, **meta) -> dict:
    value = data if isinstance(data, str) else b64(data)
    return new_output("display_data", data={mime: value}, metadata=meta)


def write_nb(folder: Path, cells: list, name: str = STEM + ".ipynb", minor: int = 5) -> Path:
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}}
    nb.cells = cells
    nb.nbformat_minor = minor
    if minor < 5:
        for cell in nb.cells:
            cell.pop("id", None)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, str(path))
    return path


class Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def warned():
    """The warnings pandockit logs during the test (whatever the CLI did to the logger)."""
    logger = logging.getLogger("pandockit")
    handler, level = Logged(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    yield handler.messages
    logger.removeHandler(handler)
    logger.setLevel(level)


def filtered(path: Path, site: Path | None = None) -> pf.Doc:
    """``path`` read by pandoc, numbered and through the images filter (nothing else)."""
    notebook = read_notebook(path)
    doc = prepared(load_doc(notebook), notebook, default_options(), site or path.parent)
    doc.metadata["pandockit-post"] = STEM
    return images.main(cell_index.main(doc))


def doc_images(doc: pf.Doc) -> list[pf.Image]:
    found: list[pf.Image] = []
    doc.walk(lambda e, d: found.append(e) if isinstance(e, pf.Image) else None)
    return found


def url_of(name: str) -> str:
    return f"{BASEURL_MARKER}/assets/nb_files/{STEM}/{name}"


def media_bytes(path: Path, doc: pf.Doc) -> dict[str, bytes]:
    return resolve(read_notebook(path).node, images.media(doc))


# --------------------------------------------------------------------------- output images


def test_each_output_type_named_as_nbconvert_does(tmp_path: Path) -> None:
    path = write_nb(
        tmp_path,
        [
            new_markdown_cell("Plots:"),
            new_code_cell(
                "show()",
                outputs=[
                    image_output("image/png", PNG),
                    image_output("image/jpeg", JPEG),
                    new_output("stream", name="stdout", text="between\n"),
                    image_output("image/gif", GIF),
                    image_output("image/svg+xml", SVG),
                ],
            ),
        ],
    )
    doc = filtered(path)
    imgs = doc_images(doc)
    names = ["output_1_0.png", "output_1_1.jpg", "output_1_3.gif", "output_1_4.svg"]
    assert [i.url for i in imgs] == [url_of(n) for n in names]
    assert [pf.stringify(i) for i in imgs] == ["png", "jpeg", "gif", "svg"]
    assert media_bytes(path, doc) == dict(zip(names, [PNG, JPEG, GIF, SVG.encode()]))


def test_width_and_height_become_a_kramdown_attribute_list(tmp_path: Path) -> None:
    path = write_nb(
        tmp_path,
        [
            new_code_cell(
                "x",
                outputs=[
                    image_output("image/png", PNG, **{"image/png": {"width": 360, "height": 240}}),
                    image_output("image/png", PNG2, **{"image/png": {"width": '3" onload="x'}}),
                ],
            )
        ],
    )
    doc = filtered(path)
    first, second = [b for b in doc.content[0].content if isinstance(b, pf.Div)]
    para = first.content[0]
    assert isinstance(para.content[1], pf.RawInline)
    assert para.content[1].text == '{: width="360" height="240"}'
    assert not para.content[0].attributes  # moved, or pandoc would write an <img> tag
    assert len(second.content[0].content) == 1  # an unsafe width is dropped, not written


def test_alt_text_from_quarto_options_and_caption(tmp_path: Path) -> None:
    path = write_nb(
        tmp_path,
        [
            new_code_cell(
                "#| fig-alt: A red square\n#| echo: false\nplot()",
                outputs=[image_output("image/png", PNG)],
            ),
            new_code_cell(
                '#| fig-cap:\n#|   - "First"\n#|   - "Second"\nplot(); plot()',
                outputs=[image_output("image/png", PNG), image_output("image/png", PNG2)],
            ),
            new_code_cell("plot()", outputs=[image_output("image/png", PNG2)],
                          metadata={"caption": "From the metadata"}),
            new_code_cell("plot()", outputs=[image_output("image/svg+xml", SVG)]),
        ],
    )
    alts = [pf.stringify(i) for i in doc_images(filtered(path))]
    assert alts == ["A red square", "First", "Second", "From the metadata", "svg"]


def test_pdf_output_is_written_and_linked(tmp_path: Path) -> None:
    path = write_nb(tmp_path, [new_code_cell("x", outputs=[image_output("application/pdf", PDF)])])
    doc = filtered(path)
    links = []
    doc.walk(lambda e, d: links.append(e) if isinstance(e, pf.Link) else None)
    assert [link.url for link in links] == [url_of("output_0_0.pdf")]
    assert not doc_images(doc)
    assert media_bytes(path, doc) == {"output_0_0.pdf": PDF}


def test_invalid_base64_is_left_out_with_a_warning_naming_the_cell(tmp_path, warned) -> None:
    path = write_nb(
        tmp_path,
        [
            new_markdown_cell("Before"),
            new_code_cell("x", outputs=[image_output("image/jpeg", "!!!not base64")]),
            new_code_cell("y", outputs=[image_output("image/png", PNG)]),
        ],
    )
    doc = filtered(path)
    assert [i.url for i in doc_images(doc)] == [url_of("output_2_0.png")]
    assert any("cell 1" in m and "invalid data" in m and path.name in m for m in warned)
    assert media_bytes(path, doc) == {"output_2_0.png": PNG}


def test_identical_bytes_share_one_file(tmp_path: Path) -> None:
    path = write_nb(
        tmp_path,
        [
            new_code_cell("a", outputs=[image_output("image/png", PNG)]),
            new_code_cell("b", outputs=[image_output("image/png", PNG2),
                                        image_output("image/png", PNG)]),
        ],
    )
    doc = filtered(path)
    assert [i.url for i in doc_images(doc)] == [
        url_of("output_0_0.png"), url_of("output_1_0.png"), url_of("output_0_0.png")
    ]
    assert sorted(images.media(doc)) == ["output_0_0.png", "output_1_0.png"]


# --------------------------------------------------------------------------- markdown cells


def test_attachments_with_and_without_cell_ids(tmp_path: Path) -> None:
    cell = new_markdown_cell(
        '![pic](attachment:pic.png) and <img src="attachment:my%20pic.png" width="20">',
        attachments={"pic.png": {"image/png": b64(PNG)}, "my pic.png": {"image/png": b64(PNG2)}},
    )
    for minor in (5, 4):
        path = write_nb(tmp_path / f"v{minor}", [cell], minor=minor)
        doc = filtered(path)
        assert [i.url for i in doc_images(doc)] == [url_of("attachment_0_pic.png")]
        raw = [e for e in doc.content[0].content[0].content if isinstance(e, pf.RawInline)]
        assert raw[0].text == f'<img src="{url_of("attachment_0_my-pic.png")}" width="20">'
        assert media_bytes(path, doc) == {
            "attachment_0_pic.png": PNG,
            "attachment_0_my-pic.png": PNG2,
        }


def test_attachment_names_with_path_separators_are_refused(tmp_path, warned) -> None:
    cell = new_markdown_cell(
        "![a](attachment:../up/evil.png) ![b](attachment:gone.png)",
        attachments={"../up/evil.png": {"image/png": b64(PNG)}},
    )
    path = write_nb(tmp_path, [cell])
    doc = filtered(path)
    urls = [i.url for i in doc_images(doc)]
    assert urls == ["attachment:../up/evil.png", "attachment:gone.png"]  # as the author wrote
    assert images.media(doc) == {}
    assert any("cell 0" in m and "path separator" in m for m in warned)
    assert any("cell 0" in m and "gone.png" in m for m in warned)


def test_data_uris_are_written_out(tmp_path: Path) -> None:
    uri = "data:image/png;base64," + b64(PNG)
    svg_uri = "data:image/svg+xml;utf8," + SVG.replace("<", "%3C").replace(">", "%3E")
    path = write_nb(tmp_path, [new_markdown_cell(f"![a]({uri})\n\n<img src='{svg_uri}'>")])
    doc = filtered(path)
    assert [i.url for i in doc_images(doc)] == [url_of("image_0_0.png")]
    assert media_bytes(path, doc) == {"image_0_0.png": PNG, "image_0_1.svg": SVG.encode()}


def make_local_tree(root: Path) -> Path:
    """root/site/_notebooks/<nb> with images/fig.png; root/site/images/top.png; a secret."""
    nbdir = root / "site" / "_notebooks"
    (nbdir / "images").mkdir(parents=True)
    (nbdir / "images" / "fig.png").write_bytes(PNG)
    (nbdir / "images" / "my fig.png").write_bytes(PNG2)
    (root / "site" / "images").mkdir()
    (root / "site" / "images" / "top.png").write_bytes(GIF)
    (root / "secret.png").write_bytes(b"private")
    (nbdir / "images" / "leak.png").symlink_to(root / "secret.png")
    return nbdir


LOCAL_CELL = (
    "![fig](images/fig.png) ![sp](images/my%20fig.png) ![top](../images/top.png)\n\n"
    '<p><img src="images/fig.png" alt="again"></p>\n\n'
    "Remote ![r](https://example.com/r.png) and code `![c](images/fig.png)`.\n\n"
    "```\n![c](images/fig.png)\n```"
)
REFUSED_CELL = (
    "![up](../../secret.png) ![abs](/etc/hostname) ![f](file:///etc/hostname) "
    "![link](images/leak.png) ![gone](images/none.png)"
)


def test_local_files_are_copied_and_code_is_never_rewritten(tmp_path: Path) -> None:
    nbdir = make_local_tree(tmp_path)
    path = write_nb(nbdir, [new_markdown_cell(LOCAL_CELL)])
    doc = filtered(path, site=tmp_path / "site")
    urls = [i.url for i in doc_images(doc)]
    assert urls == [url_of("fig.png"), url_of("my-fig.png"), url_of("top.png"),
                    "https://example.com/r.png"]
    text = pf.stringify(doc)
    assert "![c](images/fig.png)" in text  # the code span and the code block, as written
    codes = []
    doc.walk(lambda e, d: codes.append(e.text) if isinstance(e, (pf.Code, pf.CodeBlock)) else None)
    assert codes == ["![c](images/fig.png)", "![c](images/fig.png)"]
    assert media_bytes(path, doc) == {"fig.png": PNG, "my-fig.png": PNG2, "top.png": GIF}


def test_outside_the_notebook_folder_is_refused_when_not_in_the_site(tmp_path, warned) -> None:
    nbdir = make_local_tree(tmp_path)
    path = write_nb(nbdir, [new_markdown_cell("![top](../images/top.png)")])
    doc = filtered(path, site=tmp_path / "elsewhere")
    assert [i.url for i in doc_images(doc)] == ["../images/top.png"]
    assert any("leaves the notebook's folder" in m for m in warned)


def test_every_refusal_warns_naming_the_cell_and_leaves_the_link(tmp_path, warned) -> None:
    nbdir = make_local_tree(tmp_path)
    path = write_nb(nbdir, [new_markdown_cell("Intro"), new_markdown_cell(REFUSED_CELL)])
    doc = filtered(path, site=tmp_path / "site")
    assert [i.url for i in doc_images(doc)] == [
        "../../secret.png", "/etc/hostname", "file:///etc/hostname", "images/leak.png",
        "images/none.png",
    ]
    assert images.media(doc) == {}
    for needle in ("leaves the notebook", "absolute path", "file: URL", "symlink", "not found"):
        assert any(needle in m and "cell 1" in m and path.name in m for m in warned), needle


def test_a_chained_filter_without_checks_leaves_local_images(tmp_path, warned) -> None:
    nbdir = make_local_tree(tmp_path)
    path = write_nb(nbdir, [new_markdown_cell("![fig](images/fig.png)")])
    notebook = read_notebook(path)
    doc = load_doc(notebook)  # its job, but nobody checked the files (no local_images)
    attach(doc, plan_post(path, default_options(), links={}, notebook=notebook))
    doc = images.main(cell_index.main(doc))
    assert [i.url for i in doc_images(doc)] == ["images/fig.png"]
    assert any("not checked" in m for m in warned)


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


@pytest.mark.jekyll
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


@pytest.mark.jekyll
def test_literal_baseurl_with_liquid_off(make_site) -> None:
    site = make_site({"baseurl": "/blog", "pandockit": {"liquid": "off"}})
    site_files(site)
    path = full_notebook(site.path / "_notebooks")
    result = convert(path, site.path, resolve_options(site.path))
    assert "{{ site.baseurl }}" not in result.post.read_text()
    site.build()
    check_page(site, result.post, "/blog")


@pytest.mark.jekyll
def test_refused_images_stay_as_written_and_the_post_builds(make_site, warned) -> None:
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


@pytest.mark.jekyll
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


@pytest.mark.jekyll
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
    import pypandoc

    from pandockit.pandoc import READER

    cmd = [pypandoc.get_pandoc_path(), str(nb), "-f", READER, "-t", "markdown"]
    for name in [*filters, "pandockit-jekyll"]:
        cmd += ["--filter", str(Path(sys.executable).parent / name)]
    cmd += ["-M", f"pandockit-notebook={nb}", "-M", f"pandockit-site={filter_site.path}"]
    subprocess.run([*cmd, "-o", str(out)], check=True, capture_output=True, cwd=filter_site.path)
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


@pytest.mark.jekyll
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
