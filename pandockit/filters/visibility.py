"""Hide what the author hid: drop or fold cells, inputs and outputs flagged by any convention.

Touches: top-level cell Divs (their ``tags`` attribute, flag comment lines in code, ``#|``
options). Configured by ``pandockit.tags`` and ``pandockit.editor-state``.
"""

from __future__ import annotations

import panflute as pf

from pandockit.filters.base import run

NAME = "visibility"


def action(elem: pf.Element, doc: pf.Doc) -> None:
    return None


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, None, None, doc)
