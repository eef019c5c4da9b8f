"""Raw HTML written so kramdown finds every end tag: parsed as a browser parses it, written back
balanced.

Jupyter puts an output's HTML, and a markdown cell's rendered HTML, into an element of its own
(``innerHTML``: the HTML5 fragment algorithm, context ``<div>``), so an element left open
there closes where the output or cell ends. A Jekyll page has no such walls: kramdown's HTML
block parser (``kramdown/parser/html.rb``, ``parser/kramdown/html.rb``, kramdown 2.4) reads an
element's body up to its own end tag, and one that never comes takes the rest of the post (an
unclosed ``<video>``, RDKit's ``<image>``, which browsers read as ``<img>``). So the HTML is
parsed with an HTML5 parser (lexbor, through selectolax: C, 13 ms for a 2 MB data URI) and
written back in the form kramdown reads as the browser does:

- every element that is not void gets its end tag. Void elements are written ``<br>``, as
  kramdown's void list (``area base br col command embed hr img input keygen link meta param
  source track wbr``) reads them (``<br>`` and ``<br/>`` alike), except HTML5's ``basefont``
  and ``bgsound``, which it lacks: ``<bgsound />``, since kramdown takes ``<x/>`` as closed;
- attributes are double-quoted (kramdown reads an unquoted value only when it is all word
  characters) and an attribute whose name kramdown's tag pattern rejects (``@click``,
  ``[x]``) is left out, since kramdown would otherwise print the whole tag as text;
- ``script`` and ``style`` keep their text raw: kramdown reads both up to ``</script>`` /
  ``</style>`` as a browser does (a ``</script`` that HTML5 keeps inside a script, after
  ``<!--<script>``, is written ``<\\/script``). Elements whose text HTML5 never shows
  (``iframe``, ``noembed``, ``noframes``) are written empty; ``xmp`` and ``plaintext``, which
  show their text verbatim, become ``<pre>`` with the text escaped; ``noscript`` is parsed
  as markup (scripting off), so its body is balanced too;
- ``textarea`` and ``title`` text is escaped (kramdown would read tags in a ``textarea``);
- an ``<image>`` is an ``<img>``; a stray end tag is gone; comments stay.

lexbor writes every subtree that needs none of this itself (C; a walk in Python is ten times
slower on a big table): measured, a 2 MB data URI in 19 ms, 20 MB in 0.3 s, a 5,000-row
DataFrame (1 MB) in 0.4 s. html5lib (pure Python) took 0.34 s, 3.8 s and 13 s;
html5-parser cannot be installed beside lxml's wheels (two libxml2 versions).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser, LexborNode

#: Elements HTML5 parses as void (no end tag).
VOID = frozenset({
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
})
#: Void elements kramdown knows (``HTML_ELEMENTS_WITHOUT_BODY``): written ``<br>``, as lexbor
#: writes them; the others ``<bgsound />``, which kramdown takes as closed too.
KRAMDOWN_VOID = frozenset({
    "area", "base", "br", "col", "command", "embed", "hr", "img", "input", "keygen", "link",
    "meta", "param", "source", "track", "wbr",
})
#: Elements whose text is raw for both HTML5 and kramdown.
RAW_TEXT = frozenset({"script", "style"})
#: Elements whose raw text a browser never shows: written without it.
HIDDEN_TEXT = frozenset({"iframe", "noembed", "noframes"})
#: Elements that show their raw text verbatim: written as ``<pre>``.
AS_PRE = frozenset({"xmp", "plaintext"})
#: Elements whose leading newline HTML5 drops (so a text that starts with one needs two).
LEADING_NEWLINE = frozenset({"pre", "textarea", "listing"})
#: kramdown's span elements (``HTML_SPAN_ELEMENTS``): a start tag of one of these opening a
#: line starts a paragraph, not an HTML block, and their end tag never ends a block.
KRAMDOWN_SPAN = frozenset({
    "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del", "dfn",
    "em", "i", "img", "input", "ins", "kbd", "label", "mark", "option", "q", "rb", "rbc", "rp",
    "rt", "rtc", "ruby", "samp", "select", "small", "span", "strong", "sub", "sup", "tt", "u",
    "var",
})
#: kramdown's tag and attribute names: REXML's ``UNAME_STR`` (an optional prefix, a colon, an
#: XML name).
_NCNAME = r"[^\W\d][\w.\-\u00b7]*"
_NAME = re.compile(rf"(?:{_NCNAME}:)?{_NCNAME}\Z")
_SCRIPT_END = re.compile(r"</(script)", re.I)
#: The element that stands for Markdown between the HTML pieces of a markdown cell.
SLOT_ATTR = "data-pandockit-slot"
_SLOT_MARK = "\ue010{}\ue011"
_SLOT_SPLIT = re.compile("\ue010(\\d+)\ue011")

#: Decides whether an external ``<script src=...>`` stays (True) or is left out (False).
ScriptPolicy = Callable[[str], bool]


def _escape_text(text: str) -> str:
    """Text escaped as lexbor escapes it (so both ways of writing give the same bytes)."""
    return (
        text.replace("&", "&amp;").replace("\xa0", "&nbsp;").replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _escape_attribute(value: str) -> str:
    return _escape_text(value).replace('"', "&quot;")


#: Put before the HTML parsed: lexbor's ``html`` of a fragment's first node is the whole
#: fragment, so the first node is this comment, which is then skipped.
_LEAD = "<!---->"


def parse(html: str) -> tuple[LexborHTMLParser, LexborNode | None]:
    """``html`` parsed as a browser parses ``div.innerHTML``, and its first top-level node."""
    parser = LexborHTMLParser(_LEAD + html, is_fragment=True)
    root = parser.root
    return parser, (root.next if root is not None else None)


#: Elements lexbor's own serialisation would not write as kramdown must read them (see the
#: module docstring), and the attributes this module rewrites: every other subtree is written
#: by lexbor (C), a walk in Python being ten times slower on a big table.
_REWRITTEN = ", ".join([
    "basefont, bgsound, frame, iframe, noembed, noframes, xmp, plaintext, script, style, "
    "template, pre, textarea, listing, [markdown], [" + SLOT_ATTR + "]",
    # In SVG and MathML a void element's name is an ordinary element (``<svg><source>``
    # holds what follows), which lexbor writes without its end tag.
    *(f"{root} {tag}" for root in ("svg", "math") for tag in sorted(VOID)),
])
#: Foreign elements whose children are HTML again (HTML5's integration points).
_HTML_INSIDE = {
    "svg": frozenset({"foreignobject", "desc", "title"}),
    "math": frozenset({"mi", "mo", "mn", "ms", "mtext", "annotation-xml"}),
}
#: A start tag in lexbor's serialisation (values double-quoted, ``"`` escaped), with the
#: names of its attributes, to check them against kramdown's; comments are skipped.
_START_TAG = re.compile(r'<!--.*?-->|<([^\s/>!]+)((?:\s+[^\s=/>]+(?:="[^"]*")?)*)\s*/?>', re.S)
_ATTR_NAME = re.compile(r'\s+([^\s=/>]+)(?:="[^"]*")?')


def _names_ok(html: str) -> bool:
    """True when every tag and attribute name in lexbor's ``html`` is one kramdown reads."""
    for m in _START_TAG.finditer(html):
        if m.group(1) is None:
            continue
        if not _NAME.match(m.group(1)):
            return False
        if m.group(2) and not all(_NAME.match(n) for n in _ATTR_NAME.findall(m.group(2))):
            return False
    return True


class _Writer:
    """Serialises a parsed fragment in the form kramdown reads (see the module docstring)."""

    def __init__(
        self, parser: LexborHTMLParser, markdown_attr: bool, scripts: ScriptPolicy | None
    ) -> None:
        self.markdown_attr = markdown_attr
        #: Elements that are or hold one lexbor cannot write (by ``mem_id``).
        self.rewritten: set[int] = set()
        for node in parser.css(_REWRITTEN):
            while node is not None and node.mem_id not in self.rewritten:
                self.rewritten.add(node.mem_id)
                node = node.parent
        self.scripts = scripts
        self.out: list[str] = []
        #: Per slot number: the names of the elements it stands in, outermost first.
        self.slot_ancestors: dict[int, list[str]] = {}
        #: The elements being written: [name, holds a slot].
        self._open: list[list] = []
        #: The namespace children are parsed in: "html", "svg" or "math".
        self._namespace = "html"

    def nodes(self, node: LexborNode | None, parent: str | None = None) -> None:
        while node is not None:
            self.node(node, parent)
            node = node.next

    def node(self, node: LexborNode, parent: str | None) -> None:
        tag = node.tag
        if tag == "-text":
            text = node.text_content or ""
            if parent in RAW_TEXT:
                self.out.append(_SCRIPT_END.sub(r"<\\/\1", text) if parent == "script" else text)
            elif parent not in HIDDEN_TEXT:
                self.out.append(_escape_text(text))
        elif tag == "-comment" or tag == "_comment":
            self.out.append(node.html or "")
        elif node.is_element_node:
            if node.mem_id not in self.rewritten:
                html = node.html or ""
                if _names_ok(html):
                    self.out.append(html)
                    return
            self.element(node, tag)

    def attributes(self, node: LexborNode, extra: str = "") -> str:
        out = []
        for name, value in node.attributes.items():
            if not _NAME.match(name) or (name == "markdown" and not self.markdown_attr):
                continue
            if name == "markdown" and extra:
                continue
            out.append(f' {name}="{_escape_attribute(value or "")}"')
        return "".join(out) + extra

    def element(self, node: LexborNode, tag: str) -> None:
        attrs = node.attributes
        if SLOT_ATTR in attrs:
            n = int(attrs[SLOT_ATTR] or 0)
            self.slot_ancestors[n] = [name for name, _ in self._open]
            if self._open:
                self._open[-1][1] = True
            self.out.append(_SLOT_MARK.format(n))
            return
        if tag == "script" and self.scripts is not None and "src" in attrs:
            if not self.scripts(attrs.get("src") or ""):
                return
        if not _NAME.match(tag):
            self.nodes(node.child, None)  # a name kramdown cannot read: its content only
            return
        namespace = self._namespace
        if namespace == "html" and tag in ("svg", "math"):
            namespace = tag
        if tag in VOID and namespace == "html":
            slash = "" if tag in KRAMDOWN_VOID else " /"
            self.out.append(f"<{tag}{self.attributes(node)}{slash}>")
            return
        if tag == "template":
            self.out.append(node.html or "")  # inert content, written by lexbor (balanced)
            return
        if tag == "textarea" and namespace == "html":
            # Its content is text (RCDATA); an element lexbor put there (an ``<a>`` it
            # reopened) is written as the text a browser shows.
            text = node.text(deep=True)
            lead = "\n" if text.startswith("\n") else ""
            self.out.append(
                f"<textarea{self.attributes(node)}>{lead}{_escape_text(text)}</textarea>"
            )
            return
        if tag in AS_PRE:
            text = node.text(deep=True)
            self.out.append(f"<pre{self.attributes(node)}>\n{_escape_text(text)}</pre>")
            return
        start = len(self.out)
        self.out.append("")  # the start tag, written once the children show a slot or not
        self._open.append([tag, False])
        first = node.child
        if (
            tag in LEADING_NEWLINE and namespace == "html" and first is not None
            and first.tag == "-text" and (first.text_content or "").startswith("\n")
        ):
            self.out.append("\n")
        outer = self._namespace
        inside = _HTML_INSIDE.get(namespace, frozenset())
        self._namespace = "html" if namespace == "html" or tag.lower() in inside else namespace
        self.nodes(first, tag)
        self._namespace = outer
        extra = ' markdown="block"' if self._open.pop()[1] else ""
        self.out[start] = f"<{tag}{self.attributes(node, extra)}>"
        self.out.append(f"</{tag}>")

    def text(self) -> str:
        return "".join(self.out)


def balance(html: str, scripts: ScriptPolicy | None = None, markdown_attr: bool = False) -> str:
    """``html`` as a browser reads it alone in an element, written so kramdown reads it the same.

    ``scripts`` decides for each external script (by its ``src``) whether it stays;
    ``markdown_attr`` keeps kramdown's ``markdown`` attribute (an author's, in a markdown cell;
    in an output it would make kramdown read the HTML's text as Markdown, so it goes).
    """
    if not html:
        return html
    parser, first = parse(html)
    writer = _Writer(parser, markdown_attr, scripts)
    writer.nodes(first)
    return writer.text()


def balance_cell(pieces: list[str]) -> list[str] | None:
    """The HTML pieces of a markdown cell, balanced over the whole cell, or None.

    ``pieces[i]`` is the raw HTML before the ``i``-th stretch of Markdown (the last one after
    the last). The cell is parsed as one fragment, each stretch of Markdown standing in as an
    empty ``<div>``, which is where an HTML5 parser puts a Markdown paragraph or list (inside
    an open ``<div>``, before a ``<table>`` it is not in a cell of): an element left open
    closes where the cell ends, and one that holds Markdown gets ``markdown="block"`` so that
    kramdown reads the Markdown in it. None when that cannot be written for kramdown: a
    stretch lost (in a ``<script>`` or ``<textarea>`` left open, whose text it became), out of
    order, or inside an element kramdown reads as a span (``<a>``, ``<b>``...), whose end tag
    never ends a Markdown block in kramdown; the caller then balances each piece alone.
    """
    slots = len(pieces) - 1
    source = "".join(
        piece + (f'<div {SLOT_ATTR}="{i}"></div>' if i < slots else "")
        for i, piece in enumerate(pieces)
    )
    parser, first = parse(source)
    writer = _Writer(parser, markdown_attr=True, scripts=None)
    writer.nodes(first)
    if sorted(writer.slot_ancestors) != list(range(slots)):
        return None
    if any(KRAMDOWN_SPAN.intersection(chain) for chain in writer.slot_ancestors.values()):
        return None
    parts = _SLOT_SPLIT.split(writer.text())
    order = [int(n) for n in parts[1::2]]
    if order != list(range(slots)):
        return None
    return parts[0::2]


def start_tag(html: str) -> str | None:
    """A lone start tag (a raw inline of a markdown cell: ``<b>``, ``<image src=x>``) written as
    kramdown reads it: ``<image>`` as ``<img>``, attributes quoted, another element's start tag
    alone (kramdown closes it at the end of its paragraph, as a browser would); None when
    ``html`` is not one start tag."""
    parser, node = parse(html)
    if node is None or node.next is not None or not node.is_element_node:
        return None
    tag = node.tag
    if not _NAME.match(tag) or tag in RAW_TEXT or tag == "template" or node.child is not None:
        return None
    attrs = _Writer(parser, markdown_attr=True, scripts=None).attributes(node)
    if tag in VOID and tag not in KRAMDOWN_VOID:
        return f"<{tag}{attrs} />"
    return f"<{tag}{attrs}>"
