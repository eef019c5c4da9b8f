"""Interactive outputs (Plotly, Vega/Vega-Lite/Altair, ipywidgets) as HTML for a static page.

In Jupyter these render through the front end's extensions or require.js; a Jekyll page has
neither, so each is written as a ``<div>`` plus the plain ``<script>`` that draws it, loading
its library from a CDN (each library once per page: ``loaded`` holds the URLs already written).
"""

from __future__ import annotations

import html
import json
import re

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


def _load(url: str, loaded: set[str]) -> str:
    if not load_once(url, loaded):
        return ""
    return f'<script src="{html.escape(url)}" charset="utf-8"></script>\n'


def vega_mime(bundle: dict) -> str | None:
    """The Vega or Vega-Lite MIME type of ``bundle``, if it has one."""
    return next((m for m in sorted(bundle) if VEGA_MIME.match(m)), None)


def plotly(spec: dict, div_id: str, loaded: set[str]) -> str:
    """A Plotly figure (``application/vnd.plotly.v1+json``) drawn by plotly.js."""
    height = ((spec.get("layout") or {}).get("height")) if isinstance(spec, dict) else None
    style = f"height:{int(height)}px;" if isinstance(height, (int, float)) else "height:525px;"
    return (
        f'<div id="{div_id}" class="plotly-graph-div" style="{style} width:100%;"></div>\n'
        + _load(PLOTLY_JS, loaded)
        + f'<script>Plotly.newPlot("{div_id}", {script_json(spec)});</script>'
    )


def vega(spec: dict, mime: str, div_id: str, loaded: set[str]) -> str:
    """A Vega or Vega-Lite (Altair) chart drawn by vega-embed."""
    m = VEGA_MIME.match(mime)
    scripts = _load(VEGA_JS, loaded)
    if m and m.group(1):
        scripts += _load(VEGA_LITE_JS.format(major=m.group(2)), loaded)
    scripts += _load(VEGA_EMBED_JS, loaded)
    mode = "vega-lite" if m and m.group(1) else "vega"
    return (
        f'<div id="{div_id}" class="vega-embed-output"></div>\n'
        + scripts
        + f'<script>vegaEmbed("#{div_id}", {script_json(spec)}, {{"mode": "{mode}"}})'
        + ".catch(console.error);</script>"
    )


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


def widget(view: dict, state: dict, loaded: set[str]) -> str:
    """An ipywidgets view rendered by the html-manager from the notebook's saved state."""
    out = _load(WIDGETS_JS.format(version=_manager_version(state)), loaded)
    if WIDGET_STATE_MIME not in loaded:
        loaded.add(WIDGET_STATE_MIME)
        out += f'<script type="{WIDGET_STATE_MIME}">{script_json(state)}</script>\n'
    clean = {k: view[k] for k in ("version_major", "version_minor", "model_id") if k in view}
    return out + f'<script type="{WIDGET_VIEW_MIME}">{script_json(clean)}</script>'


def javascript(code: str, div_id: str) -> str:
    """An ``application/javascript`` output: run with ``element``, its output node, as
    JupyterLab gives it."""
    code = code.replace("</script", "<\\/script")
    return (
        f'<div id="{div_id}"></div>\n<script>(function (element) {{\n{code}\n}})'
        f'(document.getElementById("{div_id}"));</script>'
    )
