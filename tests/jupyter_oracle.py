"""Test support: the Jupyter oracle, JupyterLab's rendering of a notebook set against the page
Jekyll built from pandockit's post, as two sequences of comparable items.

The Jupyter side runs in node (``tests/oracle``: marked at JupyterLab 4's version and options,
JupyterLab's math masking, its MIME ranks), on what this module hands it: the cells a blog
reader is meant to see, worked out from the notebook's own flags and tags (the conventions of
docs/posts.md's table, written again here: pandockit's visibility filter is under test, so it is not
used). The page side is read from the built HTML by the same node code. Both sides are lists
of items (``tests/oracle/items.mjs``); this module aligns them (difflib) and reports each
difference with the notebook cell it is at.

The two sides are compared after these normalisations, each for the reason given:

- text runs have their white space collapsed (HTML shows it so); code blocks lose blank lines
  before and white space after them (a Markdown code block cannot start with a blank line);
- a ``text/latex`` output that is one formula is a display formula, whatever its delimiters
  (alone in its output box it shows as one; the post writes it as display math);
- what becomes front matter leaves the first cell (a YAML block; fastpages' ``> summary`` and
  ``- key: value`` lines, its title unquoted as YAML reads it), as those conventions intend;
- an image's identity is the SHA-1 of its bytes wherever the bytes can be had (data URIs,
  attachments, the notebook's files, the site's files), else its URL;
- the page's post title (the layout's ``<h1>``) is kept only where it stands for the notebook's
  own first heading: a title from metadata or the file name is no text of the notebook.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import nbformat
import yaml

ORACLE = Path(__file__).resolve().parent / "oracle"
ROOT = ORACLE.parent.parent

# -- the notebook's own flags: what a blog reader is meant to see ------------------------------

#: fastpages / nbdev v1 comment flags on a line of their own, and what they hide.
FLAG_WORDS = {
    "hide": "cell",
    "hide-input": "input",
    "hide-output": "output",
    # toggles: the content stays on the page, behind a <details>
    "collapse": None,
    "collapse-hide": None,
    "collapse-input": None,
    "collapse-show": None,
    "collapse-output": None,
}
TAG_EFFECTS = {
    "remove-cell": "cell",
    "remove_cell": "cell",
    "remove-input": "input",
    "remove_input": "input",
    "remove-output": "output",
    "remove_output": "output",
    "remove-stderr": "stderr",
}
_FLAG = re.compile(r"^[ \t]*#[ \t]*([A-Za-z][A-Za-z_-]*)[ \t]*$")
_OPTION = re.compile(r"^[ \t]*(?:#|//|--|%%)\|(.*)$")
_MD_FLAG = re.compile(r"^\s*<!--\s*#\s*hide\s*-->\s*$", re.M | re.I)
#: Raw cells a post shows (as nbconvert's Markdown and HTML exporters do); None: no format.
RAW_SHOWN = {None: "markdown", "markdown": "markdown", "html": "html"}
_RAW_NAMES = {"text/markdown": "markdown", "text/html": "html", "text/x-markdown": "markdown"}


def _flag_word(word: str) -> str | None:
    return word.lower().replace("_", "-")


def code_flags(source: str) -> tuple[str, set[str]]:
    """A code cell's source without its flag and ``#|`` option lines, and what they ask for
    (``cell``, ``input``, ``output``, ``stderr`` hidden; ``asis``: text outputs are Markdown)."""
    lines = source.split("\n")
    hidden: set[str] = set()
    options = []
    while lines and _OPTION.match(lines[0]):
        options.append(_OPTION.match(lines[0]).group(1))
        lines.pop(0)
    for line in options:
        body = line.strip()
        if ":" not in body:
            if FLAG_WORDS.get(_flag_word(body)):
                hidden.add(FLAG_WORDS[_flag_word(body)])
            continue
        key, _, value = body.partition(":")
        value = value.strip().lower()
        if key.strip() == "output" and value == "asis":
            hidden.add("asis")
        if value == "false":
            hidden |= {"include": {"cell"}, "echo": {"input"}, "output": {"output"},
                       "warning": {"stderr"}}.get(key.strip(), set())
    kept = []
    for line in lines:
        m = _FLAG.match(line)
        word = _flag_word(m.group(1)) if m else None
        if word in FLAG_WORDS:
            if FLAG_WORDS[word]:
                hidden.add(FLAG_WORDS[word])
        else:
            kept.append(line)
    return "\n".join(kept), hidden


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _tags(cell: dict) -> set[str]:
    tags = cell.get("metadata", {}).get("tags") or []
    return {t for t in tags if isinstance(t, str)}


def _raw_format(cell: dict) -> str | None:
    meta = cell.get("metadata", {})
    fmt = meta.get("format") or meta.get("raw_mimetype")
    return _RAW_NAMES.get(fmt, fmt) if fmt else None


_YAML_BLOCK = re.compile(r"\A(\s*#[^\n]*\n+)?\s*---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.S)
_FASTPAGES = re.compile(
    r"\A\s*#\s+([^\n]*)\n\s*>[^\n]*(?:\n|\Z)((?:[ \t]*\n|[ \t]*-\s+[^\n]*?:[^\n]*(?:\n|\Z))*)"
)


def strip_front_matter(source: str) -> str:
    """The first cell's text without what becomes front matter: a YAML block opening it (or
    after a ``# Heading`` line), or fastpages' ``> summary`` and ``- key: value`` lines."""
    m = _YAML_BLOCK.match(source)
    if m:
        return (m.group(1) or "") + source[m.end() :]
    m = _FASTPAGES.match(source)
    if m:  # fastpages writes the title into YAML as typed: quotes are YAML's
        title = m.group(1).strip()
        if title and title[0] in "'\"":
            try:
                title = str(yaml.safe_load(title))
            except yaml.YAMLError:
                pass
        return f"# {title}\n\n" + source[m.end() :]
    return source


def read(path: Path) -> dict:
    """The notebook at ``path`` as nbformat v4 (older ones upgraded by nbformat), as plain data."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    if data.get("nbformat", 4) < 4:
        data = json.loads(json.dumps(nbformat.reads(text, as_version=4)))
    return data


def shown_cells(notebook: dict) -> list[dict]:
    """The cells of ``notebook`` a blog reader is meant to see, as the node side takes them."""
    cells = []
    first_text = True
    for index, cell in enumerate(notebook.get("cells", [])):
        kind = cell.get("cell_type")
        source = _source(cell)
        tags = _tags(cell)
        hidden = {TAG_EFFECTS[t] for t in tags if t in TAG_EFFECTS}
        entry: dict = {"index": index, "type": kind}
        if kind == "code":
            source, flagged = code_flags(source)
            hidden |= flagged
            outputs = [] if "output" in hidden else cell.get("outputs", [])
            if "stderr" in hidden:
                outputs = [o for o in outputs if o.get("name") != "stderr"]
            entry.update(source=source, input="input" not in hidden, outputs=outputs,
                         asis="asis" in hidden)
        elif kind in ("markdown", "raw"):
            if _MD_FLAG.search(source) and kind == "markdown":
                continue
            fmt = _raw_format(cell) if kind == "raw" else "markdown"
            if kind == "raw" and fmt not in RAW_SHOWN:
                continue
            if first_text:
                source = strip_front_matter(source)
                first_text = False
            entry.update(source=source, format=RAW_SHOWN.get(fmt, fmt),
                         attachments=cell.get("attachments") or {})
        else:
            continue
        if "cell" in hidden:
            continue
        cells.append(entry)
    return cells


def saved_widgets(notebook: dict) -> list[str]:
    """Model ids of the widget state saved in the notebook (views that can be drawn)."""
    state = notebook.get("metadata", {}).get("widgets", {})
    state = state.get("application/vnd.jupyter.widget-state+json", {}) if state else {}
    return sorted((state or {}).get("state", {}) or {})


# -- the node side --------------------------------------------------------------------------------


def node_ready() -> bool:
    """Whether node and the oracle's packages (``npm ci`` in tests/oracle) are installed."""
    packages = all((ORACLE / "node_modules" / name).is_dir() for name in ("marked", "parse5"))
    return packages and shutil.which("node") is not None


def run_node(notebooks: list[dict]) -> dict[str, dict]:
    """One node process over every notebook of the request; the answers by key."""
    proc = subprocess.run(
        ["node", str(ORACLE / "oracle.mjs")],
        input=json.dumps({"notebooks": notebooks}).encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(f"the oracle's node side failed:\n{proc.stderr.decode()}")
    return {nb["key"]: nb for nb in json.loads(proc.stdout)["notebooks"]}


# -- items ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    kind: str
    value: tuple
    cell: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.kind}: {' '.join(str(v) for v in self.value)}"


def _sha1_file(path: Path) -> str | None:
    try:
        return "sha1:" + hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _file_src(src: str, folder: Path) -> str:
    """A local image path (relative to ``folder``) as its bytes' digest, if it is a file."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I) or src.startswith("//") or not src:
        return src
    path = folder / unquote(src.split("#")[0].split("?")[0])
    return _sha1_file(path) or src


def jupyter_items(raw: Iterable[list], folder: Path) -> list[Item]:
    items = []
    for cell, kind, *value in raw:
        if kind in ("img", "media"):
            value = [_media(kind, value[0], lambda s: _file_src(s, folder))]
        items.append(Item(kind, tuple(value), cell))
    return items


def _media(kind: str, value: str, resolve) -> str:
    if kind == "img":
        return resolve(value)
    tag, _, src = value.partition(" ")
    return f"{tag} {resolve(src)}".strip()


def page_items(raw: Iterable[list], site_url_path) -> list[Item]:
    def resolve(src: str) -> str:
        if src.startswith(("sha1:", "http:", "https:", "data:")) or not src:
            return src
        return _sha1_file(site_url_path(html.unescape(src))) or src

    items = []
    for kind, *value in raw:
        if kind in ("img", "media"):
            value = [_media(kind, value[0], resolve)]
        items.append(Item(kind, tuple(value)))
    return items


# -- alignment -----------------------------------------------------------------------------------


@dataclass
class Difference:
    notebook: str  # path relative to the repository (corpus/... for a corpus notebook)
    cell: int  # the notebook cell it is at (nearest Jupyter item for page-only items)
    op: str  # missing (in Jupyter, not on the page), extra (on the page only), changed
    jupyter: list[Item]
    page: list[Item]

    def summary(self, width: int = 100) -> dict:
        """The difference as an entry of the accepted list (``accepted.yml``)."""

        def short(items: list[Item]) -> str:
            text = str(items[0]) if items else ""
            text = text if len(text) <= width else text[: width - 1] + "\u2026"
            return text + (f" (+{len(items) - 1} more)" if len(items) > 1 else "")

        entry = {"notebook": self.notebook, "cell": self.cell, "op": self.op}
        if self.jupyter:
            entry["jupyter"] = short(self.jupyter)
        if self.page:
            entry["page"] = short(self.page)
        return entry

    def __str__(self) -> str:
        lines = [f"{self.notebook} cell {self.cell}: {self.op}"]
        if len(self.jupyter) == len(self.page) == 1 and self.jupyter[0].kind == "code":
            ours, theirs = str(self.jupyter[0]).split("\n"), str(self.page[0]).split("\n")
            diff = difflib.unified_diff(ours, theirs, "jupyter", "page", n=1, lineterm="")
            return "\n".join(lines + [f"  {line}"[:400] for line in diff])
        lines += [f"  - jupyter {item}"[:400] for item in self.jupyter]
        lines += [f"  + page    {item}"[:400] for item in self.page]
        return "\n".join(lines)


def drop_foreign_title(jupyter: list[Item], page: list[Item]) -> list[Item]:
    """The page's items without the layout's title unless the notebook shows it first."""
    if page and page[0].kind == "text" and not (jupyter and jupyter[0] == page[0]):
        return page[1:]
    return page


def align(name: str, jupyter: list[Item], page: list[Item]) -> list[Difference]:
    """The differences between the two sequences, one per stretch that does not match."""
    page = drop_foreign_title(jupyter, page)
    matcher = difflib.SequenceMatcher(None, jupyter, page, autojunk=False)
    found = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        near = jupyter[i1] if i1 < len(jupyter) else jupyter[-1] if jupyter else None
        cell = near.cell if near is not None else -1
        kind = {"delete": "missing", "insert": "extra", "replace": "changed"}[op]
        found.append(Difference(name, cell, kind, jupyter[i1:i2], page[j1:j2]))
    return found


# -- the accepted list ---------------------------------------------------------------------------

ACCEPTED = ORACLE / "accepted.yml"


def load_accepted(path: Path = ACCEPTED) -> list[dict]:
    """Every entry of the accepted list, pending ones carrying their ``class``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = []
    for entry in data.get("accepted") or []:
        entries.append({**entry, "list": "accepted"})
    for entry in data.get("pending") or []:
        entries.append({**entry, "list": "pending"})
    return entries


KEYS = ("notebook", "cell", "op", "jupyter", "page")


def matches(entry: dict, diff: Difference) -> bool:
    summary = diff.summary()
    return all(entry.get(k) == summary.get(k) for k in KEYS)
