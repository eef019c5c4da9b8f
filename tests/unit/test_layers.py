"""pandockit's imports point one way: down its layers, with no cycle, counting every import
(those inside functions and under ``TYPE_CHECKING`` too), read from the source with ``ast``."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "pandockit"

#: Bottom to top. A module may import modules of its own layer or of layers below it. A module
#: (or package: its name covers its submodules) missing here fails the test: place it.
LAYERS: list[tuple[str, list[str]]] = [
    ("keys, errors and logs", [
        "pandockit", "pandockit.startup", "pandockit.keys", "pandockit.errors", "pandockit.logs"]),
    ("notebook, config and document helpers", [
        "pandockit.notebook", "pandockit.config", "pandockit.yamltext", "pandockit.post_names",
        "pandockit.source_dates", "pandockit.mimedata", "pandockit.tree", "pandockit.htmlpolicy",
        "pandockit.terminal", "pandockit.interactive", "pandockit.pandoc",
        "pandockit.formula_scan", "pandockit.commonmark_html", "pandockit.htmltree",
        "pandockit.page_needs", "pandockit.formula_text", "pandockit.jekyll_theme",
        "pandockit.fastpages", "pandockit.svgpolicy", "pandockit.markdown_output",
        "pandockit.libraries", "pandockit.inputs", "pandockit.image_stand_ins",
        "pandockit.safe_write",
    ]),
    ("the job", ["pandockit.job"]),
    ("media, liquid and the front matter's sources", [
        "pandockit.media", "pandockit.liquid", "pandockit.front_matter_sources"]),
    ("what the plan gathers", ["pandockit.site_facts", "pandockit.post_urls",
                               "pandockit.rereads", "pandockit.gather"]),
    ("the plan", ["pandockit.plan"]),
    ("the filters", ["pandockit.filters"]),
    ("the pipeline", ["pandockit.pipeline"]),
    ("render", ["pandockit.render", "pandockit.writer"]),
    ("convert", [
        "pandockit.convert", "pandockit.filter_route", "pandockit.jekyll_filter",
        "pandockit.convert_run",
    ]),
    ("the site (pandockit init; build's MathJax check; self-hosted libraries)", [
        "pandockit.site", "pandockit.selfhost"]),
    ("build", [
        "pandockit.builder", "pandockit.builder.discover", "pandockit.builder.workers",
        "pandockit.builder.report", "pandockit.builder.run", "pandockit.manifest", "pandockit.lock",
        "pandockit.watch",
    ]),
    ("the CLI", ["pandockit.cli", "pandockit.entry", "pandockit.__main__"]),
]

#: Modules whose imports inside functions are all there for start-up time, as their docstring
#: or comments say; anywhere else each such import needs a comment (its line or the one above).
LAZY_BY_DESIGN = {
    "pandockit.cli": "each command imports only what it runs (``--help`` imports nothing)",
}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = modules()


def imports(name: str, path: Path) -> list[tuple[str, int, bool]]:
    """(pandockit module imported, line, inside a function) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                           for a in child.names]
            for target in targets:
                while target and target not in MODULES:  # ``import pandockit.x.y`` -> known part
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.append((target, child.lineno, in_function))
            visit(child, inside)

    visit(tree, False)
    return found


GRAPH = {name: imports(name, path) for name, path in MODULES.items()}


def layer_of(module: str) -> int:
    best, level = "", -1
    for i, (_, names) in enumerate(LAYERS):
        for prefix in names:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, level = prefix, i
    return level


def test_every_module_has_a_layer() -> None:
    assert [m for m in MODULES if layer_of(m) < 0] == []


def test_imports_point_down() -> None:
    upward = [
        f"{name} ({LAYERS[layer_of(name)][0]}) imports {target} ({LAYERS[layer_of(target)][0]}),"
        f" line {line}"
        for name, edges in GRAPH.items()
        for target, line, _ in edges
        if layer_of(target) > layer_of(name)
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    """Tarjan's strongly connected components: any with two modules or more is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target, _, _ in GRAPH[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            connect(node)
    assert cycles == []


def test_lazy_imports_say_why() -> None:
    """An import inside a function hides an edge from a reader: it is there for start-up time
    only, and says so in a comment (except in the modules of LAZY_BY_DESIGN)."""
    silent = []
    for name, edges in GRAPH.items():
        if name in LAZY_BY_DESIGN:
            continue
        lines = MODULES[name].read_text(encoding="utf-8").splitlines()
        for target, line, in_function in edges:
            if in_function and "#" not in lines[line - 1] and "#" not in lines[line - 2]:
                silent.append(f"{name}:{line} imports {target}")
    assert silent == []


def test_the_checks_see_function_imports() -> None:
    """The walk counts an import inside a function (the kind that hid the old cycle)."""
    lazy = [(n, t) for n, edges in GRAPH.items() for t, _, inside in edges if inside]
    assert ("pandockit.cli", "pandockit.convert_run") in lazy
    assert ("pandockit.plan", "pandockit.media") in [(n, t) for n, e in GRAPH.items()
                                                     for t, _, _ in e]


# --- filters do no I/O ------------------------------------------------------------------------

#: pandockit modules that read or write files, run pandoc, git or another process, or reach the
#: network. A filter imports none of them: it computes on the document and what was handed in
#: (:mod:`pandockit.gather`, before the pipeline: :func:`pandockit.job.inputs_of`); the writer
#: writes. The layers above the filters (convert, build, the CLI) are I/O too, and already out
#: of a filter's reach (test_imports_point_down).
IO_MODULES = {
    "pandockit.prepare": "reads the notebook, _config.yml and local images; runs pandoc, git",
    "pandockit.gather": "runs pandoc (the jupyter-math re-reads, Markdown outputs' HTML)",
    "pandockit.rereads": "runs pandoc",
    "pandockit.markdown_output": "runs pandoc",
    "pandockit.pandoc": "runs pandoc",
    "pandockit.notebook": "reads notebook files (a filter's cells: pandockit.inputs)",
    "pandockit.source_dates": "asks git and the file system for a notebook's day",
    "pandockit.site_facts": "reads the site's files and git",
    "pandockit.jekyll_theme": "reads the site's and its theme's files",
    "pandockit.writer": "writes posts and images",
    "pandockit.safe_write": "writes files of the site, removes temp files",
    "pandockit.selfhost": "fetches and copies libraries",
    "pandockit.post_urls": "reads the notebooks a notebook links to",
}

#: Modules a filter may take some names from, but not these (which do I/O). Importing such a
#: module whole (``from pandockit import media``) would reach them: it counts as importing them.
IO_NAMES = {
    "pandockit.config": {"read_site_config", "resolve_options", "post_site"},
    "pandockit.media": {"check_local", "check_local_images", "confinement_root",
                        "notebook_folder", "resolve"},
    "pathlib": {"Path", "PosixPath", "WindowsPath"},  # the Pure* paths do no I/O
}

#: Standard library and third-party modules that do I/O (a prefix covers its submodules:
#: ``os`` is ``os.path`` too, whose ``exists`` and ``realpath`` touch the disk). ``io`` is
#: files and the buffers pandoc's output is parsed from, which a filter never sees;
#: ``importlib`` can import anything by name.
IO_LIBRARIES = (
    "os", "subprocess", "shutil", "tempfile", "glob", "fcntl", "io", "socket", "ssl",
    "select", "selectors", "http", "urllib.request", "ftplib", "smtplib", "multiprocessing",
    "concurrent", "asyncio", "threading", "sqlite3", "importlib", "webbrowser", "pypandoc",
    "nbformat", "requests", "urllib3",
)

#: Built-in functions a filter does not call: file I/O, and imports the rule could not see.
IO_BUILTINS = ("open", "__import__", "exec", "eval")


def _io(module: str) -> bool:
    return module in IO_MODULES or any(
        module == lib or module.startswith(lib + ".") for lib in IO_LIBRARIES)


def io_target(module: str, name: str | None) -> str | None:
    """The I/O that importing ``name`` from ``module`` (None: the module itself) reaches, or
    None: the I/O module (``os.path``, ``pandockit.pandoc``) or function
    (``pandockit.config.resolve_options``)."""
    full = f"{module}.{name}" if name else module
    for candidate in (full, module):
        if _io(candidate):
            return candidate
    if module in IO_NAMES and (name is None or name in IO_NAMES[module]):
        return full
    return full if full in IO_NAMES else None  # ``from pandockit import media``: all of it


def io_imports(name: str, source: str) -> list[tuple[str, int]]:
    """(what, line) for every import of I/O in a module's ``source`` (anywhere: in functions,
    under ``TYPE_CHECKING``) and every call of an I/O built-in."""
    package = name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        pairs: list[tuple[str, str | None]] = []
        if isinstance(node, ast.Import):
            pairs = [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            pairs = [(base, alias.name) for alias in node.names]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in IO_BUILTINS):
            found.append((f"builtins.{node.func.id}", node.lineno))
        for module, item in pairs:
            target = io_target(module, item)
            if target is not None:
                found.append((target, node.lineno))
    return found


def filter_io() -> dict[tuple[str, str], int]:
    return {
        (name, what): line
        for name, path in MODULES.items() if name.startswith("pandockit.filters.")
        for what, line in io_imports(name, path.read_text(encoding="utf-8"))
    }


def test_filters_do_no_io() -> None:
    """No module under pandockit/filters/ imports an I/O module (IO_MODULES, IO_LIBRARIES) or
    an I/O function (IO_NAMES), or calls an I/O built-in: what a filter needs from outside is
    gathered before the pipeline and handed in (pandockit.gather, pandockit.job.inputs_of)."""
    found = [f"{name}:{line} imports {what}" for (name, what), line in filter_io().items()]
    assert found == []


def test_the_io_rule_sees_hidden_imports() -> None:
    """The rule sees an import in a function or under TYPE_CHECKING, a relative import, a
    whole module that holds I/O functions, and a call of open()."""
    source = "\n".join([
        "from typing import TYPE_CHECKING",
        "from pandockit.media import classify",  # pure: allowed
        "from pandockit.config import get_option",  # pure: allowed
        "from pathlib import PurePosixPath",  # pure: allowed
        "if TYPE_CHECKING:",
        "    from pandockit.notebook import Notebook",
        "def f():",
        "    import subprocess",
        "    from os import path",
        "    from ..pandoc import run_pandoc",
        "    from pandockit import media",
        "    from urllib import request",
        "    from pandockit.config import resolve_options",
        "    return open('x')",
    ])
    found = [what for what, _ in io_imports("pandockit.filters.x", source)]
    assert found == [
        "pandockit.notebook", "subprocess", "os.path", "pandockit.pandoc",
        "pandockit.media", "urllib.request", "pandockit.config.resolve_options",
        "builtins.open",
    ]


#: How a filter could reach the notebook object (the names the former ``context`` module had),
#: ``notebook_cell``, ``doc.pandockit_notebook``, a job's ``.notebook``.
NOTEBOOK_ACCESS = ("notebook_of", "notebook_cell", "pandockit_notebook", "notebook")


def test_filters_read_the_notebook_as_handed_in() -> None:
    """A filter reads the notebook's cells from what was handed in (pandockit.inputs, through
    ``job.inputs_of``), never the notebook object itself (NOTEBOOK_ACCESS)."""
    readers = set()
    for name, path in MODULES.items():
        if not name.startswith("pandockit.filters."):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Name) and node.id in NOTEBOOK_ACCESS[:2]) or (
                    isinstance(node, ast.Attribute) and node.attr in NOTEBOOK_ACCESS) or (
                    isinstance(node, ast.alias) and node.name in NOTEBOOK_ACCESS):
                readers.add(name)
    assert sorted(readers) == []
