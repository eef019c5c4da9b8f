"""Find a Markdown cell's HTML blocks as CommonMark (Jupyter's marked) does; pandoc reads more.

CommonMark (spec 0.31, "HTML blocks"; marked, which JupyterLab renders Markdown cells with,
follows it) starts an HTML block at a line (indented at most three spaces) that opens with:

1. ``<pre``, ``<script``, ``<style`` or ``<textarea``: ends at the line holding the matching
   end tag;
2. ``<!--``: ends at the line holding ``-->``;
3. ``<?``: ends at ``?>``;
4. ``<!`` and a letter: ends at ``>``;
5. ``<![CDATA[``: ends at ``]]>``;
6. the start or end tag of a block element (``div``, ``details``, ``center``, ``table``...):
   ends at a blank line;
7. any other complete start or end tag alone on its line (not one of 1): ends at a blank line;
   it cannot interrupt a paragraph.

So ``<div>``, a blank line, ``**bold**``, a blank line, ``</div>`` is an HTML block, a
paragraph, an HTML block: the browser puts the bold text inside the div. pandoc's Markdown
reader instead reads a balanced element as one raw block, the Markdown in it as HTML text
(shown literally by kramdown). :func:`has_markdown` tells whether a raw block pandoc read holds
such Markdown; :func:`fenced` writes a source with each HTML block in a raw ``html`` fence, so
that pandoc (``raw_attribute``) reads the blocks and the Markdown between them as CommonMark
does. Only top-level blocks are found: lines in a list item or a quote are left as they are.
"""

from __future__ import annotations

import re

_TYPE1_START = re.compile(r"<(?:pre|script|style|textarea)(?:\s|>|$)", re.I)
_TYPE1_NAME = re.compile(r"</?(?:pre|script|style|textarea)[\s/>]", re.I)
_TYPE1_END = re.compile(r"</(?:pre|script|style|textarea)>", re.I)
_BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|"
    "noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
_TYPE6_START = re.compile(r"</?(?:" + _BLOCK_NAMES + r")(?:\s|/?>|$)", re.I)
_ATTRIBUTE = r"""\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^"'=<>`\s]+|'[^']*'|"[^"]*"))?"""
_TYPE7_LINE = re.compile(
    r"(?:<[A-Za-z][A-Za-z0-9-]*(?:" + _ATTRIBUTE + r")*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)"
    r"[ \t]*$"
)
#: (start, end) of types 2-5; the end is searched from the start on, the start line too.
_DELIMITED = (("<!--", "-->"), ("<?", "?>"), ("<![CDATA[", "]]>"))
_FENCE = re.compile(r"(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
_BREAK_OR_HEADING = re.compile(r"(?:#{1,6}(?:[ \t]|$)|(?:[*_-][ \t]*){3,}$)")


def _start_type(line: str, in_paragraph: bool) -> int:
    """The CommonMark type of the HTML block ``line`` (indent removed) opens; 0: none."""
    if not line.startswith("<"):
        return 0
    if _TYPE1_START.match(line):
        return 1
    if line.startswith("<![CDATA["):
        return 5
    if line.startswith("<!--"):
        return 2
    if line.startswith("<?"):
        return 3
    if re.match(r"<![A-Za-z]", line):
        return 4
    if _TYPE6_START.match(line):
        return 6
    if not in_paragraph and _TYPE7_LINE.match(line) and not _TYPE1_NAME.match(line):
        return 7
    return 0


def _end_found(kind: int, text: str) -> bool:
    if kind == 1:
        return _TYPE1_END.search(text) is not None
    if kind == 4:
        return ">" in text
    end = {2: "-->", 3: "?>", 5: "]]>"}[kind]
    return end in text


def html_blocks(text: str) -> list[tuple[int, int, int]]:
    """The top-level HTML blocks of Markdown ``text``: (first line, last line, type), lines
    counted from 0 in ``text.split("\\n")``."""
    return [block[:3] for block in _scan(text)]


def interrupts_paragraph(text: str) -> bool:
    """Whether an HTML block of ``text`` starts on the line after a paragraph's (types 1-6
    may; pandoc reads the tag as inline HTML of the paragraph instead)."""
    return any(block[3] for block in _scan(text))


def _scan(text: str) -> list[tuple[int, int, int, bool]]:
    lines = text.split("\n")
    found: list[tuple[int, int, int, bool]] = []
    fence: str | None = None
    in_paragraph = in_list = False
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if fence is not None:
            if indent < 4 and stripped.startswith(fence) and not stripped.strip(fence[0]).strip():
                fence = None
            i += 1
            continue
        if not stripped.strip():
            in_paragraph = False
            i += 1
            continue
        if in_list and (indent > 0 or (in_paragraph and not _LIST_ITEM.match(stripped))):
            i += 1  # a list item's own lines (or its lazy continuation)
            continue
        in_list = False
        opening = _FENCE.match(stripped) if indent < 4 else None
        if opening and not (opening.group(1)[0] == "`" and "`" in stripped[opening.end():]):
            fence, in_paragraph = opening.group(1), False
            i += 1
            continue
        if indent >= 4 and not in_paragraph:
            i += 1  # indented code
            continue
        kind = _start_type(stripped, in_paragraph) if indent < 4 else 0
        if kind:
            last = i
            if kind <= 5:
                start = stripped
                if kind in (2, 3, 5):
                    start = stripped[len(_DELIMITED[(2, 3, 5).index(kind)][0]):]
                elif kind == 4:
                    start = stripped[2:]
                while not _end_found(kind, start if last == i else lines[last]):
                    if last + 1 >= len(lines):
                        break
                    last += 1
            else:
                while last + 1 < len(lines) and lines[last + 1].strip():
                    last += 1
            found.append((i, last, kind, in_paragraph))
            in_paragraph = False
            i = last + 1
            continue
        if _LIST_ITEM.match(stripped):
            in_list, in_paragraph = True, True
        elif stripped.startswith(">") or _BREAK_OR_HEADING.match(stripped):
            in_paragraph = stripped.startswith(">")
        else:
            in_paragraph = True
        i += 1
    return found


def has_markdown(html: str) -> bool:
    """Whether CommonMark reads some non-blank line of ``html`` (a raw HTML block as pandoc
    read it) outside HTML blocks: as Markdown, which pandoc's reading left as HTML text."""
    lines = html.split("\n")
    blocks = html_blocks(html)
    if not blocks or blocks[0][0] != 0:
        return False  # not an HTML block by CommonMark's rules: pandoc read it otherwise
    inside = set()
    for first, last, _ in blocks:
        inside.update(range(first, last + 1))
    return any(line.strip() and n not in inside for n, line in enumerate(lines))


def fenced(text: str) -> str:
    """``text`` with each top-level HTML block in a raw ``html`` fence, blank lines around it,
    so that pandoc with ``raw_attribute`` reads the blocks as CommonMark finds them."""
    lines = text.split("\n")
    out: list[str] = []
    at = 0
    for first, last, _ in html_blocks(text):
        out.extend(lines[at:first])
        block = lines[first:last + 1]
        runs = [len(m) for line in block for m in re.findall(r"`+", line)]
        ticks = "`" * max(3, max(runs, default=0) + 1)
        out.extend(["", ticks + "{=html}", *block, ticks, ""])
        at = last + 1
    out.extend(lines[at:])
    return "\n".join(out)


#: A fenced code block whose info string opens with ``{``: with ``raw_attribute`` pandoc would
#: read ``{=html}`` there as raw output, Jupyter shows it as code.
AUTHOR_RAW_FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})[ \t]*\{", re.M)
