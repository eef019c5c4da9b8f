"""The images filter on small notebooks: pandoc's reader, the cell-index filter and the images
filter on notebooks made here (posts with images built by real Jekyll:
tests/site/test_images_jekyll.py)."""

from __future__ import annotations

import base64
import hashlib
import logging
from pathlib import Path

import nbformat
import panflute as pf
import pytest
from converting import load_doc, prepared
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pandockit.config import default_options
from pandockit.filters import cell_index, images
from pandockit.job import attach
from pandockit.liquid import BASEURL_MARKER
from pandockit.media import resolve
from pandockit.notebook import read_notebook
from pandockit.plan import plan_post

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
