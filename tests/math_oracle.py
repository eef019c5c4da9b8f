"""Test support: the formulas a notebook holds, and the formulas a built page hands MathJax.

The notebook side does not use pandockit's filters. Markdown cells are read as Jupyter reads
them: JupyterLab's ``removeMath`` (:mod:`pandockit.formula_scan`, held to JupyterLab's own
cases by tests/test_formula_scan.py) takes the formulas out, pandoc's reader parses the rest as
Jupyter's Markdown parser would see it, and each formula left in text (not in code) is one
MathJax gets, its TeX taken from the source as typed. ``text/latex`` results are taken the way
Jupyter shows them.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat

from pandockit.formula_scan import formula, remove_math

#: How markdown cells are read once Jupyter's math is masked: no dollar math of pandoc's own,
#: ``\\(`` an escaped parenthesis (as in Jupyter's Markdown parser).
READER = "ipynb+raw_tex-tex_math_dollars"
_MARKER = re.compile(r"@@(\d+)@@")

_ENV = re.compile(r"\A\s*\\begin\{([A-Za-z]+\*?)\}.*\\end\{\1\}\s*\Z", re.S)
_MATH_ENVS = re.compile(
    r"equation|align|alignat|gather|multline|eqnarray|flalign|split|displaymath|math|array|"
    r"[pbvBV]?matrix|smallmatrix|cases|subequations"
)
#: The MIME types that win over text/latex when a result is shown (Jupyter's order).
_BEFORE_LATEX = ("text/html", "text/markdown", "application/javascript")


@dataclass(frozen=True)
class Formula:
    kind: str  # "inline" or "display"
    tex: str  # as MathJax should receive it (kramdown strips the ends)
    cell: int


def pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _read(nb_bytes: bytes) -> dict:
    out = subprocess.run(
        [pandoc(), "-f", READER, "--ipynb-output=all", "-t", "json"],
        input=nb_bytes,
        capture_output=True,
        check=True,
    ).stdout
    return json.loads(out)


def _read_markdown(text: str) -> dict:
    out = subprocess.run(
        [pandoc(), "-f", "markdown", "-t", "json"], input=text.encode("utf-8"),
        capture_output=True, check=True,
    ).stdout
    return json.loads(out)


def _masked_formula(group: str) -> list[tuple[str, str]]:
    """The formula Jupyter's MathJax makes of one masked group (none for a ``@@N@@`` the
    author wrote, or an environment MathJax does not know)."""
    f = formula(group)
    if f is None:
        return []
    if group.startswith("\\begin"):
        m = _ENV.match(group)
        return [("display", group)] if m and _MATH_ENVS.fullmatch(m.group(1).rstrip("*")) else []
    return [("display" if f.display else "inline", f.tex)]


def _walk(node, found: list[tuple[str, str]], math: list[str] | None = None) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, found, math)
        return
    if not isinstance(node, dict) or "t" not in node:
        return
    t, c = node["t"], node.get("c")
    if t == "Str" and math is not None:
        for n in _MARKER.findall(c):
            found.extend(_masked_formula(math[int(n)]))
        return
    if t == "RawBlock" and c[0] == "html" and math is not None:
        text = re.sub(r"<(script|style|pre|code)\b.*?</\1>|<[^>]*>", "", c[1], flags=re.S)
        for n in _MARKER.findall(text):
            found.extend(_masked_formula(math[int(n)]))
        return
    if t == "Math":
        kind = "display" if c[0]["t"] == "DisplayMath" else "inline"
        found.append((kind, c[1]))
        return
    if t == "RawBlock" and c[0] == "html":
        found += _html_math(c[1])
        return
    if t in ("RawInline", "RawBlock") and c[0] in ("tex", "latex"):
        m = _ENV.match(c[1])
        if m and _MATH_ENVS.fullmatch(m.group(1).rstrip("*")):
            found.append(("display", c[1]))
        return
    if t in ("Code", "CodeBlock"):
        return
    _walk(c, found, math)


def as_typed(tex: str, source: str, index: int) -> str:
    """The formula as typed in ``source``: pandoc's reader may change white space in math
    (spaces at line ends, tabs), nothing else; anything more fails the test."""
    if tex in source:
        return tex
    pattern = r"\s*".join(re.escape(w) for w in tex.split())
    m = re.search(pattern, source)
    assert m, f"cell {index}: the reader changed {tex!r} beyond white space"
    return m.group(0)


def _html_math(html_text: str) -> list[tuple[str, str]]:
    """Dollar math in the text of a raw HTML block (Jupyter renders it; kramdown does not)."""
    text = re.sub(r"<(script|style|pre|code)\b.*?</\1>|<[^>]*>", "\x00", html_text, flags=re.S)
    found = []
    for m in re.finditer(r"(?<![\\$])\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$\x00]+?)(?<!\s)\$(?!\d)",
                         text, re.S):
        found.append(("display", m.group(1)) if m.group(1) else ("inline", m.group(2)))
    return found


def latex_result(text: str) -> str | None:
    """The formula a text/latex result shows, without the delimiters around it (or None)."""
    tex = text.strip()
    for left, right in (("$$", "$$"), ("\\[", "\\]"), ("$", "$"), ("\\(", "\\)")):
        if tex.startswith(left) and tex.endswith(right) and len(tex) > len(left) + len(right):
            inner = tex[len(left) : -len(right)]
            if not re.search(r"(?<!\\)\$|\\[()\[\]]", inner):
                tex = inner.strip()
                break
    else:
        if not _ENV.match(tex):
            return None
    m = re.fullmatch(r"\s*\\begin\{equation\*?\}(.*)\\end\{equation\*?\}\s*", tex, re.S)
    if m and not re.search(r"\\(label|tag)\b", m.group(1)):
        tex = m.group(1).strip()
    return tex


def notebook_formulas(path: Path) -> list[Formula]:
    """Every formula of the notebook at ``path``, in reading order."""
    from pandockit.notebook import read_notebook  # what pandoc must be given (v4, repaired)

    notebook = read_notebook(path)
    node = nbformat.from_dict(notebook.node)
    masked = json.loads(json.dumps(notebook.node))
    maths: list[list[str]] = []
    for cell in masked["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        text, math = remove_math(source) if cell["cell_type"] == "markdown" else (source, [])
        cell["source"] = text
        maths.append(math)
    ast = _read(json.dumps(masked).encode("utf-8"))
    found: list[Formula] = []
    cells = [b for b in ast["blocks"] if b["t"] == "Div" and "cell" in b["c"][0][1]]
    assert len(cells) == len(node.cells)
    for index, (div, cell) in enumerate(zip(cells, node.cells)):
        source = "".join(cell.source) if isinstance(cell.source, list) else cell.source
        if cell.cell_type == "markdown":
            pairs: list[tuple[str, str]] = []
            _walk(div["c"][1], pairs, maths[index])
            for kind, tex in pairs:
                found.append(Formula(kind, as_typed(tex, source, index).strip(), index))
        elif cell.cell_type == "code":
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if "text/html" in data:  # Jupyter typesets the math of HTML outputs too
                    html_text = data["text/html"]
                    html_text = "".join(html_text) if isinstance(html_text, list) else html_text
                    found += [Formula(k, t.strip(), index) for k, t in _html_math(html_text)]
                    continue
                if "text/markdown" in data:  # IPython.display.Markdown: Jupyter renders it
                    md = data["text/markdown"]
                    md = "".join(md) if isinstance(md, list) else md
                    pairs = []
                    _walk(_read_markdown(md)["blocks"], pairs)
                    found += [Formula(k, t.strip(), index) for k, t in pairs]
                    continue
                if "text/latex" not in data or any(m in data for m in _BEFORE_LATEX):
                    continue
                latex = data["text/latex"]
                tex = latex_result("".join(latex) if isinstance(latex, list) else latex)
                if tex is not None:
                    found.append(Formula("display", tex, index))
    return found


def _visible_text(page: str) -> str:
    """The text MathJax scans: the post body without code, scripts and styles, decoded."""
    m = re.search(r"<article>(.*)</article>", page, re.S)
    body = m.group(1) if m else page
    body = re.sub(r"<(pre|code|script|style|textarea)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def page_formulas(page: str) -> list[tuple[str, str]]:
    """Every formula a built page hands stock MathJax: (``inline``|``display``, TeX)."""
    text = _visible_text(page)
    return [
        ("inline", m.group(1)) if m.group(1) is not None else ("display", m.group(2))
        for m in re.finditer(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", text, re.S)
    ]


def page_dollar_formulas(page: str) -> list[tuple[str, str]]:
    """Every formula a built page hands MathJax configured for ``$..$`` and ``$$..$$``
    (its ends stripped, as the kramdown style's are: ``$$\nTeX\n$$`` puts newlines there)."""
    text = _visible_text(page)
    pattern = r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(.+?)(?<!\\)\$"
    return [
        ("display", m.group(1).strip()) if m.group(1) is not None else ("inline", m.group(2))
        for m in re.finditer(pattern, text, re.S)
    ]
