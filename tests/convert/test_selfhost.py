"""Self-hosted libraries and one copy of each library per page: the URLs outputs write, the
lock's checksums, and which versions a site's folder holds (the pages themselves are read in
Chromium by ``test_selfhost_browser.py``)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import re
import tarfile
from pathlib import Path

import pytest
from test_outputs import display, post_of

from pandockit import libraries, selfhost
from pandockit.errors import PandockitError
from pandockit.libraries import Library

ALTAIR_HTML = (
    '<div id="altair-viz-1"></div>\n<script type="text/javascript">\n'
    '  (function(spec, embedOpt){\n    const paths = {\n'
    '      "vega": "https://cdn.jsdelivr.net/npm//vega@5?noext",\n'
    '      "vega-lite": "https://cdn.jsdelivr.net/npm//vega-lite@4.17.0?noext",\n'
    '      "vega-embed": "https://cdn.jsdelivr.net/npm//vega-embed@6?noext",\n    };\n'
    '    maybeLoadScript("vega", "5").then(() => maybeLoadScript("vega-lite", "4.17.0"))\n'
    '      .then(() => maybeLoadScript("vega-embed", "6")).then(() => displayChart(vegaEmbed));\n'
    '  })({"data": {"url": "https://example.org/data/cars.json"}, "mark": "point", '
    '"$schema": "https://vega.github.io/schema/vega-lite/v4.17.0.json"}, {"mode": "vega-lite"});'
    "\n</script>"
)


def _lite(major: int, version: str) -> dict:
    spec = {"$schema": f"https://vega.github.io/schema/vega-lite/v{version}.json",
            "mark": "bar", "data": {"values": [{"a": 1}]}}
    return display({f"application/vnd.vegalite.v{major}+json": spec, "text/plain": "chart"})


def _scripts(body: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', body)


def test_a_page_of_vega_lite_4_and_5_charts_loads_each_library_once(tmp_path: Path) -> None:
    body = post_of(tmp_path, [_lite(5, "5.8.0"), _lite(4, "4.17.0"), _lite(5, "5.20.1"),
                              display({"text/html": ALTAIR_HTML, "text/plain": "chart"})])
    assert _scripts(body) == [
        "https://cdn.jsdelivr.net/npm/vega@5", "https://cdn.jsdelivr.net/npm/vega-lite@5",
        "https://cdn.jsdelivr.net/npm/vega-embed@6", "https://cdn.jsdelivr.net/npm/vega-lite@4"]
    assert body.count("pandockitVegaLite || {})[5] = vegaLite") == 1
    assert body.count("pandockitVegaLite || {})[4] = vegaLite") == 1
    assert body.count("window.vegaLite = (function (builds)") == 1  # before vega-embed
    assert body.index("window.vegaLite = (function") < body.index("vega-embed@6")
    # Altair's own loader is told that the page has the versions it asks for
    assert '{"vega_version": "5", "vegaembed_version": "6", "vegalite_version": "4.17.0"}' in body


def test_a_spec_without_schema_gets_its_mime_types_version(tmp_path: Path) -> None:
    spec = {"mark": "bar", "data": {"values": [{"a": 1}]}}
    body = post_of(tmp_path, [display({"application/vnd.vegalite.v5+json": spec,
                                       "text/plain": "chart"})])
    assert '"$schema": "https://vega.github.io/schema/vega-lite/v5.json"' in body


def test_self_host_points_every_library_url_at_the_site(tmp_path: Path, caplog) -> None:
    plotly = display({"application/vnd.plotly.v1+json": {"data": [], "layout": {}}})
    html_plotly = display({"text/html": '<script src="https://cdn.plot.ly/plotly-latest.min.js">'
                                        "</script><div>p</div>"})
    with caplog.at_level(logging.WARNING, logger="pandockit"):
        body = post_of(tmp_path, [plotly, html_plotly, _lite(5, "5.8.0"),
                                  display({"text/html": ALTAIR_HTML, "text/plain": "chart"})],
                       {"self-host": True})
    local = "{{ site.baseurl }}/assets/pandockit/lib/"
    assert _scripts(body) == [local + f for f in (
        "plotly.js-dist-min@2.35.2/plotly.min.js", "plotly.js-dist-min@1.58.5/plotly.min.js",
        "vega@5.33.1/build/vega.min.js", "vega-lite@5.23.0/build/vega-lite.min.js",
        "vega-embed@6.29.0/build/vega-embed.min.js", "vega-lite@4.17.0/build/vega-lite.min.js")]
    # Altair's fallback paths point at the site too, and nothing else is left on a CDN
    assert f'"vega": "{local}vega@5.33.1/build/vega.min.js?noext"' in body
    assert not re.search(r"cdn\.(jsdelivr|plot\.ly)", body)
    assert "output fetches https://example.org/data/cars.json from outside the site" in caplog.text


BOKEH_LOADER = (
    "(function(root) {\n  const js_urls = ["
    '"https://cdn.bokeh.org/bokeh/release/bokeh-3.4.1.min.js", '
    '"https://cdn.bokeh.org/bokeh/release/bokeh-widgets-3.4.1.min.js"];\n'
    "  load_libs(css_urls, js_urls, function() {});\n}(window));"
)


def test_self_hosted_bokeh_loads_bokehjs_of_its_version_from_the_site(tmp_path: Path,
                                                                      caplog) -> None:
    old = BOKEH_LOADER.replace("3.4.1", "1.4.0")  # older than bokehjs on npm: not pinned
    with caplog.at_level(logging.WARNING, logger="pandockit"):
        body = post_of(tmp_path, [
            display({"application/javascript": BOKEH_LOADER,
                     "application/vnd.bokehjs_load.v0+json": ""}),
            display({"application/javascript": old}),
            display({"application/javascript": "embed_document(root);",
                     "application/vnd.bokehjs_exec.v0+json": ""})], {"self-host": True})
    local = "{{ site.baseurl }}/assets/pandockit/lib/bokehjs@3.4.1/build/js/"
    assert f'"{local}bokeh.min.js", "{local}bokeh-widgets.min.js"' in body
    assert "from outside the site" in caplog.text and "bokeh-1.4.0.min.js" in caplog.text
    assert "bokeh-3.4.1" not in caplog.text
    # a plot's script waits for the loader's libraries
    assert "if (window._bokeh_is_loading > 0) { setTimeout(wait, 20); return; }" in body


def test_self_hosted_widgets_find_their_fonts_on_the_site(tmp_path: Path) -> None:
    from test_outputs import WIDGET_META

    view = {"version_major": 2, "version_minor": 0, "model_id": "abc"}
    body = post_of(tmp_path, [display({"application/vnd.jupyter.widget-view+json": view,
                                       "text/plain": "IntSlider(value=3)"})],
                   {"self-host": True}, metadata=WIDGET_META)
    folder = "{{ site.baseurl }}/assets/pandockit/lib/html-manager@0.20.9/dist/"
    assert f'window.__jupyter_widgets_assets_path__ = "{folder}"' in body
    assert _scripts(body) == [folder + "embed.js"]


def test_a_page_of_widgets_with_math_gets_mathjax_2(tmp_path: Path) -> None:
    """The html-manager typesets widgets' TeX through MathJax 2's API (``MathJax.Hub``): a page
    with widgets and math loads MathJax 2, and a widget's TeX is math for the page."""
    from converting import render_notebook
    from test_outputs import WIDGET_META, notebook

    from pandockit.config import resolve_options
    from pandockit.notebook import read_notebook

    view = {"version_major": 2, "version_minor": 0, "model_id": "abc"}
    out = display({"application/vnd.jupyter.widget-view+json": view, "text/plain": "w"})

    def front(meta: dict, source: str = "x") -> str:
        nb = read_notebook(notebook(tmp_path, [out], source=source, metadata=meta))
        post, _ = render_notebook(nb, resolve_options(tmp_path))
        return post.text.split("---\n", 2)[1]

    assert "pandockit:" not in front(WIDGET_META)  # no TeX, no math: no MathJax at all
    tex = json.loads(json.dumps(WIDGET_META))
    tex["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]["abc"]["state"][
        "description"] = "\\(x^2\\)"
    assert "pandockit:\n  math: kramdown\n  mathjax: 2\n" in front(tex)


# --- fetching, checking and copying --------------------------------------------------------


def _tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A registry (a folder, as ``file://``) holding one library, and the lock naming it."""
    data = _tarball({"dist/lib.js": b"var CDN = 'https://cdn.example/x/';\n",
                     "dist/font.woff": b"font", "src/lib.ts": b"source", "README.md": b"r"})
    registry = tmp_path / "registry"
    (registry / "lib" / "-").mkdir(parents=True)
    (registry / "lib" / "-" / "lib-1.0.0.tgz").write_bytes(data)
    library = Library("lib1", "lib", "1.0.0", _integrity(data), ("dist/*.js", "dist/*.woff"),
                      ((re.compile(r"https://cdn\.example/lib@1/lib\.js"), "dist/lib.js"),),
                      (("dist/lib.js", "'https://cdn.example/x/'", "window.here"),))
    monkeypatch.setattr(libraries, "lock", lambda: {"lib1": library})
    monkeypatch.setattr(selfhost, "lock", lambda: {"lib1": library})
    monkeypatch.setenv("PANDOCKIT_NPM_REGISTRY", registry.as_uri())
    monkeypatch.setenv("PANDOCKIT_CACHE", str(tmp_path / "cache"))
    return library, registry


def _post(site: Path, name: str, text: str) -> None:
    (site / "_posts").mkdir(parents=True, exist_ok=True)
    (site / "_posts" / name).write_text(f"---\ntitle: t\n---\n{text}\n", encoding="utf-8")


def test_build_copies_the_versions_posts_use_and_removes_the_rest(tmp_path: Path, fake) -> None:
    library, _ = fake
    site = tmp_path / "site"
    _post(site, "2024-01-01-a.md", '<script src="/assets/pandockit/lib/lib@1.0.0/dist/lib.js">')
    mine = site / "assets" / "pandockit" / "lib" / "notes"  # not a package@version: not ours
    mine.mkdir(parents=True)
    assert selfhost.sync(site, "_posts") == (["lib@1.0.0"], [])
    folder = site / libraries.LIB_DIR / "lib@1.0.0"
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files == [".pandockit-integrity", "dist/font.woff", "dist/lib.js"]
    assert (folder / "dist" / "lib.js").read_bytes() == b"var CDN = window.here;\n"  # patched
    assert selfhost.sync(site, "_posts") == ([], [])  # the copy is there: nothing fetched
    (site / "_posts" / "2024-01-01-a.md").unlink()
    assert selfhost.sync(site, "_posts") == ([], ["lib@1.0.0"])
    assert not folder.exists() and mine.is_dir()


def test_a_tarball_that_does_not_match_the_lock_is_refused(tmp_path: Path, fake) -> None:
    library, registry = fake
    (registry / "lib" / "-" / "lib-1.0.0.tgz").write_bytes(_tarball({"dist/lib.js": b"evil"}))
    site = tmp_path / "site"
    _post(site, "2024-01-01-a.md", "/assets/pandockit/lib/lib@1.0.0/dist/lib.js")
    with pytest.raises(PandockitError, match="does not match the pinned sha512"):
        selfhost.sync(site, "_posts")
    assert not (site / libraries.LIB_DIR / "lib@1.0.0").exists()
    assert not list((tmp_path / "cache").rglob("*.tgz"))  # nothing cached either


def test_a_cached_tarball_that_does_not_match_is_fetched_again(tmp_path: Path, fake,
                                                               caplog) -> None:
    library, _ = fake
    cached = tmp_path / "cache" / "npm" / "lib@1.0.0.tgz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"corrupt")
    with caplog.at_level(logging.WARNING, logger="pandockit"):
        data = selfhost.tarball(library)
    assert selfhost.verify(data, library.integrity) and cached.read_bytes() == data
    assert "does not match the pinned checksum" in caplog.text


def test_fetch_libs_fills_the_cache_with_each_library_once(tmp_path: Path, fake,
                                                          monkeypatch) -> None:
    library, registry = fake
    newer = Library("lib1@2.0.0", "lib", "2.0.0", library.integrity, library.files, ())
    older = Library("lib1@0.9.0", "lib", "0.9.0", "sha512-none", library.files, ())
    monkeypatch.setattr(selfhost, "lock", lambda: {"lib1@0.9.0": older, "lib1@2.0.0": newer})
    (registry / "lib" / "-" / "lib-2.0.0.tgz").write_bytes(
        (registry / "lib" / "-" / "lib-1.0.0.tgz").read_bytes())
    assert selfhost.fetch_all() == ["lib@2.0.0"]  # of a family, the newest only
    assert (tmp_path / "cache" / "npm" / "lib@2.0.0.tgz").is_file()


def test_the_lock_pins_every_library_with_a_sha512() -> None:
    lock = libraries.lock()
    assert {lib.folder for lib in lock.values()} >= {
        "mathjax@3.2.2", "mathjax@2.7.9", "plotly.js-dist-min@1.58.5", "vega-lite@4.17.0",
        "vega-lite@5.23.0", "vega-embed@6.29.0", "html-manager@0.20.9", "html-manager@1.0.15"}
    for lib in lock.values():
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", lib.integrity), lib.name
        assert lib.urls and lib.files
