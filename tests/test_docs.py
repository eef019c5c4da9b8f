"""The docs say only what exists: every command in README.md and docs/*.md is checked to exist.

Each shell line of a fenced block (and each inline ``pandockit ...`` or ``pandoc ...`` span) is
checked against what runs it: ``pandockit`` against the CLI's own parser (subcommand, every
option, every choice), ``make`` against the Makefile's targets (or, after ``pandockit makefile
> pandockit.mk``, the rules pandockit ships), ``pandoc`` against pyproject's console scripts,
the reader string pandockit uses and the metadata keys it reads, ``jekyll`` against Jekyll's
commands, ``pip install`` against the project folder. Anything else must be in ``ALLOWED``,
with the reason. Every relative link points to a file, and every anchor to a heading. The
pages that list what the code defines (the configuration keys, the pass order, the module map)
list exactly that.
"""

from __future__ import annotations

import argparse
import functools
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pandockit.cli import build_parser
from pandockit.config import CLI_ONLY, DEFAULTS, JEKYLL_KEYS
from pandockit.pipeline import FORMER_NAMES, PIPELINE

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: Fenced blocks with these info strings hold shell lines (``text``, ``yaml``, ``mermaid``: not).
SHELL_INFO = {"", "sh", "bash", "shell", "console"}

#: Commands the docs may show that nothing here can check, each with the reason.
ALLOWED = {
    "cd": "a shell builtin (the quick start's `cd blog`)",
    "printf": "the shell's printf, appending an include line to the user's Makefile",
    "git": "git's own commands, run in the user's blog repository (fastpages, publishing)",
    "python": "`python -m build` and `python -m twine` of the release steps (publishing.md; "
    "tests/test_release.py runs both)",
}

#: Whole lines that the checks below would refuse, each with the reason.
ALLOWED_LINES = {
    "pandockit pandoc -f ipynb -t gfm": "the benchmark's bare pandoc (bench/run.py), not "
    "pandockit's reader",
}

#: Jekyll's commands the docs use (``jekyll new|build|serve``, Jekyll 4's CLI).
JEKYLL_COMMANDS = {"new", "build", "serve"}

#: Makefile variables whose value is options of a script: the options must exist there.
VARIABLE_SCRIPTS = {"BENCH_ARGS": ROOT / "bench" / "run.py"}


@dataclass(frozen=True)
class Line:
    """A command line of a page: where it is, its text, the text of its whole block."""

    page: Path
    lineno: int
    text: str
    block: str

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.lineno}: {self.text}"


def fenced_blocks(text: str) -> Iterator[tuple[str, int, list[str]]]:
    """Each fenced code block of ``text``: its info string, first line number, lines."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^(`{3,}|~{3,})\s*([^`\s]*)", lines[i])
        if not m:
            i += 1
            continue
        fence, info, start = m.group(1), m.group(2), i + 1
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1
        yield info, start + 1, body


def without_fences(text: str) -> str:
    """``text`` with its fenced blocks blanked (line numbers kept)."""
    out, fence = [], None
    for line in text.splitlines():
        m = re.match(r"^(`{3,}|~{3,})", line)
        if fence is None and m:
            fence = m.group(1)
            out.append("")
        elif fence is not None:
            out.append("")
            if line.startswith(fence):
                fence = None
        else:
            out.append(line)
    return "\n".join(out)


CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def shell_lines(page: Path) -> list[Line]:
    """The shell lines of ``page``'s fenced blocks (continuations joined), and its inline
    ``pandockit ...`` and ``pandoc ...`` spans."""
    text = page.read_text(encoding="utf-8")
    found = []
    for info, first, body in fenced_blocks(text):
        if info not in SHELL_INFO:
            continue
        block = "\n".join(body)
        joined, start = "", None
        for n, raw in enumerate(body):
            start = first + n if start is None else start
            if raw.rstrip().endswith("\\"):
                joined += raw.rstrip()[:-1] + " "
                continue
            joined += raw
            if joined.strip():
                found.append(Line(page, start, joined.strip(), block))
            joined, start = "", None
    prose = without_fences(text)
    for m in CODE_SPAN.finditer(prose):
        span = m.group(2).strip()
        if re.match(r"(pandockit|pandoc) ", span):
            lineno = prose.count("\n", 0, m.start()) + 1
            found.append(Line(page, lineno, span, ""))
    return found


ALL_LINES = [line for page in PAGES for line in shell_lines(page)]


def commands(text: str) -> list[list[str]]:
    """The simple commands of a shell line: split at ``&&``, ``||``, ``;`` and ``|``, comments
    and redirections (with their target) left out."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    out: list[list[str]] = [[]]
    skip_next = False
    for token in lexer:
        if skip_next:
            skip_next = False
        elif token in {"&&", "||", ";", "|", "&"}:
            out.append([])
        elif token in {">", ">>", "<", "2>", "2>&1"}:
            skip_next = True
        else:
            out[-1].append(token)
    return [argv for argv in out if argv]


def is_placeholder(word: str) -> bool:
    """A placeholder the reader fills in: ``NOTEBOOK``, ``DIR``, ``N``, ``COMMAND``, ``...``."""
    return word == "..." or bool(re.fullmatch(r"[A-Z][A-Z_]*(\.\.\.)?", word))


# -- pandockit ---------------------------------------------------------------------------------


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _option_actions(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {s: a for a in parser._actions for s in a.option_strings}


def check_pandockit(argv: list[str]) -> list[str]:
    parser = build_parser()
    words = argv[1:]
    if not words or words[0].startswith("-"):
        known = _option_actions(parser)
        return [f"no pandockit option {w}" for w in words if w.startswith("-") and w not in known]
    name, rest = words[0], words[1:]
    if is_placeholder(name):
        return []
    if name == "pandoc":  # the bundled pandoc: every argument is pandoc's
        return check_pandoc(argv[1:])
    subs = _subparsers(parser)
    if name not in subs:
        return [f"no pandockit command {name!r} (commands: {', '.join(subs)})"]
    known = _option_actions(subs[name])
    problems = []
    for i, word in enumerate(rest):
        if not word.startswith("-") or word == "-":
            continue
        option, _, inline = word.partition("=")
        if option not in known and option[:2] in known and not option.startswith("--"):
            option, inline = option[:2], option[2:]  # -j4
        action = known.get(option)
        if action is None:
            problems.append(f"pandockit {name} has no option {option}")
            continue
        value = inline or (rest[i + 1] if i + 1 < len(rest) and action.nargs != 0 else "")
        if action.choices and value and not is_placeholder(value) and value not in action.choices:
            problems.append(f"pandockit {name} {option}: {value!r} not in {list(action.choices)}")
    return problems


# -- make --------------------------------------------------------------------------------------


@functools.cache
def make_targets(makefile: Path) -> set[str]:
    """The explicit targets of ``makefile`` (rules and .PHONY; pattern and variable targets
    left out)."""
    targets: set[str] = set()
    for line in makefile.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([^\s#=:][^=:]*?)\s*::?(?!=)\s*(.*)$", line)
        if not m:
            continue
        names = m.group(1).split()
        if names == [".PHONY"]:
            targets.update(m.group(2).split())
        else:
            targets.update(n for n in names if "$" not in n and "%" not in n)
    return targets


def check_make(argv: list[str], block: str) -> list[str]:
    site_rules = "pandockit makefile" in block  # a site's Makefile, with pandockit.mk included
    makefile = ROOT / "pandockit" / "data" / "pandockit.mk" if site_rules else ROOT / "Makefile"
    text = makefile.read_text(encoding="utf-8")
    targets = make_targets(makefile)
    problems = []
    for word in argv[1:]:
        if word.startswith("-"):
            continue  # make's own options (-j4, -n)
        if "=" in word:
            var, _, value = word.partition("=")
            if f"$({var})" not in text:
                problems.append(f"{makefile.name} does not use {var}")
            script = VARIABLE_SCRIPTS.get(var)
            for option in shlex.split(value) if script else []:
                if option.startswith("-") and f'"{option}"' not in script.read_text():
                    problems.append(f"{script.relative_to(ROOT)} has no option {option}")
            continue
        if word not in targets:
            problems.append(f"{makefile.relative_to(ROOT)} has no target {word!r}")
    return problems


# -- pandoc ------------------------------------------------------------------------------------


@functools.cache
def console_scripts() -> dict[str, str]:
    """pyproject.toml's ``[project.scripts]``: name -> ``module:function``."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = re.search(r"^\[project\.scripts\]\n(.*?)(?=^\[|\Z)", text, re.S | re.M)
    assert section, "pyproject.toml has no [project.scripts]"
    return dict(re.findall(r'^([\w.-]+)\s*=\s*"([^"]+)"', section.group(1), re.M))


@functools.cache
def package_source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "pandockit").rglob("*.py"))


@functools.cache
def reader_string() -> str:
    """The ``-f`` string pandockit reads notebooks with: its ``READER`` constant, wherever the
    pandoc module (or package) keeps it."""
    found = set(re.findall(r'^READER\s*=\s*"([^"]+)"', package_source(), re.M))
    assert len(found) == 1, f"expected one READER constant in pandockit/, found {found}"
    return found.pop()


def check_pandoc(argv: list[str]) -> list[str]:
    scripts, reader, source = console_scripts(), reader_string(), package_source()
    problems, chain = [], []
    words = iter(argv[1:])
    for word in words:
        option, sep, inline = word.partition("=")
        if option in {"-f", "--from", "-r", "--read", "--filter", "-F", "-M", "--metadata"}:
            value = inline if sep else next(words, "")
        elif option.startswith("-f") and len(option) > 2:
            option, value = "-f", word[2:]
        else:
            continue
        if not value or is_placeholder(value):
            continue  # `pandoc --filter` naming the route, or a placeholder
        if option in {"-f", "--from", "-r", "--read"} and value != reader:
            problems.append(f"reader {value!r} is not pandockit's {reader!r}")
        elif option in {"--filter", "-F"}:
            if "/" in value:
                pattern = "/".join(
                    re.sub(r"[A-Z][A-Z_]*", "*", part) for part in value.split("/")
                )  # filters/NAME.py: any filter script
                if not any(p.is_file() for p in ROOT.glob(pattern)):
                    problems.append(f"no filter script {value}")
            elif value not in scripts:
                problems.append(f"{value} is not a console script of pyproject.toml")
            else:
                chain.append(script_module(scripts[value]))
        elif option in {"-M", "--metadata"}:
            key = value.partition("=")[0]
            if key.startswith("pandockit") and f'"{key}"' not in source:
                problems.append(f"pandockit reads no metadata key {key!r}")
    return problems + check_chain(chain)


def script_module(target: str) -> str:
    """The module a console script runs: a step's filter module for the filter route's scripts
    (``pandockit.filter_route:tex_math`` -> ``pandockit.filters.tex_math``; former names too)."""
    module, _, function = target.partition(":")
    if module != "pandockit.filter_route":
        return module
    name = function.replace("_", "-")
    name = FORMER_NAMES.get(name, name)
    return next(step.main.__module__ for step in PIPELINE if step.name == name)


def check_chain(modules: list[str]) -> list[str]:
    """A chain of single filters must follow the pipeline's order and end with the whole."""
    if len(modules) < 2:
        return []
    order = [step.main.__module__ for step in PIPELINE]
    *steps, last = modules
    problems = []
    if last != "pandockit.jekyll_filter":
        problems.append("a chain of filters must end with pandockit-jekyll")
    if any(m not in order for m in steps) or steps != sorted(steps, key=order.index):
        problems.append(f"filters not in pandockit/pipeline.py's order: {steps}")
    return problems


# -- the rest ----------------------------------------------------------------------------------


def check_jekyll(argv: list[str]) -> list[str]:
    if len(argv) < 2 or argv[1] not in JEKYLL_COMMANDS:
        return [f"not a Jekyll command: {' '.join(argv)}"]
    return []


def check_pip(argv: list[str]) -> list[str]:
    """``pip install PATH``: the path (from the repository's root) holds pandockit's project."""
    if argv[1:2] != ["install"]:
        return [f"only `pip install` is documented, not {' '.join(argv)}"]
    paths = [w for w in argv[2:] if not w.startswith("-")]
    problems = [] if paths else ["pip install of nothing"]
    for path in paths:
        project = ROOT / path / "pyproject.toml"
        if not project.is_file() or 'name = "pandockit"' not in project.read_text():
            problems.append(f"{path} is not pandockit's project folder")
    return problems


def check_command(argv: list[str], line: Line) -> list[str]:
    name = Path(argv[0]).name
    if name == "pandockit":
        return check_pandockit(argv)
    if name == "make":
        return check_make(argv, line.block)
    if name == "pandoc":
        return check_pandoc(argv)
    if name == "jekyll":
        return check_jekyll(argv)
    if name in {"pip", "pip3"}:
        return check_pip(argv)
    if name in ALLOWED:
        return []
    return [f"unchecked command {name!r}: check it here or add it to ALLOWED with the reason"]


def test_the_docs_have_commands() -> None:
    names = {Path(argv[0]).name for line in ALL_LINES for argv in commands(line.text)}
    assert {"pandockit", "make", "pandoc", "jekyll", "pip"} <= names, names


@pytest.mark.parametrize(
    "line", [line for line in ALL_LINES if line.text not in ALLOWED_LINES], ids=str
)
def test_command_exists(line: Line) -> None:
    problems = [p for argv in commands(line.text) for p in check_command(argv, line)]
    assert not problems, f"{line}\n" + "\n".join(problems)


def test_the_allowances_are_used() -> None:
    """No stale allowance: each allowed command and line is in the docs."""
    texts = {line.text for line in ALL_LINES}
    names = {Path(argv[0]).name for text in texts for argv in commands(text)}
    assert set(ALLOWED) <= names
    assert set(ALLOWED_LINES) <= texts


def test_the_checks_catch_what_does_not_exist() -> None:
    """Each check refuses a wrong command (so a passing page is not a check that passes all)."""
    fake = Line(ROOT / "README.md", 1, "", "")
    wrong = [
        "pandockit publish",
        "pandockit build --fast",
        "pandockit convert NB.ipynb --math latex",
        "make deploy",
        "make bench BENCH_ARGS='--warmup 2'",
        "pandoc NB.ipynb -f ipynb -t markdown",
        "pandockit pandoc NB.ipynb --filter pandockit-nothing",
        "pandoc NB.ipynb --filter pandockit-nothing",
        "pandoc NB.ipynb --filter pandockit-cells --filter pandockit-math "
        "--filter pandockit-jekyll",
        "pandoc NB.ipynb --filter pandockit-jekyll -M pandockit-nothing=1",
        "jekyll deploy",
        "pip install ./docs",
        "rm -rf _site",
    ]
    for text in wrong:
        problems = [p for argv in commands(text) for p in check_command(argv, fake)]
        assert problems, text


# -- links -------------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces made dashes."""
    text = CODE_SPAN.sub(lambda m: m.group(2), heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@functools.cache
def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for line in without_fences(page.read_text(encoding="utf-8")).splitlines():
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*$", line)
        if not m:
            continue
        base = slug(m.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def links(page: Path) -> list[str]:
    prose = CODE_SPAN.sub("", without_fences(page.read_text(encoding="utf-8")))
    return LINK.findall(prose)


def test_pages_link_each_other() -> None:
    readme = set(links(ROOT / "README.md"))
    for page in PAGES[1:]:
        if page.suffix == ".md":
            assert f"docs/{page.name}" in readme, f"README.md does not link {page.name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    problems = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto:
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            problems.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            problems.append(f"{target}: no heading #{anchor} in {file.name}")
    assert not problems, f"{page.relative_to(ROOT)}:\n" + "\n".join(problems)


# -- pages that list what the code defines -----------------------------------------------------


def section(page: Path, heading: str) -> str:
    text = page.read_text(encoding="utf-8")
    m = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m, f"{page.name} has no section {heading!r}"
    return m.group(1)


def test_usage_lists_every_configuration_key() -> None:
    table = section(ROOT / "docs" / "usage.md", "Configuration")
    listed = re.findall(r"^\| `([a-z-]+)` \|", table, re.M)
    expected = [k for k in DEFAULTS if k not in JEKYLL_KEYS and k not in CLI_ONLY]
    assert sorted(listed) == sorted(expected)
    assert len(listed) == len(set(listed))


def test_architecture_gives_the_pass_order() -> None:
    table = section(ROOT / "docs" / "architecture.md", "The pass order")
    steps = re.findall(r"^\| \d+ \| `([a-z-]+)` \|", table, re.M)
    assert steps == [step.name for step in PIPELINE]


def test_architecture_maps_every_module() -> None:
    """Every module of pandockit/ is in the module map, and every module there exists (after
    a restructuring, refresh docs/architecture.md)."""
    text = section(ROOT / "docs" / "architecture.md", "The module map")
    package = ROOT / "pandockit"
    modules = {
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if p.name != "__init__.py"
    }
    named = set(re.findall(r"^- `([\w/]+\.py)`:", text, re.M))
    assert modules - named == set(), "modules missing from the map"
    assert named - modules == set(), "modules in the map that do not exist"


# -- the filter route's commands, run as written -----------------------------------------------

FILTER_PAGE = ROOT / "docs" / "pandoc-filters.md"
#: The notebook the page's commands convert (math, an image): put at every path they name.
FILTER_NOTEBOOK = ROOT / "examples/_notebooks/2022-07-24-Tensor-Products-and-Gradients.ipynb"
FILTER_LINES = [
    line for line in shell_lines(FILTER_PAGE)
    if line.block and line.text.startswith("pandockit pandoc ") and "--filter" in line.text
]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_filter_page_has_commands_to_run() -> None:
    assert len(FILTER_LINES) == 2, [str(line) for line in FILTER_LINES]


@pytest.mark.parametrize("line", FILTER_LINES, ids=str)
def test_filter_commands_run_as_written_and_match_convert(line: Line, tmp_path: Path) -> None:
    """The page's command, exactly as written, run by a shell in a site after the README's
    install (the console scripts on PATH, no system pandoc needed): the post and images are
    convert's, byte for byte."""
    import os
    import shutil
    import subprocess
    import sys

    argv = shlex.split(line.text)
    notebook = next(w for w in argv if w.endswith(".ipynb") and "=" not in w)
    post = argv[argv.index("-o") + 1]
    site = tmp_path / "site"
    (site / Path(notebook).parent).mkdir(parents=True, exist_ok=True)
    (site / "_posts").mkdir()
    (site / "_config.yml").write_text("title: docs\n")
    shutil.copy2(FILTER_NOTEBOOK, site / notebook)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"}
    env.pop("PYPANDOC_PANDOC", None)
    assert shutil.which("pandoc", path=env["PATH"]) in (None, "/usr/bin/pandoc")
    proc = subprocess.run(["bash", "-c", line.text], cwd=site, env=env, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr

    other = tmp_path / "convert"
    other.mkdir()
    (other / "_config.yml").write_text("title: docs\n")
    shutil.copy2(site / notebook, other / Path(notebook).name)  # the same name: the same date
    done = subprocess.run([str(bin_dir / "pandockit"), "convert", Path(notebook).name], cwd=other,
                          env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    written = other / done.stdout.strip()
    assert (site / post).read_bytes() == written.read_bytes()
    assert "$$" in written.read_text(encoding="utf-8")  # a post with math, as the page shows
    assert _files(site / "assets") == _files(other / "assets") != {}
