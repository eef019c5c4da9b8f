"""Read a notebook file: check it is a notebook, upgrade old formats, report problems on one line.

This is the only place that parses ``.ipynb`` JSON. It returns both the upgraded nbformat v4
node (for image bytes and checks) and the bytes pandoc should read: the file as written when it
is already v4 (so ``pandoc NB.ipynb --filter pandockit-jekyll`` and the CLI read the same input),
the upgraded JSON otherwise (pandoc's reader does not read v2).
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

from pandockit.errors import PandockitError

log = logging.getLogger("pandockit")

#: nbformat major versions nbformat can upgrade to v4.
SUPPORTED_MAJOR = (2, 3, 4)


@dataclass(frozen=True)
class Notebook:
    """A notebook read from disk."""

    path: Path
    node: dict  # nbformat v4 NotebookNode
    pandoc_input: bytes  # what pandoc's ipynb reader is given


def read_notebook(path: str | Path) -> Notebook:
    """Read, check and upgrade the notebook at ``path``; raise PandockitError on bad input."""
    path = Path(path)
    raw = _read_bytes(path)
    data = _parse_json(path, raw)
    major = _check_shape(path, data)
    node = _to_v4(path, data, major)
    repaired = _repair_for_pandoc(node)
    if major == 4 and not repaired:
        pandoc_input = raw  # byte for byte what `pandoc NB.ipynb` reads
    else:
        pandoc_input = json.dumps(node, ensure_ascii=False).encode("utf-8")
    return Notebook(path=path, node=node, pandoc_input=pandoc_input)


def _repair_for_pandoc(node: dict) -> bool:
    """Fix what nbformat tolerates but pandoc's ipynb reader rejects; True if anything changed.

    pandoc requires an integer ``execution_count`` on ``execute_result`` outputs; notebooks
    saved by tools that never ran the cell (nbdev, test fixtures) have ``null``. Such an
    output is shown the same as a ``display_data``, which has no count, so it becomes one.
    """
    changed = False
    for cell in node.get("cells", []):
        for out in cell.get("outputs", []) or []:
            if not isinstance(out, dict) or out.get("output_type") != "execute_result":
                continue
            count = out.get("execution_count")
            if not isinstance(count, int) or isinstance(count, bool):
                out["output_type"] = "display_data"
                out.pop("execution_count", None)
                changed = True
    return changed


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


def _parse_json(path: Path, raw: bytes) -> object:
    if not raw.strip():
        raise PandockitError(path, "file is empty, not a notebook")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PandockitError(path, f"not UTF-8 text (byte {exc.start}): not a notebook") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise PandockitError(path, "JSON is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise PandockitError(
            path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _check_shape(path: Path, data: object) -> int:
    if not isinstance(data, dict):
        raise PandockitError(path, f"JSON is a {type(data).__name__}, not a notebook object")
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


def _to_v4(path: Path, data: dict, major: int) -> dict:
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if major < 4:  # reads() also joins the line lists of old formats before upgrading
                node = nbformat.reads(json.dumps(data), as_version=4)
            else:
                node = nbformat.from_dict(data)
    except Exception as exc:  # nbformat raises many types on malformed old notebooks
        raise PandockitError(path, f"cannot upgrade nbformat {major} notebook: {exc}") from None
    _validate(path, node)
    return node


def _validate(path: Path, node: dict) -> None:
    """Warn (never fail) when the notebook breaks the nbformat schema."""
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(node, repair_duplicate_cell_ids=False, strip_invalid_metadata=False)
    except nbformat.ValidationError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "schema error"
        log.warning("%s: notebook does not follow the nbformat schema (%s)", path, first)
    except Exception:  # a validator crash on odd input is not the user's problem
        log.debug("%s: nbformat validation could not run", path)
