"""The ``pandoc --filter`` route gives byte-identical posts and images to ``pandockit convert``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import panflute as pf
import pypandoc
import pytest
from converting import run_filter_route
from goldens import case_dirs, case_params, convert_case, notebook_of, options_of

from pandockit.filter_route import job_from_metadata
from pandockit.filters import tex_math
from pandockit.keys import DONE_KEY
from pandockit.pandoc import READER
from pandockit.pipeline import PIPELINE, run_pipeline

BIN = Path(sys.executable).parent
CASES = [c for c in case_dirs() if not options_of(c)]  # the filter route reads _config.yml only
SINGLE_FILTERS = [
    "pandockit-cell-index",
    "pandockit-jupyter-math",
    "pandockit-front-matter",
    "pandockit-visibility",
    "pandockit-notes",
    "pandockit-outputs",
    "pandockit-images",
    "pandockit-card",
    "pandockit-anchors",
    "pandockit-tex-math",
    "pandockit-raw-html",
    "pandockit-top",
    "pandockit-cells",
]


def tree(folder: Path) -> dict[str, bytes]:
    files = (p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


@pytest.mark.parametrize("case", case_params(CASES))
def test_filter_route_matches_cli(case: Path, tmp_path: Path) -> None:
    text, _, post = convert_case(case, tmp_path / "cli")
    site = tmp_path / "filter"
    site.mkdir()
    out = tmp_path / "post.md"
    run_filter_route(notebook_of(case), site, out, ["pandockit-jekyll"])
    assert out.read_text(encoding="utf-8") == text
    assert tree(site / "assets") == tree(tmp_path / "cli" / "assets") if (
        tmp_path / "cli" / "assets"
    ).exists() else not (site / "assets").exists()


def test_chained_single_filters_match_cli(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "seed")
    text, media, _ = convert_case(case, tmp_path / "cli")
    site = tmp_path / "chain"
    site.mkdir()
    out = tmp_path / "post.md"
    run_filter_route(notebook_of(case), site, out, [*SINGLE_FILTERS, "pandockit-jekyll"])
    assert out.read_text(encoding="utf-8") == text
    assert media and tree(site / "assets") == tree(tmp_path / "cli" / "assets")


def test_former_script_name_still_chains(tmp_path: Path) -> None:
    """``pandockit-math`` and ``pandockit-html`` (the steps' former names) are still installed,
    and a document they marked done is not written twice by ``pandockit-jekyll``, which runs the
    steps still to do."""
    case = next(c for c in CASES if c.name == "seed")
    text, _, _ = convert_case(case, tmp_path / "cli")
    site = tmp_path / "chain"
    site.mkdir()
    out = tmp_path / "post.md"
    former = {"pandockit-tex-math": "pandockit-math", "pandockit-raw-html": "pandockit-html"}
    chain = [former.get(f, f) for f in SINGLE_FILTERS]
    run_filter_route(notebook_of(case), site, out, [*chain[:chain.index("pandockit-html") + 1],
                                              "pandockit-jekyll"])
    assert out.read_text(encoding="utf-8") == text


def test_a_step_done_under_its_former_name_is_done() -> None:
    """Older chains recorded ``math`` in ``pandockit-done``: the pipeline does not run
    ``tex-math`` again (it would escape the escaped dollars a second time)."""
    doc = pf.Doc(pf.Para(pf.Str("costs"), pf.Space(), pf.Str("$$5")))
    names = [step.name for step in PIPELINE if step.name != tex_math.NAME] + ["math"]
    doc.metadata[DONE_KEY] = names
    job = job_from_metadata(doc)  # no notebook: the job of a bare document
    run_pipeline(doc, job)
    assert [type(i) for i in doc.content[0].content] == [pf.Str, pf.Space, pf.Str]  # untouched
    doc.metadata[DONE_KEY] = names[:-1]
    run_pipeline(doc, job)
    assert pf.RawInline in [type(i) for i in doc.content[0].content]  # the $$ escaped


def test_filters_folder_wrappers_match_cli(tmp_path: Path) -> None:
    """``pandoc --filter filters/<name>.py``, chained in pipeline order, gives the CLI's post."""
    case = next(c for c in CASES if c.name == "seed")
    text, _, _ = convert_case(case, tmp_path / "cli")
    folder = Path(__file__).resolve().parents[2] / "filters"
    wrappers = [str(folder / f"{name}.py") for name in (
        "cell_index", "front_matter", "visibility", "outputs", "images", "card", "anchors",
        "tex_math",
        "raw_html", "top", "cells", "jekyll",
    )]
    site = tmp_path / "wrappers"
    site.mkdir()
    out = tmp_path / "post.md"
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    cmd = [pypandoc.get_pandoc_path(), str(notebook_of(case)), "-f", READER, "-t", "markdown"]
    for wrapper in wrappers:
        cmd += ["--filter", wrapper]
    cmd += ["-M", f"pandockit-notebook={notebook_of(case)}", "-M", f"pandockit-site={site}"]
    subprocess.run([*cmd, "-o", str(out)], check=True, capture_output=True, env=env)
    assert out.read_text(encoding="utf-8") == text


def test_filter_without_notebook_metadata_fails_in_one_line(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "seed")
    cmd = [pypandoc.get_pandoc_path(), str(notebook_of(case)), "-f", READER, "-t", "markdown",
           "--filter", str(BIN / "pandockit-jekyll")]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode != 0
    assert "pandockit-notebook" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_filter_route_cleans_svg_and_markdown_outputs_with_sanitize(tmp_path: Path) -> None:
    """``pandockit-jekyll`` with ``html: sanitize`` in the site's _config.yml writes what
    ``convert`` writes: the Markdown output sanitised, the SVG file cleaned."""
    import nbformat
    import nbformat.v4 as nbv

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9" onload="x()">'
           '<script>x()</script><rect width="9" height="9"/></svg>')
    md = '<script>x()</script><img src=x onerror="x()"><a href="javascript:x()">l</a>'
    nb = tmp_path / "2021-05-06-safe.ipynb"
    nbformat.write(nbv.new_notebook(cells=[
        nbv.new_code_cell("a", outputs=[nbv.new_output("display_data", data={
            "text/markdown": md, "text/plain": "m"})]),
        nbv.new_code_cell("b", outputs=[nbv.new_output("display_data", data={
            "image/svg+xml": svg, "text/plain": "s"})]),
    ]), str(nb))
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("pandockit:\n  html: sanitize\n", encoding="utf-8")
    run_filter_route(nb, site, tmp_path / "post.md", ["pandockit-jekyll"])
    post = (tmp_path / "post.md").read_text(encoding="utf-8")
    (written,) = (site / "assets").rglob("*.svg")
    for text in (post, written.read_text(encoding="utf-8")):
        assert "script" not in text and "onerror" not in text and "onload" not in text
        assert "javascript:" not in text
    assert '<rect width="9" height="9" />' in written.read_text(encoding="utf-8")
