"""Hide what the author hid: drop or fold cells, inputs and outputs flagged by any convention.

Touches: top-level cell Divs. Reads, for code cells, fastpages/nbdev v1 comment flags
(``#hide``, ``# hide_input``, ``#collapse-show``, ... on a line of their own), Quarto/nbdev v2
``#|`` option lines opening the cell (``include``, ``echo``, ``output``, ``code-fold``,
``code-summary``, ``warning``, and nbdev's bare ``#| hide``), and for every cell its ``tags``
(nbconvert ``remove_cell``..., Jupyter Book ``remove-cell``, ``hide-input``...); markdown cells
honour flag comments (``<!-- #hide -->``) and the cell-level tags. The flag lines never reach
the post. Raw cells are kept only for Markdown and HTML (or no format, read as Markdown).

Each convention maps to one effect of :data:`EFFECTS`. Removal happens here; folding is noted
on the cell Div (``pandockit-fold-cell``, ``pandockit-fold-input`` = ``closed|open``,
``pandockit-fold-output``, ``pandockit-summary``) for the cells filter, which writes the
toggles. Each output Div gets ``pandockit-output=<n>``, its position among the cell's outputs
in the notebook, before any is dropped (the outputs filter reads the notebook's bundle by it).

Configured by ``pandockit.tags`` (extra tag names per effect, e.g. ``remove-cell: [secret]``)
and ``pandockit.editor-state`` (honour JupyterLab ``source_hidden``/``outputs_hidden``, the
classic ``collapsed`` and the hide_input extension's ``hide_input``; ignored by default).
"""

from __future__ import annotations

import json
import logging
import re

import panflute as pf
import yaml

from pandockit import yamltext
from pandockit.filters.base import (
    CELLS,
    cell_index,
    cell_tags,
    is_cell,
    is_output,
    items_of,
    job_of,
    keep_only,
    run,
)

NAME = "visibility"
log = logging.getLogger("pandockit")

#: Every effect, with the tag names that ask for it out of the box (nbconvert, Jupyter Book,
#: MyST-NB). ``show-input`` is an open toggle; the ``hide-*`` effects are closed toggles.
EFFECTS: dict[str, tuple[str, ...]] = {
    "remove-cell": ("remove-cell", "remove_cell"),
    "remove-input": ("remove-input", "remove_input"),
    "remove-output": ("remove-output", "remove_output"),
    "remove-stderr": ("remove-stderr",),
    "remove-stdout": ("remove-stdout",),
    "hide-cell": ("hide-cell",),
    "hide-input": ("hide-input",),
    "show-input": (),
    "hide-output": ("hide-output",),
}

#: fastpages / nbdev v1 comment flags (and nbdev v2 bare ``#|`` directives), written with
#: ``-`` here; ``_`` and case are normalised away before lookup.
FLAGS: dict[str, str] = {
    "hide": "remove-cell",
    "hide-input": "remove-input",
    "hide-output": "remove-output",
    "collapse": "hide-input",
    "collapse-hide": "hide-input",
    "collapse-input": "hide-input",
    "collapse-show": "show-input",
    "collapse-output": "hide-output",
}

_FLAG_LINE = re.compile(r"^[ \t]*#[ \t]*([A-Za-z][A-Za-z_-]*)[ \t]*$")
_FLAG_COMMENT = re.compile(r"\A<!--\s*#\s*([A-Za-z][A-Za-z_-]*)\s*-->\s*\Z")
#: Quarto's option-comment prefixes: ``#|`` (Python, R, Julia...), ``//|`` (C, C++, JS...),
#: ``--|`` (SQL, Haskell), ``%%|`` (Matlab).
_OPTION_LINE = re.compile(r"^[ \t]*(?:#|//|--|%%)\|(.*)$")
_DIRECTIVE = re.compile(r"^\s*([A-Za-z][\w-]*)\s*$")

#: Raw-cell formats a Markdown post shows (``ipynb``: the cell had no format).
RAW_KEPT = {"markdown": "markdown", "gfm": "markdown", "commonmark": "markdown",
            "ipynb": "markdown", "html": "html"}

FOLD_CELL = "pandockit-fold-cell"
FOLD_INPUT = "pandockit-fold-input"
FOLD_OUTPUT = "pandockit-fold-output"
SUMMARY = "pandockit-summary"
OUTPUT_INDEX = "pandockit-output"
#: Quarto's ``output: asis``: the cell's text output is Markdown for the post (noted on the cell).
ASIS = "pandockit-output-asis"


def flag_effect(word: str) -> str | None:
    """The effect of a comment flag word (``hide_input`` -> ``remove-input``), if it is one."""
    return FLAGS.get(word.lower().replace("_", "-"))


def tag_effects(tags: list[str], extra: dict) -> set[str]:
    """Effects asked for by cell ``tags`` (built-in names plus the site's ``extra`` names)."""
    found = set()
    for effect, names in EFFECTS.items():
        more = extra.get(effect) or []
        more = [more] if isinstance(more, str) else [str(m) for m in more]
        if any(t in names or t in more for t in tags):
            found.add(effect)
    return found


def quarto_effects(options: dict) -> tuple[set[str], str | None]:
    """Effects of Quarto cell options (``{"echo": False}``), and a ``code-summary`` if any."""
    found = set()
    if options.get("include") is False:
        found.add("remove-cell")
    if options.get("echo") is False:
        found.add("remove-input")
    if options.get("output") is False:
        found.add("remove-output")
    elif options.get("output") == "asis":
        found.add(ASIS)
    if options.get("warning") is False:
        found.add("remove-stderr")
    fold = options.get("code-fold")
    if fold is True or str(fold).lower() == "hide":
        found.add("hide-input")
    elif str(fold).lower() == "show":
        found.add("show-input")
    summary = options.get("code-summary")
    return found, (str(summary) if summary is not None else None)


def parse_options(lines: list[str], where: str) -> tuple[dict, set[str]]:
    """The ``#|`` lines' YAML options and nbdev's bare directives (``#| hide``)."""
    yaml_lines, directives = [], set()
    for line in lines:
        m = _DIRECTIVE.match(line)
        if m and ":" not in line:
            effect = flag_effect(m.group(1))
            if effect:
                directives.add(effect)
            continue
        yaml_lines.append(line[1:] if line.startswith(" ") else line)
    if not yaml_lines:
        return {}, directives
    try:
        options = yamltext.safe_load("\n".join(yaml_lines))
    except yaml.YAMLError as exc:
        log.warning("%s: '#|' cell options are not YAML, ignored (%s)", where, _first_line(exc))
        return {}, directives
    return (options if isinstance(options, dict) else {}), directives


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def split_flags(source: str, where: str) -> tuple[str, set[str], str | None]:
    """``source`` without its flag and option lines, the effects they ask for, the summary."""
    lines = source.split("\n")
    option_lines: list[str] = []
    while lines and _OPTION_LINE.match(lines[0]):
        option_lines.append(_OPTION_LINE.match(lines[0]).group(1))
        lines.pop(0)
    options, effects = parse_options(option_lines, where)
    found, summary = quarto_effects(options)
    effects |= found
    kept = []
    for line in lines:
        m = _FLAG_LINE.match(line)
        effect = flag_effect(m.group(1)) if m else None
        if effect:
            effects.add(effect)
        else:
            kept.append(line)
    code = "\n".join(kept)
    if option_lines or len(kept) != len(lines):
        code = code.strip("\n")
    return code, effects, summary


def editor_effects(cell: pf.Div) -> set[str]:
    """Effects of notebook editors' view state (only asked for with ``editor-state: true``)."""
    found = set()
    try:
        state = json.loads(cell.attributes.get("jupyter", "{}"))
    except ValueError:
        state = {}
    state = state if isinstance(state, dict) else {}
    if state.get("source_hidden") is True or cell.attributes.get("hide_input") == "true":
        found.add("hide-input")
    if state.get("outputs_hidden") is True or cell.attributes.get("collapsed") == "true":
        found.add("hide-output")
    return found


def _tag_effects(cell: pf.Div, doc: pf.Doc) -> set[str]:
    """:func:`tag_effects` of the cell's tags, worked out once per run for each set of tags
    (cells share a few, most of them none)."""
    tags = cell_tags(cell)
    known = doc.pandockit_tag_effects
    key = tuple(tags)
    if key not in known:
        known[key] = frozenset(tag_effects(tags, job_of(doc).options.tags))
    return set(known[key])


def _where(cell: pf.Div) -> str:
    return f"cell {cell_index(cell)}"


def _number_outputs(cell: pf.Div) -> None:
    outputs = [b for b in items_of(cell) if is_output(b)]
    for n, out in enumerate(outputs):
        out.attributes.setdefault(OUTPUT_INDEX, str(n))


def _fold(cell: pf.Div, effects: set[str], summary: str | None) -> None:
    if "hide-cell" in effects:
        cell.attributes[FOLD_CELL] = "closed"
    if "hide-input" in effects:
        cell.attributes[FOLD_INPUT] = "closed"
    elif "show-input" in effects:
        cell.attributes[FOLD_INPUT] = "open"
    if "hide-output" in effects:
        cell.attributes[FOLD_OUTPUT] = "closed"
    if summary:
        cell.attributes[SUMMARY] = summary
    if ASIS in effects:
        cell.attributes[ASIS] = "true"


def _code_cell(cell: pf.Div, doc: pf.Doc) -> pf.Div | list:
    _number_outputs(cell)
    effects = _tag_effects(cell, doc)
    if job_of(doc).options.editor_state:
        effects |= editor_effects(cell)
    summary = None
    for block in items_of(cell):
        if isinstance(block, pf.CodeBlock):  # the input: outputs are Divs
            block.text, found, summary = split_flags(block.text, _where(cell))
            effects |= found
            break
    if "remove-cell" in effects:
        return []
    keep = []
    for block in items_of(cell):
        if isinstance(block, pf.CodeBlock):
            if "remove-input" not in effects:
                keep.append(block)
        elif is_output(block):
            if _keeps_output(block, effects):
                keep.append(block)
        else:
            keep.append(block)
    keep_only(cell, keep)
    _fold(cell, effects, summary)
    return cell


def _keeps_output(out: pf.Div, effects: set[str]) -> bool:
    if "remove-output" in effects:
        return False
    if "stream" in out.classes:
        if "stderr" in out.classes and "remove-stderr" in effects:
            return False
        if "stdout" in out.classes and "remove-stdout" in effects:
            return False
    return True


def _markdown_cell(cell: pf.Div, doc: pf.Doc) -> pf.Div | list:
    effects = _tag_effects(cell, doc)
    if job_of(doc).options.editor_state and "hide-input" in editor_effects(cell):
        effects.add("hide-cell")
    keep = []
    for block in items_of(cell):
        m = _FLAG_COMMENT.match(block.text) if isinstance(block, pf.RawBlock) else None
        effect = flag_effect(m.group(1)) if m and block.format == "html" else None
        if effect:
            effects.add(effect)
        else:
            keep.append(block)
    if effects & {"remove-cell", "remove-input"} or not keep:
        return []
    keep_only(cell, keep)
    if effects & {"hide-cell", "hide-input"}:
        cell.attributes[FOLD_CELL] = "closed"
    elif "show-input" in effects:
        cell.attributes[FOLD_CELL] = "open"
    return cell


def _raw_cell(cell: pf.Div, doc: pf.Doc) -> pf.Div | list:
    if _tag_effects(cell, doc) & {"remove-cell", "remove-input"}:
        return []
    keep = []
    for block in items_of(cell):
        if isinstance(block, pf.RawBlock):
            fmt = RAW_KEPT.get(block.format)
            if fmt is None:
                continue
            keep.append(pf.RawBlock(block.text, format=fmt))
        else:
            keep.append(block)
    if not keep:
        return []
    cell.content = keep
    return cell


def prepare(doc: pf.Doc) -> None:
    doc.pandockit_tag_effects = {}  # cell tags -> their effects, this run


def finalize(doc: pf.Doc) -> None:
    del doc.pandockit_tag_effects


def action(elem: pf.Element, doc: pf.Doc) -> pf.Element | list | None:
    if not (is_cell(elem) and elem.parent is doc):
        return None
    if "code" in elem.classes:
        return _code_cell(elem, doc)
    if "markdown" in elem.classes:
        return _markdown_cell(elem, doc)
    if "raw" in elem.classes:
        return _raw_cell(elem, doc)
    return None


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, finalize, doc, depth=CELLS)
