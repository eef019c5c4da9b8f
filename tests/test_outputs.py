"""The outputs filter: one representation per output, streams, errors, long outputs, HTML modes."""

from __future__ import annotations

import base64
import json
import logging
import re
from pathlib import Path

import nbformat
import nbformat.v4 as nbv
import panflute as pf
import pytest
from converting import load_doc, prepared, render_notebook

from pandockit import htmlpolicy, terminal
from pandockit.config import resolve_options
from pandockit.filter_route import job_from_metadata, record_options
from pandockit.filters import cell_index, outputs, visibility
from pandockit.filters.base import is_output
from pandockit.job import attach
from pandockit.notebook import read_notebook

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()
DATAFRAME = (
    '<div>\n<style scoped>\n    .dataframe tbody tr th:only-of-type {\n'
    "        vertical-align: middle;\n    }\n</style>\n"
    '<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n'
    "      <th></th>\n      <th>a</th>\n    </tr>\n  </thead>\n  <tbody>\n    <tr>\n"
    "      <th>0</th>\n      <td>1</td>\n    </tr>\n  </tbody>\n</table>\n</div>"
)


def notebook(tmp_path: Path, outs: list, source: str = "x", metadata: dict | None = None,
             cell_meta: dict | None = None) -> Path:
    cell = nbv.new_code_cell(source, outputs=outs, metadata=cell_meta or {})
    path = tmp_path / "nb.ipynb"
    nbformat.write(nbv.new_notebook(cells=[cell], metadata=metadata or {}), str(path))
    return path


def post_of(tmp_path: Path, outs: list, cli: dict | None = None, **kw) -> str:
    nb = read_notebook(notebook(tmp_path, outs, **kw))
    post, _ = render_notebook(nb, resolve_options(tmp_path, cli))
    return post.text.split("---\n", 2)[2]


def display(data: dict, **kw) -> dict:
    return nbv.new_output("display_data", data=data, **kw)


def stream(name: str, text: str) -> dict:
    return nbv.new_output("stream", name=name, text=text)


# --- streams and errors -------------------------------------------------------------------


def test_consecutive_streams_merge_and_stderr_is_marked(tmp_path: Path) -> None:
    body = post_of(tmp_path, [stream("stdout", "a\n"), stream("stdout", "b\n"),
                              stream("stderr", "w1\n"), stream("stderr", "w2\n"),
                              stream("stdout", "c\n")])
    assert ("    a\n    b\n{: .pandockit-output}\n\n"
            "    w1\n    w2\n{: .pandockit-output .stderr}\n\n"
            "    c\n{: .pandockit-output}\n") in body


def test_progress_bar_rewrites_collapse_to_the_last(tmp_path: Path) -> None:
    body = post_of(tmp_path, [stream("stderr", " 10%|#  |\r 50%|### |\r"),
                              stream("stderr", "100%|#####|\ndone\n")])
    assert "    100%|#####|\n    done\n{: .pandockit-output .stderr}" in body
    assert "10%" not in body


def test_terminal_rewrites() -> None:
    assert terminal.apply_carriage_returns("abcdef\rXY\n") == "XYcdef\n"
    assert terminal.apply_carriage_returns("a\r\nb") == "a\nb"
    assert terminal.apply_backspaces("abc\b\bZ") == "aZ"
    assert terminal.plain("\x1b[0;31mred\x1b[0m \x1b]0;title\x07ok") == "red ok"


def test_error_traceback_without_ansi(tmp_path: Path) -> None:
    err = nbv.new_output("error", ename="NameError", evalue="name 'q' is not defined",
                         traceback=["\x1b[0;31m---------\x1b[0m",
                                    "\x1b[0;31mNameError\x1b[0m: name 'q' is not defined"])
    body = post_of(tmp_path, [err])
    error = "    ---------\n    NameError: name 'q' is not defined\n{: .pandockit-output .error}"
    assert error in body
    assert "\x1b" not in body


def test_error_traceback_as_coloured_spans(tmp_path: Path) -> None:
    err = nbv.new_output("error", ename="E", evalue="v",
                         traceback=["\x1b[0;31mE\x1b[0m: <v>"])
    body = post_of(tmp_path, [err], {"ansi": "spans"})
    assert '<pre class="pandockit-output error"><code><span style="color:#e75c58">E</span>' in body
    assert ": &lt;v&gt;</code></pre>" in body


def test_ansi_to_html_extended_colours() -> None:
    html = terminal.to_html("\x1b[38;5;196mx\x1b[1;48;2;0;0;255my\x1b[0mz")
    assert html == (
        '<span style="color:#ff0000">x</span>'
        '<span style="color:#ff0000;background-color:#0000ff;font-weight:bold">y</span>z'
    )


# --- long outputs and styles ----------------------------------------------------------------


def test_max_output_lines_cuts_with_a_note(tmp_path: Path) -> None:
    text = "".join(f"line {i}\n" for i in range(10))
    body = post_of(tmp_path, [stream("stdout", text)], {"max-output-lines": 3})
    assert "    line 0\n    line 1\n    line 2\n" in body and "line 3" not in body
    assert "7 more lines not shown*" in body


def test_collapse_output_lines_puts_long_outputs_behind_a_toggle(tmp_path: Path) -> None:
    long = "".join(f"l{i}\n" for i in range(5))
    body = post_of(tmp_path, [stream("stdout", long)], {"collapse-output-lines": 4})
    assert body.count("<summary>Show output</summary>") == 1
    short = post_of(tmp_path, [stream("stdout", "one\n")], {"collapse-output-lines": 4})
    assert "<details" not in short


def test_fenced_output_style(tmp_path: Path) -> None:
    body = post_of(tmp_path, [stream("stderr", "warn\n")], {"output-style": "fenced"})
    assert "```text\nwarn\n```\n{: .pandockit-output .stderr}" in body


# --- rich outputs -------------------------------------------------------------------------


def test_dataframe_stays_html_with_its_style_valid_and_once(tmp_path: Path) -> None:
    df = {"text/html": DATAFRAME, "text/plain": "   a\n0  1"}
    body = post_of(tmp_path, [nbv.new_output("execute_result", data=df, execution_count=1),
                              display(df)])
    assert body.count('<table border="1" class="dataframe">') == 2
    assert body.count("<style>") == 1 and "scoped" not in body
    assert "   a\n0  1" not in body


def test_markdown_output_stays_markdown(tmp_path: Path) -> None:
    body = post_of(tmp_path, [display({"text/markdown": "**bold** text", "text/plain": "md"})])
    assert "**bold** text" in body and "    md" not in body


def test_latex_output_is_left_to_the_math_filter(tmp_path: Path) -> None:
    latex = {"text/latex": r"\begin{equation}x\end{equation}", "text/plain": "<Math>"}
    nb = read_notebook(notebook(tmp_path, [display(latex)]))
    doc = prepared(load_doc(nb), nb, resolve_options(tmp_path))
    doc = outputs.main(visibility.main(cell_index.main(doc)))
    blocks = [b for d in doc.content[0].content if is_output(d) for b in d.content]
    assert [(type(b).__name__, b.format) for b in blocks] == [("RawBlock", "latex")]


@pytest.mark.parametrize(
    ("data", "ext"),
    [({"image/png": PNG, "text/plain": "<Figure>"}, ".png"),
     ({"image/png": PNG, "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg'/>",
       "text/plain": "<Figure>"}, ".svg"),
     ({"image/jpeg": PNG, "text/plain": "<Figure>"}, None)],
)
def test_image_outputs_are_chosen_over_text(tmp_path: Path, data: dict, ext: str | None) -> None:
    body = post_of(tmp_path, [display(data)])
    assert "<Figure>" not in body
    assert "output_0_0" in body
    if ext:
        assert f"output_0_0{ext}" in body


def test_plain_text_result(tmp_path: Path) -> None:
    body = post_of(tmp_path, [nbv.new_output("execute_result", data={"text/plain": "42"},
                                             execution_count=1)])
    assert body.rstrip().endswith("    42\n{: .pandockit-output}")


def test_quarto_output_asis(tmp_path: Path) -> None:
    body = post_of(tmp_path, [stream("stdout", "## A heading\n")], source="#| output: asis\nx")
    assert "\n## A heading\n" in body and "    ## A heading" not in body


# --- interactive outputs --------------------------------------------------------------------


def test_plotly_json_drawn_by_plotly_js_loaded_once(tmp_path: Path) -> None:
    fig = {"data": [{"type": "bar", "y": [1, 2]}], "layout": {"title": {"text": "</script>"}}}
    html = '<div>require(["plotly"], function(Plotly) {})</div>'
    data = {"application/vnd.plotly.v1+json": fig, "text/html": html}
    body = post_of(tmp_path, [display(data), display(data)])
    assert body.count("plotly-2.35.2.min.js") == 1
    assert body.count("Plotly.newPlot(") == 2
    assert "require([" not in body and "<\\/script>" in body


def test_vega_lite_drawn_by_vega_embed(tmp_path: Path) -> None:
    spec = {"mark": "bar", "data": {"values": [{"a": 1}]}}
    body = post_of(tmp_path, [display({"application/vnd.vegalite.v4+json": spec,
                                       "text/plain": "<VegaLite 4 object>"})])
    assert "vega-lite@4" in body and 'vegaEmbed("#pandockit-0-0"' in body
    assert "<VegaLite 4 object>" not in body


WIDGET_META = {"widgets": {"application/vnd.jupyter.widget-state+json": {
    "version_major": 2, "version_minor": 0,
    "state": {"abc": {"model_name": "IntSliderModel", "model_module": "@jupyter-widgets/controls",
                      "model_module_version": "1.5.0", "state": {"value": 3}}}}}}


def test_widget_with_saved_state_is_embedded(tmp_path: Path) -> None:
    view = {"version_major": 2, "version_minor": 0, "model_id": "abc"}
    body = post_of(tmp_path, [display({"application/vnd.jupyter.widget-view+json": view,
                                       "text/plain": "IntSlider(value=3)"})],
                   metadata=WIDGET_META)
    assert "html-manager@^0.20/dist/embed.js" in body
    assert 'type="application/vnd.jupyter.widget-state+json"' in body
    assert '"model_id": "abc"' in body and "IntSlider(value=3)" not in body


COLAB_WIDGET_META = {"widgets": {"application/vnd.jupyter.widget-state+json": {
    "abc": {"model_name": "IntSliderModel", "model_module": "@jupyter-widgets/controls",
            "model_module_version": "1.5.0", "state": {"value": 3}},
    "def": {"model_name": "LayoutModel", "model_module": "@jupyter-widgets/base",
            "model_module_version": "1.2.0", "state": {}}}}}


def test_colab_widget_state_is_read_as_the_standard_one(tmp_path: Path) -> None:
    """Colab saves the models without the ``{"state": ...}`` wrapper: the widget still draws,
    from a state script in the form the html-manager reads."""
    view = {"version_major": 2, "version_minor": 0, "model_id": "abc"}
    body = post_of(tmp_path, [display({"application/vnd.jupyter.widget-view+json": view,
                                       "text/plain": "IntSlider(value=3)"})],
                   metadata=COLAB_WIDGET_META)
    assert "IntSlider(value=3)" not in body and "html-manager@^0.20/dist/embed.js" in body
    m = re.search(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>',
                  body, re.S)
    assert m, body
    state = json.loads(m.group(1))
    assert state["version_major"] == 2 and set(state["state"]) == {"abc", "def"}
    assert state["state"]["abc"]["state"] == {"value": 3}


def test_widget_metadata_that_is_not_a_state_is_not_drawn(tmp_path: Path) -> None:
    """Metadata whose entries are not widget models is no saved state: text, as before."""
    view = {"version_major": 2, "version_minor": 0, "model_id": "abc"}
    meta = {"widgets": {"application/vnd.jupyter.widget-state+json": {"abc": {"x": 1}}}}
    body = post_of(tmp_path, [display({"application/vnd.jupyter.widget-view+json": view,
                                       "text/plain": "IntSlider(value=3)"})], metadata=meta)
    assert "    IntSlider(value=3)" in body and "embed.js" not in body


def test_widget_without_state_falls_back_to_text(tmp_path: Path, caplog) -> None:
    view = {"version_major": 2, "version_minor": 0, "model_id": "gone"}
    with caplog.at_level(logging.WARNING, logger="pandockit"):
        body = post_of(tmp_path, [display({"application/vnd.jupyter.widget-view+json": view,
                                           "text/plain": "IntSlider(value=3)"})],
                       metadata=WIDGET_META)
    assert "    IntSlider(value=3)" in body and "embed.js" not in body
    assert "without saved state" in caplog.text


def test_requirejs_html_falls_back_to_a_static_image(tmp_path: Path, caplog) -> None:
    html = '<div id="x"></div><script>require(["d3"], function(d3) {})</script>'
    with caplog.at_level(logging.WARNING, logger="pandockit"):
        body = post_of(tmp_path, [display({"text/html": html, "image/png": PNG})])
    assert "require(" not in body and "output_0_0.png" in body
    assert "require.js" in caplog.text


def test_bokeh_style_html_and_javascript_kept_together(tmp_path: Path) -> None:
    data = {"text/html": '<div class="bk-root" id="b1"></div>',
            "application/javascript": "window.drawn = 1;",
            "application/vnd.bokehjs_exec.v0+json": {}}
    body = post_of(tmp_path, [display(data)])
    assert '<div class="bk-root" id="b1"></div>' in body and "window.drawn = 1;" in body


# --- --html keep | sanitize | drop ------------------------------------------------------------

HOSTILE = ('<div onclick="steal()"><script>alert(1)</script>'
           '<a href="javascript:alert(2)">link</a><b>kept</b></div>')


def test_html_keep(tmp_path: Path) -> None:
    body = post_of(tmp_path, [display({"text/html": HOSTILE, "text/plain": "txt"})])
    assert "<script>alert(1)</script>" in body


def test_html_sanitize(tmp_path: Path) -> None:
    body = post_of(tmp_path, [display({"text/html": HOSTILE, "text/plain": "txt"})],
                   {"html": "sanitize"})
    assert "<b>kept</b>" in body
    assert "script" not in body and "onclick" not in body and "javascript:" not in body


def test_html_sanitize_keeps_dataframes_styled() -> None:
    clean = htmlpolicy.sanitize(DATAFRAME)
    assert '<table border="1" class="dataframe">' in clean
    assert "vertical-align: middle" in clean and '<tr style="text-align: right;">' in clean


def test_html_drop_falls_back_to_text(tmp_path: Path, caplog) -> None:
    body = post_of(tmp_path, [display({"text/html": HOSTILE, "text/plain": "txt"})],
                   {"html": "drop"})
    assert "<div" not in body and "    txt" in body


def test_interactive_with_html_drop_warns_and_goes_static(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="pandockit"):
        body = post_of(tmp_path, [display({"application/vnd.plotly.v1+json": {"data": []},
                                           "image/png": PNG})], {"html": "drop"})
    assert "Plotly" not in body and "output_0_0.png" in body
    assert "shown static" in caplog.text


def test_requirejs_detection() -> None:
    assert htmlpolicy.needs_requirejs('require(["plotly"], function(P) {})')
    assert not htmlpolicy.needs_requirejs(
        'if (typeof define === "function" && define.amd) { require(["vega"], f) } else { load() }'
    )


# --- without the notebook (a lone `pandoc --filter`) ----------------------------------------


def test_without_the_notebook_the_ast_is_used(tmp_path: Path) -> None:
    nb = read_notebook(notebook(tmp_path, [display({"text/html": "<b>h</b>", "text/plain": "p"}),
                                           stream("stdout", "s\n")]))
    doc = load_doc(nb)
    record_options(doc, resolve_options(tmp_path))  # as a chain's first filter records them
    attach(doc, job_from_metadata(doc))  # no -M pandockit-notebook: a job without cells
    doc = outputs.main(cell_index.main(doc))
    outs = [d for d in doc.content[0].content if is_output(d)]
    assert isinstance(outs[0].content[0], pf.RawBlock) and "<b>h</b>" in outs[0].content[0].text
    assert outs[1].content[0].text == "s"
