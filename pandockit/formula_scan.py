"""Find the math of a Markdown cell as Jupyter does: JupyterLab's ``removeMath``, in Python.

JupyterLab (``@jupyterlab/rendermime``, ``src/latex.ts``; the classic notebook's
``mathjaxutils.js`` is the same code) takes the math out of a Markdown cell's source before
its Markdown parser (marked) sees it, and puts it back into the HTML for MathJax. This module
is a line-by-line port of ``removeMath`` and ``replaceMath``: :func:`remove_math` gives the
text with each formula replaced by ``@@N@@`` and the formulas, delimiters included, exactly as
JupyterLab's does (the unit tests hold it to JupyterLab's own test cases and to its source).

Jupyter's rules, and where pandoc's ``tex_math_dollars`` reader (which pandockit reads
notebooks with) disagrees:

- The source is cut at ``$``, ``$$``, ``\\begin{name}``/``\\end{name}`` (``name`` letters,
  an optional ``*``), ``\\\\(``/``\\\\)``/``\\\\[``/``\\\\]`` (two backslashes in the source),
  ``\\{``, ``\\}``, ``\\$``, ``{``, ``}``, line breaks and ``@@N@@``. A formula opens at
  ``$``, ``$$``, ``\\\\(``, ``\\\\[`` or ``\\begin{name}`` and closes at the same ``$``/``$$``,
  the matching ``\\\\)``/``\\\\]`` or ``\\end{name}``, with its ``{``/``}`` balanced (an
  unescaped brace only); a blank line ends the search (then a formula closes at the last
  closing delimiter seen while braces were open, if any; else there is none).
- Nothing about spaces or digits: ``$ v = dx/dt$`` and ``$ N(n\\mu, n\\sigma^2)$`` are math
  (pandoc: not, a space after the opening or before the closing ``$``), and so is
  ``$\\alpha=$0.5`` (pandoc: not, a digit after the closing ``$``). ``Costs $5 and $6`` is
  math too (``5 and``): Jupyter shows it so.
- ``$$`` is display math wherever it stands, in the middle of a sentence too, and a lone
  ``$$`` with no partner is text; ``$$`` never closes a ``$`` formula (pandoc: ``$$`` opens
  display math only where a closing ``$$`` follows, else its dollars are read one by one).
- ``\\(x\\)`` and ``\\[x\\]`` with one backslash are not math: marked then reads ``\\(`` as
  an escaped ``(``, and the page shows ``(x)`` (pandoc's ``tex_math_single_backslash``: math).
  ``\\\\(x\\\\)`` and ``\\\\[x\\\\]`` are math (pandoc: text ``\\(x\\)``).
- ``\\begin{name}...\\end{name}`` is display math for any ``name``, anywhere in the text.
- ``\\$`` never opens or closes a formula; nor does a ``$`` in a code span (one line,
  backticks not preceded by ``\\``) or a fenced code block (backticks or tildes): those
  dollars are hidden first. ``\\\\(`` and ``\\begin`` in code are not hidden (JupyterLab's
  quirk, kept).
- Math may run over lines, not over a blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: JavaScript's ``\\s`` (ECMAScript WhiteSpace and LineTerminator), which JupyterLab's
#: patterns use; Python's ``\\s`` differs (it lacks U+FEFF, has U+001C-U+001F).
_JS_SPACE = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"

#: ``MATHSPLIT``: math delimiters and the symbols the search needs (JavaScript flag ``i``;
#: ASCII so that ``[a-z]`` is ``[a-zA-Z]`` as in JavaScript, no Unicode case folding). The
#: lookahead names the characters a match can start with; it changes no match, but lets the
#: regular expression engine skip to them instead of trying every branch at every character
#: (a notebook's cells split in half the time).
MATHSPLIT = re.compile(
    r"(?=[$\\{}\n@])"
    r"(\$\$?|\\(?:begin|end)\{[a-z]*\*?\}|\\[{}$]|[{}]|(?:\n" + _JS_SPACE + r"*)+|@@\d+@@"
    r"|\\\\(?:\(|\)|\[|\]))",
    re.I | re.A,
)
_FENCE = re.compile(r"^(?P<fence>`{3,}|(?:~T){3,})[^`\n]*\n([\s\S]*?)^(?P=fence)`*$", re.M)
_CODE_SPAN = re.compile(r"(^|[^\\])(`+)([^\n]*?[^`\n])\2(?!`)", re.M)
_TWO_LINES = re.compile(r"\n.*\n")  # JavaScript's `.`: no line terminator
_MARKER = re.compile(r"@@(\d+)@@")

INLINE = "$"


def _hide_code_dollars(text: str) -> str:
    """The ``$`` of fenced code and code spans as ``~D`` (``~`` itself as ``~T``)."""
    text = text.replace("~", "~T")
    text = _FENCE.sub(lambda m: m.group(0).replace("$", "~D"), text)
    return _CODE_SPAN.sub(lambda m: m.group(0).replace("$", "~D"), text)


def _de_tilde(text: str) -> str:
    """Undo :func:`_hide_code_dollars` (JupyterLab: ``~T`` -> ``~``, ``~D`` -> ``$`` in one
    pass). Every ``~`` of the hidden text starts a ``~T`` or a ``~D``, so ``~D`` found anywhere
    is one, and the two replacements in turn give the one pass's text."""
    return text.replace("~D", INLINE).replace("~T", "~")


def remove_math(text: str) -> tuple[str, list[str]]:
    """``text`` with each formula replaced by ``@@N@@`` and the list of formulas (delimiters
    included), as JupyterLab's ``removeMath``. A ``@@N@@`` already in ``text`` is stored in
    the list too (and given back by :func:`replace_math`).

    Unlike JupyterLab, a formula's ``&``, ``<`` and ``>`` are kept as they are (JupyterLab
    writes them as HTML entities, for its HTML; MathJax reads them back).
    """
    math: list[str] = []
    start: int | None = None
    end: str | None = None
    last: int | None = None
    braces = 0
    code = "`" in text or "~~~" in text
    if code:
        text = _hide_code_dollars(text)
    blocks = MATHSPLIT.split(text.replace("\r\n", "\n").replace("\r", "\n"))

    def process(i: int, j: int) -> None:
        block = "".join(blocks[i : j + 1])
        for k in range(i + 1, j + 1):
            blocks[k] = ""
        blocks[i] = f"@@{len(math)}@@"
        math.append(_de_tilde(block) if code else block)

    i = 1
    while i < len(blocks):
        block = blocks[i]
        if block[:1] == "@":
            blocks[i] = f"@@{len(math)}@@"
            math.append(block)
        elif start is not None:
            if block == end:
                if braces:
                    last = i
                else:
                    process(start, i)
                    start = end = last = None
            elif _TWO_LINES.search(block):
                if last is not None:
                    i = last
                    process(start, i)
                start = end = last = None
                braces = 0
            elif block == "{":
                braces += 1
            elif block == "}" and braces:
                braces -= 1
        elif block in (INLINE, "$$"):
            start, end, braces = i, block, 0
        elif block in ("\\\\(", "\\\\["):
            start, braces = i, 0
            end = "\\\\)" if block.endswith("(") else "\\\\]"
        elif block[1:6] == "begin":
            start, end, braces = i, "\\end" + block[6:], 0
        i += 2
    if start is not None and last is not None:
        process(start, last)
    joined = "".join(blocks)
    return (_de_tilde(joined) if code else joined), math


def replace_math(text: str, math: list[str]) -> str:
    """Each ``@@N@@`` of ``text`` replaced by formula N (JupyterLab's ``replaceMath``):
    ``\\\\(..\\\\)`` and ``\\\\[..\\\\]`` lose one backslash at each end, for MathJax."""

    def one(m: re.Match) -> str:
        return unwrap_backslashes(math[int(m.group(1))])

    return _MARKER.sub(one, text)


def unwrap_backslashes(group: str) -> str:
    if group.startswith("\\\\(") and group.endswith("\\\\)") and len(group) >= 6:
        return "\\(" + group[3:-3] + "\\)"
    if group.startswith("\\\\[") and group.endswith("\\\\]") and len(group) >= 6:
        return "\\[" + group[3:-3] + "\\]"
    return group


@dataclass(frozen=True)
class Formula:
    """One formula Jupyter hands MathJax: display or inline, its TeX without delimiters."""

    display: bool
    tex: str
    source: str  # as in the cell, delimiters included


_DELIMITED = (
    ("$$", "$$", True),
    ("\\\\[", "\\\\]", True),
    ("\\\\(", "\\\\)", False),
    ("$", "$", False),
)


def formula(group: str) -> Formula | None:
    """What MathJax makes of one group :func:`remove_math` found (None: a ``@@N@@`` marker).

    ``\\begin{name}..\\end{name}`` is display math with the environment as its TeX (MathJax's
    ``processEnvironments``).
    """
    parts = formula_parts(group)
    return None if parts is None else Formula(parts[0], parts[1], group)


def formula_parts(group: str) -> tuple[bool, str] | None:
    """:func:`formula`'s (display, TeX) without the object (a cell may hold 70,000)."""
    if group[:1] == "@":
        return None
    for left, right, display in _DELIMITED:
        if group.startswith(left) and group.endswith(right) and len(group) >= 2 * len(left):
            return display, group[len(left) : len(group) - len(right)]
    return True, group


def formulas(text: str) -> list[Formula]:
    """Every formula of a Markdown cell's source, in order, as Jupyter finds it."""
    return [f for f in map(formula, remove_math(text)[1]) if f is not None]

