"""A real drawing (IPython's Rich_Output logo, Inkscape's, with metadata and foreign
namespaces), cleaned for ``--html sanitize``, renders in Chromium pixel for pixel as before
(the cleaning itself, on known attacks and generated trees: tests/unit/test_svgpolicy.py)."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET

import corpus
import pytest
from conftest import CORPUS
from test_svgpolicy import active

from pandockit import svgpolicy


def _corpus_svg() -> bytes:
    path = CORPUS / "ipython-in-depth" / "Rich_Output.ipynb"
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            data = (out.get("data") or {}).get("image/svg+xml")
            if data:
                return ("".join(data) if isinstance(data, list) else data).encode("utf-8")
    pytest.skip("no SVG output in Rich_Output.ipynb")


@corpus.mark
def test_a_real_drawing_renders_the_same_in_chromium() -> None:
    from browser import Browser

    original = _corpus_svg()
    cleaned = svgpolicy.clean(original)
    assert cleaned is not None and active(cleaned) == []

    def drawn(svg: bytes) -> list[str]:
        return sorted(
            svgpolicy._local(n.tag)[1] for n in ET.fromstring(svg).iter()
            if svgpolicy._local(n.tag)[1] in ("path", "rect", "circle", "ellipse", "polygon",
                                              "linearGradient", "radialGradient", "stop", "g",
                                              "text", "use")
        )

    assert drawn(cleaned) == drawn(original)
    browser = Browser()
    try:
        shots = []
        for svg in (original, cleaned):
            page = browser.context.new_page()
            uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
            page.set_content(f'<body style="margin:0"><img id="i" src="{uri}"></body>')
            page.wait_for_function("document.getElementById('i').complete")
            assert page.evaluate("document.getElementById('i').naturalWidth") > 100
            shots.append(page.screenshot())
            page.close()
    finally:
        browser.close()
    assert shots[0] == shots[1]
