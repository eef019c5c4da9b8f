"""HTML from notebook outputs made fit for a Jekyll page: sanitised on request, pandas'
``<style scoped>`` made valid, a check for scripts that need require.js, and which of an
output's scripts load MathJax or plotly.js 1.x (the page loads MathJax once, itself)."""

from __future__ import annotations

import re

#: Tags and attributes kept by ``html: sanitize`` beyond nh3's safe defaults: presentation
#: (tables with pandas' classes and inline styles, media players, figures, <style>), never
#: scripts, event handlers (``on*``), ``javascript:`` URLs, iframes, objects or forms.
EXTRA_TAGS = {"style", "tfoot", "audio", "video", "source", "track", "picture", "svg"}
GENERIC_ATTRIBUTES = {
    "class", "id", "style", "title", "lang", "dir", "align", "valign", "width", "height",
    "border", "colspan", "rowspan", "scope",
}
EXTRA_ATTRIBUTES = {
    "style": {"type", "media"},
    "audio": {"src", "controls", "loop", "muted", "preload"},
    "video": {"src", "controls", "loop", "muted", "preload", "poster", "alt"},
    "source": {"src", "type", "media"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "img": {"src", "alt", "srcset", "sizes", "loading"},
    "a": {"href", "hreflang", "target", "name"},
    "ol": {"start", "type"},
}
URL_SCHEMES = {"http", "https", "mailto", "data"}

_STYLE_BLOCK = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.S | re.I)
_SCOPED = re.compile(r"(<style\b[^>]*?)\s+scoped(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]*))?", re.I)
_SCRIPT = re.compile(r"<script\b", re.I)
#: A script that loads MathJax, from any CDN or copy: a ``mathjax`` folder or package
#: (``/mathjax/2.7.5/``, ``mathjax@3``) or MathJax 2's entry file ``MathJax.js``.
_MATHJAX = re.compile(r"mathjax[@/]|/MathJax\.js(?:[?#]|$)", re.I)
#: MathJax 2: its entry file ``MathJax.js``, or a 2.x version in the URL.
_MATHJAX_2 = re.compile(r"/MathJax\.js(?:[?#]|$)|mathjax(?:@|/)2(?:[./]|$)", re.I)
#: plotly.js 1.x by URL: ``plotly-latest`` (frozen at 1.58.5) or ``plotly-1.x.y``; inline, by
#: the banner of its bundle.
_PLOTLY_1 = re.compile(r"plotly-latest(?:\.min)?\.js|plotly-1\.\d+\.\d+(?:\.min)?\.js", re.I)
_PLOTLY_1_INLINE = re.compile(r"\*\s*plotly\.js v1\.\d")
#: A plotly.js text with LaTeX: a JSON string with ``$..$`` in it (plotly.js's ``FIND_TEX``).
_PLOTLY_TEX = re.compile(r'"(?:[^"\\\n$]|\\.)*\$(?:[^"\\\n$]|\\.)*\$(?:[^"\\\n]|\\.)*"')
_REQUIRE = re.compile(r"(?<![\w.])(?:require|requirejs)\s*\(\s*\[|requirejs\.config\s*\(")


def sanitize(html: str) -> str:
    """``html`` without scripts, event handlers or ``javascript:`` URLs (nh3 / ammonia)."""
    import nh3  # start-up time: only ``html: sanitize`` needs it

    tags = set(nh3.ALLOWED_TAGS) | EXTRA_TAGS
    attributes = {k: set(v) for k, v in nh3.ALLOWED_ATTRIBUTES.items()}
    for tag, names in EXTRA_ATTRIBUTES.items():
        attributes[tag] = attributes.get(tag, set()) | names
    attributes["*"] = GENERIC_ATTRIBUTES
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags={"script"},
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


def has_script(html: str) -> bool:
    return bool(_SCRIPT.search(html))


def needs_requirejs(html: str) -> bool:
    """True when ``html`` loads its code through require.js, which a Jekyll page lacks (code
    that tests ``define.amd`` and otherwise loads its libraries itself, as Altair's does, works)."""
    return bool(_REQUIRE.search(html)) and "define.amd" not in html and "typeof require" not in html


def unscope_styles(html: str, seen: set[str]) -> str:
    """pandas' ``<style scoped>`` made valid and written once per page.

    ``scoped`` is obsolete (browsers apply the rules page-wide anyway, and pandas prefixes
    them with ``.dataframe``), so it is dropped; a style block identical to one already on the
    page (every DataFrame brings the same one) is left out. ``seen`` holds the blocks so far.
    """

    def one(m: re.Match) -> str:
        block = _SCOPED.sub(r"\1", m.group(0))
        key = re.sub(r"\s+", " ", block)
        if key in seen:
            return ""
        seen.add(key)
        return block

    return _STYLE_BLOCK.sub(one, html)


def mathjax_version(src: str) -> str | None:
    """``"2"`` or ``"3"`` when the script at ``src`` loads MathJax (3 stands for 3 and later),
    else None."""
    if not _MATHJAX.search(src):
        return None
    return "2" if _MATHJAX_2.search(src) else "3"


def loads_plotly_1(src: str) -> bool:
    """True when the script at ``src`` is plotly.js 1.x, which typesets with MathJax 2 only."""
    return bool(_PLOTLY_1.search(src))


def has_plotly_1(html: str) -> bool:
    """True when ``html`` carries plotly.js 1.x inline (``include_plotlyjs=True``)."""
    return bool(_PLOTLY_1_INLINE.search(html))


def has_plotly_tex(html: str) -> bool:
    """True when a Plotly figure in ``html`` has a LaTeX text (``"$\\alpha$ growth"``): its
    page needs MathJax."""
    return bool(_PLOTLY_TEX.search(html))
