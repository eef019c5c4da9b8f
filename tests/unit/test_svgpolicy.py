"""SVG cleaned for ``--html sanitize``/``drop``: nothing that runs survives, the drawing does.

Known attacks one by one; a real drawing (IPython's Rich_Output logo, Inkscape's, with
metadata and foreign namespaces) rendered by Chromium before and after, pixel for pixel; and a
property over generated SVG trees mixing drawing elements with every kind of active content:
the output, parsed again, holds only allowed elements, no handler and no link a browser would
run, and cleaning it again changes nothing.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pandockit import svgpolicy
from pandockit.media import publishable

PWN = "window.__pwned=1"
HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


def active(svg: bytes) -> list[str]:
    """What can run in a cleaned SVG, read back with ElementTree."""
    root = ET.fromstring(svg)
    found = []
    for node in root.iter():
        ns, name = svgpolicy._local(node.tag)
        if ns != svgpolicy.SVG or name not in svgpolicy.ELEMENTS:
            found.append(f"element {node.tag}")
        for key, value in node.attrib.items():
            local = key.rpartition("}")[2]
            if local.lower().startswith("on"):
                found.append(f"handler {key}")
            if local == "href" and not svgpolicy.link_ok(name, value):
                found.append(f"link {value!r}")
            compact = re.sub(r"[\x00-\x20]+", "", value).lower()
            if "javascript:" in compact:
                found.append(f"javascript in {key}")
        if name == "style" and "javascript:" in "".join(node.itertext()).lower():
            found.append("style with javascript:")
    return found


ATTACKS = {
    "script": f"<script>{PWN}</script>",
    "script-cdata": f"<script><![CDATA[{PWN}]]></script>",
    "onload": f'<g onload="{PWN}"/>',
    "onclick-upper": f'<rect ONCLICK="{PWN}" width="1" height="1"/>',
    "a-javascript": f'<a href="javascript:{PWN}"><text>x</text></a>',
    "a-xlink-javascript": f'<a xlink:href="javascript:{PWN}"><text>x</text></a>',
    "a-tab-javascript": f'<a href="java&#9;script:{PWN}"><text>x</text></a>',
    "a-space-javascript": f'<a href="  JaVaScRiPt:{PWN}"><text>x</text></a>',
    "foreignObject": (f'<foreignObject><body xmlns="http://www.w3.org/1999/xhtml">'
                      f'<img src="x" onerror="{PWN}"/></body></foreignObject>'),
    "xhtml-script": (f'<h:script xmlns:h="http://www.w3.org/1999/xhtml">{PWN}</h:script>'),
    "set-handler": f'<set attributeName="onmouseover" to="{PWN}"/>',
    "animate-href": f'<a><animate attributeName="href" to="javascript:{PWN}"/></a>',
    "animate-xlink": f'<a><animate attributeName="xlink:href" values="javascript:{PWN}"/></a>',
    "use-data": ('<use href="data:image/svg+xml;base64,'
                 + base64.b64encode(f'<svg xmlns="http://www.w3.org/2000/svg">'
                                    f'<script>{PWN}</script></svg>'.encode()).decode() + '"/>'),
    "image-javascript": f'<image href="javascript:{PWN}"/>',
    "iframe": f'<iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:{PWN}"/>',
    "style-javascript": "<style>rect { background: url(javascript:x) }</style>",
    "xml-base": f'<a xml:base="javascript:{PWN}//" href="x"><text>x</text></a>',
    "handler-other-ns": f'<g xmlns:e="http://www.w3.org/2001/xml-events" e:onload="{PWN}"/>',
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_removed_drawing_kept(name: str) -> None:
    svg = f'{HEAD}<rect id="keep" width="5" height="5"/>{ATTACKS[name]}</svg>'.encode()
    out = svgpolicy.clean(svg)
    assert out is not None
    assert active(out) == []
    assert b'<rect id="keep" width="5" height="5" />' in out
    assert svgpolicy.clean(out) == out


def test_entities_and_instructions() -> None:
    doctype = (b'<?xml-stylesheet type="text/xsl" href="evil.xsl"?><!DOCTYPE svg ['
               b'<!ENTITY x "<script>window.__pwned=1</script>">]>')
    out = svgpolicy.clean(doctype + HEAD.encode() + b"&x;<g/></svg>")
    assert out is not None and b"script" not in out and b"xsl" not in out and b"ENTITY" not in out
    laughs = b"<!DOCTYPE svg [<!ENTITY a0 \"lol\">" + b"".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">'.encode() for i in range(1, 10)) + b"]>"
    assert svgpolicy.clean(laughs + HEAD.encode() + b"&a9;</svg>") is None
    external = b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    assert svgpolicy.clean(external + HEAD.encode() + b"&x;</svg>") is None


def test_not_an_svg_document() -> None:
    assert svgpolicy.clean(b"<script>alert('image/svg+xml output')</script>") is None
    assert svgpolicy.clean(b"<svg><g>") is None
    assert svgpolicy.clean(b'<html xmlns="http://www.w3.org/1999/xhtml"/>') is None
    bare = svgpolicy.clean(b'<svg width="3"><script>x</script><circle r="1"/></svg>')
    assert bare is not None and active(bare) == []
    assert b'xmlns="http://www.w3.org/2000/svg"' in bare and b"<circle" in bare


def test_links_that_stay() -> None:
    svg = (f'{HEAD}<a href="https://example.org/"><text>w</text></a><a href="#top"><text>t'
           '</text></a><image xlink:href="data:image/png;base64,AAAA"/><use href="#r"/>'
           '<image href="img/local.png"/></svg>').encode()
    out = svgpolicy.clean(svg)
    assert out is not None
    for kept in (b'href="https://example.org/"', b'href="#top"', b"data:image/png;base64,AAAA",
                 b'href="#r"', b'href="img/local.png"'):
        assert kept in out


def test_assets_published_with_sanitize() -> None:
    html = b"<script>window.__pwned=1</script>"
    assert publishable("image_1_0.html", html, clean=True) is None
    assert publishable("image_1_0.html", html, clean=False) == html
    assert publishable("fig.PNG", b"\x89PNG", clean=True) == b"\x89PNG"
    svg = f'{HEAD}<script>x</script><g/></svg>'.encode()
    assert b"script" not in publishable("a.svg", svg, clean=True)


# -- a property over generated SVG trees ------------------------------------------------------

ELEMENT_NAMES = st.sampled_from([
    "g", "rect", "path", "text", "a", "image", "use", "style", "script", "foreignObject",
    "set", "animate", "animateMotion", "defs", "clipPath", "h:script", "h:img", "h:iframe",
    "feImage", "iframe", "linearGradient", "title",
])
ATTR_NAMES = st.sampled_from([
    "onload", "onclick", "OnMouseOver", "href", "xlink:href", "width", "style", "fill",
    "attributeName", "to", "values", "id", "xml:base", "e:onload", "src",
])
ATTR_VALUES = st.sampled_from([
    "javascript:window.__pwned=1", "JaVaScRiPt:x", " java\tscript:x", "java\nscript:x",
    "#ref", "https://ok.example/", "data:image/png;base64,AAAA", "data:text/html,<script>x",
    "data:image/svg+xml,<svg onload=x>", "vbscript:x", "href", "onclick", "xlink:href",
    "url(javascript:x)", "red", "10", "expression(alert(1))", "mailto:a@b.c", "img/x.png",
]) | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8)
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@st.composite
def trees(draw, depth: int = 0) -> str:
    name = draw(ELEMENT_NAMES)
    attrs = draw(st.dictionaries(ATTR_NAMES, ATTR_VALUES, max_size=3))
    written = "".join(
        f' {k}="{v.replace("&", "&amp;").replace(chr(34), "&quot;").replace("<", "&lt;")}"'
        for k, v in attrs.items())
    children = draw(st.lists(trees(depth + 1), max_size=3)) if depth < 3 else []
    text = draw(TEXT).replace("&", "&amp;").replace("<", "&lt;")
    return f"<{name}{written}>{text}{''.join(children)}</{name}>"


@settings(max_examples=150, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body=st.lists(trees(), max_size=4))
def test_generated_svg_keeps_nothing_that_runs(body: list[str]) -> None:
    svg = (HEAD[:-1] + ' xmlns:h="http://www.w3.org/1999/xhtml"'
           ' xmlns:e="http://www.w3.org/2001/xml-events">' + "".join(body) + "</svg>")
    out = svgpolicy.clean(svg.encode("utf-8"))
    assert out is not None, svg
    assert active(out) == [], (svg, out)
    assert svgpolicy.clean(out) == out


def test_an_svg_with_nothing_to_remove_stays_byte_for_byte() -> None:
    plot = (b'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + HEAD.encode()
            + b'<!-- matplotlib --><defs><style type="text/css">*{stroke-linecap:butt}</style>'
            b'</defs><g id="f"><path d="M 0 0 L 1 1" style="fill:none;stroke:#1f77b4"/>'
            b'<use xlink:href="#f" x="2"/></g></svg>\n')
    assert svgpolicy.clean(plot) is plot
    for unseen in (b'<?xml-stylesheet type="text/xsl" href="x.xsl"?>', b"<!DOCTYPE svg>"):
        out = svgpolicy.clean(unseen + plot.split(b"\n", 1)[1])
        assert out is not None and unseen not in out and b'<path d="M 0 0 L 1 1"' in out
