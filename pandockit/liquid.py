"""Keep notebook text from running as Liquid: ``{% raw %}`` spans over the final post text.

Jekyll runs Liquid over a post before kramdown sees it, so this is the last pass, over the
Markdown text pandoc wrote. Only text that would start a Liquid tag or output (``{{`` or
``{%``) needs protection. Each stretch of notebook text between two pieces of live Liquid gets
at most one raw span, from the start of the first line that needs it to the end of the last
one: the fewest, largest spans. Live Liquid is what pandockit emits itself (the baseurl of
image links, written by the filters as :data:`BASEURL_MARKER`) and the markdown cells the
author tagged ``liquid`` (the cells filter brackets them with :data:`LIVE_START` /
:data:`LIVE_END`). A literal ``{% endraw %}`` in the notebook (Liquid 5 also ends raw at
``{%- endraw -%}`` and ``{%endraw%}``) closes the span and is written as ``{{ "{%" }}``
followed by the rest of its text in a new span.

With ``liquid: off`` the post carries ``render_with_liquid: false`` instead: no raw tags, the
baseurl written literally, and the markers removed.
"""

from __future__ import annotations

import re

import panflute as pf

from pandockit.tree import cell_tags

#: Stands for the site's baseurl in URLs the filters write; replaced here, outside raw spans.
BASEURL_MARKER = "\ue000pandockit-baseurl\ue001"
#: Bracket the Markdown of a cell whose own Liquid must run (a line of its own each).
LIVE_START = "\ue002pandockit-liquid\ue003"
LIVE_END = "\ue002pandockit-end-liquid\ue003"

BASEURL_LIQUID = "{{ site.baseurl }}"
RAW_OPEN = "{% raw %}"
RAW_CLOSE = "{% endraw %}"
#: A ``{%`` that Liquid prints inside a raw break (the text of a Liquid string literal).
LITERAL_TAG_START = '{{ "{%" }}'

#: What Liquid takes as the end of a raw span: ``{%``, optional ``-``, spaces, ``endraw``.
_ENDRAW = re.compile(r"\{%-?\s*endraw\b")
_LIQUID_START = re.compile(r"\{\{|\{%")
_LIVE = re.compile(
    re.escape(LIVE_START) + r"\n?(.*?)" + re.escape(LIVE_END) + r"\n?", re.S
)
#: A Markdown link definition line: Jekyll appends these from the whole post to the excerpt.
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:.+$", re.M)
_MARKER_LINE = re.compile("(?:" + re.escape(LIVE_START) + "|" + re.escape(LIVE_END) + r")\n?")


def needs_protection(text: str) -> bool:
    """True when ``text`` holds something Liquid would run (``{{`` or ``{%``)."""
    return bool(_LIQUID_START.search(text))


def raw_span(text: str) -> str:
    """``text`` inside one raw span, broken only at each ``{% endraw`` of the text itself."""
    pieces = _ENDRAW.split(text)
    ends = _ENDRAW.findall(text)
    out = [RAW_OPEN + pieces[0]]
    for end, piece in zip(ends, pieces[1:]):
        # '{%' comes out of a Liquid string; the rest of the tag's text is raw text again.
        out.append(RAW_CLOSE + LITERAL_TAG_START + RAW_OPEN + end[2:] + piece)
    out.append(RAW_CLOSE)
    return "".join(out)


def literal_outputs(text: str) -> str:
    """``text`` with each ``{{``/``{%`` printed by a Liquid string: no tag, no raw span."""
    return _LIQUID_START.sub(lambda m: '{{ "' + m.group(0) + '" }}', text)


def protect_text(text: str) -> str:
    """Notebook ``text`` (after the excerpt) with one raw span over the lines that need it.

    Lines Jekyll copies into the excerpt (Markdown link definitions) stay out of the span.
    """
    out: list[str] = []
    pos = 0
    for m in _LINK_DEFINITION.finditer(text):
        if needs_protection(m.group(0)):
            out.append(_one_span(text[pos : m.start()]) + literal_outputs(m.group(0)))
            pos = m.end()
    out.append(_one_span(text[pos:]))
    return "".join(out)


def _one_span(text: str) -> str:
    hits = list(_LIQUID_START.finditer(text))
    if not hits:
        return text
    start = text.rfind("\n", 0, hits[0].start()) + 1
    end = text.find("\n", hits[-1].end())
    end = len(text) if end < 0 else end
    return text[:start] + raw_span(text[start:end]) + text[end:]


def _segments(text: str) -> list[tuple[str, str]]:
    """``text`` as ("notebook" | "live" | "baseurl", text) pieces, markers taken out."""
    segments: list[tuple[str, str]] = []
    pos = 0
    for m in _LIVE.finditer(text):
        segments += _notebook_segments(text[pos : m.start()])
        segments.append(("live", m.group(1)))
        pos = m.end()
    segments += _notebook_segments(text[pos:])
    return segments


def _notebook_segments(text: str) -> list[tuple[str, str]]:
    segments: list[tuple[str, str]] = []
    for i, part in enumerate(_MARKER_LINE.sub("", text).split(BASEURL_MARKER)):
        if i:
            segments.append(("baseurl", BASEURL_LIQUID))
        segments.append(("notebook", part))
    return segments


def protect(text: str, baseurl: str | None = None) -> str:
    """The post body with notebook text kept literal and pandockit's own Liquid live.

    Jekyll cuts each post's excerpt at its first blank line and, when a Liquid block opened
    there is not closed there, closes it and warns. So up to the body's first blank line (the
    excerpt, or more) ``{{``/``{%`` are printed by Liquid strings (:func:`literal_outputs`),
    and the raw spans cover only what follows.

    With ``baseurl`` given (the ``liquid: off`` mode, where Jekyll runs no Liquid), markers
    become that literal baseurl and nothing is protected.
    """
    if baseurl is not None:
        text = _MARKER_LINE.sub("", text)
        return text.replace(BASEURL_MARKER, baseurl.rstrip("/"))
    out = ""
    in_excerpt = True
    for kind, seg in _segments(text):
        if kind != "notebook":
            out += seg.replace(BASEURL_MARKER, BASEURL_LIQUID)
        elif not in_excerpt:
            out += protect_text(seg)
        else:
            cut = (out[-1:] + seg).find("\n\n")
            if cut < 0:
                out += literal_outputs(seg)
                continue
            cut += 2 - len(out[-1:])
            out += literal_outputs(seg[:cut]) + protect_text(seg[cut:])
            in_excerpt = False
        if in_excerpt and "\n\n" in out:
            in_excerpt = False
    return out


def live_cell(cell: pf.Div, blocks: list[pf.Block], tag: str) -> list[pf.Block]:
    """A markdown cell's blocks, bracketed as live Liquid when the cell carries ``tag``.

    Its Liquid tags and outputs become raw Markdown, so pandoc's writer does not escape their
    ``|``, ``_`` or ``*`` (``{{ x | upcase }}`` would otherwise reach Liquid as ``\\|``).
    """
    if "markdown" not in cell.classes or not tag or tag not in cell_tags(cell):
        return blocks
    for block in blocks:
        block.walk(_raw_liquid)
    start = pf.RawBlock(LIVE_START + "\n", format="markdown")
    return [start, *blocks, pf.RawBlock(LIVE_END + "\n", format="markdown")]


_LIQUID_CONSTRUCT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_TEXTUAL = (pf.Str, pf.Space, pf.SoftBreak)


def _raw_liquid(elem: pf.Element, doc: pf.Doc | None) -> None:
    if not isinstance(elem, (pf.Para, pf.Plain, pf.Header)):
        return
    items = list(elem.content)
    out: list[pf.Inline] = []
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and isinstance(items[j], _TEXTUAL):
            j += 1
        if j == i:
            out.append(items[i])
            i += 1
            continue
        out += _liquid_run(items[i:j])
        i = j
    elem.content = out


def _liquid_run(run: list[pf.Inline]) -> list[pf.Inline]:
    """Words and spaces, with each Liquid construct among them as one raw inline."""
    text = "".join("\n" if isinstance(x, pf.SoftBreak) else pf.stringify(x) for x in run)
    if not _LIQUID_CONSTRUCT.search(text):
        return run
    out: list[pf.Inline] = []
    pos = 0
    for m in _LIQUID_CONSTRUCT.finditer(text):
        out += _words(text[pos : m.start()])
        out.append(pf.RawInline(m.group(0), format="markdown"))
        pos = m.end()
    return out + _words(text[pos:])


def _words(text: str) -> list[pf.Inline]:
    out: list[pf.Inline] = []
    for token in re.split(r"(\s+)", text):
        if token.isspace():
            out.append(pf.SoftBreak() if "\n" in token else pf.Space())
        elif token:
            out.append(pf.Str(token))
    return out
