"""The files ``pandockit init`` puts into a site, made from the package's data (no I/O but reads).

``pandockit/data/site/`` holds them: the head include (MathJax and the stylesheet, for notebook
posts), the stylesheet's parts (``css/*.css``, joined in name order), the GitHub Pages workflow
and the starter notebook.
"""

from __future__ import annotations

#: MathJax 3, as Jupyter uses it (TeX and MathML input, CommonHTML output).
MATHJAX3_URL = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"
#: MathJax 2, for pages with an output that needs it (Plotly 1.x typesets labels through it);
#: SVG output, as Plotly's own ``include_mathjax='cdn'`` asks for.
MATHJAX2_URL = "https://cdn.jsdelivr.net/npm/mathjax@2.7.9/MathJax.js?config=TeX-AMS-MML_SVG"

HEAD_INCLUDE = "pandockit-head.html"
#: The copy buttons' script, a block of its own at the end of the head include.
COPY_BUTTONS = "copy-buttons.html"
STYLESHEET = "assets/css/pandockit.css"


def _folder():  # an importlib Traversable
    """``pandockit/data/site``. importlib.resources is imported here, not with the module: the
    command line reads the URLs above for every command (start-up time)."""
    from importlib import resources  # start-up time: see above

    return resources.files("pandockit").joinpath("data", "site")


def _data(name: str) -> str:
    return _folder().joinpath(name).read_text(encoding="utf-8")


#: Where the include's MathJax part starts (left out when the theme loads its own library).
_MATHJAX_PART = "{%- if pandockit_page.mathjax == 2 %}"


def head_include(
    mathjax_url: str = MATHJAX3_URL, mathjax2_url: str = MATHJAX2_URL, theme_math: str | None = None
) -> str:
    """``_includes/pandockit-head.html`` with the MathJax URLs given; with no MathJax at all
    when the theme loads its own math library (``theme_math``: the file that loads it), so
    that a page never loads two."""
    text = _data(HEAD_INCLUDE)
    if theme_math is not None:
        cut = text.index(_MATHJAX_PART)
        text = text[:cut] + (
            "{%- comment -%} No MathJax here: the theme loads its own (" + theme_math + "), "
            "turned on for posts with math. {%- endcomment -%}\n"
        )
    text += _data(COPY_BUTTONS)
    return text.replace("@MATHJAX3_URL@", mathjax_url).replace("@MATHJAX2_URL@", mathjax2_url)


def stylesheet() -> str:
    """``assets/css/pandockit.css``: every part in ``css/``, in name order."""
    folder = _folder().joinpath("css")
    parts = sorted((p for p in folder.iterdir() if p.name.endswith(".css")), key=lambda p: p.name)
    return "\n".join(p.read_text(encoding="utf-8").strip() + "\n" for p in parts)


def include_line() -> str:
    """The Liquid line that puts pandockit's head include into a ``<head>``."""
    return "{%- include " + HEAD_INCLUDE + " -%}"


def data_text(name: str) -> str:
    """A file of ``pandockit/data/site`` as text."""
    return _data(name)


def data_bytes(name: str) -> bytes:
    return _folder().joinpath(name).read_bytes()
