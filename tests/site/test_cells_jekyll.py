"""Cells, toggles and outputs as the real Jekyll renders them, on small notebooks and the corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import corpus
import nbformat
import nbformat.v4 as nbv
import pytest
from conftest import corpus_notebooks
from converting import convert
from jekyll_site import article, text_of

from pandockit.config import resolve_options
from pandockit.notebook import read_notebook

DATAFRAME = (
    '<div>\n<style scoped>\n    .dataframe tbody tr th:only-of-type {\n'
    "        vertical-align: middle;\n    }\n</style>\n"
    '<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n'
    "      <th></th>\n      <th>price</th>\n    </tr>\n  </thead>\n  <tbody>\n    <tr>\n"
    "      <th>0</th>\n      <td>17.5</td>\n    </tr>\n  </tbody>\n</table>\n</div>"
)


def build_one(site, tmp_path: Path, cells: list, cli: dict | None = None) -> str:
    path = tmp_path / "2021-05-01-cells.ipynb"
    nbformat.write(nbv.new_notebook(cells=cells), str(path))
    result = convert(path, site.path, resolve_options(site.path, cli))
    site.build()
    return site.post_html(result.post)


def test_collapsed_code_and_dataframe_render(site, tmp_path: Path) -> None:
    cells = [
        nbv.new_code_cell(
            "#collapse-hide\nimport pandas as pd\ndf = pd.DataFrame({'price': [17.5]})"
        ),
        nbv.new_code_cell("#| code-fold: show\ndf", outputs=[nbv.new_output(
            "execute_result", data={"text/html": DATAFRAME, "text/plain": "   price\n0   17.5"},
            execution_count=2)]),
    ]
    page = article(build_one(site, tmp_path, cells))
    folded = re.findall(r"<details class=\"pandockit-toggle\"( open=\"\")?>\s*<summary>Show code"
                        r"</summary>(.*?)</details>", page, re.S)
    assert len(folded) == 2 and folded[0][0] == "" and folded[1][0] == ' open=""'
    # the code is highlighted by Rouge inside the toggle, not shown as Markdown text
    assert 'class="language-python highlighter-rouge"' in folded[0][1]
    assert "import pandas as pd" in text_of(folded[0][1])
    assert "#collapse" not in page and "code-fold" not in page
    table = re.search(r'<table border="1" class="dataframe">.*?</table>', page, re.S)
    assert table and "<td>17.5</td>" in table.group(0)
    assert "<style>" in page and "scoped" not in page


def test_streams_errors_and_output_toggle_render(site, tmp_path: Path) -> None:
    cells = [nbv.new_code_cell("work()", metadata={"tags": ["hide-output"]}, outputs=[
        nbv.new_output("stream", name="stdout", text="step 1\n"),
        nbv.new_output("stream", name="stderr", text="careful <now>\n"),
        nbv.new_output("error", ename="E", evalue="v", traceback=["\x1b[31mE\x1b[0m: v {{ x }}"]),
    ])]
    page = article(build_one(site, tmp_path, cells))
    details = re.search(r"<summary>Show output</summary>(.*?)</details>", page, re.S)
    assert details
    inner = details.group(1)
    block = 'class="language-plaintext pandockit-output {} highlighter-rouge".*'
    assert re.search(block.format("stderr") + r"careful &lt;now&gt;", inner, re.S)
    assert re.search(block.format("error") + r"E: v \{\{ x \}\}", inner, re.S)
    assert "step 1" in text_of(inner)


def _pres(page: str) -> list[tuple[str, str]]:
    """(class of the block around it, text) of each <pre> of a built post body."""
    found = re.findall(r'<div class="([^"]*)"><div class="highlight"><pre class="highlight">'
                       r"<code>(.*?)</code></pre>", page, re.S)
    return [(css, text_of(code)) for css, code in found]


@pytest.mark.parametrize("style", ["indented", "fenced"])
def test_text_outputs_in_a_row_stay_apart(site, tmp_path: Path, style: str) -> None:
    """stdout, stderr and a result: three blocks as Jupyter shows three outputs, and only the
    stderr one styled as stderr (kramdown reads indented blocks in a row as one)."""
    cells = [nbv.new_code_cell("work()", outputs=[
        nbv.new_output("stream", name="stdout", text="out 1\nout 2\n"),
        nbv.new_output("stream", name="stderr", text="warn\n"),
        nbv.new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
    ])]
    page = article(build_one(site, tmp_path, cells, {"output-style": style}))
    pres = [(css, text) for css, text in _pres(page) if "python" not in css]
    assert [text for _, text in pres] == ["out 1\nout 2\n", "warn\n", "42\n"]
    assert ["stderr" in css.split() for css, _ in pres] == [False, True, False]


def test_code_blocks_in_a_row_and_backslash_breaks_in_markdown(site, tmp_path: Path) -> None:
    """A markdown cell's fenced blocks in a row (pandoc writes them indented) stay two
    blocks, and a backslash ending a line is a line break (CommonMark, as Jupyter shows)."""
    cells = [nbv.new_markdown_cell("```\nfirst\n```\n\n```\nsecond\n```\n\nwhere\\\n$T$ is"),
             nbv.new_markdown_cell("    third")]
    page = article(build_one(site, tmp_path, cells))
    assert [text for _, text in _pres(page)] == ["first\n", "second\n", "third\n"]
    assert re.search(r"where<br />\s*\\\(T\\\) is", page), page
    assert "where\\" not in page


def test_interactive_and_widget_scripts_survive_kramdown(site, tmp_path: Path) -> None:
    fig = {"data": [{"type": "bar", "y": [2, 3, 1]}], "layout": {}}
    cells = [nbv.new_code_cell("fig", outputs=[nbv.new_output(
        "display_data", data={"application/vnd.plotly.v1+json": fig, "text/html": "<div></div>"})])]
    page = article(build_one(site, tmp_path, cells))
    cdn = '<script src="https://cdn.plot.ly/plotly-2.35.2.min.js" charset="utf-8"></script>'
    assert cdn in page
    m = re.search(r'<script>Plotly\.newPlot\("pandockit-0-0", (.*?)\);</script>', page, re.S)
    assert m and json.loads(m.group(1)) == fig


# --- the corpus: every visible code cell and text output, verbatim; hidden ones absent ------

FLAG = re.compile(r"^\s*#\s*(hide|hide[_-]input|hide[_-]output|collapse[\w-]*)\s*$", re.I | re.M)
REMOVE_TAGS = {"remove-cell", "remove_cell", "remove-input", "remove_input"}
REMOVE_OUT_TAGS = {"remove-cell", "remove_cell", "remove-output", "remove_output"}


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _options(src: str) -> tuple[str, str]:
    """The ``#|`` header and fastpages flags of a code cell, and its code without them."""
    lines = src.split("\n")
    head = []
    while lines and lines[0].lstrip().startswith("#|"):
        head.append(lines.pop(0))
    code = "\n".join(lines)
    flags = " ".join(m.group(1).lower().replace("_", "-") for m in FLAG.finditer(code))
    return "\n".join(head) + " " + flags, FLAG.sub("", code).strip("\n")


def _norm(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;?]*[@-~]", "", text).replace("\t", "    ")
    return "\n".join(line.rstrip() for line in text.split("\n") if line.strip())


def expectations(node: dict) -> tuple[list[str], list[str]]:
    """Visible texts (code, text outputs) and hidden code of a notebook, read independently."""
    visible, hidden = [], []
    for cell in node["cells"]:
        if cell.get("cell_type") != "code":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        head, code = _options(_source(cell))
        drop_cell = "include: false" in head or re.search(r"#\|\s*hide\s*$", head, re.M) or (
            re.search(r"(^| )hide( |$)", head.split("\n")[-1]))
        drop_input = drop_cell or tags & REMOVE_TAGS or (
            "echo: false" in head or "hide-input" in head)
        drop_output = drop_cell or tags & REMOVE_OUT_TAGS or "output: false" in head or (
            "hide-output" in head) or "output: asis" in head
        if code.strip():
            (hidden if drop_input else visible).append(code)
        if drop_output:
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and not (
                    out.get("name") == "stderr" and "remove-stderr" in tags):
                text = out.get("text", "")
                text = "".join(text) if isinstance(text, list) else text
                if "\r" not in text and "\b" not in text:
                    visible.append(text)
            elif out.get("output_type") == "error":
                visible.append("\n".join(out.get("traceback", [])))
            elif set(out.get("data", {})) == {"text/plain"}:
                plain = out["data"]["text/plain"]
                visible.append("".join(plain) if isinstance(plain, list) else plain)
    return [v for v in map(_norm, visible) if v], [h for h in map(_norm, hidden) if h]


@corpus.mark
def test_corpus_visible_verbatim_hidden_absent(site) -> None:
    notebooks = corpus_notebooks()
    options = resolve_options(site.path)
    posts = {nb: convert(nb, site.path, options).post for nb in notebooks}
    site.build()
    missing, leaked, counts = [], [], [0, 0]
    for nb, post in posts.items():
        page = _norm(text_of(site.post_html(post)))
        node = read_notebook(nb).node
        visible, hidden = expectations(node)
        all_sources = "\n".join(_source(c) for c in node["cells"])
        for text in visible:
            counts[0] += 1
            if text not in page:
                missing.append(f"{nb.name}: {text[:80]!r}")
        for code in hidden:
            counts[1] += 1
            if len(code) >= 30 and all_sources.count(code) == 1 and code in page:
                leaked.append(f"{nb.name}: {code[:80]!r}")
    print(f"corpus: {len(posts)} notebooks, {counts[0]} visible texts, {counts[1]} hidden cells")
    assert not missing, "\n".join(missing)
    assert not leaked, "\n".join(leaked)
    assert counts[0] > 200 and counts[1] > 5
