"""The visibility filter: every row of the hiding table in every family, on small notebooks."""

from __future__ import annotations

from pathlib import Path

import nbformat
import nbformat.v4 as nbv
import panflute as pf
import pytest
from converting import load_doc, prepared, render_notebook

from pandockit.config import resolve_options
from pandockit.filters import cell_index, visibility
from pandockit.filters.base import is_cell, is_output
from pandockit.notebook import read_notebook


def write(tmp_path: Path, cells: list, metadata: dict | None = None) -> Path:
    nb = nbv.new_notebook(cells=cells, metadata=metadata or {})
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    return path


def streams_cell(source: str, tags: list[str] | None = None, **metadata) -> dict:
    if tags:
        metadata["tags"] = tags
    return nbv.new_code_cell(
        source,
        metadata=metadata,
        outputs=[
            nbv.new_output("stream", name="stdout", text="out\n"),
            nbv.new_output("stream", name="stderr", text="err\n"),
        ],
    )


def filtered(tmp_path: Path, cells: list, cli: dict | None = None) -> pf.Doc:
    """The document after the cell-index and visibility filters."""
    notebook = read_notebook(write(tmp_path, cells))
    doc = prepared(load_doc(notebook), notebook, resolve_options(tmp_path, cli))
    return visibility.main(cell_index.main(doc))


def the_cell(doc: pf.Doc) -> pf.Div | None:
    cells = [b for b in doc.content if is_cell(b)]
    return cells[0] if cells else None


def inputs(cell: pf.Div) -> list[str]:
    return [b.text for b in cell.content if isinstance(b, pf.CodeBlock)]


def streams(cell: pf.Div) -> list[str]:
    return [c for b in cell.content if is_output(b) for c in b.classes if c in ("stdout", "stderr")]


def check(effect: str, cell: pf.Div | None) -> None:
    """Assert that ``cell`` (the filtered one-cell notebook) shows ``effect`` and only it."""
    if effect == "remove-cell":
        assert cell is None
        return
    assert cell is not None
    attrs = cell.attributes
    expect_inputs = [] if effect == "remove-input" else ["x = 1"]
    assert inputs(cell) == expect_inputs
    expect_streams = {"remove-output": [], "remove-stderr": ["stdout"]}.get(
        effect, ["stdout", "stderr"]
    )
    assert streams(cell) == expect_streams
    folds = {
        "hide-input": ("pandockit-fold-input", "closed"),
        "show-input": ("pandockit-fold-input", "open"),
        "hide-output": ("pandockit-fold-output", "closed"),
        "hide-cell": ("pandockit-fold-cell", "closed"),
    }
    wanted = dict([folds[effect]]) if effect in folds else {}
    for name in {n for n, _ in folds.values()}:
        assert attrs.get(name) == wanted.get(name)


#: effect -> (family, flag line or None, tags)
TABLE = [
    ("remove-cell", "fastpages", "#hide", []),
    ("remove-cell", "fastpages", "# hide", []),
    ("remove-cell", "fastpages", "#HIDE", []),
    ("remove-cell", "quarto", "#| include: false", []),
    ("remove-cell", "nbdev2", "#| hide", []),
    ("remove-cell", "nbdev2", "#|hide", []),
    ("remove-cell", "nbconvert", None, ["remove_cell"]),
    ("remove-cell", "jupyter-book", None, ["remove-cell"]),
    ("remove-input", "fastpages", "#hide_input", []),
    ("remove-input", "fastpages", "#hide-input", []),
    ("remove-input", "quarto", "#| echo: false", []),
    ("remove-input", "nbconvert", None, ["remove_input"]),
    ("remove-input", "jupyter-book", None, ["remove-input"]),
    ("remove-output", "fastpages", "#hide_output", []),
    ("remove-output", "fastpages", "#hide-output", []),
    ("remove-output", "quarto", "#| output: false", []),
    ("remove-output", "nbconvert", None, ["remove_output"]),
    ("remove-output", "jupyter-book", None, ["remove-output"]),
    ("hide-input", "fastpages", "#collapse", []),
    ("hide-input", "fastpages", "#collapse-hide", []),
    ("hide-input", "fastpages", "#collapse_hide", []),
    ("hide-input", "quarto", "#| code-fold: true", []),
    ("hide-input", "jupyter-book", None, ["hide-input"]),
    ("show-input", "fastpages", "#collapse-show", []),
    ("show-input", "fastpages", "#collapse_show", []),
    ("show-input", "quarto", "#| code-fold: show", []),
    ("hide-output", "fastpages", "#collapse-output", []),
    ("hide-output", "fastpages", "#collapse_output", []),
    ("hide-cell", "jupyter-book", None, ["hide-cell"]),
    ("remove-stderr", "quarto", "#| warning: false", []),
    ("remove-stderr", "jupyter-book", None, ["remove-stderr"]),
]


@pytest.mark.parametrize(("effect", "family", "flag", "tags"), TABLE)
def test_table_row(tmp_path: Path, effect: str, family: str, flag: str | None, tags: list) -> None:
    source = f"{flag}\nx = 1" if flag else "x = 1"
    cell = the_cell(filtered(tmp_path, [streams_cell(source, tags)]))
    check(effect, cell)


def test_no_flag_changes_nothing(tmp_path: Path) -> None:
    cell = the_cell(filtered(tmp_path, [streams_cell("x = 1", ["unrelated"])]))
    assert inputs(cell) == ["x = 1"] and streams(cell) == ["stdout", "stderr"]
    assert not [k for k in cell.attributes if k.startswith("pandockit-fold")]


def test_flag_lines_never_reach_the_post(tmp_path: Path) -> None:
    source = (
        "#| label: fig-x\n#| code-fold: true\n#| fig-cap: >\n#|   long caption\nx = 1\n#collapse\n"
    )
    post, _ = render_notebook(
        read_notebook(write(tmp_path, [streams_cell(source)])), resolve_options(tmp_path)
    )
    assert "#|" not in post.text and "collapse" not in post.text and "caption" not in post.text
    assert "```python\nx = 1\n```" in post.text


def test_code_summary_names_the_toggle(tmp_path: Path) -> None:
    source = '#| code-fold: true\n#| code-summary: "See it"\nx = 1'
    cell = the_cell(filtered(tmp_path, [streams_cell(source)]))
    assert cell.attributes["pandockit-summary"] == "See it"


def test_flags_in_other_comment_styles(tmp_path: Path) -> None:
    cell = the_cell(filtered(tmp_path, [streams_cell("//| echo: false\nx = 1")]))
    assert inputs(cell) == []


def test_bad_option_yaml_warns_and_keeps_the_cell(tmp_path: Path, caplog) -> None:
    cell = the_cell(filtered(tmp_path, [streams_cell("#| echo: [unclosed\nx = 1")]))
    assert inputs(cell) == ["x = 1"]
    assert "not YAML" in caplog.text


@pytest.mark.parametrize(
    ("effect", "tag"),
    [("remove-cell", "secret"), ("remove-input", "no-code"), ("hide-output", "fold-out"),
     ("hide-input", "fold-in"), ("remove-stderr", "quiet")],
)
def test_site_tags(tmp_path: Path, effect: str, tag: str) -> None:
    cli = {"tags": {effect: [tag]}}
    check(effect, the_cell(filtered(tmp_path, [streams_cell("x = 1", [tag])], cli)))


def test_site_tag_as_single_string(tmp_path: Path) -> None:
    cli = {"tags": {"remove-cell": "secret"}}
    assert the_cell(filtered(tmp_path, [streams_cell("x = 1", ["secret"])], cli)) is None


@pytest.mark.parametrize(
    ("metadata", "effect"),
    [({"jupyter": {"source_hidden": True}}, "hide-input"),
     ({"jupyter": {"outputs_hidden": True}}, "hide-output"),
     ({"collapsed": True}, "hide-output")],
)
def test_editor_state_only_when_asked(tmp_path: Path, metadata: dict, effect: str) -> None:
    ignored = the_cell(filtered(tmp_path, [streams_cell("x = 1", **metadata)]))
    assert not [k for k in ignored.attributes if k.startswith("pandockit-fold")]
    asked = {"editor-state": True}
    honoured = the_cell(filtered(tmp_path, [streams_cell("x = 1", **metadata)], asked))
    check(effect, honoured)


@pytest.mark.parametrize(
    ("cell", "kept"),
    [(nbv.new_markdown_cell("<!-- #hide -->\nSecret text"), False),
     (nbv.new_markdown_cell("<!-- #hide_input -->\nSecret text"), False),
     (nbv.new_markdown_cell("Secret text", metadata={"tags": ["remove-cell"]}), False),
     (nbv.new_markdown_cell("Secret text", metadata={"tags": ["remove_cell"]}), False),
     (nbv.new_markdown_cell("Visible text <!-- a comment -->"), True)],
)
def test_markdown_cells(tmp_path: Path, cell: dict, kept: bool) -> None:
    post, _ = render_notebook(read_notebook(write(tmp_path, [cell])), resolve_options(tmp_path))
    assert ("text" in post.text) is kept
    assert "#hide" not in post.text


def test_markdown_cell_toggle(tmp_path: Path) -> None:
    cells = [nbv.new_markdown_cell("<!-- #collapse -->\nFolded *text*"),
             nbv.new_markdown_cell("Open", metadata={"tags": ["hide-cell"]})]
    post, _ = render_notebook(read_notebook(write(tmp_path, cells)), resolve_options(tmp_path))
    assert post.text.count('<details class="pandockit-toggle" markdown="1">') == 2
    assert "Folded *text*" in post.text and "#collapse" not in post.text


@pytest.mark.parametrize(
    ("mimetype", "shown"),
    [(None, True), ("text/markdown", True), ("text/html", True), ("text/latex", False),
     ("text/restructuredtext", False), ("text/x-python", False)],
)
def test_raw_cells(tmp_path: Path, mimetype: str | None, shown: bool) -> None:
    meta = {"raw_mimetype": mimetype} if mimetype else {}
    cells = [nbv.new_markdown_cell("Intro"), nbv.new_raw_cell("**raw body**", metadata=meta)]
    post, _ = render_notebook(read_notebook(write(tmp_path, cells)), resolve_options(tmp_path))
    assert ("**raw body**" in post.text) is shown
