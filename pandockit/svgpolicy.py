"""SVG made safe to publish (``html: sanitize`` and ``drop``): the drawing kept, nothing that runs.

An SVG file in the site's assets is a document of the site's origin: opened by its URL, its
``<script>``, its ``onload`` and its ``javascript:`` links run there (an ``<img>`` of it runs
nothing, which is how Jupyter shows an SVG output). So the SVG is parsed as XML (expat: no
external entity is read, internal ones expand within expat's amplification limit) and written
back from the tree, keeping only:

- elements of the SVG namespace on :data:`ELEMENTS` (shapes, text, paint servers, filters,
  clip paths, masks, markers, ``use``, ``image``, ``style``, ``a``; an SVG with no namespace
  at all is read as SVG); everything else goes with its content: ``script``,
  ``foreignObject`` (the HTML in it, where handlers live), ``iframe``, ``set``, and any
  element of another namespace (an XHTML ``<script>`` inside an SVG runs);
- attributes without a namespace, except event handlers (``on*``) and any whose value names
  ``javascript:`` or ``vbscript:``, plus ``xlink:href``, ``xlink:title``, ``xml:space`` and
  ``xml:lang``;
- a link (``href``, ``xlink:href``) to ``#id`` anywhere; on ``<a>`` also a relative URL,
  ``http(s):`` or ``mailto:``; on ``<image>`` and ``<feImage>`` a relative URL, ``http(s):``
  or ``data:image/`` (an image runs no script). Other links go (``javascript:``, ``data:``
  documents; the URL is read as a browser reads it, tabs and newlines removed);
- an ``animate``/``animateTransform``/``animateMotion`` unless it animates a link or a
  handler; a ``style`` (element or attribute) unless it names ``javascript:``,
  ``expression(`` or a binding.

Processing instructions (``<?xml-stylesheet?>`` can apply XSLT), the DOCTYPE and comments
are not written. An SVG with nothing to remove and none of those (most: a plot) is kept byte
for byte. An SVG that is not well-formed XML (a browser shows none of it either) gives None:
its output falls back to another image of the same bundle.
"""

from __future__ import annotations

import functools
import re

TYPE_CHECKING = False  # typing's, without its import
if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"

#: SVG elements kept (SVG 1.1 and 2, without scripts, foreign objects or ``set``).
ELEMENTS = frozenset({
    "a", "animate", "animateMotion", "animateTransform", "circle", "clipPath", "defs", "desc",
    "ellipse", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
    "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
    "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur",
    "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
    "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence", "filter", "g", "image",
    "line", "linearGradient", "marker", "mask", "metadata", "mpath", "path", "pattern",
    "polygon", "polyline", "radialGradient", "rect", "stop", "style", "svg", "switch",
    "symbol", "text", "textPath", "title", "tspan", "use", "view",
})
#: Namespaced attributes kept.
NAMESPACED = frozenset({f"{{{XLINK}}}href", f"{{{XLINK}}}title", f"{{{XML}}}space",
                        f"{{{XML}}}lang"})
_LINKS = ("href", f"{{{XLINK}}}href")
_ANIMATIONS = frozenset({"animate", "animateMotion", "animateTransform"})
#: ASCII tab, newline and carriage return, which a browser removes from a URL, and the other
#: controls and spaces it trims.
_URL_NOISE = re.compile(r"[\x00-\x20]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_RASTER = re.compile(r"data:image/(?:png|jpeg|jpg|gif|webp|bmp)[;,]")
_SCRIPT_URL = re.compile(r"(?:java|vb)script:", re.I)
_BAD_STYLE = re.compile(r"javascript:|expression\s*\(|-moz-binding|behavior\s*:", re.I)


@functools.cache
def _xml():  # the ElementTree module
    """ElementTree, SVG's namespaces registered, imported at the first SVG (start-up time:
    most notebooks have none)."""
    import xml.etree.ElementTree as tree  # start-up time: see above

    tree.register_namespace("", SVG)
    tree.register_namespace("xlink", XLINK)
    return tree


def _local(tag: object) -> tuple[str | None, str]:
    """(namespace, local name) of an ElementTree tag (None: no namespace)."""
    if not isinstance(tag, str):
        return None, ""  # a comment or processing instruction
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def link_ok(element: str, url: str) -> bool:
    """True when an SVG ``element`` may keep a link to ``url`` (see the module docstring)."""
    compact = _URL_NOISE.sub("", url)
    if compact.startswith("#"):
        return True
    if element not in ("a", "image", "feImage"):
        return False
    lowered = compact.lower()
    scheme = _SCHEME.match(lowered)
    if scheme is None:
        return True  # a relative URL: a file of the site
    if scheme.group(1) in ("http", "https"):
        return True
    if element == "a":
        return scheme.group(1) == "mailto"
    return bool(_RASTER.match(lowered))


def _keep_element(node: ET.Element, name: str) -> bool:
    if name not in ELEMENTS:
        return False
    if name in _ANIMATIONS:
        target = _URL_NOISE.sub("", node.get("attributeName") or "").lower()
        target = target.rpartition(":")[2]
        if target == "href" or target.startswith("on"):
            return False
    if name == "style" and _BAD_STYLE.search("".join(node.itertext())):
        return False
    return True


def _clean_attributes(node: ET.Element, name: str) -> bool:
    """Drop ``node``'s attributes that may run; True when one was dropped."""
    attrib = node.attrib
    dropped = False
    for key in [k for k in attrib if k[0] == "{" or k[:2].lower() == "on" or ":" in attrib[k]
                or k in _LINKS or k == "style"]:  # most (a path's d) are none of these
        value = attrib[key]
        if key[0] == "{" and key not in NAMESPACED:
            drop = True
        elif key[:2].lower() == "on":
            drop = True
        elif _SCRIPT_URL.search(_URL_NOISE.sub("", value)):
            drop = True  # no attribute needs one: whatever reads it as a URL runs nothing
        elif key in _LINKS:
            drop = not link_ok(name, value)
        elif key == "style":
            drop = bool(_BAD_STYLE.search(value))
        else:
            drop = False
        if drop:
            del attrib[key]
            dropped = True
    return dropped


_SVG_PREFIX = f"{{{SVG}}}"
#: Allowed elements whose own content or attributes need a closer look.
_LOOKED_AT = _ANIMATIONS | {"style"}


def _clean(node: ET.Element, bare: bool) -> bool:
    """Clean the children of ``node`` (kept itself) in place; ``bare``: SVG without namespace.
    True when anything was removed or renamed."""
    changed = False
    previous: ET.Element | None = None
    for child in list(node):
        tag = child.tag
        if isinstance(tag, str) and tag.startswith(_SVG_PREFIX):
            name = tag[len(_SVG_PREFIX):]
            keep = name in ELEMENTS and (name not in _LOOKED_AT or _keep_element(child, name))
        else:
            ns, name = _local(tag)
            if bare and ns is None and name:
                child.tag = _SVG_PREFIX + name
                changed = True
                keep = _keep_element(child, name)
            else:
                keep = False
        if not keep:
            tail = child.tail or ""
            if previous is None:
                node.text = (node.text or "") + tail
            else:
                previous.tail = (previous.tail or "") + tail
            node.remove(child)
            changed = True
            continue
        if child.attrib and _clean_attributes(child, name):
            changed = True
        if len(child) and _clean(child, bare):
            changed = True
        previous = child
    return changed


#: What the parsed tree does not show of a file: a DOCTYPE (entities), processing
#: instructions (``<?xml-stylesheet?>``) other than the XML declaration.
_UNSEEN = re.compile(rb"<!(?!--|\[CDATA\[)|(?<!\A)<\?|\A<\?(?!xml[\s?])")


def _root(data: bytes) -> ET.Element | None:
    """The ``<svg>`` root of ``data`` (SVG's namespace or none), or None."""
    tree = _xml()
    try:
        root = tree.fromstring(data)
    except (tree.ParseError, ValueError):
        return None
    ns, name = _local(root.tag)
    return root if name == "svg" and ns in (None, SVG) else None


def is_svg(data: bytes) -> bool:
    """True when :func:`clean` can clean ``data``: well-formed XML with an ``<svg>`` root."""
    return _root(data) is not None


def clean(data: bytes) -> bytes | None:
    """The SVG ``data`` without anything that runs; None when it is not an SVG document (not
    well-formed XML, or its root is not ``<svg>``). An SVG with nothing to remove (most: a
    plot) comes back byte for byte; any other is written again from its tree, as UTF-8."""
    root = _root(data)
    if root is None:
        return None
    bare = not root.tag.startswith(_SVG_PREFIX)
    if bare:
        root.tag = _SVG_PREFIX + "svg"
    changed = _clean_attributes(root, "svg")
    changed = _clean(root, bare) or changed
    if not (changed or bare or _UNSEEN.search(data.lstrip(b"\xef\xbb\xbf \t\r\n"))):
        return data
    text = _xml().tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n").encode("utf-8")
