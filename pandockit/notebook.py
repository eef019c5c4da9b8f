"""Read a notebook file: check it is a notebook, repair and upgrade it, report problems on one line.

This is the only place that parses ``.ipynb`` JSON. It returns both the upgraded nbformat v4
node (for image bytes and checks) and the bytes pandoc should read: the file as written when it
is a v4 notebook that needed no repair (so ``pandoc NB.ipynb --filter pandockit-jekyll`` and the
CLI read the same input), the repaired or upgraded JSON otherwise (pandoc's reader does not read
v2, and refuses a v4 cell that lacks a field or has one of the wrong type).

The checks are the fields pandoc's reader and pandockit read, not all of nbformat's schema
(whose validation cost more than the rest of the read): a notebook that breaks the schema
elsewhere (an odd metadata value, say) is converted as pandoc reads it.

Hostile or broken input never reaches pandoc or panflute as is:

- a cell, output or field pandoc's reader would refuse (missing ``metadata``, ``source`` of the
  wrong type, an unknown output type, non-text data under a text MIME type...) is repaired or
  dropped, with one warning that says what was done;
- JSON nested deeper than :data:`MAX_DEPTH` levels (pandoc and panflute recurse once per level)
  is dropped with a warning; deeper than Python's parser goes, the file is refused;
- a lone UTF-16 surrogate (``"\\ud800"``, valid JSON but not Unicode) becomes U+FFFD, and
  NaN or Infinity (which Python's JSON parser reads and pandoc's refuses) becomes null;
- valid nbformat that pandoc's reader still refuses (an ``execute_result`` whose
  ``execution_count`` is null) is fixed silently;
- a cell's text outputs beyond ``max_output_chars`` characters are cut before pandoc reads
  them, so time and memory stay bounded (100 MB printed in one cell: 2.3 s, 340 MB peak;
  uncut, pandoc ran over 5 minutes).
"""

from __future__ import annotations

import codecs
import json
import logging
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from pandockit.errors import PandockitError, about
from pandockit.mimedata import decode, is_media_mime

log = logging.getLogger("pandockit")

#: nbformat major versions nbformat can upgrade to v4.
SUPPORTED_MAJOR = (2, 3, 4)

#: Deepest JSON nesting kept; deeper values are dropped. A real notebook nests ~10 levels;
#: panflute needs ~5 Python frames per level of notebook metadata (measured: 200 levels fail).
MAX_DEPTH = 50

#: Default cap on the text outputs of one cell, in characters, applied before pandoc reads
#: the notebook (the option ``max-output-chars``; its default in config.py is the same).
MAX_OUTPUT_CHARS = 1_000_000

#: Rich text outputs (HTML, LaTeX, Markdown) are dropped beyond this many times that cap.
RICH_FACTOR = 10

CELL_TYPES = ("markdown", "code", "raw")
OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")

#: The note of a repair that changes what pandoc reads but needs no warning (the notebook
#: was valid nbformat; pandoc's reader is stricter).
SILENT = ""

#: How many repairs one warning lists before it says "and N more".
_SHOWN = 3

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF8, "utf-8-sig"),
)


@dataclass(frozen=True)
class Notebook:
    """A notebook read from disk."""

    path: Path
    node: dict  # the nbformat v4 notebook, as plain dicts and lists
    pandoc_input: bytes  # what pandoc's ipynb reader is given


def read_notebook(
    path: str | Path, *, max_output_chars: int = MAX_OUTPUT_CHARS
) -> Notebook:
    """Read, check, repair and upgrade the notebook at ``path``; raise PandockitError on bad
    input. Text outputs longer than ``max_output_chars`` (0: no cap) are cut."""
    path = Path(path)
    raw = _read_bytes(path)
    data, encoding = _parse_json(path, raw)
    major = _check_shape(path, data)
    escapes = encoding != "utf-8-sig" or bool(_SURROGATE_ESCAPE.search(raw))
    notes = _limit_depth(data, fix_surrogates=escapes)
    if major == 4:
        notes += repair(data)  # before nbformat, which refuses what pandoc refuses
    node = _to_v4(path, data, major)
    if major < 4:
        notes += repair(node)
    _warn(path, "notebook repaired", notes)
    cut = cap_outputs(node, max_output_chars)
    _warn(path, "output text cut (option max-output-chars)", cut)
    plain_utf8 = encoding == "utf-8-sig" and not raw.startswith(codecs.BOM_UTF8)
    if major == 4 and not (notes or cut) and plain_utf8:
        pandoc_input = raw
    else:
        pandoc_input = json.dumps(node, ensure_ascii=False).encode("utf-8")
    return Notebook(path=path, node=node, pandoc_input=pandoc_input)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PandockitError(path, "no such file") from None
    except IsADirectoryError:
        raise PandockitError(path, "is a directory, not a notebook") from None
    except PermissionError:
        raise PandockitError(path, "permission denied") from None
    except OSError as exc:
        raise PandockitError(path, f"cannot read: {exc.strerror or exc}") from None


def _parse_json(path: Path, raw: bytes) -> tuple[object, str]:
    """The parsed JSON and the text encoding it was read with (UTF-8, or UTF-16/32 by BOM)."""
    if not raw.strip():
        raise PandockitError(path, "file is empty, not a notebook")
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), "utf-8-sig")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise PandockitError(
            path, f"not {encoding.split('-sig')[0].upper()} text (line {line}, byte {exc.start})"
        ) from None
    try:
        return json.loads(text), encoding
    except RecursionError as exc:
        raise about(path, exc) from None
    except json.JSONDecodeError as exc:
        what = "truncated JSON" if exc.pos >= len(text.rstrip()) else "not valid JSON"
        raise PandockitError(
            path, f"{what} (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _check_shape(path: Path, data: object) -> int:
    if not isinstance(data, dict):
        raise PandockitError(path, f"JSON is a {_json_type(data)}, not a notebook object")
    major = data.get("nbformat")
    if major is None:
        raise PandockitError(path, "JSON has no 'nbformat' key: not a notebook")
    if not isinstance(major, int) or isinstance(major, bool):
        raise PandockitError(path, f"'nbformat' is {major!r}, not a version number")
    if major not in SUPPORTED_MAJOR:
        raise PandockitError(path, f"nbformat version {major} is not supported (2, 3 or 4)")
    if major >= 4 and not isinstance(data.get("cells"), list):
        raise PandockitError(path, "notebook has no 'cells' list")
    if major < 4 and not isinstance(data.get("worksheets", []), list):
        raise PandockitError(path, "notebook has no 'worksheets' list")
    return major


def _json_type(value: object) -> str:
    names = {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


# --- depth and text ------------------------------------------------------------------------


def _limit_depth(data: object, *, fix_surrogates: bool) -> list[str]:
    """Drop containers nested deeper than MAX_DEPTH; replace NaN and infinities (which
    Python's parser reads and pandoc's refuses) by null, lone surrogates in strings by U+FFFD.
    Iterative: the data may be nested nearly as deep as Python's recursion limit."""
    notes: list[str] = []
    # each container with where it is: (its parent's place, its key), made a path only for a
    # note (a path string per container cost a notebook's read a fifth of its time)
    stack: list[tuple[object, int, tuple | None]] = [(data, 1, None)]
    while stack:
        node, depth, place = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)  # type: ignore
        for key, value in list(items):
            if isinstance(value, (dict, list)):
                if depth >= MAX_DEPTH:
                    node[key] = None  # type: ignore[index]
                    top = "/".join(_path(place).split("/")[:4])
                    note = f"JSON nested deeper than {MAX_DEPTH} levels under {top} dropped"
                    if note not in notes:
                        notes.append(note)
                else:
                    stack.append((value, depth + 1, (place, key)))
            elif isinstance(value, float) and not math.isfinite(value):
                node[key] = None  # type: ignore[index]  # JSON has no NaN or Infinity
                notes.append(f"{value} (not a JSON number) at {_path(place)}/{key} replaced by "
                             "null")
            elif fix_surrogates and isinstance(value, str) and not _is_unicode(value):
                node[key] = _unicode(value)  # type: ignore[index]
                notes.append(f"invalid Unicode (a lone surrogate) at {_path(place)}/{key} "
                             "replaced")
            if fix_surrogates and isinstance(node, dict) and isinstance(key, str):
                if not _is_unicode(key):
                    notes.append(f"invalid Unicode in a key at {_path(place)} replaced")
                    node[_unicode(key)] = node.pop(key)
    return notes


def _path(place: tuple | None) -> str:
    """The ``/a/b/c`` path of a container from :func:`_limit_depth`'s (parent, key) chain."""
    keys: list[str] = []
    while place is not None:
        place, key = place
        keys.append(f"/{key}")
    return "".join(reversed(keys))


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unicode(text: str) -> str:
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def _text(value: object) -> str | None:
    """A multiline-string field (a string or a list of strings) as one string; None if it is
    neither (nbformat's ``multiline_string``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return None


def _as_text(value: object) -> str:
    """Any JSON value as text, losing nothing: lists joined, other values as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(_as_text(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


# --- schema repair -------------------------------------------------------------------------


def repair(nb: dict) -> list[str]:
    """Make a v4 notebook dict one pandoc's reader and nbformat accept, in place; return a
    note for each repair (empty when the notebook was fine)."""
    notes: list[str] = []
    if not isinstance(nb.get("metadata"), dict):
        nb["metadata"] = {}
        notes.append("notebook 'metadata' is not an object: replaced by {}")
    minor = nb.get("nbformat_minor")
    if not isinstance(minor, int) or isinstance(minor, bool):
        nb["nbformat_minor"] = 0
        notes.append("'nbformat_minor' is not a number: set to 0")
    cells = []
    for i, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict):
            notes.append(f"cell {i} is a {_json_type(cell)}, not a cell: dropped")
            continue
        kind = cell.get("cell_type")
        if kind not in CELL_TYPES:
            what = "has no 'cell_type'" if kind is None else f"has unknown type {kind!r}"
            notes.append(f"cell {i} {what}: dropped")
            continue
        notes += _about(f"cell {i}", _repair_cell(cell))
        cells.append(cell)
    nb["cells"] = cells
    return notes


def _about(subject: str, notes: list[str]) -> list[str]:
    return [f"{subject} {note}" if note != SILENT else note for note in notes]


def _repair_cell(cell: dict) -> list[str]:
    notes: list[str] = []
    value = cell.get("source")
    if "source" not in cell:
        notes.append("has no 'source': set to empty")
        cell["source"] = ""
    elif _text(value) is None:
        notes.append(f"'source' is a {_json_type(value)}, not text: written as text")
        cell["source"] = _as_text(value)
    if not isinstance(cell.get("metadata"), dict):
        notes.append("'metadata' is missing or not an object: replaced by {}")
        cell["metadata"] = {}
    if "id" in cell and not isinstance(cell["id"], str):
        notes.append("'id' is not text: removed")
        del cell["id"]
    if cell["cell_type"] == "code":
        notes += _repair_code(cell)
    else:
        attachments = cell.get("attachments")
        if attachments is not None and not _bundle_ok(attachments, nested=True):
            notes.append("'attachments' is not a map of MIME bundles: removed")
            del cell["attachments"]
    return notes


def _repair_code(cell: dict) -> list[str]:
    notes: list[str] = []
    count = cell.get("execution_count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
        notes.append(f"'execution_count' {count!r} is not a number: cleared")
        cell["execution_count"] = None
    outputs = cell.get("outputs")
    if not isinstance(outputs, list):
        notes.append("has no 'outputs' list: set to []")
        outputs = []
    kept = []
    for n, out in enumerate(outputs):
        dropped, fixed = _repair_output(out)
        notes += _about(f"output {n}", fixed)
        if dropped:
            notes.append(f"output {n} {dropped}: dropped")
        else:
            kept.append(out)
    cell["outputs"] = kept
    return notes


def _repair_output(out: object) -> tuple[str | None, list[str]]:
    """Repair one output in place: (why it must be dropped or None, what was repaired)."""
    if not isinstance(out, dict):
        return f"is a {_json_type(out)}, not an output", []
    kind = out.get("output_type")
    if kind not in OUTPUT_TYPES:
        return ("has no 'output_type'" if kind is None else f"has unknown type {kind!r}"), []
    if kind == "stream":
        return _repair_stream(out)
    if kind == "error":
        return None, _repair_error(out)
    notes: list[str] = []
    if not isinstance(out.get("metadata"), dict):
        notes.append("'metadata' is missing or not an object: replaced by {}")
        out["metadata"] = {}
    data = out.get("data")
    if not isinstance(data, dict):
        return "has no 'data' MIME bundle", notes
    if not _bundle_ok(data):
        bad = ", ".join(m for m, v in data.items() if not _is_json_mime(m) and _text(v) is None)
        notes.append(f"has data that is not text under {bad}: written as JSON text")
        out["data"] = data = _fix_bundle(data)
    notes += _drop_broken_images(data)
    count = out.get("execution_count")
    if kind == "execute_result" and (not isinstance(count, int) or isinstance(count, bool)):
        # nbformat allows null here, pandoc's reader wants a number (never shown in a post):
        # a valid notebook gets a SILENT repair, a broken one a warning.
        valid = count is None and "execution_count" in out
        notes.append(SILENT if valid else "'execution_count' is not a number: set to 0")
        out["execution_count"] = 0
    return None, notes


def _repair_stream(out: dict) -> tuple[str | None, list[str]]:
    notes: list[str] = []
    if not isinstance(out.get("name"), str):
        notes.append("stream has no 'name': set to stdout")
        out["name"] = "stdout"
    if _text(out.get("text")) is None:
        notes.append("stream 'text' is not text: written as text")
        out["text"] = _as_text(out.get("text"))
    return None, notes


def _repair_error(out: dict) -> list[str]:
    notes: list[str] = []
    for key in ("ename", "evalue"):
        if not isinstance(out.get(key), str):
            notes.append(f"error has no text '{key}': set")
            out[key] = "" if out.get(key) is None else str(out[key])
    trace = out.get("traceback")
    if not (isinstance(trace, list) and all(isinstance(t, str) for t in trace)):
        notes.append("error 'traceback' is not a list of lines: replaced")
        out["traceback"] = [_as_text(trace)] if trace is not None else []
    return notes


def _drop_broken_images(bundle: dict) -> list[str]:
    """Drop images whose data is not valid base64 when the bundle has another representation,
    so that one shows (as Jupyter shows text/plain when it has no image); a lone broken image
    is left for the images filter to report."""
    notes = []
    for mime in [m for m in bundle if is_media_mime(m)]:
        if len(bundle) > 1 and decode(mime, bundle[mime]) is None:
            del bundle[mime]
            notes.append(f"{mime} has invalid data: dropped, another representation shows")
    return notes


def _is_json_mime(mime: str) -> bool:
    return mime == "application/json" or mime.endswith("+json")


def _bundle_ok(bundle: object, nested: bool = False) -> bool:
    if not isinstance(bundle, dict):
        return False
    if nested:
        return all(_bundle_ok(b) for b in bundle.values())
    return all(_is_json_mime(m) or _text(v) is not None for m, v in bundle.items())


def _fix_bundle(bundle: dict) -> dict:
    """Text MIME types keep text; other JSON values under a non-JSON type become JSON text."""
    fixed = {}
    for mime, value in bundle.items():
        if _is_json_mime(mime) or _text(value) is not None:
            fixed[mime] = value
        elif value is not None:
            fixed[mime] = json.dumps(value, ensure_ascii=False)
    return fixed


# --- output caps ---------------------------------------------------------------------------


def cap_outputs(nb: dict, max_chars: int) -> list[str]:
    """Cut the text outputs of each cell to ``max_chars`` characters in all (0: no cap), at a
    line end, with a last line saying how much was cut; later text outputs of that cell are
    emptied (kept, so outputs keep their numbers). Rich text (HTML, LaTeX, Markdown) cannot be
    cut safely; longer than RICH_FACTOR times the cap it is dropped, so the plain-text
    representation shows instead (an interactive chart with its data inline easily holds a
    few MB of HTML)."""
    if not max_chars:
        return []
    notes: list[str] = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        fields = []  # (holder, key, text) of each text output of the cell, in order
        for n, out in enumerate(cell.get("outputs", [])):
            kind = out.get("output_type")
            if kind == "stream":
                fields.append((out, "text", _text(out.get("text")) or ""))
            elif kind == "error":
                fields.append((out, "traceback", "\n".join(out.get("traceback", []))))
            elif isinstance(out.get("data"), dict):
                rich_cap = RICH_FACTOR * max_chars
                notes += _drop_long_rich(out["data"], rich_cap, f"cell {i} output {n}")
                text = _text(out["data"].get("text/plain"))
                if text is not None:
                    fields.append((out["data"], "text/plain", text))
        total = sum(len(text) for _, _, text in fields)
        if total > max_chars:
            _cut_fields(fields, max_chars, total)
            notes.append(f"cell {i}: {total} characters of output text cut to {max_chars}")
    return notes


def _drop_long_rich(bundle: dict, max_chars: int, where: str) -> list[str]:
    notes = []
    for mime in list(bundle):
        text = _text(bundle[mime])
        if mime.startswith("text/") and mime != "text/plain" and text and len(text) > max_chars:
            del bundle[mime]
            notes.append(f"{where}: {mime} of {len(text)} characters dropped (too long)")
    return notes


def _cut_fields(fields: list[tuple[dict, str, str]], budget: int, total: int) -> None:
    """Keep ``budget`` characters of the texts in ``fields``, in order; the cut one ends with
    a note counting every character not shown, the ones after it are emptied."""
    kept = 0
    for holder, key, text in fields:
        if budget <= 0:
            value = ""
        elif len(text) <= budget:
            value, kept, budget = text, kept + len(text), budget - len(text)
        else:
            head = text[:budget]
            end = head.rfind("\n")
            if end >= 0 or kept:  # cut at a line end; mid-line only in one huge first line
                head = head[: end + 1]
            kept, budget = kept + len(head), 0
            value = head + ("" if head.endswith("\n") or not head else "\n")
            value += f"[... {total - kept} more characters not shown]\n"
        holder[key] = [value] if key == "traceback" else value


# --- nbformat ------------------------------------------------------------------------------


def _warn(path: Path, what: str, notes: list[str]) -> None:
    notes = [note for note in notes if note != SILENT]
    if not notes:
        return
    shown = "; ".join(notes[:_SHOWN])
    more = f"; and {len(notes) - _SHOWN} more" if len(notes) > _SHOWN else ""
    log.warning("%s: %s: %s%s", path, what, shown, more)


def _to_v4(path: Path, data: dict, major: int) -> dict:
    """The notebook as nbformat v4: a v4 one as it is (plain dicts; :func:`repair` checked
    every field pandoc's reader and pandockit read), a v2 or v3 one upgraded by nbformat
    (imported only then: 60 ms)."""
    if major == 4:
        return data
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # as nbformat.reads does: v3 sources are lists of lines to join
            minor = data.get("nbformat_minor", 0)
            node = nbformat.versions[major].to_notebook_json(data, minor=minor)
            node = nbformat.convert(node, 4)
    except Exception as exc:  # nbformat raises many types on malformed old notebooks
        raise PandockitError(path, f"cannot upgrade nbformat {major} notebook: {exc}") from None
    if not isinstance(node.get("cells"), list):
        raise PandockitError(path, f"cannot upgrade nbformat {major} notebook: no cells")
    return node
