"""The files ``pandockit init`` puts into a site, made from the package's data (no I/O but reads).

``pandockit/data/site/`` holds them: the head include (MathJax and the stylesheet, for notebook
posts), the stylesheet's parts (``css/*.css``, joined in name order), the GitHub Pages workflow
and the starter notebook.
"""

from __future__ import annotations

from importlib import resources

#: MathJax 3, as Jupyter uses it (TeX and MathML input, CommonHTML output).
MATHJAX3_URL = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"
#: MathJax 2, for pages with an output that needs it (Plotly 1.x typesets labels through it);
#: SVG output, as Plotly's own ``include_mathjax='cdn'`` asks for.
MATHJAX2_URL = "https://cdn.jsdelivr.net/npm/mathjax@2.7.9/MathJax.js?config=TeX-AMS-MML_SVG"

HEAD_INCLUDE = "pandockit-head.html"
STYLESHEET = "assets/css/pandockit.css"


def _data(name: str) -> str:
    return resources.files("pandockit").joinpath("data", "site", name).read_text(encoding="utf-8")


def head_include(mathjax_url: str = MATHJAX3_URL, mathjax2_url: str = MATHJAX2_URL) -> str:
    """``_includes/pandockit-head.html`` with the MathJax URLs given."""
    text = _data(HEAD_INCLUDE)
    return text.replace("@MATHJAX3_URL@", mathjax_url).replace("@MATHJAX2_URL@", mathjax2_url)


def stylesheet() -> str:
    """``assets/css/pandockit.css``: every part in ``css/``, in name order."""
    folder = resources.files("pandockit").joinpath("data", "site", "css")
    parts = sorted((p for p in folder.iterdir() if p.name.endswith(".css")), key=lambda p: p.name)
    return "\n".join(p.read_text(encoding="utf-8").strip() + "\n" for p in parts)


def include_line() -> str:
    """The Liquid line that puts pandockit's head include into a ``<head>``."""
    return "{%- include " + HEAD_INCLUDE + " -%}"


def data_text(name: str) -> str:
    """A file of ``pandockit/data/site`` as text."""
    return _data(name)


def data_bytes(name: str) -> bytes:
    return resources.files("pandockit").joinpath("data", "site", name).read_bytes()
