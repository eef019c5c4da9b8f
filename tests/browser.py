"""Test support: open a built Jekyll site in headless Chromium, as a reader would.

The site is served from its ``_site`` folder on localhost; the CDNs the pages load (MathJax 3
and 2, plotly.js 1.x and 2.35.2, vega, vega-lite 4 and 5, vega-embed, the widgets'
html-manager) are answered from the npm packages in ``tests/npm/node_modules`` (``make test``
installs them), and any other remote request fails, as it would offline. ``Browser(cdn=False)``
answers none: every request that leaves the site fails, and is recorded (``Page.outside``).
Uses Debian's ``chromium`` through Playwright (Python), never a downloaded browser.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "tests" / "npm" / "node_modules"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _local(url: str) -> Path | None:
    """The local file that stands for a CDN ``url`` (None: not a CDN file the tests serve)."""
    m = re.match(r"https://cdn\.jsdelivr\.net/npm/mathjax@(\d)[^/]*/(.*?)(?:\?.*)?$", url)
    if m:
        package = "mathjax" if m.group(1) == "3" else "mathjax2"
        return NODE_MODULES / package / m.group(2)
    m = re.match(r"https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/2[^/]*/(.*?)(?:\?.*)?$", url)
    if m:
        return NODE_MODULES / "mathjax2" / m.group(1)
    if re.match(r"https://cdn\.plot\.ly/plotly-(latest|1\.)[^/]*\.js", url):
        return NODE_MODULES / "plotly.js-dist-min" / "plotly.min.js"
    if re.match(r"https://cdn\.plot\.ly/plotly-2\.35\.2\.min\.js", url):
        return NODE_MODULES / "plotly2" / "plotly.min.js"
    m = re.match(r"https://cdn\.jsdelivr\.net/npm/+(vega|vega-lite|vega-embed)@(\d+)[^/?]*(?:\?.*)?$",
                 url)
    if m:
        package = "vegalite4" if m.group(1) == "vega-lite" and m.group(2) == "4" else m.group(1)
        return NODE_MODULES / package / "build" / f"{m.group(1)}.min.js"
    m = re.match(r"https://cdn\.bokeh\.org/bokeh/release/(bokeh(?:-[a-z]+)?)-([\d.]+)\.min\.js",
                 url)
    if m and m.group(2) == _bokeh_version():  # the bokeh wheel carries its own bokehjs
        return _bokeh_static() / "js" / f"{m.group(1)}.min.js"
    m = re.match(r"https://(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/@jupyter-widgets/html-manager@"
                 r"(?:\^|%5E)?(\d+)[^/]*/dist/([^?]+)", url)
    if m:
        package = "widgets020" if m.group(1) == "0" else "@jupyter-widgets/html-manager"
        return NODE_MODULES / package / "dist" / m.group(2)
    return None


def _bokeh_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("bokeh")
    except ImportError:
        return None


def _bokeh_static() -> Path:
    import bokeh

    return Path(bokeh.__file__).parent / "server" / "static"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test output is for failures
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on localhost; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


#: Runs in the page once its scripts are done: what a reader sees, measured.
_MEASURE = (Path(__file__).parent / "measure.js").read_text(encoding="utf-8")


@dataclass
class Page:
    url: str
    facts: dict
    console_errors: list[str]
    failed_requests: list[str]
    outside: list[str] = dataclasses.field(default_factory=list)  # requests leaving the site


class Browser:
    """One Chromium for many pages; CDN requests answered locally (none with ``cdn=False``),
    others refused."""

    def __init__(self, cdn: bool = True) -> None:
        self.cdn = cdn
        self.outside: list[str] = []
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        self.context = self._browser.new_context(viewport={"width": 1100, "height": 900})
        self.context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("http://127.0.0.1"):
            route.continue_()
            return
        self.outside.append(url)
        local = _local(url) if self.cdn else None
        if local is not None and local.is_file():
            route.fulfill(path=str(local))
        else:
            route.abort()

    def open(self, url: str, wait_ms: int = 300) -> tuple[Page, object]:
        page = self.context.new_page()
        errors: list[str] = []
        failed: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: failed.append(r.url))
        before = len(self.outside)
        page.goto(url, wait_until="load")
        page.wait_for_timeout(wait_ms)
        facts = page.evaluate(_MEASURE)
        return Page(url, facts, errors, failed, self.outside[before:]), page

    def close(self) -> None:
        self.context.close()
        self._browser.close()
        self._pw.stop()


#: TeX delimiters a reader must never see: typeset math leaves none in the visible text.
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{|\\frac|\\mathbf|\\alpha")


def raw_tex(text: str) -> list[str]:
    """Spots of raw TeX in a page's visible text (code and math excluded), with context."""
    return [text[max(0, m.start() - 30) : m.end() + 30] for m in RAW_TEX.finditer(text)]

