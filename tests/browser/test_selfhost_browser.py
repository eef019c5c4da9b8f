"""Interactive outputs of real notebooks on a stock site, built both ways and read in Chromium:
with CDN URLs (the CDNs answered from ``tests/npm``) and self-hosted (``pandockit init
--self-host``: every request that leaves the site is refused and recorded).

Each page: every Altair/Vega chart, Plotly figure and widget drawn; no JS error; each library
executed once (one ``<script>`` per library, one per vega-lite major); self-hosted, no request
outside the site but the images the author's own Markdown links to. The notebooks: every corpus
notebook with an interactive output, the widget notebook with its state saved as Colab saves it
(the models without the ``{"state": ...}`` wrapper), a page mixing Vega-Lite 4 and 5, and
notebooks of Bokeh plots and ipywidgets 8 widgets made by those packages (the corpus has
none); and pages with math, typeset by MathJax 3 or 2.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import corpus
import pytest
from browser import NODE_MODULES, Browser, serve
from stock_site import jekyll_build, new_site, pandockit

pytestmark = corpus.mark
CORPUS = corpus.CORPUS

INTERACTIVE = re.compile(
    r"vega-embed|application/vnd\.plotly|plotly-graph-div|widget-view\+json|vnd\.vegalite"
)
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: Where the self-hosted build keeps the tarballs it fetched (once per machine).
CACHE = NODE_MODULES / ".pandockit-cache"

#: In the page once it settled: what is drawn, and each library's scripts.
MEASURE = """() => {
  const key = u => { let m;
    if (/vega-embed/.test(u)) return 'vega-embed';
    if ((m = /vega-lite@(\\d+)/.exec(u))) return 'vega-lite@' + m[1];
    if (/\\/vega@/.test(u)) return 'vega';
    if (/plotly/.test(u)) return 'plotly';
    if (/html-manager/.test(u)) return 'html-manager';
    if ((m = /\\/(bokeh(?:-[a-z]+)?)(?:-[\\d.]+)?\\.min\\.js/.exec(u))) return m[1];
    if (/tex-mml-chtml|MathJax\\.js/.test(u)) return 'mathjax';
    return null; };
  const scripts = {};
  for (const s of document.querySelectorAll('script[src]')) {
    const k = key(s.src); if (k) scripts[k] = (scripts[k] || 0) + 1; }
  const charts = [...document.querySelectorAll('.vega-embed-output, div[id^="altair-viz"]')];
  const views = document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]');
  const deep = n => { let c = 0; for (const e of n.querySelectorAll('*')) {
    if (e.tagName === 'CANVAS') c++; if (e.shadowRoot) c += deep(e.shadowRoot); } return c; };
  const roots = [...document.querySelectorAll('div[data-root-id]')];  // Bokeh's
  return {
    bokeh: roots.length,
    bokehDrawn: roots.filter(r => deep(r) > 0).length,
    charts: charts.length,
    chartsDrawn: charts.filter(c => c.querySelector('canvas, svg.marks')).length,
    plots: document.querySelectorAll('.plotly-graph-div').length,
    plotsDrawn: [...document.querySelectorAll('.plotly-graph-div')]
      .filter(d => d.querySelector('.main-svg')).length,
    views: views.length,
    viewsDrawn: [...views].filter(v => v.previousElementSibling &&
      v.previousElementSibling.classList.contains('widget-subarea') &&
      v.previousElementSibling.querySelector('.jupyter-widgets')).length,
    scripts: scripts,
  };
}"""


#: Corpus notebooks that name an interactive MIME type but have no output that draws.
NOT_INTERACTIVE = {
    "exporters__notebook_inject.ipynb": "nbconvert's script-injection test: its one widget's "
    "saved model is empty, which neither JupyterLab nor the html-manager can draw",
}


def _corpus() -> list[Path]:
    """The corpus notebooks with interactive outputs."""
    if not corpus.available():
        return []
    return [nb for nb in sorted(CORPUS.rglob("*.ipynb")) if nb.name not in NOT_INTERACTIVE
            and INTERACTIVE.search(nb.read_text(encoding="utf-8"))]


#: Pages with math: MathJax 3, and MathJax 2 (a Plotly 1.x figure with LaTeX labels).
MATH = [CORPUS / "nbclassic" / "Typesetting_Equations.ipynb",
        *sorted((Path(__file__).resolve().parents[1] / "cases" / "plotly-mathjax").glob("*.ipynb"))]
COLAB = "colab--Widget_List_colab_state.ipynb"
BOKEH = "bokeh--2024-02-02-bokeh-plots.ipynb"
WIDGETS8 = "ipywidgets8--2024-03-03-widgets-8.ipynb"
MIXED = "mixed--2024-01-01-vega-lite-4-and-5.ipynb"


def _notebooks(tmp: Path) -> list[Path]:
    """The corpus notebooks with interactive outputs, the Colab-state copy, the mixed page."""
    found = _corpus()
    widgets = next(nb for nb in found if nb.name == "files__Widget_List.ipynb")
    node = json.loads(widgets.read_text(encoding="utf-8"))
    state = node["metadata"]["widgets"][WIDGET_STATE]["state"]
    node["metadata"]["widgets"] = {WIDGET_STATE: state}  # as Colab saves it
    colab = tmp / COLAB
    colab.write_text(json.dumps(node), encoding="utf-8")
    return [*found, colab, _mixed_vega_lite(tmp), _bokeh_notebook(tmp / BOKEH),
            _widgets8_notebook(tmp / WIDGETS8), *MATH]


def _mixed_vega_lite(tmp: Path) -> Path:
    def chart(major: str, version: str) -> dict:
        spec = {"$schema": f"https://vega.github.io/schema/vega-lite/v{version}.json",
                "data": {"values": [{"a": "x", "b": 1}, {"a": "y", "b": 2}]},
                "mark": "bar", "encoding": {"x": {"field": "a", "type": "nominal"},
                                            "y": {"field": "b", "type": "quantitative"}}}
        return {"output_type": "display_data", "metadata": {},
                "data": {f"application/vnd.vegalite.v{major}+json": spec,
                         "text/plain": [f"<VegaLite {major} object>"]}}

    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Vega-Lite 4 and 5"]}]
    for major, version in (("5", "5.8.0"), ("4", "4.17.0"), ("5", "5.20.1")):
        cells.append({"cell_type": "code", "execution_count": 1, "metadata": {},
                      "source": ["chart"], "outputs": [chart(major, version)]})
    node = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    path = tmp / MIXED
    path.write_text(json.dumps(node), encoding="utf-8")
    return path


def _bokeh_notebook(path: Path) -> Path:
    """A notebook of Bokeh outputs as Jupyter saves them, made by bokeh itself (the corpus has
    none): ``output_notebook()``'s loader, a plot, and a plot with a widget (bokeh-widgets)."""
    import bokeh.io.notebook as nbio
    from bokeh.io import output_notebook, reset_output, show
    from bokeh.layouts import column
    from bokeh.models import Slider
    from bokeh.plotting import figure

    def line():
        plot = figure(width=300, height=200)
        plot.line([1, 2, 3], [3, 1, 2])
        return plot

    outputs: list = []
    saved = nbio.publish_display_data  # what a kernel would send to Jupyter, kept instead
    nbio.publish_display_data = lambda data, metadata=None, **kw: outputs.append(
        {"output_type": "display_data", "data": data, "metadata": metadata or {}})
    cells = []
    try:
        for source, run in (
            ("output_notebook()", lambda: output_notebook(hide_banner=True)),
            ("show(line())", lambda: show(line())),
            ("show(column(slider, line()))",
             lambda: show(column(Slider(start=0, end=10, value=3, title="s"), line()))),
        ):
            outputs.clear()
            run()
            cells.append({"cell_type": "code", "execution_count": len(cells) + 1,
                          "metadata": {}, "source": [source], "outputs": list(outputs)})
    finally:
        nbio.publish_display_data = saved
        reset_output()
    node = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Bokeh"]}, *cells]}
    path.write_text(json.dumps(node), encoding="utf-8")
    return path


def _widgets8_notebook(path: Path) -> Path:
    """ipywidgets 8 widgets (``@jupyter-widgets/controls`` 2.0: html-manager 1.x) with their
    state saved as Jupyter saves it, made by ipywidgets itself (the corpus has only 7.x)."""
    import ipywidgets as w
    from ipywidgets.embed import embed_data

    views = [w.IntSlider(value=3, description="n"),
             w.HBox([w.Button(description="go"), w.FloatProgress(value=0.5)]),
             w.Dropdown(options=["a", "b"], value="b")]
    data = embed_data(views=views)
    cells = [{"cell_type": "code", "execution_count": i + 1, "metadata": {}, "source": ["w"],
              "outputs": [{"output_type": "display_data", "metadata": {}, "data": {
                  WIDGET_STATE.replace("state", "view"): spec, "text/plain": ["Widget"]}}]}
             for i, spec in enumerate(data["view_specs"])]
    node = {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"widgets": {WIDGET_STATE: data["manager_state"]}}}
    path.write_text(json.dumps(node), encoding="utf-8")
    return path


def _name(nb: Path) -> str:
    return nb.name if "--" in nb.name else f"{nb.parent.name}--{nb.name}"


def _author_urls(nb: Path) -> set[str]:
    """URLs the notebook's own Markdown cells write (images the author links to)."""
    cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
    text = "".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown")
    return set(re.findall(r"https?://[^\s\"')<>]+", text))


class Built:
    def __init__(self, path: Path, pages: dict[str, Path], browser: Browser, base: str,
                 notebooks: dict[str, Path], stderr: str) -> None:
        self.path, self.pages, self.browser, self.base = path, pages, browser, base
        self.notebooks, self.stderr = notebooks, stderr


@pytest.fixture(scope="module", params=["cdn", "self-host"])
def built(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    mode = request.param
    tmp = tmp_path_factory.mktemp(mode)
    path = new_site(tmp / "blog", tmp_path_factory.getbasetemp())
    args = ["init", "--site", path] + (["--self-host"] if mode == "self-host" else [])
    proc = pandockit(*args)
    assert proc.returncode == 0, proc.stderr
    (path / "_notebooks").mkdir(exist_ok=True)  # init makes it
    notebooks = {}
    for nb in _notebooks(tmp):
        corpus.copy(nb, path / "_notebooks" / _name(nb))
        notebooks[_name(nb)] = nb
    proc = pandockit("build", "--site", path, env={"PANDOCKIT_CACHE": str(CACHE)})
    assert proc.returncode == 0, proc.stderr
    jekyll_build(path)
    manifest = json.loads((path / ".pandockit" / "manifest.json").read_text(encoding="utf-8"))
    pages = {}
    for rel, entry in manifest["notebooks"].items():
        slug = Path(entry["post"]).stem[11:]  # after the date
        found = list((path / "_site").rglob(f"{slug}.html"))
        assert len(found) == 1, (entry["post"], found)
        pages[Path(rel).name] = found[0]
    browser = Browser(cdn=mode == "cdn")
    with serve(path / "_site") as base:
        yield Built(path, pages, browser, base, notebooks, proc.stderr)
    browser.close()


def _settled(page) -> dict:
    facts = page.evaluate(MEASURE)
    for _ in range(60):  # charts and widgets draw after the load event
        drawn = [facts[k + "Drawn"] for k in ("charts", "plots", "views", "bokeh")]
        if drawn == [facts[k] for k in ("charts", "plots", "views", "bokeh")]:
            break
        page.wait_for_timeout(250)
        facts = page.evaluate(MEASURE)
    return facts


NAMES = [*(_name(nb) for nb in _corpus()), COLAB, MIXED, BOKEH, WIDGETS8]


@pytest.mark.parametrize("name", NAMES)
def test_interactive_outputs_draw_with_each_library_once(built: Built, name: str) -> None:
    file = built.pages[name]
    url = built.base + "/" + file.relative_to(built.path / "_site").as_posix()
    result, page = built.browser.open(url, wait_ms=500)
    try:
        facts = _settled(page)
    finally:
        page.close()
    assert facts["charts"] + facts["plots"] + facts["views"] + facts["bokeh"] > 0, (
        "no interactive output")
    assert facts["chartsDrawn"] == facts["charts"], "a Vega/Altair chart was not drawn"
    assert facts["plotsDrawn"] == facts["plots"], "a Plotly figure was not drawn"
    assert facts["viewsDrawn"] == facts["views"], "a widget was not drawn"
    assert facts["bokehDrawn"] == facts["bokeh"], "a Bokeh plot was not drawn"
    errors = [e for e in result.console_errors if not e.startswith("Failed to load resource")]
    assert errors == [], errors
    assert all(n == 1 for n in facts["scripts"].values()), facts["scripts"]
    if built.browser.cdn:
        return
    author = _author_urls(built.notebooks[name])  # the author's own images: content
    warned = set(re.findall(r"output fetches (\S+) from outside the site", built.stderr))
    assert [u for u in result.outside if u not in author | warned] == [], (
        "requests outside the self-hosted site")


def test_self_hosted_site_holds_only_the_versions_its_posts_use(built: Built) -> None:
    lib = built.path / "assets" / "pandockit" / "lib"
    if built.browser.cdn:
        assert not lib.exists()
        assert "cdn.jsdelivr.net/npm/mathjax@3" in (
            built.path / "_includes" / "pandockit-head.html").read_text(encoding="utf-8")
        return
    folders = sorted(p.name for p in lib.iterdir())
    assert folders == [
        f"bokehjs@{metadata.version('bokeh')}", "html-manager@0.20.9", "html-manager@1.0.15",
        "mathjax@2.7.9",
        "mathjax@3.2.2", "plotly.js-dist-min@1.58.5",
        "plotly.js-dist-min@2.35.2", "vega-embed@6.29.0", "vega-lite@4.17.0",
        "vega-lite@5.23.0", "vega@5.33.1"], folders
    assert "stocks.csv" in built.stderr  # data a chart fetches at run time: warned of
    for post in (built.path / "_posts").glob("*.md"):
        text = post.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=\"https?://", text), post


def test_each_vega_lite_spec_is_compiled_by_its_major_version(built: Built) -> None:
    file = built.pages[MIXED]
    url = built.base + "/" + file.relative_to(built.path / "_site").as_posix()
    _, page = built.browser.open(url, wait_ms=500)
    try:
        _settled(page)
        versions = page.evaluate(
            "() => Object.fromEntries(Object.entries(window.pandockitVegaLite)"
            ".map(([k, b]) => [k, b.version]))")
        calls = page.evaluate("""async () => {
          const calls = [];
          for (const [k, b] of Object.entries(window.pandockitVegaLite)) {
            const compile = b.compile;
            b.compile = (s, o) => { calls.push(k); return compile(s, o); };
          }
          const div = document.createElement('div'); document.body.appendChild(div);
          for (const v of ['4.17.0', '5.8.0', '4.8.1']) {
            await vegaEmbed(div, {$schema: `https://vega.github.io/schema/vega-lite/v${v}.json`,
                                  mark: 'point', data: {values: [{a: 1}]}}, {mode: 'vega-lite'});
          }
          return calls;
        }""")
    finally:
        page.close()
    assert versions == {"4": "4.17.0", "5": "5.23.0"}
    assert calls == ["4", "5", "4"]


@pytest.mark.parametrize("nb", MATH, ids=_name)
def test_math_is_typeset_by_the_mathjax_the_page_needs(built: Built, nb: Path) -> None:
    file = built.pages[_name(nb)]
    url = built.base + "/" + file.relative_to(built.path / "_site").as_posix()
    result, page = built.browser.open(url, wait_ms=500)
    page.close()
    facts = result.facts
    assert facts["version"], "MathJax did not load"
    assert facts["formulas"] > 0 and facts["errors"] == 0
    errors = [e for e in result.console_errors if not e.startswith("Failed to load resource")]
    assert errors == [], errors
    if not built.browser.cdn:
        author = _author_urls(nb)
        assert [u for u in result.outside if u not in author] == [], "requests outside the site"
