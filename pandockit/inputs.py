"""What the filters are handed beyond the AST: the notebook's cells as data, and what was read
for them before the pipeline (frozen; no I/O).

A filter never reads the notebook's JSON, a file or pandoc itself. Before the pipeline runs,
:func:`pandockit.gather.gather` makes one :class:`Inputs` per document and hands it in
(:func:`pandockit.context.inputs` gives it to a filter):

- each notebook cell as a :class:`Cell` (its kind, its source as one string, attachments,
  metadata and outputs), by the index the cell-index step numbers it with;
- the notebook's saved widget state (the outputs step shows widgets with it);
- the markdown cells pandoc read again as Jupyter reads them (:mod:`pandockit.rereads`): the
  jupyter-math step puts these blocks in place of pandoc's first reading;
- the HTML of the ``text/markdown`` outputs shown as HTML (:func:`markdown_as_html`;
  :mod:`pandockit.markdown_output`), by their text: the outputs step uses it where it shows
  such an output.

Run without a notebook (a ``pandoc --filter`` without ``-M pandockit-notebook``), a filter gets
:data:`NO_INPUTS`: no cell, nothing read again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

#: What may open raw HTML in Markdown: ``<`` before a letter, ``/``, ``!`` or ``?``.
_TAG = re.compile(r"<[A-Za-z/!?]")


def multiline_text(value: object) -> str:
    """A notebook text field (a string, or nbformat's list of lines) as one string."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def _mapping(value: object) -> Mapping:
    return value if isinstance(value, dict) else {}


class Cell(NamedTuple):
    """One notebook cell as the filters read it (a tuple: made for every cell of a notebook,
    it costs half a frozen dataclass)."""

    kind: str  # "markdown", "code" or "raw" (nbformat's cell_type)
    source: str  # the source as one string
    attachments: Mapping[str, Any]  # a markdown cell's attachments ({} when none)
    metadata: Mapping[str, Any]  # the cell's metadata ({} when none)
    outputs: tuple[Any, ...] = ()  # a code cell's outputs, as nbformat gives them

    @classmethod
    def of(cls, node: dict) -> Cell:
        """The cell of nbformat's node ``node`` (a dict of the notebook's ``cells``)."""
        outputs = node.get("outputs")
        return cls(
            str(node.get("cell_type", "")),
            multiline_text(node.get("source", "")),
            _mapping(node.get("attachments")),
            _mapping(node.get("metadata")),
            tuple(outputs) if isinstance(outputs, list) else (),
        )


@dataclass(frozen=True)
class Inputs:
    """What a document's filters are handed: see the module docstring."""

    cells: tuple[Cell | None, ...] = ()  # by cell index; None for a cell that is not a dict
    #: The notebook's saved widget state (:func:`pandockit.interactive.widget_state`).
    widgets: Mapping[str, Any] = field(default_factory=dict)
    #: Cell index -> the blocks of a markdown cell read again as Jupyter reads it, as the JSON
    #: text of pandoc's AST (plain data: the jupyter-math step makes them elements).
    rereads: Mapping[int, str] = field(default_factory=dict)
    #: The text of a ``text/markdown`` output shown as HTML (:func:`markdown_as_html`) -> that
    #: HTML, not yet sanitised or balanced (:func:`pandockit.markdown_output.to_html`).
    markdown_html: Mapping[str, str] = field(default_factory=dict)

    def cell(self, index: int) -> Cell | None:
        """The cell number ``index`` (a cell Div's ``pandockit-cell``); None when there is no
        such cell (or no notebook)."""
        return self.cells[index] if 0 <= index < len(self.cells) else None


#: What a filter run without a notebook is handed.
NO_INPUTS = Inputs()


def cells_of(node: dict) -> tuple[Cell | None, ...]:
    """Every cell of the nbformat notebook ``node``, in order."""
    cells = node.get("cells")
    if not isinstance(cells, list):
        return ()
    return tuple(Cell.of(c) if isinstance(c, dict) else None for c in cells)


def markdown_as_html(text: str, html: str) -> bool:
    """Whether a ``text/markdown`` output of ``text`` is shown as the HTML Jupyter renders of
    it (one that may hold HTML; any, with option ``html`` ``sanitize`` or ``drop``), not as
    Markdown: its HTML is then gathered before the pipeline."""
    return html != "keep" or _TAG.search(text) is not None
