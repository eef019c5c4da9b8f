"""The benchmark's notebooks: the same bytes on every run, valid nbformat, the images asked."""

from __future__ import annotations

import base64
import sys
import warnings
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import generate  # noqa: E402


@pytest.mark.parametrize(("cells", "images"), [(20, 2), (40, 4), (7, 0)])
def test_same_bytes_twice(cells: int, images: int) -> None:
    first = generate.dumps(generate.notebook(cells, images, seed=3))
    second = generate.dumps(generate.notebook(cells, images, seed=3))
    assert first == second
    assert generate.dumps(generate.notebook(cells, images, seed=4)) != first


def test_cells_images_and_schema() -> None:
    nb = generate.notebook(40, 4, seed=1)
    assert len(nb["cells"]) == 40
    pngs = [
        base64.b64decode(out["data"]["image/png"])
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
    ]
    assert len(pngs) == 4
    assert all(p.startswith(b"\x89PNG\r\n\x1a\n") and p.endswith(b"IEND\xaeB`\x82") for p in pngs)
    assert len(set(pngs)) == 4  # distinct images, as pandoc names them by their bytes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nbformat.validate(nbformat.from_dict(nb))


def test_generate_writes_identical_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generate, "SINGLES", (("tiny", 10, 1),))
    monkeypatch.setattr(generate, "MANY", (3, 8, 1))
    a = generate.generate(tmp_path / "a")
    b = generate.generate(tmp_path / "b")
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    assert len(a) == 4
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b))
    stamp = a[0].stat().st_mtime_ns
    generate.generate(tmp_path / "a")  # unchanged files are not rewritten (an unchanged build)
    assert a[0].stat().st_mtime_ns == stamp


@pytest.mark.jekyll
def test_benchmark_notebook_is_a_whole_post(site) -> None:
    """What the benchmark times is a real conversion: Jekyll builds the post with every
    formula's TeX, every image's bytes, every code line and the Liquid-looking text intact."""
    import re
    import subprocess

    from jekyll_site import img_srcs, math_in, text_of

    nb = generate.notebook(60, 3, seed=7)
    path = site.path / "_notebooks" / "2024-01-01-bench.ipynb"
    path.parent.mkdir()
    path.write_bytes(generate.dumps(nb))
    cli = [sys.executable, "-m", "pandockit", "convert", "-q", "--site", str(site.path), str(path)]
    subprocess.run(cli, check=True, capture_output=True)
    site.build()
    page = site.post_html(site.path / "_posts" / "2024-01-01-bench.md")

    sources = ["".join(c["source"]) for c in nb["cells"]]
    markdown = "\n".join(s for s, c in zip(sources, nb["cells"]) if c["cell_type"] == "markdown")
    expected = re.findall(r"\$\$\n(.*?)\n\$\$", markdown, re.S)
    expected += re.findall(r"(?<!\$)\$([^$\n]+)\$(?!\$)", markdown)
    formulas = math_in(page)
    assert expected and all(tex in [f.strip() for f in formulas] for tex in expected)

    pngs = [
        base64.b64decode(out["data"]["image/png"])
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
    ]
    srcs = img_srcs(page)
    assert sorted(site.url_path(s).read_bytes() for s in srcs) == sorted(pngs)

    text = text_of(page)
    code = [s for s, c in zip(sources, nb["cells"]) if c["cell_type"] == "code"]
    assert all(line in text for s in code for line in s.splitlines())
    assert "{{ page.title }}" in text


def test_formula_cell_holds_the_formulas_asked(tmp_path: Path) -> None:
    """The ``cell`` case's notebook: one Markdown cell (after the front matter) with exactly
    the inline formulas asked, as Jupyter finds them, the same bytes on every run."""
    from pandockit.formula_scan import formulas

    path = generate.formula_cell(tmp_path, 120)
    assert path.read_bytes() == generate.dumps(generate.formula_cell_notebook(120))
    nb = generate.formula_cell_notebook(120)
    (cell,) = nb["cells"][1:]
    found = formulas("".join(cell["source"]))
    assert len(found) == 120 and not any(f.display for f in found)
    assert found[0].tex.endswith("_{0}^2") and found[-1].tex.endswith("_{119}^2")
