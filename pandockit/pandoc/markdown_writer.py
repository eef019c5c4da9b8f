"""pandoc's Markdown writer, as pandockit runs it (:data:`pandockit.pandoc.options.WRITE`), done
in Python for the elements a post's body is made of: :func:`write` gives, for a JSON AST, the
bytes pandoc would write, or ``None`` when the document holds anything it does not write (a
table, a div, a footnote, a link with attributes, a paragraph that starts with what might be a
list marker other than a number ...), which pandoc then writes.

It follows pandoc 3.9's ``Text.Pandoc.Writers.Markdown`` (``blockToMarkdown``,
``inlineListToMarkdown``, ``escapeText``, ``avoidBadWraps``, ``fixBlocks``) for the extensions
of :data:`pandockit.pandoc.options.WRITER` and ``--wrap=none``, and lays the result out as the
``doclayout`` library does (:func:`_render`: breaking spaces, carriage returns, blank lines,
prefixed blocks). Writing a post's body in process saves pandoc's write, most of a build's CPU
after its read (docs/performance.md). tests/convert/test_markdown_writer.py holds every document it
writes to pandoc's own output: the examples, the golden cases, the corpus, the benchmark
notebooks and generated documents.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = ["PANDOC_VERSION", "write"]

#: The pandoc whose writer this reproduces, byte for byte (its Markdown writer and the doclayout
#: it was built with); another pandoc writes for itself (:func:`pandockit.pandoc.write`).
PANDOC_VERSION = "3.9"


class _Unsupported(Exception):
    """The document holds something this writer leaves to pandoc."""


# The layout tokens (doclayout's Doc, flattened): a str is text (never empty, no newline), a
# tuple ``(prefix, tokens)`` a prefixed block, and these ints:
_SP = -1  # a breaking space
_CR = -2  # a newline unless at the start of a line
_NL = -3  # a newline
# and a positive int n: "at least n blank lines" (BlankLines n)
_BL = 1

_MARKDOWN_FORMATS = frozenset(
    ("markdown", "markdown_github", "markdown_phpextra", "markdown_mmd", "markdown_strict"))
_HTML_FORMATS = frozenset(("html", "html5", "html4"))
_LIST_BLOCKS = frozenset(("BulletList", "OrderedList", "DefinitionList"))
_COMMENT_SEP = {"t": "RawBlock", "c": ["html", "<!-- -->\n"]}
_RULE = "-" * 72  # writerColumns

#: A first word pandoc escapes as an ordered-list marker (``decimal`` markers: ``1.``, ``2)``,
#: ``(3)``), and the wider set of what might be one of its other markers (letters, roman
#: numerals, ``#.``, ``@label.``), which this writer leaves to pandoc.
_DECIMAL_MARKER = re.compile(r"[0-9]+[.)]|\([0-9]+\)")
_OTHER_MARKER = re.compile(r"\(?(?:[0-9]+|#|@[\w-]*|[A-Za-z]|[ivxlcdm]+|[IVXLCDM]+)[.)]")

#: Characters escapeText or unsmartify may change; a word without any is written as it is.
_SPECIAL = re.compile("[\\\\\\-._!=~\\[\\]`*<>|$'\"#@\u2018\u2019\u201c\u201d\u2013\u2014\u2026]")
_ESCAPED = {"[": "\\[", "]": "\\]", "`": "\\`", "*": "\\*", "_": "\\_", ">": "\\>", "<": "\\<",
            "|": "\\|", "$": "\\$", "'": "\\'", '"': '\\"'}
_UNSMART = {"\u2019": "'", "\u2026": "...", "\u2013": "--", "\u2014": "---", "\u201c": '"',
            "\u201d": '"', "\u2018": "'"}
_UNSMART_RE = re.compile("[\u2018\u2019\u201c\u201d\u2013\u2014\u2026]")
#: Haskell's isSpace: ASCII white space, no-break space and the Zs category.
_HS_SPACE = " \t\n\r\f\v\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
            "\u2009\u200a\u202f\u205f\u3000"
#: Characters doclayout may count as zero columns wide (combining marks, format characters):
#: a text made only of them would leave the column at 0, which this writer does not model.
_ZERO_WIDTH_CATEGORIES = frozenset(("Mn", "Me", "Cf"))
#: An http(s) URL that pandoc's isURI (network-uri's parseURI, a known scheme) accepts: a host
#: name, an optional port, and a path, query and fragment of RFC 3986's characters.
_WEB_URL = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?"
    r"(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*)?"
    r"(?:\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?"
    r"(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?")
#: escapeURI's characters to percent-encode besides white space.
_URI_UNSAFE = frozenset('<>|"{}[]^`')


def write(ast: dict) -> str | None:
    """The Markdown pandoc writes of ``ast`` (a pandoc JSON AST; its metadata is not written),
    or None when it holds what only pandoc writes here."""
    try:
        return _render(_blocks(ast["blocks"], False))
    except _Unsupported:
        return None


# -- blocks ---------------------------------------------------------------------------------


def _blocks(blocks: Sequence[dict], inlist: bool) -> list:
    out: list = []
    for block in _fix_blocks(blocks, inlist):
        out.extend(_block(block, inlist))
    return out


def _fix_blocks(blocks: Sequence[dict], inlist: bool) -> list[dict]:
    """pandoc's fixBlocks: a separator between a list and what would continue it, Plain as Para
    outside lists, a raw block ended by a newline."""
    out: list[dict] = []
    i, n = 0, len(blocks)
    while i < n:
        b = blocks[i]
        t = b["t"]
        nxt = blocks[i + 1] if i + 1 < n else None
        nt = nxt["t"] if nxt is not None else None
        if nt == "CodeBlock" and t in _LIST_BLOCKS and _null_attr(nxt["c"][0]):
            out += [b, _COMMENT_SEP, nxt]
            i += 2
            continue
        if t in _LIST_BLOCKS and nt == t:
            out += [b, _COMMENT_SEP]
        elif t == "Plain":
            out.append(b if nt == "RawBlock" or inlist else {"t": "Para", "c": b["c"]})
        elif t == "RawBlock" and nxt is not None and b["c"][1] and not b["c"][1].endswith("\n"):
            out.append(b if nt in ("Plain", "RawBlock")
                       else {"t": "RawBlock", "c": [b["c"][0], b["c"][1] + "\n"]})
        else:
            out.append(b)
        i += 1
    return out


def _block(b: dict, inlist: bool) -> list:
    t = b["t"]
    if t == "Para":
        return _plain(b["c"], inlist) + [_BL]
    if t == "Plain":
        return _plain(b["c"], inlist)
    if t == "RawBlock":
        fmt, text = b["c"]
        if fmt in _MARKDOWN_FORMATS:
            inner = _literal(text)
            return ([("", inner)] if inner else []) + [_NL]
        if fmt in _HTML_FORMATS:
            return _literal(text) + [_NL]
        raise _Unsupported
    if t == "Header":
        level, _attr, inlines = b["c"]
        contents = _inlines(_line_breaks_to_spaces(inlines), inlist)
        return [" " if tok == _SP else tok for tok in ["#" * level, _SP, *contents, _BL]]
    if t == "CodeBlock":
        return _code_block(*b["c"])
    if t == "BulletList":
        items = [_list_item("- ", 2, item) for item in b["c"]]
        return _join(items, _CR if _is_tight(b["c"]) else _BL) + [_BL]
    if t == "OrderedList":
        return _ordered_list(b["c"][1])
    if t == "BlockQuote":
        contents = _blocks(b["c"], inlist)
        return ["> "] + ([("> ", contents)] if contents else []) + [_BL]
    if t == "HorizontalRule":
        return [_BL, _RULE, _BL]
    raise _Unsupported


def _plain(inlines: list, inlist: bool) -> list:
    if inlines and inlines[0]["t"] == "Str":
        first = inlines[0]["c"]
        rest = inlines[1:]
        if not rest or rest[0]["t"] in ("Space", "SoftBreak"):
            head = first[:10]
            if _DECIMAL_MARKER.fullmatch(head):
                escaped = "".join("\\" + c if c in ".()" else c for c in first)
                inlines = [{"t": "RawInline", "c": ["markdown", escaped]}, *rest]
            elif _OTHER_MARKER.fullmatch(head):
                raise _Unsupported
        if first in ("+", "-"):
            inlines = [{"t": "RawInline", "c": ["markdown", "\\"]}, *inlines]
    return _inlines(inlines, inlist) + [_CR]


def _code_block(attr: list, text: str) -> list:
    if _null_attr(attr):
        inner = _literal(text)
        return ([("    ", inner)] if inner else []) + [_BL]
    longest = 0
    for line in text.split("\n"):
        line = line.strip(" \r\n\t")  # pandoc's trim
        if line.startswith("```") and line.strip("`") == "":
            longest = max(longest, len(line))
    fence = "`" * (longest + 1 if longest else 3)
    classes = attr[1]
    lang = next((c[9:] for c in classes if c.startswith("language-")), None)
    if lang is None:
        lang = next((c for c in classes if c != "sourceCode"), None)
    opening = fence + (" " + lang if lang is not None else "")
    return [*_literal(opening), _CR, *_literal(text), _CR, fence, _BL]


def _ordered_list(items: list) -> list:
    docs = []
    for number, item in enumerate(items, start=1):
        marker = f"{number}."
        marker = marker + " " * (3 - len(marker)) if len(marker) < 3 else marker
        gap = 4 - len(marker)
        start = marker + (" " * gap if gap > 0 else " ")
        docs.append(_list_item(start, max(4, len(marker) + 1), item))
    return _join(docs, _CR if _is_tight(items) else _BL) + [_BL]


def _list_item(start: str, indent: int, blocks: list) -> list:
    if blocks and blocks[0]["t"] in ("Plain", "Para"):
        first = blocks[0]["c"]
        if (len(first) > 1 and first[0]["t"] == "Str" and first[0]["c"] in ("\u2610", "\u2612")
                and first[1]["t"] == "Space"):
            raise _Unsupported  # a task list item: pandoc writes its box as [ ] / [x]
    contents = _blocks(blocks, True)
    if _ends_with_tight_list(blocks):
        contents = _chomp(contents) + [_CR]
    return [start] + ([(" " * indent, contents)] if contents else [])


def _is_tight(items: list) -> bool:
    for item in items:
        if not item or item[0]["t"] == "Plain":
            continue
        if len(item) == 1 and item[0]["t"] == "BulletList" and _is_tight(item[0]["c"]):
            continue
        if len(item) == 1 and item[0]["t"] == "OrderedList" and _is_tight(item[0]["c"][1]):
            continue
        return False
    return True


def _ends_with_tight_list(blocks: list) -> bool:
    if len(blocks) != 2 or blocks[0]["t"] != "Plain":
        return False
    last = blocks[1]
    if last["t"] == "BulletList":
        return _is_tight(last["c"])
    if last["t"] == "OrderedList":
        return _is_tight(last["c"][1])
    return False


def _null_attr(attr: list) -> bool:
    return not attr[0] and not attr[1] and not attr[2]


def _line_breaks_to_spaces(inlines: list) -> list:
    """pandoc's ``walk lineBreakToSpace`` (a header is one line), into every inline."""
    out = []
    for il in inlines:
        t = il["t"]
        if t in ("LineBreak", "SoftBreak"):
            out.append({"t": "Space"})
        elif t in ("Emph", "Strong", "Strikeout"):
            out.append({"t": t, "c": _line_breaks_to_spaces(il["c"])})
        elif t in ("Link", "Image"):
            out.append({"t": t, "c": [il["c"][0], _line_breaks_to_spaces(il["c"][1]), il["c"][2]]})
        elif t in ("Span", "Quoted"):
            out.append({"t": t, "c": [il["c"][0], _line_breaks_to_spaces(il["c"][1])]})
        else:
            out.append(il)
    return out


# -- inlines --------------------------------------------------------------------------------


def _inlines(inlines: list, inlist: bool) -> list:
    out: list = []
    i, n = 0, len(inlines)
    while i < n:
        il = inlines[i]
        t = il["t"]
        if t == "Str":
            text = il["c"]
            nxt = inlines[i + 1] if i + 1 < n else None
            if text.endswith("!") and nxt is not None and nxt["t"] in ("Link", "Span"):
                out.extend(_str(text[:-1]))
                out.append("\\!")
            else:
                out.extend(_str(text))
        elif t == "Space" or t == "SoftBreak":
            out.append(_SP)
        elif t == "Math":
            out.extend(_math(il["c"]))
            nxt = inlines[i + 1] if i + 1 < n else None
            if nxt is not None and nxt["t"] == "Str" and (nxt["c"][:1] or "0") in "0123456789":
                out.append("<!-- -->")
        else:
            out.extend(_inline(il, inlist))
        i += 1
    return _avoid_bad_wraps(out, inlist)


def _str(text: str) -> list:
    if "\n" in text:
        raise _Unsupported
    if _SPECIAL.search(text) is not None:
        text = _escape_text(text)
        if _UNSMART_RE.search(text) is not None:
            text = _UNSMART_RE.sub(lambda m: _UNSMART[m.group()], text)
    if not text:
        return []
    _check_width(text)
    return [text]


def _check_width(text: str) -> None:
    if text.isascii():
        return
    if all(unicodedata.category(c) in _ZERO_WIDTH_CATEGORIES for c in text):
        raise _Unsupported


def _is_alnum(c: str) -> bool:
    """Haskell's isAlphaNum: a letter or a number of any script."""
    if c.isascii():
        return c.isalnum()
    return unicodedata.category(c)[0] in "LN"


def _escape_text(s: str) -> str:
    """pandoc's escapeText for this writer's extensions (smart, intraword_underscores,
    strikeout, pipe_tables, all_symbols_escapable, tex_math_dollars, space_in_atx_header;
    no raw_tex, citations, mark, superscript or subscript), reproduced rule for rule."""
    out: list[str] = []
    n = len(s)
    i = 0
    if s.startswith("#"):
        rest = s[1:].lstrip("#")
        out.append("\\#" if not rest or rest[0] in " \t" else "#")
        i = 1
    while i < n:
        c = s[i]
        nxt = s[i + 1] if i + 1 < n else ""
        if c == "\\" and not nxt:
            out.append("\\\\")
            i += 1
        elif c == "-" and nxt == "-":
            out.append("\\-")
            i += 1
        elif c == "." and nxt == "." and s[i + 2:i + 3] == ".":
            out.append("\\...")
            i += 3
        elif nxt == "_" and i + 2 < n and _is_alnum(c) and _is_alnum(s[i + 2]):
            out.append(c + "_")
            i += 2
        elif c == "\\":
            if _is_alnum(nxt):
                out.append("\\")
                i += 1
            else:  # pandoc writes the backslash doubled and drops the character after it
                out.append("\\\\")
                i += 2
        elif c == "!" and nxt == "[":
            out.append("\\![")
            i += 2
        elif c == "~" and nxt == "~":
            out.append("\\~")
            i += 1
        else:
            out.append(_ESCAPED.get(c, c))
            i += 1
    return "".join(out)


def _math(c: list) -> list:
    kind, tex = c
    if kind["t"] == "InlineMath":
        return ["$", *_literal(tex.strip(_HS_SPACE)), "$"]
    return ["$$", *_literal(tex), "$$"]


def _inline(il: dict, inlist: bool) -> list:
    t = il["t"]
    if t == "Code":
        attr, code = il["c"]
        if "\n" in code:
            raise _Unsupported
        longest = max((len(run) for run in re.findall("`+", code)), default=0)
        marker = "`" * (longest + 1)
        spacer = " " if longest else ""
        return [marker + spacer + code + spacer + marker]
    if t == "RawInline":
        fmt, text = il["c"]
        if fmt in _MARKDOWN_FORMATS or fmt in _HTML_FORMATS:
            return _literal(text)
        raise _Unsupported
    if t == "Emph":
        content = il["c"]
        if not content:
            return []
        if len(content) == 1 and content[0]["t"] == "Emph":
            return _inlines(content[0]["c"], inlist)
        return _delimited("*", _inlines(content, inlist))
    if t == "Strong":
        return _delimited("**", _inlines(il["c"], inlist)) if il["c"] else []
    if t == "Strikeout":
        return _delimited("~~", _inlines(il["c"], inlist)) if il["c"] else []
    if t == "LineBreak":
        return ["  ", _CR]
    if t == "Link":
        return _link(*il["c"], inlist)
    if t == "Image":
        attr, alt, target = il["c"]
        if not _null_attr(attr):
            raise _Unsupported
        src = target[0]
        text = ([{"t": "Str", "c": ""}] if not alt or alt == [{"t": "Str", "c": src}] else alt)
        return ["!", *_link(attr, text, target, inlist)]
    if t == "Span":
        attr, content = il["c"]
        if not _null_attr(attr):
            raise _Unsupported
        return _inlines(content, inlist)
    if t == "Quoted":
        quote = "'" if il["c"][0]["t"] == "SingleQuote" else '"'
        return [quote, *_inlines(il["c"][1], inlist), quote]
    raise _Unsupported


def _link(attr: list, text: list, target: list, inlist: bool) -> list:
    src, title = target
    if "\n" in src or "\n" in title:
        raise _Unsupported
    suffix = src[7:] if src.startswith("mailto:") else src
    if len(text) == 1 and text[0]["t"] == "Str" and _escape_uri(text[0]["c"]) == suffix:
        ident, classes, kvs = attr
        plain = not ident and not kvs and classes in ([], ["uri"], ["email"])
        if plain and _WEB_URL.fullmatch(src):
            return ["<", suffix, ">"]  # an autolink
        raise _Unsupported  # pandoc's isURI decides, or the link has attributes
    if not _null_attr(attr):
        raise _Unsupported  # written as HTML
    out = ["[", *_inlines(text, inlist), "]("]
    if src:
        out.append(src)
    if title:
        out.append(' "' + title + '"')
    out.append(")")
    return out


def _escape_uri(s: str) -> str:
    return "".join(
        "".join(f"%{b:02X}" for b in c.encode("utf-8"))
        if c in _URI_UNSAFE or c in _HS_SPACE else c
        for c in s)


def _delimited(mark: str, contents: list) -> list:
    """pandoc's ``delimited``: white space at either end goes outside the marks."""
    start = 0
    while start < len(contents) and _is_ws(contents[start]):
        start += 1
    end = len(contents)
    while end > start and _is_ws(contents[end - 1]):
        end -= 1
    return [*contents[:start], mark, *contents[start:end], mark, *contents[end:]]


def _is_ws(tok: object) -> bool:
    return isinstance(tok, int)


def _avoid_bad_wraps(toks: list, inlist: bool) -> list:
    """pandoc's avoidBadWraps: a space before a word that could start a block construct at a
    line's start (``>``, a lone ``-``, ``*`` or ``+``, ``1.``) is bound to the word."""
    n = len(toks)
    if n < 3:
        return toks
    out: list = []
    i = 0
    while i < n:
        tok = toks[i]
        if (tok == _SP and i + 2 < n and toks[i + 2] == _SP and isinstance(toks[i + 1], str)
                and _binds(toks[i + 1], inlist)):
            out.append(" " + toks[i + 1])
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


def _binds(t: str, inlist: bool) -> bool:
    c = t[0]
    if c == ">" or (c in "-*+" and len(t) == 1) or t in ("1.", "1)"):
        return True
    if inlist and t[-1] in ".)":
        if _DECIMAL_MARKER.fullmatch(t):
            return True
        if _OTHER_MARKER.fullmatch(t):
            raise _Unsupported
    return False


# -- layout ---------------------------------------------------------------------------------


def _literal(text: str) -> list:
    """doclayout's ``literal``: lines as text, newlines between them."""
    if "\n" not in text:
        if not text:
            return []
        _check_width(text)
        return [text]
    out: list = []
    for k, line in enumerate(text.split("\n")):
        if k:
            out.append(_NL)
        if line:
            _check_width(line)
            out.append(line)
    return out


def _join(docs: list[list], sep: int) -> list:
    """doclayout's vcat (``sep`` a carriage return) or vsep (a blank line) of non-empty docs."""
    out: list = []
    for doc in docs:
        if not doc:
            continue
        if out:
            out.append(sep)
        out.extend(doc)
    return out


def _chomp(toks: list) -> list:
    end = len(toks)
    while end and _is_ws(toks[end - 1]):
        end -= 1
    out = toks[:end]
    if out and isinstance(out[-1], tuple):
        prefix, inner = out[-1]
        out[-1] = (prefix, _chomp(inner))
    return out


def _flatten(toks: list) -> list:
    """doclayout's flatten as pandoc 3.9 was built with it (before doclayout's commit 826cc45,
    April 2026): each prefixed
    block's tokens normalized, and dropped when that leaves nothing. (Rendering normalizes them
    once more, so a prefixed block's trailing newlines are merged twice.)"""
    out: list = []
    for tok in toks:
        if isinstance(tok, tuple):
            inner = _normalize(_flatten(tok[1]))
            if inner:
                out.append((tok[0], inner))
        else:
            out.append(tok)
    return out


def _normalize(toks: list) -> list:
    """doclayout's normalize: runs of spaces, newlines and blank lines merged, left to right."""
    out: list = []
    cur = None
    for tok in toks:
        if cur is None:
            cur = tok
            continue
        if type(tok) is str or type(cur) is not int:  # text merges with nothing
            out.append(cur)
            cur = tok
            continue
        merged = _merge(cur, tok)
        if merged is None:
            out.append(cur)
            cur = tok
        else:
            cur = merged
    if cur is not None:
        if cur == _NL or (isinstance(cur, int) and cur > 0):
            out.append(_CR)
        elif cur != _SP:
            out.append(cur)
    return out


def _merge(a: object, b: object) -> object | None:
    if not isinstance(a, int) or not isinstance(b, int):
        return None
    if a > 0:  # blank lines absorb what follows them
        return max(a, b) if b > 0 else a
    if a == _NL:
        return b if b > 0 else (_NL if b in (_SP, _CR) else None)
    if a == _CR:
        return b if b > 0 else (_CR if b in (_CR, _SP) else None)
    # a breaking space yields to what follows it
    return b


def _render(toks: list) -> str:
    out: list[str] = []
    state = {"prefix": "", "trimmed": "", "col0": True, "newlines": 2}
    _render_list(_normalize(_flatten(toks)), out, state)
    return "".join(out)


def _render_list(toks: list, out: list[str], st: dict) -> None:
    for tok in toks:
        if type(tok) is str:
            if st["col0"] and st["prefix"]:
                out.append(st["prefix"])
            out.append(tok)
            st["col0"] = False
            st["newlines"] = 0
        elif isinstance(tok, tuple):
            old = st["prefix"], st["trimmed"]
            prefix = old[0] + tok[0]
            st["prefix"], st["trimmed"] = prefix, prefix.rstrip(_HS_SPACE)
            _render_list(_normalize(tok[1]), out, st)
            st["prefix"], st["trimmed"] = old
        elif tok == _SP:
            if not st["col0"]:
                out.append(" ")
                st["newlines"] = 0
        elif tok == _CR:
            if st["newlines"] == 0:
                _newline(out, st)
        elif tok == _NL:
            _newline(out, st)
        else:  # blank lines
            if st["newlines"] <= tok:
                for _ in range(1 + tok - st["newlines"]):
                    _newline(out, st)


def _newline(out: list[str], st: dict) -> None:
    if st["col0"] and st["trimmed"]:
        out.append(st["trimmed"])
    out.append("\n")
    st["col0"] = True
    st["newlines"] += 1
