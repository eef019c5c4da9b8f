"""Interactive outputs (Plotly, Vega/Vega-Lite/Altair, ipywidgets) as HTML for a static page.

In Jupyter these render through the front end's extensions or require.js; a Jekyll page has
neither, so each is written as a ``<div>`` plus the plain ``<script>`` that draws it, loading
its library from a CDN (each library once per page: ``loaded`` holds the URLs already written).
``src`` maps each CDN URL to the URL the page loads it from (the CDN itself, or the site's own
copy: :mod:`pandockit.libraries`).

Vega-Lite charts of several major versions share one vega and one vega-embed: each vega-lite
build is kept under ``window.pandockitVegaLite[major]`` as it loads, and vega-embed is handed a
``vegaLite`` that compiles each spec with the build its ``$schema`` names. Altair's own HTML
output finds ``vegaEmbed`` already defined and draws with it, so it loads nothing itself.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
VEGA_MIME = re.compile(r"^application/vnd\.vega(lite)?\.v(\d+)(?:\.\d+)*\+json$")

PLOTLY_JS = "https://cdn.plot.ly/plotly-2.35.2.min.js"
VEGA_JS = "https://cdn.jsdelivr.net/npm/vega@5"
VEGA_LITE_JS = "https://cdn.jsdelivr.net/npm/vega-lite@{major}"
VEGA_EMBED_JS = "https://cdn.jsdelivr.net/npm/vega-embed@6"
#: The widget manager for pages without require.js (built-in widgets only). ipywidgets 7
#: (``@jupyter-widgets/controls`` 1.x) needs html-manager 0.20, ipywidgets 8 needs 1.x.
WIDGETS_JS = "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@{version}/dist/embed.js"


def script_json(value: object) -> str:
    """``value`` as JSON that cannot end the ``<script>`` element it is written in."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def load_once(url: str, loaded: set[str]) -> bool:
    """True the first time the page asks for the script ``url`` (then noted in ``loaded``):
    each library is loaded once per page, whether pandockit writes the ``<script>`` or an
    output's HTML brings it (the outputs filter drops the later copies)."""
    url = url.strip()
    if url in loaded:
        return False
    loaded.add(url)
    return True


def _same(url: str) -> str:
    return url


def _load(url: str, loaded: set[str], src: Callable[[str], str] = _same) -> str:
    if not load_once(url, loaded):
        return ""
    return f'<script src="{html.escape(src(url))}" charset="utf-8"></script>\n'


def vega_mime(bundle: dict) -> str | None:
    """The Vega or Vega-Lite MIME type of ``bundle``, if it has one."""
    return next((m for m in sorted(bundle) if VEGA_MIME.match(m)), None)


def plotly(spec: dict, div_id: str, loaded: set[str], src: Callable[[str], str] = _same) -> str:
    """A Plotly figure (``application/vnd.plotly.v1+json``) drawn by plotly.js."""
    height = ((spec.get("layout") or {}).get("height")) if isinstance(spec, dict) else None
    style = f"height:{int(height)}px;" if isinstance(height, (int, float)) else "height:525px;"
    return (
        f'<div id="{div_id}" class="plotly-graph-div" style="{style} width:100%;"></div>\n'
        + _load(PLOTLY_JS, loaded, src)
        + f'<script>Plotly.newPlot("{div_id}", {script_json(spec)});</script>'
    )


#: Run after each vega-lite build loads: keep it under its major version.
_KEEP_VEGA_LITE = (
    "<script>(window.pandockitVegaLite = window.pandockitVegaLite || {{}})[{major}] = "
    "vegaLite;</script>\n"
)
#: Run before vega-embed loads (which takes the global ``vegaLite`` as its compiler): a
#: compiler that hands each spec to the build of its ``$schema``'s major version.
_VEGA_LITE_BY_SCHEMA = """<script>window.vegaLite = (function (builds) {
  function build(spec) {
    var m = /vega-lite\\/v(\\d+)/.exec((spec && spec.$schema) || "");
    var majors = Object.keys(builds);
    return builds[m && builds[m[1]] ? m[1] : majors[majors.length - 1]];
  }
  return {
    compile: function (spec, options) { return build(spec).compile(spec, options); },
    get version() { var b = build(null); return b ? b.version : undefined; }
  };
})(window.pandockitVegaLite = window.pandockitVegaLite || {});</script>
"""
_SCHEMA_MAJOR = re.compile(r"vega-lite/v(\d+)")
#: Altair's HTML output: a script that loads vega, vega-lite and vega-embed itself
#: (``paths``) unless ``vegaEmbed`` is already defined.
_ALTAIR_PATH = re.compile(r'"vega-lite"\s*:\s*"[^"]*?vega-lite@(\d+)')
_ALTAIR_ASKS = re.compile(r'maybeLoadScript\("(vega|vega-lite|vega-embed)", "([^"]+)"\)')


def vega_libraries(lite_major: int | None, loaded: set[str],
                   src: Callable[[str], str] = _same) -> str:
    """The scripts a Vega (``lite_major`` None) or Vega-Lite chart needs that the page does
    not have yet: vega, the vega-lite build of ``lite_major``, vega-embed; each once."""
    out = _load(VEGA_JS, loaded, src)
    if lite_major is not None:
        url = VEGA_LITE_JS.format(major=lite_major)
        if url not in loaded:
            out += _load(url, loaded, src) + _KEEP_VEGA_LITE.format(major=lite_major)
    if VEGA_EMBED_JS not in loaded:
        out += _VEGA_LITE_BY_SCHEMA + _load(VEGA_EMBED_JS, loaded, src)
    return out


def vega(spec: dict, mime: str, div_id: str, loaded: set[str],
         src: Callable[[str], str] = _same) -> str:
    """A Vega or Vega-Lite (Altair) chart drawn by vega-embed, compiled by the vega-lite
    build its ``$schema`` names (else its MIME type's version)."""
    m = VEGA_MIME.match(mime)
    lite = bool(m and m.group(1))
    major = None
    if lite:
        schema = _SCHEMA_MAJOR.search(str(spec.get("$schema", "")))
        major = int(schema.group(1)) if schema else int(m.group(2))
        if not schema:
            spec = {"$schema": f"https://vega.github.io/schema/vega-lite/v{major}.json", **spec}
    mode = "vega-lite" if lite else "vega"
    return (
        f'<div id="{div_id}" class="vega-embed-output"></div>\n'
        + vega_libraries(major, loaded, src)
        + f'<script>vegaEmbed("#{div_id}", {script_json(spec)}, {{"mode": "{mode}"}})'
        + ".catch(console.error);</script>"
    )


def altair_loaders(text: str, loaded: set[str], src: Callable[[str], str] = _same) -> str | None:
    """For Altair's HTML output (None for other HTML): the scripts to put before it so that it
    finds ``vegaEmbed`` defined and loads no library of its own."""
    if "vegaEmbed" not in text:
        return None
    m = _ALTAIR_PATH.search(text) or _SCHEMA_MAJOR.search(text)
    if not m:
        return None
    out = vega_libraries(int(m.group(1)), loaded, src)
    # Altair 4.17+ loads each library unless VEGA_DEBUG says that version is on the page.
    asked = {f"{lib.replace('-', '')}_version": v for lib, v in _ALTAIR_ASKS.findall(text)}
    if asked:
        out += (f"<script>var VEGA_DEBUG = Object.assign((typeof VEGA_DEBUG == \"undefined\") ? "
                f"{{}} : VEGA_DEBUG, {script_json(asked)});</script>\n")
    return out


def _is_model(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("model_name"), str)


def widget_state(notebook: dict) -> dict:
    """The widget state saved in the notebook metadata (``{}`` when none was saved).

    Jupyter saves ``{"version_major": 2, "version_minor": 0, "state": {model_id: model}}``;
    Colab saves the models alone (``{model_id: model}``), which is read as the same state.
    """
    widgets = (notebook.get("metadata") or {}).get("widgets") or {}
    state = widgets.get(WIDGET_STATE_MIME) if isinstance(widgets, dict) else None
    if not isinstance(state, dict):
        return {}
    if isinstance(state.get("state"), dict):
        return state
    models = {k: v for k, v in state.items() if _is_model(v)}
    if models and len(models) == len(state):
        return {"version_major": 2, "version_minor": 0, "state": models}
    return {}


def has_widget_state(view: object, state: dict) -> bool:
    """True when the widget ``view`` (widget-view JSON) has its model in the saved ``state``."""
    model = view.get("model_id") if isinstance(view, dict) else None
    return isinstance(model, str) and model in state.get("state", {})


def _manager_version(state: dict) -> str:
    versions = {
        str(m.get("model_module_version", ""))
        for m in state.get("state", {}).values()
        if isinstance(m, dict) and m.get("model_module") == "@jupyter-widgets/controls"
    }
    return "^0.20" if any(v.startswith("1.") for v in versions) else "^1.0"


_TEX = re.compile(r"\\\(|\\\[|\$")


def widget_tex(state: dict) -> bool:
    """True when a saved widget's text holds TeX (``\\(``, ``\\[``, ``$``): the html-manager
    typesets descriptions, labels and HTMLMath values with the page's MathJax, as Jupyter does."""

    def strings(node: object):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)

    models = state.get("state", {}).values()
    return any(_TEX.search(text) for m in models if isinstance(m, dict)
               for text in strings(m.get("state")))


def widget(view: dict, state: dict, loaded: set[str], src: Callable[[str], str] = _same) -> str:
    """An ipywidgets view rendered by the html-manager from the notebook's saved state."""
    url = WIDGETS_JS.format(version=_manager_version(state))
    out = ""
    if url not in loaded and src(url) != url:  # its fonts and CSS from beside the local copy
        folder = src(url).rsplit("/", 1)[0] + "/"
        out += f"<script>window.__jupyter_widgets_assets_path__ = {script_json(folder)};</script>\n"
    out += _load(url, loaded, src)
    if WIDGET_STATE_MIME not in loaded:
        loaded.add(WIDGET_STATE_MIME)
        out += f'<script type="{WIDGET_STATE_MIME}">{script_json(state)}</script>\n'
    clean = {k: view[k] for k in ("version_major", "version_minor", "model_id") if k in view}
    return out + f'<script type="{WIDGET_VIEW_MIME}">{script_json(clean)}</script>'


#: Bokeh's MIME type for the script that draws a plot (beside ``application/javascript``).
BOKEH_EXEC_MIME = "application/vnd.bokehjs_exec.v0+json"


def after_bokeh_loads(code: str) -> str:
    """A Bokeh plot's script, run once every library of ``output_notebook()``'s loader has
    loaded (``_bokeh_is_loading`` counts them down). In Jupyter the loader's cell finished long
    before; on a page the plot's script would find ``Bokeh`` but not yet bokeh-widgets, and a
    plot with a widget would fail ("could not resolve type 'Slider'")."""
    return (
        "(function wait() {\n  if (window._bokeh_is_loading > 0) { setTimeout(wait, 20); return; }"
        f"\n{code}\n}})();"
    )


def javascript(code: str, div_id: str) -> str:
    """An ``application/javascript`` output: run with ``element``, its output node, as
    JupyterLab gives it."""
    code = code.replace("</script", "<\\/script")
    return (
        f'<div id="{div_id}"></div>\n<script>(function (element) {{\n{code}\n}})'
        f'(document.getElementById("{div_id}"));</script>'
    )
