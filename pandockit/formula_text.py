"""How a formula is written for kramdown and MathJax: pure string encoders, no document, no options.

Plain functions of strings and flags (``dollars``: the ``dollars`` math style, else
``kramdown``; ``table``: inside a table cell). The filter :mod:`pandockit.filters.tex_math`
decides *where* (which element, which style, in a table or not); this module decides *how*.

``kramdown`` style (a stock site: kramdown + MathJax with its default delimiters). kramdown's only
math delimiter is ``$$`` and it takes the content raw (then ``strip``s it), so:

- inline math is ``$$TeX$$`` in the sentence. A paragraph (or list item, quote line) that is
  nothing but one inline formula is written ``\\$$TeX$$``: kramdown would otherwise make it a
  display block (its ``BLOCK_MATH_START`` rule), and the escape keeps it inline. TeX ending in
  ``$`` (``\\$``) gets a space before the closing ``$$``, which kramdown strips again. The
  one change of TeX: a line of a multi-line inline formula that would start a list, heading,
  quote or fence gets four spaces in front (MathJax ignores them), or kramdown would end the
  paragraph in the middle of the formula;
- display math is a ``$$`` block of its own with blank lines around it;
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

#: Environments Jupyter's MathJax renders when they stand bare in a markdown cell.
ENVIRONMENT = re.compile(
    r"\A\s*\\begin\{(equation|align|alignat|gather|multline|eqnarray|flalign|split|"
    r"displaymath|math|array|[pbvBV]?matrix|smallmatrix|cases|subequations)(\*?)\}"
    r".*\\end\{\1\2\}\s*\Z",
    re.S,
)

#: A ``$`` of prose written so the HTML holds ``\$``, which MathJax shows as ``$``
#: (kramdown reads ``\\\$`` as ``\`` + ``$``).
ESCAPED_DOLLAR = "\\\\\\$"

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
    """A ``$$`` block of its own (the text ends with a newline: a blank line follows)."""
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
    """``$TeX$`` with every character kramdown would eat escaped."""
    return f"${dollars_escape(tex.strip())}$"


def dollars_display(tex: str) -> str:
    """``\\$\\$ TeX \\$\\$`` as a paragraph of its own (blank lines of the TeX dropped)."""
    lines = [line for line in tex.strip().split("\n") if line.strip()]
    return "\\$\\$\n" + dollars_escape("\n".join(lines)) + "\n\\$\\$\n"


# --- either style ---------------------------------------------------------------------------


def inline(tex: str, dollars: bool, table: bool = False) -> str:
    """An inline formula as Markdown in the chosen style (``table``: inside a table cell)."""
    return dollars_inline(tex) if dollars else kramdown_inline(tex, table=table)


def display(tex: str, dollars: bool) -> str:
    """A display formula as a Markdown block in the chosen style (ends with a newline)."""
    return dollars_display(tex) if dollars else kramdown_display(tex)


def prose_dollar_pattern(dollars: bool) -> str:
    """The dollars of prose that would start math: any ``$`` (dollars), ``$$`` (kramdown)."""
    return r"\$" if dollars else r"\$\$+"


def prose_dollars(text: str, dollars: bool) -> list[tuple[bool, str]] | None:
    """Prose ``text`` cut into (is Markdown, piece): its math-starting dollars as escaped
    Markdown, the rest as plain text (None: no dollar to escape)."""
    if "$" not in text:
        return None
    pattern = prose_dollar_pattern(dollars)
    if not re.search(pattern, text):
        return None
    out: list[tuple[bool, str]] = []
    for i, part in enumerate(re.split(f"({pattern})", text)):
        if i % 2:
            out.append((True, ESCAPED_DOLLAR * len(part)))
        elif part:
            out.append((False, part))
    return out


_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def literal_text(text: str, dollars: bool) -> str:
    """Literal prose ``text`` (what pandoc's ``raw_tex`` took for TeX: ``C:\\path``,
    ``\\ref{x}``) as Markdown that kramdown shows as Jupyter shows it."""
    # What Jupyter shows: Markdown's backslash escapes of punctuation are taken (CommonMark).
    text = _MD_ESCAPE.sub(r"\1", text)
    out: list[str] = []
    for i, part in enumerate(re.split(r"(\$+)", text)):
        if not i % 2:
            out.append(kramdown_escape(part, keep_entities=True))
        elif dollars or len(part) > 1:
            out.append(ESCAPED_DOLLAR * len(part))  # the HTML holds \$: MathJax shows $
        else:
            out.append("\\$")
    return "".join(out)


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


def latex_pieces(text: str) -> list[tuple[str, str]]:
    """A mixed ``text/latex`` output cut into ``("text", words)``, ``("inline", tex)`` and
    ``("display", tex)`` pieces, in order (empty text pieces left out)."""
    pieces: list[tuple[str, str]] = []
    pos = 0
    for m in _MIXED.finditer(text):
        if m.start() > pos:
            pieces.append(("text", text[pos : m.start()]))
        if m.group("d") is not None or m.group("p") is not None:
            pieces.append(("inline", m.group("d") if m.group("d") is not None else m.group("p")))
        else:
            tex = m.group("env") or (m.group("dd") if m.group("dd") is not None else m.group("b"))
            pieces.append(("display", tex))
        pos = m.end()
    if pos < len(text):
        pieces.append(("text", text[pos:]))
    return pieces


# --- raw HTML -------------------------------------------------------------------------------

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


def html_math(html: str, dollars: bool = False) -> tuple[str, bool]:
    """Raw HTML (of a markdown cell or an output) with its ``$`` math as MathJax must read it.

    kramdown passes an HTML block through untouched, where Jupyter typesets ``$x$`` in it
    (in a markdown cell it takes the math out before it renders Markdown; it typesets HTML
    outputs, such as a DataFrame with ``$\\delta$`` in a cell). In the kramdown style it becomes
    ``\\(x\\)``, and ``$$y$$`` ``\\[y\\]``; inside a block marked ``markdown="1"`` kramdown
    reads Markdown, so its ``$$..$$`` is used there instead. In the dollars style the math
    stays as written and any other ``$`` becomes ``\\$`` (MathJax shows ``$``). Returns the
    HTML and whether it holds a formula (in its text, not in tags or code), as
    :func:`markdown_output_math` does.
    """
    markdown = re.search(r"""\bmarkdown\s*=\s*["']?(1|block|span)""", html) is not None
    out: list[str] = []
    found = False
    pos = 0
    for m in _HTML_NOT_TEXT.finditer(html):
        found = _text_math(html[pos : m.start()], markdown, dollars, out) or found
        out.append(m.group(0))
        pos = m.end()
    found = _text_math(html[pos:], markdown, dollars, out) or found
    return "".join(out), found


def _text_math(text: str, markdown: bool, dollars: bool, out: list[str]) -> bool:
    """Append ``text`` with its math written for MathJax to ``out``; whether it held any."""
    found = False
    pos = 0
    for m in _HTML_MATH.finditer(text):
        found = True
        out.append(_html_dollars(text[pos : m.start()], dollars))
        is_display = m.group("d") is not None
        tex = m.group("d") if is_display else m.group("i")
        if dollars:
            out.append(m.group(0))
        elif markdown:
            out.append(f"$${tex}$$" if is_display else kramdown_inline(tex))
        else:
            out.append(f"\\[{tex}\\]" if is_display else f"\\({tex}\\)")
        pos = m.end()
    out.append(_html_dollars(text[pos:], dollars))
    return found


def _html_dollars(text: str, dollars: bool) -> str:
    return re.sub(r"(?<!\\)\$", r"\\$", text) if dollars else text


# --- text/markdown outputs ------------------------------------------------------------------

#: Code in Markdown text (fences, indented blocks, code spans): no math inside.
_MD_CODE = re.compile(
    r"^(?P<f> {0,3}(?P<t>`{3,}|~{3,})).*?^ {0,3}(?P=t)[ \t]*$|^(?: {4}|\t).*$|(?P<b>`+).+?(?P=b)",
    re.M | re.S,
)
_PARA_BEFORE = re.compile(r"(?:\A|\n[ \t]*\n)[ \t]*\Z")


def _para_before(text: str, end: int) -> bool:
    """``_PARA_BEFORE.search(text, 0, end)``: a paragraph starts at ``end`` (the text before
    it, spaces and tabs aside, is empty or ends in a blank line). Read backwards from ``end``,
    so that asking it of each formula of a long output costs what lies between them, not the
    whole text before each (the search tries every position from 0)."""
    i = end
    while i and text[i - 1] in " \t":
        i -= 1
    if i == 0:
        return True
    if text[i - 1] != "\n":
        return False
    i -= 1
    while i and text[i - 1] in " \t":
        i -= 1
    return i > 0 and text[i - 1] == "\n"
_PARA_AFTER = re.compile(r"[ \t]*(?:\n[ \t]*(?:\n|\Z)|\Z)")


def markdown_output_math(text: str, dollars: bool) -> tuple[str, bool]:
    """A ``text/markdown`` output (written as raw Markdown) with its math for kramdown, and
    whether it holds a formula.

    Jupyter renders ``$x$`` and ``$$y$$`` in such an output as math (IPython's ``Markdown``).
    ``$x$`` becomes inline math and ``$$y$$`` a display block with blank lines around it;
    code stays as written.
    """
    found = False

    def one(m: re.Match, part: str) -> str:
        nonlocal found
        found = True
        if m.group("d") is not None:
            return "\n\n" + display(m.group("d"), dollars) + "\n"
        written = inline(m.group("i"), dollars)
        alone = _para_before(part, m.start()) and _PARA_AFTER.match(part, m.end())
        return "\\" + written if alone and not dollars else written

    def math_of(part: str) -> str:
        return _HTML_MATH.sub(lambda m: one(m, part), part)

    out: list[str] = []
    pos = 0
    for m in _MD_CODE.finditer(text):
        out.append(math_of(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(math_of(text[pos:]))
    return "".join(out), found
