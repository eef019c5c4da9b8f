"""Choose one representation for each output, as a reader of the notebook expects to see it.

Touches: output Divs (``output execute_result|display_data|stream|error``) inside code cells;
reads each output's full MIME bundle from the notebook (``pandockit-output`` numbers them) and
falls back to pandoc's blocks when run without it. The choice, first match wins:

- interactive (``html: keep`` only): ipywidgets with saved state, Plotly JSON, Vega/Vega-Lite
  JSON, each as a div + script loading its library from a CDN (:mod:`pandockit.interactive`),
  or from the site's own copy with ``self-host: true`` (:mod:`pandockit.libraries`: every
  library URL an output writes is rewritten, and a URL it fetches at run time is warned of);
- ``text/html`` (not with ``html: drop``; sanitised with ``html: sanitize``; pandas'
  ``<style scoped>`` made valid, once per page); HTML that needs require.js falls back to a
  static representation of the same bundle, with a warning; ``application/javascript`` next to
  it (Bokeh) is kept as a script. The HTML is parsed as Jupyter's browser parses an output
  and written back balanced (:mod:`pandockit.htmltree`): an element it leaves open closes
  where the output ends, not at the end of the post. An external script that loads MathJax
  is dropped (the page loads one MathJax for the post: ``pandockit.mathjax: 2`` is recorded
  for MathJax 2 or plotly.js 1.x, ``math`` when a plot has LaTeX), and an external script
  already loaded on the page (plotly.js, require.js) is loaded once; Altair's HTML gets the
  page's one vega, vega-lite and vega-embed before it, so it loads none of its own;
  a Bokeh plot's script runs once the libraries of Bokeh's loader have loaded;
- ``text/markdown`` as Markdown; one that may hold HTML (a tag; any, with ``html: sanitize``
  or ``drop``) as the HTML Jupyter renders of it (:mod:`pandockit.markdown_output`, run
  before the pipeline: :mod:`pandockit.gather`), then treated as a ``text/html`` output
  (sanitised, balanced; ``drop`` removes its raw HTML first);
- ``text/latex`` as the raw LaTeX block (the math filter writes it); an image (SVG, PNG,
  JPEG, GIF; the images filter names it; with ``html: sanitize|drop`` an SVG that is not
  well-formed XML gives way to another image of the bundle, see :mod:`pandockit.svgpolicy`);
  ``text/plain`` last.

Streams: consecutive chunks of one stream merged, ``\\r``/backspace rewrites applied, ANSI
escapes removed. Errors: the traceback, ANSI escapes removed. Text outputs leave here as
``CodeBlock`` with ``pandockit-text=stdout|stderr|result|error`` (the cells filter writes them).
Configured by ``pandockit.html``, ``pandockit.ansi`` (``strip``, or ``spans``: coloured HTML),
``pandockit.max-output-lines`` (cut, with a note) and ``pandockit.collapse-output-lines``
(longer text outputs get ``pandockit-fold=closed``: a toggle).
"""

from __future__ import annotations

import logging

import panflute as pf

from pandockit import (
    htmlpolicy,
    htmltree,
    interactive,
    libraries,
    svgpolicy,
    terminal,
)
from pandockit.context import inputs, multiline_text
from pandockit.errors import PandockitError
from pandockit.filters.base import (
    CELLS,
    cell_index,
    is_cell,
    is_output,
    items_of,
    job_of,
    keep_only,
    run,
)
from pandockit.inputs import markdown_as_html
from pandockit.liquid import BASEURL_MARKER
from pandockit.mimedata import decode
from pandockit.page_needs import record

NAME = "outputs"
log = logging.getLogger("pandockit")

TEXT_KIND = "pandockit-text"
FOLD = "pandockit-fold"
ASIS = "pandockit-output-asis"  # set by the visibility filter for Quarto's ``output: asis``
#: Image MIME types by preference, with the file extensions pandoc's reader gives them.
IMAGES = (
    ("image/svg+xml", (".svg",)),
    ("image/png", (".png",)),
    ("image/jpeg", (".jpeg", ".jpg")),
    ("image/gif", (".gif",)),
    ("image/webp", (".webp",)),
    ("image/bmp", (".bmp",)),
)
RESULT_CLASSES = ("execute_result", "display_data")


def prepare(doc: pf.Doc) -> None:
    doc.pandockit_loaded = set()  # CDN scripts already on the page
    doc.pandockit_styles = set()  # style blocks already on the page
    doc.pandockit_widgets = dict(inputs(doc).widgets)
    doc.pandockit_markdown = []  # (block, Markdown) of text/markdown outputs made HTML
    self_host = job_of(doc).options.self_host
    doc.pandockit_src = libraries.resolver(BASEURL_MARKER) if self_host else None


def finalize(doc: pf.Doc) -> None:
    markdown_html(doc)
    del doc.pandockit_loaded, doc.pandockit_styles, doc.pandockit_widgets, doc.pandockit_src
    del doc.pandockit_markdown


def markdown_html(doc: pf.Doc) -> None:
    """The ``text/markdown`` outputs that hold HTML (any with ``html: sanitize|drop``) as HTML
    blocks (their HTML gathered before the pipeline: :mod:`pandockit.gather`), that HTML then
    as a ``text/html`` output's; one with nothing left is left out."""
    todo = doc.pandockit_markdown
    if not todo:
        return
    mode = job_of(doc).options.html
    gathered = inputs(doc).markdown_html
    for block, markdown in todo:
        text = gathered.get(markdown)
        if text is None:
            raise PandockitError(None, "a Markdown output was not read before the filters "
                                 "(pandockit.gather.gather)")
        if mode == "keep":
            text = kept_html(text, doc)
        else:
            text = htmltree.balance(htmlpolicy.sanitize(text))
        text = htmlpolicy.unscope_styles(text, doc.pandockit_styles)
        if text.strip():
            block.text = _html_block(text).text
        elif block.parent is not None:
            block.parent.content = [b for b in block.parent.content if b is not block]


def _src(doc: pf.Doc):
    """The map from library CDN URLs to the URLs the page loads (the CDN's own by default)."""
    return doc.pandockit_src or interactive._same


def _self_hosted(text: str, cell: pf.Div, doc: pf.Doc) -> str:
    """``text`` with its library URLs rewritten (``self-host: true``); what is left outside
    the site (a script of another library, data fetched at run time) is warned of."""
    if doc.pandockit_src is None:
        return text
    text = libraries.rewrite(text, doc.pandockit_src)
    for url, what in libraries.outside(text):
        _warn(cell, f"output {what} {url} from outside the site: it cannot be self-hosted")
    return text


# --- reading the bundle ------------------------------------------------------------------


def raw_outputs(doc: pf.Doc, cell: pf.Div) -> list[dict] | None:
    """The notebook's outputs of ``cell`` (None when the filter runs without the notebook)."""
    nb_cell = inputs(doc).cell(cell_index(cell))
    if nb_cell is None or nb_cell.kind != "code":
        return None
    return list(nb_cell.outputs)


def raw_output(out: pf.Div, position: int, outputs: list[dict] | None) -> dict | None:
    """The notebook's output for the Div ``out`` (its type checked against the Div's)."""
    if outputs is None:
        return None
    n = int(out.attributes.get("pandockit-output", position))
    if not 0 <= n < len(outputs) or not isinstance(outputs[n], dict):
        return None
    kind = outputs[n].get("output_type")
    return outputs[n] if kind in out.classes else None


def ast_bundle(out: pf.Div) -> dict:
    """A MIME bundle rebuilt from pandoc's blocks (when the notebook is not at hand)."""
    bundle: dict = {}
    for block in out.content:
        if isinstance(block, pf.RawBlock):
            mime = {"html": "text/html", "latex": "text/latex", "tex": "text/latex",
                    "markdown": "text/markdown"}.get(block.format)
            if mime:
                bundle[mime] = block.text
        elif isinstance(block, pf.CodeBlock) and not block.classes:
            bundle["text/plain"] = block.text
    return bundle


def image_block(out: pf.Div, bundle: dict, skip: str = "") -> pf.Block | None:
    """pandoc's image block of the preferred image type the output has (not of the file
    extension ``skip``)."""
    images = {}
    for block in out.content:
        if isinstance(block, (pf.Para, pf.Plain)):
            for item in block.content:
                if isinstance(item, pf.Image):
                    ext = "." + item.url.rsplit(".", 1)[-1].lower() if "." in item.url else ""
                    if ext != skip:
                        images.setdefault(ext, block)
    for mime, exts in IMAGES:
        if bundle and mime not in bundle:
            continue
        for ext in exts:
            if ext in images:
                return images[ext]
    return next(iter(images.values()), None)


# --- text ----------------------------------------------------------------------------------


def text_output(text: str, kind: str, doc: pf.Doc) -> list[pf.Block]:
    """A text output as a code block (``pandockit-text``), ANSI escapes handled, lines capped."""
    spans = job_of(doc).options.ansi == "spans" and terminal.has_ansi(text)
    shown = terminal.plain(text).rstrip("\n")
    cap = job_of(doc).options.max_output_lines
    lines = shown.split("\n")
    note: list[pf.Block] = []
    if cap and len(lines) > cap:
        shown = "\n".join(lines[:cap])
        cut = len(lines) - cap
        note = [_note(f"… {cut} more line{'s' if cut != 1 else ''} not shown")]
        if spans:
            text = "\n".join(text.rstrip("\n").split("\n")[:cap])
    if not shown.strip():
        return []
    if spans:
        body = terminal.to_html(text.rstrip("\n"))
        block: pf.Block = pf.RawBlock(
            f'<pre class="pandockit-output {kind}"><code>{body}</code></pre>', format="html"
        )
    else:
        block = pf.CodeBlock(shown, attributes={TEXT_KIND: kind})
    return [block, *note]


def _note(text: str) -> pf.Para:
    words: list[pf.Inline] = []
    for word in text.split(" "):
        if words:
            words.append(pf.Space())
        words.append(pf.Str(word))
    return pf.Para(pf.Emph(*words))


def line_count(blocks: list[pf.Block]) -> int:
    return max(
        (len(b.text.rstrip("\n").split("\n")) for b in blocks if isinstance(b, pf.CodeBlock)),
        default=0,
    )


# --- rich outputs --------------------------------------------------------------------------


def _warn(cell: pf.Div, what: str) -> None:
    log.warning("cell %s: %s", cell_index(cell), what)


def _html_block(text: str) -> pf.RawBlock:
    """HTML in a ``<div>`` of its own: kramdown then takes it as one block, never Markdown."""
    return pf.RawBlock(f'<div class="pandockit-html">\n{text.strip()}\n</div>', format="html")


def interactive_block(bundle: dict, cell: pf.Div, n: int, doc: pf.Doc) -> pf.Block | None:
    """The interactive rendering of ``bundle`` (``html: keep``), or None."""
    div_id = f"pandockit-{cell_index(cell)}-{n}"
    loaded, src = doc.pandockit_loaded, _src(doc)
    view = bundle.get(interactive.WIDGET_VIEW_MIME)
    if isinstance(view, dict):
        if interactive.has_widget_state(view, doc.pandockit_widgets):
            record(doc, "widgets", "1")  # with math, MathJax 2: the html-manager typesets with it
            if interactive.widget_tex(doc.pandockit_widgets):
                style = "dollars" if job_of(doc).options.math == "dollars" else "kramdown"
                record(doc, "math", style)
            return _html_block(interactive.widget(view, doc.pandockit_widgets, loaded, src))
        _warn(cell, "widget without saved state in the notebook: shown as its text")
        return None
    spec = bundle.get(interactive.PLOTLY_MIME)
    if isinstance(spec, dict):
        return _html_block(_self_hosted(interactive.plotly(spec, div_id, loaded, src), cell, doc))
    mime = interactive.vega_mime(bundle)
    if mime and isinstance(bundle[mime], dict):
        chart = interactive.vega(bundle[mime], mime, div_id, loaded, src)
        return _html_block(_self_hosted(chart, cell, doc))
    return None


def is_interactive(bundle: dict) -> bool:
    return any(
        m in bundle for m in (interactive.WIDGET_VIEW_MIME, interactive.PLOTLY_MIME)
    ) or interactive.vega_mime(bundle) is not None


def html_blocks(bundle: dict, cell: pf.Div, n: int, doc: pf.Doc) -> list[pf.Block] | None:
    """The ``text/html`` (and ``application/javascript``) of ``bundle`` per ``html`` mode."""
    mode = job_of(doc).options.html
    text = multiline_text(bundle.get("text/html"))
    script = multiline_text(bundle.get("application/javascript"))
    if mode == "drop" or not (text.strip() or script.strip()):
        return None
    if mode == "sanitize":
        clean = htmltree.balance(htmlpolicy.sanitize(text))
        return [_html_block(htmlpolicy.unscope_styles(clean, doc.pandockit_styles))] if (
            clean.strip()) else None
    if htmlpolicy.needs_requirejs(text) and _has_static(bundle):
        _warn(cell, "HTML output needs require.js, which a Jekyll page lacks: shown static")
        return None
    text = kept_html(text, doc)
    parts = [htmlpolicy.unscope_styles(text, doc.pandockit_styles)] if text.strip() else []
    altair = interactive.altair_loaders(text, doc.pandockit_loaded, _src(doc))
    if altair:
        parts.insert(0, altair.rstrip("\n"))
    if script.strip():
        if interactive.BOKEH_EXEC_MIME in bundle:
            script = interactive.after_bokeh_loads(script)
        parts.append(interactive.javascript(script, f"pandockit-{cell_index(cell)}-{n}-js"))
    return [_html_block(_self_hosted("\n".join(parts), cell, doc))]


def kept_html(text: str, doc: pf.Doc) -> str:
    """An output's HTML (``html: keep``) balanced, its MathJax left to the page and each
    external script loaded once per page; what the page needs is recorded."""
    found: set[str] = set()  # "mathjax", "mathjax 2", "plotly 1"

    def keep_script(src: str) -> bool:
        version = htmlpolicy.mathjax_version(src)
        if version is not None:
            found.update(("mathjax", f"mathjax {version}"))
            return False
        if htmlpolicy.loads_plotly_1(src):
            found.add("plotly 1")
        return interactive.load_once(src, doc.pandockit_loaded)

    text = htmltree.balance(text, scripts=keep_script)
    if "plotly 1" not in found and htmlpolicy.has_plotly_1(text):
        found.add("plotly 1")
    if found & {"mathjax 2", "plotly 1"}:
        record(doc, "mathjax", "2")  # plotly.js 1.x typesets through MathJax 2's API only
    if found & {"mathjax", "plotly 1"} and htmlpolicy.has_plotly_tex(text):
        record(doc, "math", "dollars" if job_of(doc).options.math == "dollars" else "kramdown")
    return text


def _svg_publishable(bundle: dict) -> bool:
    """False when the bundle's SVG cannot be cleaned for ``html: sanitize|drop`` (not
    well-formed XML): another image of the bundle is shown instead."""
    if "image/svg+xml" not in bundle:
        return True
    data = decode("image/svg+xml", bundle["image/svg+xml"])
    return data is not None and svgpolicy.is_svg(data)


def _has_static(bundle: dict) -> bool:
    return any(m in bundle for m in ("text/markdown", "text/latex", "text/plain")) or any(
        m in bundle for m, _ in IMAGES
    )


def rich_output(out: pf.Div, raw: dict | None, cell: pf.Div, n: int, doc: pf.Doc) -> list:
    """The one representation of an execute_result/display_data output."""
    bundle = dict(raw.get("data") or {}) if raw else ast_bundle(out)
    mode = job_of(doc).options.html
    if is_interactive(bundle):
        chosen = interactive_block(bundle, cell, n, doc) if mode == "keep" else None
        if chosen is not None:
            return [chosen]
        if mode != "keep":
            _warn(cell, f"interactive output shown static (html: {mode})")
    if "text/html" in bundle or "application/javascript" in bundle:
        blocks = html_blocks(bundle, cell, n, doc)
        if blocks:
            return blocks
    if cell.attributes.get(ASIS) == "true" and "text/plain" in bundle:
        return [pf.RawBlock(multiline_text(bundle["text/plain"]), format="markdown")]
    if "text/markdown" in bundle:
        text = multiline_text(bundle["text/markdown"])
        if not markdown_as_html(text, mode):
            return [pf.RawBlock(text, format="markdown")]
        block = pf.RawBlock("", format="html")  # written by markdown_html
        doc.pandockit_markdown.append((block, text))
        return [block]
    if "text/latex" in bundle:
        return [pf.RawBlock(multiline_text(bundle["text/latex"]), format="latex")]
    skip = ".svg" if mode != "keep" and raw and not _svg_publishable(bundle) else ""
    image = image_block(out, bundle if raw else {}, skip)
    if image is not None:
        return [image]
    if "text/plain" in bundle:
        return text_output(multiline_text(bundle["text/plain"]), "result", doc)
    return []


def error_text(out: pf.Div, raw: dict | None) -> str:
    if raw is not None:
        trace = raw.get("traceback") or []
        if trace:
            return "\n".join(str(t) for t in trace)
        return f"{raw.get('ename', 'Error')}: {raw.get('evalue', '')}"
    return "\n".join(b.text for b in out.content if isinstance(b, pf.CodeBlock))


# --- the cell ------------------------------------------------------------------------------


def _merge_streams(items: list[tuple[pf.Div, dict | None]]) -> list[tuple[pf.Div, str]]:
    """Stream outputs with their text, consecutive chunks of the same stream merged."""
    merged: list[tuple[pf.Div, str]] = []
    for out, raw in items:
        if "stream" not in out.classes:
            merged.append((out, ""))
            continue
        text = multiline_text(raw.get("text")) if raw else "".join(
            b.text for b in out.content if isinstance(b, pf.CodeBlock))
        name = "stderr" if "stderr" in out.classes else "stdout"
        if merged and "stream" in merged[-1][0].classes and name in merged[-1][0].classes:
            merged[-1] = (merged[-1][0], merged[-1][1] + text)
        else:
            merged.append((out, text))
    return merged


def _render(out: pf.Div, text: str, raw: dict | None, cell: pf.Div, n: int, doc: pf.Doc):
    if "stream" in out.classes:
        kind = "stderr" if "stderr" in out.classes else "stdout"
        if kind == "stdout" and cell.attributes.get(ASIS) == "true":
            return [pf.RawBlock(text, format="markdown")] if text.strip() else []
        return text_output(text, kind, doc)
    if "error" in out.classes:
        return text_output(error_text(out, raw), "error", doc)
    if any(c in out.classes for c in RESULT_CLASSES):
        return rich_output(out, raw, cell, n, doc)
    return list(out.content)


def action(elem: pf.Element, doc: pf.Doc) -> None:
    if not (is_cell(elem, "code") and elem.parent is doc):
        return
    outputs = raw_outputs(doc, elem)
    items = []
    position = 0
    for block in items_of(elem):
        if is_output(block):
            items.append((block, raw_output(block, position, outputs)))
            position += 1
    raws = {id(out): raw for out, raw in items}
    kept = {}
    collapse = job_of(doc).options.collapse_output_lines
    for out, text in _merge_streams(items):
        n = int(out.attributes.get("pandockit-output", 0))
        out.content = _render(out, text, raws[id(out)], elem, n, doc)
        if collapse and line_count(items_of(out)) > collapse:
            out.attributes[FOLD] = "closed"
        if len(out.content):
            kept[id(out)] = out
    keep_only(elem, [b for b in items_of(elem) if not is_output(b) or id(b) in kept])


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, finalize, doc, depth=CELLS)
