"""What the filters need from outside the AST is gathered before the pipeline (pandockit.gather):
the re-reads of the jupyter-math step and the HTML of Markdown outputs, each in as few pandoc
runs as said, none for a notebook that needs none; the filters then start no process."""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import nbformat.v4 as nbv
import panflute as pf
import pytest
from converting import load_doc, prepared

from pandockit import gather, markdown_output, rereads
from pandockit.config import resolve_options
from pandockit.context import inputs
from pandockit.errors import PandockitError
from pandockit.filter_route import job_from_metadata
from pandockit.filters import cell_index, jupyter_math, outputs
from pandockit.job import attach, job_of
from pandockit.keys import DONE_KEY
from pandockit.notebook import read_notebook
from pandockit.pandoc import pandoc_path
from pandockit.pipeline import PIPELINE, run_pipeline
from pandockit.plan import plan_post
from pandockit.tree import is_cell, is_output

MASKED = "spaces $ x $ inside"  # pandoc reads no math, Jupyter one formula: read again
SPLIT = "<div>\n\n**bold**\n\n</div>"  # Jupyter ends the HTML block at the blank line
AGREED = "plain $x$ and text"
MARKDOWN_HTML = "<b>hi</b> *em*"  # a Markdown output holding HTML: shown as its HTML
MARKDOWN = "**plain** text"  # shown as Markdown (html: keep)


def _notebook(tmp_path: Path, cells: list) -> Path:
    path = tmp_path / "2024-01-02-n.ipynb"
    nbformat.write(nbv.new_notebook(cells=cells), str(path))
    return path


def _display(markdown: str):
    return nbv.new_code_cell("x", outputs=[nbv.new_output(
        "display_data", data={"text/markdown": markdown, "text/plain": "m"})])


def _all_kinds(tmp_path: Path) -> Path:
    return _notebook(tmp_path, [
        nbv.new_markdown_cell(MASKED), nbv.new_markdown_cell(SPLIT),
        nbv.new_markdown_cell(AGREED), _display(MARKDOWN_HTML), _display(MARKDOWN),
    ])


@pytest.fixture
def runs(monkeypatch) -> list[str]:
    """What each pandoc run of the gathering was for."""
    found: list[str] = []

    def counted(real):
        def run(args, stdin, *, what="pandoc"):
            found.append(what)
            return real(args, stdin, what=what)
        return run

    monkeypatch.setattr(rereads, "run_pandoc", counted(rereads.run_pandoc))
    monkeypatch.setattr(markdown_output, "run_pandoc", counted(markdown_output.run_pandoc))
    return found


def _prepared(path: Path, tmp_path: Path) -> pf.Doc:
    notebook = read_notebook(path)
    return prepared(load_doc(notebook), notebook, resolve_options(tmp_path), tmp_path,
                    source_day="")


def test_the_steps_gathered_for_are_the_pipelines() -> None:
    names = [step.name for step in PIPELINE]
    assert gather.CELL_INDEX == cell_index.NAME == names[0]
    assert gather.JUPYTER_MATH == jupyter_math.NAME == names[1]
    assert gather.OUTPUTS == outputs.NAME in names


def test_one_pandoc_run_per_reader_and_one_read_and_write_for_markdown(tmp_path, runs) -> None:
    given = inputs(_prepared(_all_kinds(tmp_path), tmp_path))
    assert sorted(given.rereads) == [0, 1]  # the cells' indexes; cell 2 reads alike
    assert list(given.markdown_html) == [MARKDOWN_HTML]
    assert given.markdown_html[MARKDOWN_HTML] == "<p><b>hi</b> <em>em</em></p>"
    assert len(runs) == 4, runs  # masked, fenced; Markdown outputs read, written
    assert [c.kind for c in given.cells] == ["markdown"] * 3 + ["code"] * 2
    assert given.cells[3].outputs[0]["data"]["text/markdown"] == [MARKDOWN_HTML]  # as saved


def test_a_notebook_read_alike_starts_no_pandoc(tmp_path, runs) -> None:
    path = _notebook(tmp_path, [nbv.new_markdown_cell(AGREED), _display(MARKDOWN),
                                nbv.new_code_cell("print(1)")])
    given = inputs(_prepared(path, tmp_path))
    assert runs == []
    assert dict(given.rereads) == {} and dict(given.markdown_html) == {}
    assert given.cell(1).source == "x" and given.cell(3) is None


def test_the_filters_start_no_process(tmp_path, monkeypatch) -> None:
    """With the inputs gathered, the whole pipeline runs with processes forbidden, and the
    jupyter-math and outputs steps put the gathered blocks and HTML in place."""
    doc = _prepared(_all_kinds(tmp_path), tmp_path)

    def refused(*args, **kwargs):
        raise AssertionError(f"a filter started a process: {args[:1]}")

    monkeypatch.setattr(subprocess, "run", refused)
    monkeypatch.setattr(subprocess, "Popen", refused)
    doc = jupyter_math.main(cell_index.main(doc))
    cells = [b for b in doc.content if is_cell(b)]
    maths = []
    cells[0].walk(lambda e, d: maths.append(e.text) if isinstance(e, pf.Math) else None)
    assert maths == [" x "]  # the author's TeX, as Jupyter reads it
    assert [type(b).__name__ for b in cells[1].content] == ["RawBlock", "Para", "RawBlock"]
    doc = run_pipeline(doc, job_of(doc))
    monkeypatch.undo()  # pandoc writes the post
    text = pf.convert_text(doc, input_format="panflute", output_format="markdown",
                           pandoc_path=pandoc_path())
    assert "<b>hi</b> <em>em</em>" in text and "**plain** text" in text


def test_a_chain_gathers_nothing_for_steps_done(tmp_path, runs) -> None:
    notebook = read_notebook(_all_kinds(tmp_path))
    doc = load_doc(notebook)
    doc.metadata[DONE_KEY] = [cell_index.NAME, jupyter_math.NAME, outputs.NAME]
    given = gather.gather(doc, notebook.node, "keep")
    assert runs == [] and dict(given.rereads) == {} and dict(given.markdown_html) == {}
    assert len(given.cells) == 5


def test_numbered_cells_are_found_by_their_number(tmp_path) -> None:
    """In a chain the cell-index step ran in another process: the Divs carry their numbers."""
    notebook = read_notebook(_all_kinds(tmp_path))
    doc = load_doc(notebook)
    attach(doc, plan_post(notebook.path, resolve_options(tmp_path), tmp_path, links={},
                          notebook=notebook))
    doc = cell_index.main(doc)
    doc.content = [b for b in doc.content if not (is_cell(b) and b.attributes.get(
        "pandockit-cell") == "0")]  # a cell gone before: the numbers still hold
    given = gather.gather(doc, notebook.node, "keep")
    assert sorted(given.rereads) == [1]


def _markdown_blocks(doc: pf.Doc) -> list[str]:
    doc = outputs.main(cell_index.main(doc))
    return [b.text for c in doc.content if is_cell(c, "code") for o in c.content
            if is_output(o) for b in o.content if isinstance(b, pf.RawBlock)]


def test_without_the_notebook_markdown_outputs_are_read_from_the_ast(tmp_path) -> None:
    """A console script run without ``-M pandockit-notebook`` gathers the Markdown outputs
    pandoc read, and shows them as the notebook's own would be."""
    notebook = read_notebook(_all_kinds(tmp_path))
    doc = load_doc(notebook)
    attach(doc, job_from_metadata(doc))
    assert list(inputs(doc).markdown_html) == [MARKDOWN_HTML]
    with_notebook = _markdown_blocks(_prepared(_all_kinds(tmp_path), tmp_path))
    assert _markdown_blocks(doc) == with_notebook
    assert '<div class="pandockit-html">\n<p><b>hi</b> <em>em</em></p>\n</div>' in with_notebook


def test_a_markdown_output_not_gathered_fails_in_one_line(tmp_path) -> None:
    notebook = read_notebook(_all_kinds(tmp_path))
    doc = load_doc(notebook)
    attach(doc, plan_post(notebook.path, resolve_options(tmp_path), tmp_path, links={},
                          notebook=notebook))  # the job, but nothing gathered
    with pytest.raises(PandockitError, match="not read before the filters"):
        outputs.main(cell_index.main(doc))


def test_a_console_script_gathers_for_its_own_step(tmp_path, runs) -> None:
    """A process that runs one step gathers what that step needs, nothing else."""
    notebook = read_notebook(_all_kinds(tmp_path))
    doc = load_doc(notebook)
    given = gather.gather(doc, notebook.node, "keep", steps=[cell_index.NAME])
    assert runs == [] and dict(given.rereads) == {} and dict(given.markdown_html) == {}
    given = gather.gather(doc, notebook.node, "keep", steps=[outputs.NAME])
    assert len(runs) == 2 and dict(given.rereads) == {} and list(given.markdown_html)


def test_the_inputs_are_frozen_plain_data(tmp_path) -> None:
    """What is handed in is data a job can hold: frozen, picklable, equal to its copy."""
    import dataclasses
    import pickle

    given = inputs(_prepared(_all_kinds(tmp_path), tmp_path))
    with pytest.raises(dataclasses.FrozenInstanceError):
        given.rereads = {}  # type: ignore[misc]
    copy = pickle.loads(pickle.dumps(given))
    assert copy.cells == given.cells and dict(copy.rereads) == dict(given.rereads)
    assert all(isinstance(text, str) for text in given.rereads.values())
