"""pandockit's imports point one way: down its layers, with no cycle, counting every import
(those inside functions and under ``TYPE_CHECKING`` too), read from the source with ``ast``."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pandockit"

#: Bottom to top. A module may import modules of its own layer or of layers below it. A module
#: (or package: its name covers its submodules) missing here fails the test: place it.
LAYERS: list[tuple[str, list[str]]] = [
    ("keys, errors and logs", [
        "pandockit", "pandockit.keys", "pandockit.errors", "pandockit.logs"]),
    ("notebook, config and document helpers", [
        "pandockit.notebook", "pandockit.config", "pandockit.yamltext", "pandockit.post_names",
        "pandockit.source_dates", "pandockit.mimedata", "pandockit.tree", "pandockit.htmlpolicy",
        "pandockit.terminal", "pandockit.interactive", "pandockit.pandoc",
        "pandockit.formula_scan", "pandockit.commonmark_html", "pandockit.htmltree",
        "pandockit.page_needs", "pandockit.formula_text", "pandockit.jekyll_theme",
        "pandockit.fastpages", "pandockit.svgpolicy", "pandockit.markdown_output",
        "pandockit.libraries",
    ]),
    ("context", ["pandockit.context"]),
    ("media and liquid", ["pandockit.media", "pandockit.liquid"]),
    ("preparation", ["pandockit.prepare", "pandockit.site_facts"]),
    ("the filters", ["pandockit.filters"]),
    ("the pipeline", ["pandockit.pipeline"]),
    ("render", ["pandockit.render", "pandockit.writer"]),
    ("convert", [
        "pandockit.convert", "pandockit.jekyll_filter", "pandockit.post_urls",
        "pandockit.convert_run",
    ]),
    ("the site (pandockit init; build's MathJax check; self-hosted libraries)", [
        "pandockit.site", "pandockit.selfhost"]),
    ("build", [
        "pandockit.builder", "pandockit.builder.discover", "pandockit.builder.workers",
        "pandockit.builder.report", "pandockit.builder.run", "pandockit.manifest", "pandockit.lock",
        "pandockit.watch",
    ]),
    ("the CLI", ["pandockit.cli", "pandockit.__main__"]),
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
    assert ("pandockit.prepare", "pandockit.media") in [(n, t) for n, e in GRAPH.items()
                                                        for t, _, _ in e]
