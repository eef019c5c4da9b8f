"""Keep notebook text from running as Liquid: ``{% raw %}`` spans over the final post text.

Jekyll runs Liquid over a post before kramdown sees it, so this is the last pass, over the
Markdown text the writer produced. Only text that would start a Liquid tag or output
(``{{`` or ``{%``) needs protection; the body is wrapped in as few raw spans as possible, each
broken only where pandockit emits Liquid of its own (the baseurl of image links, written as
:data:`BASEURL_MARKER` by the filters) or where the notebook itself contains ``{% endraw %}``.
"""

from __future__ import annotations

import re

#: Stands for the site's baseurl in URLs the filters write; replaced here, outside raw spans.
BASEURL_MARKER = "\ue000pandockit-baseurl\ue001"

BASEURL_LIQUID = "{{ site.baseurl }}"
RAW_OPEN = "{% raw %}"
RAW_CLOSE = "{% endraw %}"

#: What Liquid would take as the end of a raw span (Liquid 5: optional ``-`` whitespace control).
_ENDRAW = re.compile(r"\{%-?\s*endraw\b")
_LIQUID_START = re.compile(r"\{\{|\{%")


def needs_protection(text: str) -> bool:
    return bool(_LIQUID_START.search(text))


def _protect_span(text: str) -> str:
    """``text`` inside raw spans, each ``{% endraw`` of the text written as Liquid output."""
    if not needs_protection(text):
        return text
    pieces = _ENDRAW.split(text)
    ends = _ENDRAW.findall(text)
    out = [RAW_OPEN + pieces[0]]
    for end, piece in zip(ends, pieces[1:]):
        # '{%' comes out of a Liquid string; the rest of the tag text is plain raw text again.
        out.append(RAW_CLOSE + '{{ "{%" }}' + RAW_OPEN + end[2:] + piece)
    out.append(RAW_CLOSE)
    return "".join(out)


def protect(text: str, baseurl: str | None = None) -> str:
    """The post body with notebook text kept literal and pandockit's own Liquid live.

    With ``baseurl`` given (the ``liquid: off`` mode, where Jekyll runs no Liquid), markers
    become that literal baseurl and nothing is wrapped.
    """
    if baseurl is not None:
        return text.replace(BASEURL_MARKER, baseurl.rstrip("/"))
    parts = text.split(BASEURL_MARKER)
    return BASEURL_LIQUID.join(_protect_span(p) for p in parts)
