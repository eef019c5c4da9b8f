"""Write every formula so that MathJax, behind Jekyll's kramdown, gets the author's TeX unchanged.

Touches: ``Math`` (inline and display); ``RawInline``/``RawBlock`` of format ``tex``/``latex``
in markdown cells (what the ``raw_tex`` reader extension keeps of bare ``\\begin{align}``
environments, and of backslash words in prose such as ``C:\\path``, which go back to text);
``RawBlock latex`` inside an output Div (a ``text/latex`` result the outputs filter chose);
``RawBlock html`` of markdown cells and of outputs (their ``$`` math, which Jupyter typesets
in both, see :func:`html_math`); ``RawBlock markdown`` of a ``text/markdown`` output (its
``$`` math, see :func:`markdown_output_math`);
``Str`` holding ``$`` (prose dollars); the ``Para``/``Plain`` blocks that hold display math.
Configured by ``pandockit.math``: ``kramdown`` (default) or ``dollars``.

``kramdown`` style (a stock site: kramdown + MathJax with its default delimiters). kramdown's only
math delimiter is ``$$`` and it takes the content raw (then ``strip``s it), so:

- inline math is ``$$TeX$$`` in the sentence. A paragraph (or list item, quote line) that is
  nothing but one inline formula is written ``\\$$TeX$$``: kramdown would otherwise make it a
  display block (its ``BLOCK_MATH_START`` rule), and the escape keeps it inline. TeX ending in
  ``$`` (``\\$``) gets a space before the closing ``$$``, which kramdown strips again. The
  one change of TeX: a line of a multi-line inline formula that would start a list, heading,
  quote or fence gets four spaces in front (MathJax ignores them), or kramdown would end the
  paragraph in the middle of the formula;
- display math is a ``$$`` block of its own with blank lines around it; the paragraph around
  it is split. In a table cell, a heading or a span (link, emphasis), where no block can
  stand, display math is written inline;
- in a table cell every ``|`` of the TeX is written ``\\|``: kramdown removes exactly one
  backslash before each ``|`` of a row before it splits the cells, so MathJax gets the TeX as
  written (``|x|`` and ``\\|x\\|`` alike) and the cell is not split;
- outside a table, inline TeX holding ``|`` is written as escaped text that kramdown shows as
  ``\\(TeX\\)`` (:func:`pipe_safe_inline`): kramdown reads a line that starts a block and
  holds a ``|`` not after a backslash (in ``$$..$$`` too) as a table row;
- a ``$$`` in prose is written so the HTML holds ``\\$\\$``: kramdown does not take it as math
  and MathJax (``processEscapes``, on by default) shows ``$$`` instead of starting a formula.
  A single ``$`` in prose stays ``$`` (stock MathJax has no single-dollar delimiter).

``dollars`` style (sites whose MathJax is configured for ``$...$``, as in the seed post): inline
``$TeX$``, display ``\\$\\$ TeX \\$\\$`` in a paragraph of its own. kramdown parses that text as
Markdown, so every character it would eat is escaped (:func:`dollars_escape`); prose ``$``
reaches the HTML as ``\\$`` so it never starts a formula. Blank lines inside display TeX are
dropped in this style (they would end the paragraph); nothing else changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import panflute as pf

from pandockit.context import multiline_text, notebook_cell
from pandockit.filters.base import ancestor, cell_index, is_cell, is_output, option, run
from pandockit.page_needs import record

NAME = "math"

#: Environments Jupyter's MathJax renders when they stand bare in a markdown cell.
ENVIRONMENT = re.compile(
    r"\A\s*\\begin\{(equation|align|alignat|gather|multline|eqnarray|flalign|split|"
    r"displaymath|math|array|[pbvBV]?matrix|smallmatrix|cases|subequations)(\*?)\}"
    r".*\\end\{\1\2\}\s*\Z",
    re.S,
)

_TEX_FORMATS = ("tex", "latex")
_BREAKS = (pf.Space, pf.SoftBreak, pf.LineBreak)

# --- where an element stands ----------------------------------------------------------------


def in_table(elem: pf.Element) -> bool:
    """True when ``elem`` is inside a table cell (where kramdown splits rows on ``|``)."""
    return ancestor(elem, lambda node: isinstance(node, pf.TableCell)) is not None


def in_output(elem: pf.Element) -> bool:
    """True when ``elem`` is a block of a code cell's output Div."""
    return is_output(elem.parent) if elem.parent is not None else False


def _block_level(elem: pf.Element) -> bool:
    """True when ``elem`` stands directly in a paragraph outside tables (may become a block)."""
    return isinstance(elem.parent, (pf.Para, pf.Plain)) and not in_table(elem)


# --- kramdown style -------------------------------------------------------------------------


def table_safe(tex: str) -> str:
    """TeX for a table cell: each ``|`` written ``\\|`` (kramdown takes one backslash back)."""
    return tex.replace("|", "\\|")


#: A line inside inline math that kramdown's GFM parser would take as the start of a block
#: (list, heading, quote, fence, setext underline), ending the paragraph mid-formula.
_BLOCK_START_LINE = re.compile(r"\n(?= {0,3}(?:[-+*][ \t]|\d+[.)][ \t]|#|>|```|~~~|=+\s*$|-+\s*$))",
                               re.M)


def kramdown_inline(tex: str, table: bool = False) -> str:
    """``$$TeX$$`` as kramdown reads it back to ``TeX`` (after its strip).

    The one change: a line of a multi-line formula that would start a Markdown block gets four
    spaces in front (white space MathJax ignores), or kramdown would end the paragraph there.
    """
    if not table and "|" in tex:
        return pipe_safe_inline(tex)
    tex = _BLOCK_START_LINE.sub("\n    ", tex.strip())
    if table:
        tex = table_safe(tex)
    if tex.endswith("$"):
        tex += " "  # `$$a\$$$` would close early; kramdown strips the space again
    return f"$${tex}$$"


def pipe_safe_inline(tex: str) -> str:
    """Inline TeX holding ``|`` (outside a table) as Markdown text kramdown shows as
    ``\\(TeX\\)``: in ``$$..$$`` a ``|`` on a paragraph's first line would make kramdown
    read the line as a table row (its test is any ``|`` not after a backslash, math or not),
    and ``\\|`` there would reach MathJax as ``\\|``. As escaped text every ``|`` is ``\\|``,
    which kramdown shows as ``|``, so MathJax gets the TeX exactly."""
    return "\\\\(" + kramdown_escape(tex.strip()) + "\\\\)"


def kramdown_display(tex: str) -> str:
    return f"$$\n{tex.strip()}\n$$\n"


# --- dollars style --------------------------------------------------------------------------

#: Characters that start Markdown spans or typography anywhere in a line.
_ALWAYS = frozenset("*_`[]\"'$|~<>#")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")
_LINE_START = re.compile(r"^([ \t]*)(?:([+=:-])|(\d+)([.)]))", re.M)


def dollars_escape(tex: str) -> str:
    """TeX written as Markdown text that kramdown turns back into exactly ``tex``."""
    return kramdown_escape(tex)


def kramdown_escape(tex: str, keep_entities: bool = False) -> str:
    """``tex`` written as Markdown text that kramdown shows as exactly ``tex``.

    ``keep_entities``: leave ``&name;`` for the browser to decode (as Jupyter shows prose).
    """
    out: list[str] = []
    n = len(tex)
    for i, c in enumerate(tex):
        prev = tex[i - 1] if i else ""
        nxt = tex[i + 1] if i + 1 < n else ""
        if c == "\\":
            # Every backslash doubled (`\\` is always kramdown's escape of one backslash; a lone
            # one before a punctuation mark would be eaten), but before a line end, where
            # `\\` is a hard line break, written as an entity.
            out.append("&#92;" if nxt == "\n" else "\\\\")
        elif c in _ALWAYS:
            out.append("\\" + c)
        elif c == " " and nxt == "\n" and prev == " ":
            out.append("&#32;")  # two spaces before a line end would be a hard line break
        elif (c == "-" and "-" in (prev, nxt)) or (c == "." and "." in (prev, nxt)):
            out.append("\\" + c)  # -- --- ... would become dashes and an ellipsis
        elif c == "{" and nxt == ":":
            out.append("\\{")  # {: and {:: open kramdown attribute lists and extensions
        elif c == "&" and not keep_entities and _ENTITY.match(tex, i):
            out.append("&amp;")  # else the browser would decode the entity
        else:
            out.append(c)
    text = "".join(out)
    # Lines that would start a list, a setext underline or a definition.
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(m: re.Match) -> str:
    if m.group(2):
        return m.group(1) + "\\" + m.group(2)
    return m.group(1) + m.group(3) + "\\" + m.group(4)


def dollars_inline(tex: str) -> str:
    return f"${dollars_escape(tex.strip())}$"


def dollars_display(tex: str) -> str:
    lines = [line for line in tex.strip().split("\n") if line.strip()]
    return "\\$\\$\n" + dollars_escape("\n".join(lines)) + "\n\\$\\$\n"


# --- both styles ----------------------------------------------------------------------------


def _dollars(doc: pf.Doc) -> bool:
    return option(doc, "math") == "dollars"


def _has_math(doc: pf.Doc) -> None:
    """Record that the post has a formula: its page loads MathJax, set for the math style."""
    record(doc, "math", "dollars" if _dollars(doc) else "kramdown")


def inline_math(tex: str, elem: pf.Element, doc: pf.Doc) -> pf.RawInline:
    """The inline formula ``tex`` as Markdown, for where ``elem`` stands."""
    _has_math(doc)
    if _dollars(doc):
        text = dollars_inline(tex)
    else:
        text = kramdown_inline(tex, table=in_table(elem))
    return pf.RawInline(text, format="markdown")


def display_math(tex: str, doc: pf.Doc) -> pf.RawBlock:
    """A display formula as a block (its text ends with a newline: a blank line follows)."""
    _has_math(doc)
    text = dollars_display(tex) if _dollars(doc) else kramdown_display(tex)
    return pf.RawBlock(text, format="markdown")


def _is_display(elem: pf.Element) -> bool:
    if isinstance(elem, pf.Math):
        return elem.format == "DisplayMath"
    return (
        isinstance(elem, pf.RawInline)
        and elem.format in _TEX_FORMATS
        and bool(ENVIRONMENT.match(elem.text))
    )


def prose_dollars(text: str, doc: pf.Doc) -> list[pf.Inline] | None:
    """Prose text with its dollars written so they never start math (None: nothing to do)."""
    if "$" not in text:
        return None
    pattern = r"\$" if _dollars(doc) else r"\$\$+"
    if not re.search(pattern, text):
        return None
    out: list[pf.Inline] = []
    for i, part in enumerate(re.split(f"({pattern})", text)):
        if i % 2:
            # `\\\$` is read by kramdown as `\` + `$`: the HTML holds `\$`, which MathJax shows
            # as `$`.
            out.append(pf.RawInline("\\\\\\$" * len(part), format="markdown"))
        elif part:
            out.append(pf.Str(part))
    return out


_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _text(text: str, doc: pf.Doc) -> list[pf.Inline]:
    """Literal prose ``text`` (what ``raw_tex`` took for TeX: ``C:\\path``, ``\\ref{x}``) as
    Jupyter shows it, written with kramdown's escapes: pandoc's writer would not keep a ``Str``
    such as ``\\textbf{costs \\$5}`` intact (measured: it writes ``\\textbf{costs \\\\5}``)."""
    # What Jupyter shows: Markdown's backslash escapes of punctuation are taken (CommonMark).
    text = _MD_ESCAPE.sub(r"\1", text)
    out: list[str] = []
    for i, part in enumerate(re.split(r"(\$+)", text)):
        if not i % 2:
            out.append(kramdown_escape(part, keep_entities=True))
        elif _dollars(doc) or len(part) > 1:
            out.append("\\\\\\$" * len(part))  # the HTML holds \$: MathJax shows $
        else:
            out.append("\\$")
    return [pf.RawInline("".join(out), format="markdown")]


# --- splitting paragraphs around display math ------------------------------------------------


def _trim(items: list[pf.Inline]) -> list[pf.Inline]:
    while items and isinstance(items[0], _BREAKS):
        items.pop(0)
    while items and isinstance(items[-1], _BREAKS):
        items.pop()
    return items


def split_display(block: pf.Para | pf.Plain, doc: pf.Doc) -> list[pf.Block]:
    """``block`` cut around its display math, each formula a block of its own."""
    out: list[pf.Block] = []
    run_: list[pf.Inline] = []

    def flush() -> None:
        items = _trim(run_[:])
        if items:
            out.append(type(block)(*items))
        run_.clear()

    for item in list(block.content):
        if _is_display(item):
            flush()
            out.append(display_math(item.text, doc))
        else:
            run_.append(item)
    flush()
    return out


def escape_lone_start(block: pf.Block, doc: pf.Doc) -> None:
    """``\\$$x$$``: a paragraph that is one inline formula stays inline in kramdown."""
    if _dollars(doc) or in_table(block) or not isinstance(block, (pf.Para, pf.Plain)):
        return
    items = list(block.content)
    if not items or not isinstance(items[0], pf.RawInline) or items[0].format != "markdown":
        return
    if not items[0].text.startswith("$$"):
        return
    # kramdown's rule: `$$..$$` that ends its line and is followed by a block boundary.
    rest = items[1:]
    if not rest or isinstance(rest[0], pf.LineBreak) or all(isinstance(i, _BREAKS) for i in rest):
        items[0].text = "\\" + items[0].text


# --- text/latex outputs ---------------------------------------------------------------------

_WRAPPERS = (
    re.compile(r"\A\$\$(?P<tex>.*)\$\$\Z", re.S),
    re.compile(r"\A\\\[(?P<tex>.*)\\\]\Z", re.S),
    re.compile(r"\A\$(?P<tex>.*)\$\Z", re.S),
    re.compile(r"\A\\\((?P<tex>.*)\\\)\Z", re.S),
)
_EQUATION = re.compile(r"\A\s*\\begin\{equation\*?\}(?P<tex>.*)\\end\{equation\*?\}\s*\Z", re.S)
#: Math inside a mixed text/latex output: $$..$$, $..$, \[..\], \(..\), bare environments.
_MIXED = re.compile(
    r"(?<!\\)\$\$(?P<dd>.+?)(?<!\\)\$\$|(?<!\\)\$(?P<d>.+?)(?<!\\)\$"
    r"|\\\[(?P<b>.+?)\\\]|\\\((?P<p>.+?)\\\)"
    r"|(?P<env>\\begin\{(?P<name>[A-Za-z]+\*?)\}.*?\\end\{(?P=name)\})",
    re.S,
)


#: A math delimiter inside a wrapper's content: then the wrapper is not one formula's.
_DELIMITER = re.compile(r"(?<!\\)\$|\\[()\[\]]")


def latex_formula(text: str) -> str | None:
    """The one formula a ``text/latex`` output stands for, without its delimiters (or None).

    Only wrappers MathJax would see through are removed: ``$..$``, ``$$..$$``, ``\\[..\\]``,
    ``\\(..\\)`` around the whole output, and ``equation``/``equation*`` without ``\\label`` or
    ``\\tag`` (MathJax numbers nothing by default, so the formula shows the same).
    """
    tex = text.strip()
    for pattern in _WRAPPERS:
        m = pattern.match(tex)
        if m and not _DELIMITER.search(m.group("tex")):
            tex = m.group("tex").strip()
            break
    else:
        if not ENVIRONMENT.match(tex):
            return None
    eq = _EQUATION.match(tex)
    if eq and not re.search(r"\\(label|tag)\b", eq.group("tex")):
        tex = eq.group("tex").strip()
    return tex


def latex_output(text: str, doc: pf.Doc) -> list[pf.Block]:
    """A ``text/latex`` output as display math, or as text with its formulas as math."""
    tex = latex_formula(text)
    if tex is not None:
        return [display_math(tex, doc)]
    items: list[pf.Inline] = []
    pos = 0
    for m in _MIXED.finditer(text):
        items += _words(text[pos : m.start()])
        if m.group("d") is not None or m.group("p") is not None:
            tex = m.group("d") if m.group("d") is not None else m.group("p")
            items.append(pf.Math(tex, format="InlineMath"))
        else:
            tex = m.group("env") or (m.group("dd") if m.group("dd") is not None else m.group("b"))
            items.append(pf.Math(tex, format="DisplayMath"))
        pos = m.end()
    items += _words(text[pos:])
    para = pf.Para(*_trim(items))
    for i, item in enumerate(list(para.content)):
        if isinstance(item, pf.Math) and item.format == "InlineMath":
            para.content[i] = inline_math(item.text, item, doc)
        elif isinstance(item, pf.Str):
            para.content[i : i + 1] = _text(item.text, doc)
    blocks = split_display(para, doc)
    for block in blocks:
        escape_lone_start(block, doc)
    return blocks


def _words(text: str) -> list[pf.Inline]:
    items: list[pf.Inline] = []
    for token in re.split(r"(\s+)", text):
        if not token:
            continue
        items.append((pf.SoftBreak() if "\n" in token else pf.Space()) if token.isspace()
                     else pf.Str(token))
    return items


# --- the author's TeX, as typed ---------------------------------------------------------------


def source_tex(tex: str, elem: pf.Element, doc: pf.Doc) -> str:
    """``tex`` as the author typed it in the cell's source.

    pandoc's Markdown reader drops spaces at line ends and expands tabs inside math; Jupyter
    hands MathJax the source as typed. When ``tex`` is not verbatim in its cell's source, the
    piece of source that differs from it only in white space is taken instead.
    """
    source = _cell_source(elem, doc)
    if source is None or tex in source:
        return tex
    words = [re.escape(w) for w in tex.split()]
    if not words:
        return tex
    m = re.search(r"\s*".join(words), source)
    return m.group(0) if m else tex


def _cell_source(elem: pf.Element, doc: pf.Doc) -> str | None:
    node = ancestor(elem, is_cell)
    if node is None:
        return None
    index = cell_index(node)
    known = getattr(doc, "pandockit_cell_sources", {})  # filled in a run (see prepare)
    if index not in known:
        nb_cell = notebook_cell(doc, index)
        known[index] = multiline_text(nb_cell.get("source", "")) if nb_cell is not None else None
    return known[index]


# --- the filter -----------------------------------------------------------------------------


#: What in raw HTML is not text MathJax reads: tags, comments, and code/script/style elements.
_HTML_NOT_TEXT = re.compile(
    r"<(script|style|pre|code|textarea)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I
)
#: ``$$..$$`` and ``$..$`` as pandoc reads them (no space inside a single dollar's ends, no
#: digit after its closing one), in raw HTML text.
_HTML_MATH = re.compile(
    r"(?<![\\$])\$\$(?P<d>.+?)\$\$|(?<![\\$])\$(?![\s$])(?P<i>[^$]*?[^\s\\$])\$(?!\d)",
    re.S,
)


def html_math(html: str, dollars: bool = False) -> str:
    """Raw HTML (of a markdown cell or an output) with its ``$`` math as MathJax must read it.

    kramdown passes an HTML block through untouched, where Jupyter typesets ``$x$`` in it
    (in a markdown cell it takes the math out before it renders Markdown; it typesets HTML
    outputs, such as a DataFrame with ``$\\delta$`` in a cell). In the kramdown style it becomes
    ``\\(x\\)``, and ``$$y$$`` ``\\[y\\]``; inside a block marked ``markdown="1"`` kramdown
    reads Markdown, so its ``$$..$$`` is used there instead. In the dollars style the math
    stays as written and any other ``$`` becomes ``\\$`` (MathJax shows ``$``).
    """
    markdown = re.search(r"""\bmarkdown\s*=\s*["']?(1|block|span)""", html) is not None
    out: list[str] = []
    pos = 0
    for m in _HTML_NOT_TEXT.finditer(html):
        out.append(_text_math(html[pos : m.start()], markdown, dollars))
        out.append(m.group(0))
        pos = m.end()
    out.append(_text_math(html[pos:], markdown, dollars))
    return "".join(out)


def html_has_math(html: str) -> bool:
    """Whether :func:`html_math` finds a formula in ``html`` (in its text, not in tags or code)."""
    pos = 0
    for m in _HTML_NOT_TEXT.finditer(html):
        if _HTML_MATH.search(html, pos, m.start()):
            return True
        pos = m.end()
    return _HTML_MATH.search(html, pos) is not None


def _text_math(text: str, markdown: bool, dollars: bool) -> str:
    out: list[str] = []
    pos = 0
    for m in _HTML_MATH.finditer(text):
        out.append(_html_dollars(text[pos : m.start()], dollars))
        display, tex = (True, m.group("d")) if m.group("d") is not None else (False, m.group("i"))
        if dollars:
            out.append(m.group(0))
        elif markdown:
            out.append(f"$${tex}$$" if display else kramdown_inline(tex))
        else:
            out.append(f"\\[{tex}\\]" if display else f"\\({tex}\\)")
        pos = m.end()
    out.append(_html_dollars(text[pos:], dollars))
    return "".join(out)


def _html_dollars(text: str, dollars: bool) -> str:
    return re.sub(r"(?<!\\)\$", r"\\$", text) if dollars else text


#: Code in Markdown text (fences, indented blocks, code spans): no math inside.
_MD_CODE = re.compile(
    r"^(?P<f> {0,3}(?P<t>`{3,}|~{3,})).*?^ {0,3}(?P=t)[ \t]*$|^(?: {4}|\t).*$|(?P<b>`+).+?(?P=b)",
    re.M | re.S,
)


_PARA_BEFORE = re.compile(r"(?:\A|\n[ \t]*\n)[ \t]*\Z")
_PARA_AFTER = re.compile(r"[ \t]*(?:\n[ \t]*(?:\n|\Z)|\Z)")


def markdown_output_math(text: str, doc: pf.Doc) -> str:
    """A ``text/markdown`` output (written as raw Markdown) with its math for kramdown.

    Jupyter renders ``$x$`` and ``$$y$$`` in such an output as math (IPython's ``Markdown``).
    ``$x$`` becomes inline math and ``$$y$$`` a display block with blank lines around it;
    code stays as written.
    """
    out: list[str] = []
    pos = 0
    for m in _MD_CODE.finditer(text):
        out.append(_md_math(text[pos : m.start()], doc))
        out.append(m.group(0))
        pos = m.end()
    out.append(_md_math(text[pos:], doc))
    return "".join(out)


def _md_math(text: str, doc: pf.Doc) -> str:
    def one(m: re.Match) -> str:
        _has_math(doc)
        if m.group("d") is not None:
            block = display_math(m.group("d"), doc).text
            return "\n\n" + block + "\n"
        tex = m.group("i")
        written = dollars_inline(tex) if _dollars(doc) else kramdown_inline(tex)
        alone = _PARA_BEFORE.search(text, 0, m.start()) and _PARA_AFTER.match(text, m.end())
        return "\\" + written if alone and not _dollars(doc) else written

    return _HTML_MATH.sub(one, text)


def _raw_tex_block(elem: pf.RawBlock, doc: pf.Doc) -> list[pf.Block] | pf.Block | None:
    if in_output(elem):
        return latex_output(elem.text, doc)
    if not _in_markdown_cell(elem):
        return None  # a raw cell: not shown as Jupyter does not render it
    if ENVIRONMENT.match(elem.text):
        return display_math(elem.text, doc)
    return pf.Para(*_text(elem.text, doc))


def _in_markdown_cell(elem: pf.Element) -> bool:
    cell = ancestor(elem, is_cell)
    return cell is None or "markdown" in cell.classes


def _in_body(elem: pf.Element) -> bool:
    """False for elements of the metadata (the filter rewrites the body only)."""
    return ancestor(elem, lambda node: isinstance(node, pf.MetaValue)) is None


#: The inline types a formula is (or has become, ``RawInline``) in a paragraph.
_FORMULA_TYPES = frozenset({pf.Math, pf.RawInline})


def _may_split_or_escape(block: pf.Para | pf.Plain) -> bool:
    """Whether ``block`` holds display math (:func:`split_display`) or opens with a formula
    written ``$$..$$`` (:func:`escape_lone_start`): else both leave it alone. Reads the items
    without panflute's per-item bookkeeping (the walk has done it)."""
    items = block.content.list
    if _FORMULA_TYPES.isdisjoint(map(type, items)):
        return False  # prose: the common case, told without a loop in Python
    first = items[0]
    if isinstance(first, pf.RawInline) and first.format == "markdown":
        if first.text.startswith("$$"):
            return True
    return any(_is_display(i) for i in items if type(i) in _FORMULA_TYPES)


def _raw_block_may_change(block: pf.RawBlock) -> bool:
    return block.format in _TEX_FORMATS or (
        block.format in ("html", "markdown") and "$" in block.text
    )


#: By element type, a test that is False for an element :func:`action` certainly leaves
#: alone, told from the element itself: no climb up the tree, no option lookup. Nearly every
#: element is such (spaces, words without a dollar, paragraphs of prose), so this runs first;
#: the action's own tests decide for the rest. A type not listed is never changed.
_MAY_CHANGE: dict[type, Callable[[pf.Element], bool]] = {
    pf.Str: lambda elem: "$" in elem.text,
    pf.Math: lambda elem: True,
    pf.RawInline: lambda elem: elem.format in _TEX_FORMATS,
    pf.RawBlock: _raw_block_may_change,
    pf.Para: _may_split_or_escape,
    pf.Plain: _may_split_or_escape,
}


def action(elem: pf.Element, doc: pf.Doc) -> pf.Element | list | None:
    may_change = _MAY_CHANGE.get(type(elem))
    if may_change is None or not may_change(elem):
        return None
    if not _in_body(elem):
        return None
    if isinstance(elem, pf.Math):
        elem.text = source_tex(elem.text, elem, doc)
        if elem.format == "DisplayMath" and _block_level(elem):
            return None  # the paragraph pass below gives it a block of its own
        return inline_math(elem.text, elem, doc)
    if isinstance(elem, pf.RawInline) and elem.format in _TEX_FORMATS:
        if _is_display(elem):
            return None if _block_level(elem) else inline_math(elem.text, elem, doc)
        return _text(elem.text, doc)  # a backslash word in prose, shown as Jupyter shows it
    if isinstance(elem, pf.RawBlock) and elem.format in _TEX_FORMATS:
        return _raw_tex_block(elem, doc)
    if (
        isinstance(elem, pf.RawBlock)
        and elem.format == "html"
        and "$" in elem.text
        and (in_output(elem) or _in_markdown_cell(elem))
    ):
        if html_has_math(elem.text):
            _has_math(doc)
        elem.text = html_math(elem.text, _dollars(doc))
        return None
    if (
        isinstance(elem, pf.RawBlock)
        and elem.format == "markdown"
        and "$" in elem.text
        and in_output(elem)
    ):
        elem.text = markdown_output_math(elem.text, doc)
        return None
    if isinstance(elem, pf.Str):
        return prose_dollars(elem.text, doc)
    if isinstance(elem, (pf.Para, pf.Plain)):
        if in_table(elem):
            return None
        blocks = split_display(elem, doc) if any(_is_display(i) for i in elem.content) else [elem]
        for block in blocks:
            escape_lone_start(block, doc)
        return blocks if blocks != [elem] else None
    return None


def prepare(doc: pf.Doc) -> None:
    doc.pandockit_cell_sources = {}  # cell index -> its source, joined once for its formulas


def finalize(doc: pf.Doc) -> None:
    del doc.pandockit_cell_sources


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, finalize, doc)
