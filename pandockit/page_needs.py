"""What a post's page needs from the site (math, and which MathJax), recorded by the filters.

A filter that writes a formula records ``math`` (the math style, which tells MathJax which
delimiters to read); the outputs filter records ``mathjax: 2`` when an output needs MathJax 2
(Plotly 1.x typesets its labels through MathJax 2's API), and ``widgets`` on a page of
ipywidgets (whose html-manager does too: with math, the page gets MathJax 2). The writer puts
the record into the post's front matter under ``pandockit:``, and the head include that
``pandockit init`` installs reads it: MathJax is loaded on the pages that have math, and only
there. The record lives in document metadata, so it survives filters chained as separate
``pandoc --filter`` processes.
"""

from __future__ import annotations

import panflute as pf

#: Metadata key of the record (a map: need -> value).
PAGE_KEY = "pandockit-page"
#: The front matter key the writer puts the record under (read by ``pandockit-head.html``).
FRONT_MATTER_KEY = "pandockit"


def record(doc: pf.Doc, need: str, value: str) -> None:
    """Record that the page of ``doc`` needs ``need`` (``math``, ``mathjax``) set to ``value``."""
    page = doc.metadata.content.get(PAGE_KEY)
    if not isinstance(page, pf.MetaMap):
        doc.metadata[PAGE_KEY] = pf.MetaMap()
        page = doc.metadata.content[PAGE_KEY]
    old = page.content.get(need)
    if not (isinstance(old, pf.MetaString) and old.text == value):
        page[need] = pf.MetaString(value)


def needs(doc: pf.Doc) -> dict[str, str | int]:
    """The record of ``doc``, as the front matter holds it (``mathjax`` as a number).

    ``widgets`` (recorded by the outputs filter) is not written: a page with widgets and math
    needs MathJax 2, whose API (``MathJax.Hub``) the widgets' html-manager typesets through
    (with MathJax 3 on the page it throws)."""
    found = doc.get_metadata(PAGE_KEY, {}) or {}
    out: dict[str, str | int] = {}
    for key in sorted(found):
        value = str(found[key])
        out[str(key)] = int(value) if value.isdigit() else value
    if out.pop("widgets", None) and "math" in out:
        out["mathjax"] = 2
    return out
