"""What a Jekyll site gives its posts: the layout, found in its files and its theme's, and the
switch that turns on a math library the theme loads itself.

Jekyll looks a layout or include up in the site first, then in the theme gem (located through
Ruby, as Jekyll does). A post gets its layout from its own front matter, else from the
``defaults:`` of ``_config.yml`` whose scope covers posts. :func:`post_site` decides, once per
run and before any filter, what pandockit's posts say:

- no ``layout:`` key when the site's ``defaults:`` give posts one (Minimal Mistakes: ``single``);
- else ``post`` when the site or its theme has that layout, else ``default`` when either has
  that (a GitHub Pages theme such as Cayman), else ``post`` (a site whose layouts pandockit
  cannot see: no layouts at all, or a theme that is not installed here).

An explicit ``layout`` (the notebook's front matter, option ``front-matter``) wins over all of
this: it is applied after, by the front matter filter. It also finds whether the post's layout
chain loads MathJax or KaTeX itself, and behind which ``page.X`` / ``site.X`` condition
(Chirpy: ``{% if page.math %}``), so that pandockit loads no second library and sets the switch.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pandockit.errors import PandockitError
from pandockit.safe_write import atomic_write, inside

FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*\r?\n", re.S)
#: ``{% include name %}`` and ``{% include_cached name %}``; a name made by Liquid is not followed.
INCLUDE = re.compile(r"{%-?\s*include(?:_cached)?\s+([\w./-]+)")
#: A script that loads (or configures) MathJax or KaTeX.
_MATH_SCRIPT = re.compile(
    r"<script\b[^>]*(mathjax|katex)|window\.MathJax\s*=|\bMathJax\s*=\s*{|MathJax\.Hub\.Config"
    r"|renderMathInElement",
    re.I,
)
_BLOCK_TAG = re.compile(
    r"{%-?\s*(if|unless|case|elsif|else|when|endif|endunless|endcase)\b(.*?)-?%}", re.S
)
#: A key a condition tests for truth (``page.math``, not ``page.layout == 'post'``).
_CONDITION_KEY = re.compile(
    r"\b(page|site)\.([A-Za-z_][\w-]*)(?![\w.-]|\s*(?:==|!=|<|>|contains))"
)
#: MathJax's own CDN, retired in 2017: a script from it loads no MathJax (fastpages' head has one).
_RETIRED = "cdn.mathjax.org"
#: The include ``pandockit init`` writes: it is pandockit's, never the theme's math.
OWN_INCLUDE = "pandockit-head.html"


@dataclass(frozen=True)
class Source:
    """A layout or include file, and whether the site (else the theme) holds it."""

    rel: str  # e.g. "_includes/head.html"
    path: Path
    in_site: bool


@dataclass(frozen=True)
class ThemeMath:
    """A math library the post's pages load without pandockit, and what turns it on."""

    library: str  # "MathJax" or "KaTeX"
    source: Source  # the file with the script
    page_keys: tuple[str, ...] = ()  # front matter keys of its condition (``math``)
    site_keys: tuple[str, ...] = ()  # _config.yml keys of its condition
    text: str = ""  # that file's text (its MathJax configuration is read from it)

    @property
    def always(self) -> bool:
        return not self.page_keys and not self.site_keys


@dataclass(frozen=True)
class PostSite:
    """What the site gives pandockit's posts, decided once before the filters run."""

    #: The ``layout`` every post is written with (None: none, the site's defaults give it).
    layout: str | None = "post"
    #: The layout Jekyll applies to the posts (the defaults' one when ``layout`` is None).
    applied: str | None = "post"
    #: Where that layout comes from, said by ``pandockit init``.
    why: str = "the conventional name"
    #: The layouts the site and its theme have (None: unknown, the theme is not found).
    layouts: frozenset[str] | None = None
    #: The front matter key that turns the theme's own math library on (Chirpy: ``math``).
    math_key: str | None = None


def theme_name(config: dict) -> str | None:
    name = config.get("theme")
    return name if isinstance(name, str) and name.strip() else None


#: Where a site keeps the theme gems Ruby found for it: Ruby takes 40 ms to start and find
#: one, a third of a one-notebook ``pandockit convert`` on a ``jekyll new`` site (minima).
THEMES_FILE = Path(".pandockit") / "themes.json"
#: What Ruby is asked: the theme's folder, then the gem paths it searched, a line each.
_FIND_GEM = (
    "s = Gem::Specification.find_by_name(ARGV[0]) rescue nil; "
    "puts(s ? s.full_gem_path : ''); puts(Gem.path)"
)


def theme_root(name: str, site: Path | None = None, *, remember: bool = False) -> Path | None:
    """The folder of the installed theme gem ``name`` (as Jekyll finds it), or None.

    Ruby's answer, which ``site`` keeps (:data:`THEMES_FILE`, written with ``remember``: a run
    that writes the site) for as long as nothing it depends on changes: the same ``ruby``
    (path and modification time), ``GEM_HOME`` and ``GEM_PATH``, the gem's folder still
    there, and no gem installed or removed on Ruby's gem path (each ``specifications``
    folder's modification time)."""
    ruby = shutil.which("ruby")
    if ruby is None:
        return None
    kept = _kept_themes(site) if site is not None else {}
    entry = kept.get(name)
    ruby_stamp = _ruby_stamp(ruby)
    if isinstance(entry, dict) and entry.get("ruby") == ruby_stamp and _still(entry):
        return Path(entry["root"])
    found, searched = _ask_ruby(ruby, name)
    if found is not None and remember and site is not None:
        stamp = {"ruby": ruby_stamp, "root": str(found),
                 "specifications": _specifications(searched)}
        _keep_themes(site, {**kept, name: stamp})
    return found


@functools.lru_cache(maxsize=16)
def _ask_ruby(ruby: str, name: str) -> tuple[Path | None, tuple[str, ...]]:
    """(the gem's folder or None, the gem paths Ruby searched)."""
    try:
        proc = subprocess.run(
            [ruby, "-e", _FIND_GEM, name], capture_output=True, text=True, timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None, ()
    if proc.returncode != 0:
        return None, ()
    found, *searched = proc.stdout.splitlines() or [""]
    root = Path(found.strip()) if found.strip() else None
    return (root if root is not None and root.is_dir() else None), tuple(searched)


def _ruby_stamp(ruby: str) -> list:
    try:
        mtime = os.stat(ruby).st_mtime_ns
    except OSError:
        mtime = None
    return [ruby, mtime, os.environ.get("GEM_HOME", ""), os.environ.get("GEM_PATH", "")]


def _specifications(searched: tuple[str, ...] | list[str]) -> dict[str, int | None]:
    """Each gem path's ``specifications`` folder -> its modification time (None: none)."""
    out: dict[str, int | None] = {}
    for folder in searched:
        try:
            out[folder] = os.stat(os.path.join(folder, "specifications")).st_mtime_ns
        except OSError:
            out[folder] = None
    return out


def _still(entry: dict) -> bool:
    """Whether a kept answer still holds: its folder is there, its gem paths unchanged."""
    searched = entry.get("specifications")
    root = entry.get("root")
    return (isinstance(root, str) and isinstance(searched, dict) and Path(root).is_dir()
            and _specifications(list(searched)) == searched)


def _kept_themes(site: Path) -> dict:
    try:
        kept = json.loads((site / THEMES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return kept if isinstance(kept, dict) else {}


def _keep_themes(site: Path, kept: dict) -> None:
    """Write :data:`THEMES_FILE`, whole; a site it cannot be written in, or whose
    ``.pandockit`` leads out of it (a symlink), only asks Ruby again next time."""
    path = site / THEMES_FILE
    if not inside(path.parent, site):
        return
    try:
        atomic_write(path, (json.dumps(kept, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    except PandockitError:
        pass


def find(site: Path, theme: Path | None, rel: str) -> Source | None:
    """``rel`` (``_includes/head.html``) as Jekyll resolves it: the site's, else the theme's."""
    for root, in_site in ((site, True), (theme, False)):
        if root is not None and (root / rel).is_file():
            return Source(rel, root / rel, in_site)
    return None


def find_layout(site: Path, theme: Path | None, name: str) -> Source | None:
    """Layout ``name`` as Jekyll resolves it: ``_layouts/NAME.html`` (or another extension)."""
    for root, in_site in ((site, True), (theme, False)):
        folder = root / "_layouts" if root is not None else None
        if folder is None or not folder.is_dir():
            continue
        for path in [folder / f"{name}.html", *sorted(folder.glob(f"{name}.*"))]:
            if path.is_file() and path.stem == name:
                return Source(f"_layouts/{path.name}", path, in_site)
    return None


def layout_names(site: Path, theme: Path | None) -> frozenset[str]:
    names = set()
    for root in (site, theme):
        folder = root / "_layouts" if root is not None else None
        if folder is not None and folder.is_dir():
            names.update(p.stem for p in folder.iterdir() if p.is_file())
    return frozenset(names)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def parent_layout(text: str) -> str | None:
    m = FRONT.match(text)
    if not m or not m.group(1):
        return None
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return None
    name = data.get("layout") if isinstance(data, dict) else None
    return name if isinstance(name, str) and name else None


def layout_chain(site: Path, theme: Path | None, layout: str | None) -> list[Source]:
    """The layouts a page of ``layout`` is rendered through, innermost first."""
    chain: list[Source] = []
    name = layout
    while name and len(chain) < 10:
        source = find_layout(site, theme, name)
        if source is None or source in chain:
            break
        chain.append(source)
        name = parent_layout(read(source.path))
    return chain


def _covers_posts(scope: Any, posts_dir: str) -> tuple[int, int] | None:
    """How specific a ``defaults:`` scope is when it covers the posts, else None (Jekyll
    applies the more specific scope: the longer path, then one that names a type)."""
    if scope is None:
        scope = {}
    if not isinstance(scope, dict):
        return None
    kind = scope.get("type")
    if kind not in (None, "", "posts"):
        return None
    path = str(scope.get("path") or "").strip("/")
    posts = posts_dir.strip("/")
    if "*" in path:
        from fnmatch import fnmatch  # rare: a glob scope

        if not fnmatch(posts, path) and not fnmatch(posts + "/x", path + "/*"):
            return None
    elif path and posts != path and not posts.startswith(path + "/"):
        return None
    return len([p for p in path.split("/") if p]), 1 if kind else 0


def defaults_layout(config: dict, posts_dir: str = "_posts") -> str | None:
    """The layout ``_config.yml``'s ``defaults:`` give posts, or None."""
    found: list[tuple[tuple[int, int], int, str]] = []
    entries = config.get("defaults")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        layout = entry["values"].get("layout")
        rank = _covers_posts(entry.get("scope"), posts_dir)
        if rank is not None and isinstance(layout, str) and layout:
            found.append((rank, i, layout))
    return max(found)[2] if found else None


def choose_layout(site: Path, config: dict, theme: Path | None, posts_dir: str) -> PostSite:
    """The layout pandockit's posts are written with (see the module's docstring)."""
    name = theme_name(config)
    layouts = layout_names(site, theme) if theme is not None or name is None else None
    given = defaults_layout(config, posts_dir)
    if given is not None:
        return PostSite(None, given, f"{given!r}, from _config.yml's defaults", layouts)
    for layout in ("post", "default"):
        source = find_layout(site, theme, layout)
        if source is None:
            continue
        whose = "the site's" if source.in_site else f"the theme {name}'s"
        why = f"'{layout}', {whose} {source.rel}"
        if layout == "default":
            why += " (there is no post layout)"
        return PostSite(layout, layout, why, layouts)
    why = f"'post' (the theme {name} is not installed here)" if name else "'post'"
    return PostSite("post", "post", why, layouts)


def _reachable(site: Path, theme: Path | None, chain: list[Source]) -> list[tuple[Source, list]]:
    """Every file the layouts of ``chain`` render (their includes, followed), each with the
    conditions open where it is included."""
    out: list[tuple[Source, list]] = []
    seen: set[str] = set()

    def visit(source: Source, conditions: list, depth: int) -> None:
        if source.rel in seen or depth > 6:
            return
        seen.add(source.rel)
        out.append((source, conditions))
        text = read(source.path)
        for m in INCLUDE.finditer(text):
            if m.group(1) == OWN_INCLUDE:
                continue
            inner = find(site, theme, f"_includes/{m.group(1)}")
            if inner is not None:
                visit(inner, conditions + open_conditions(text, m.start()), depth + 1)

    for layout in chain:
        visit(layout, [], 0)
    return out


def open_conditions(text: str, at: int) -> list[str]:
    """The conditions of the ``{% if %}`` blocks open at ``text[at]`` (``""`` for a block
    whose branch there is not the ``if``'s own: ``unless``, ``else``, ``case``)."""
    stack: list[str] = []
    for m in _BLOCK_TAG.finditer(text, 0, at):
        tag = m.group(1)
        if tag in ("if", "unless", "case"):
            stack.append(m.group(2) if tag == "if" else "")
        elif tag in ("elsif", "else", "when"):
            if stack:
                stack[-1] = ""
        elif stack:
            stack.pop()
    return [c for c in stack if c]


def theme_math(site: Path, theme: Path | None, chain: list[Source]) -> ThemeMath | None:
    """The math library the pages of ``chain`` load themselves, and its condition: MathJax
    where a file loads both (fastpages loads KaTeX and MathJax 2: MathJax reads ``\\(..\\)``)."""
    found: list[ThemeMath] = []
    for source, conditions in _reachable(site, theme, chain):
        text = read(source.path)
        for m in _MATH_SCRIPT.finditer(text):
            if _RETIRED in text[m.start() : text.find(">", m.start()) + 1]:
                continue  # loads nothing any more
            library = "KaTeX" if "katex" in m.group(0).lower() or m.group(0).startswith("render") \
                else "MathJax"
            where = conditions + open_conditions(text, m.start())
            keys = [k for c in where for k in _CONDITION_KEY.findall(c)]
            page = tuple(dict.fromkeys(k for owner, k in keys if owner == "page"))
            site_keys = tuple(dict.fromkeys(k for owner, k in keys if owner == "site"))
            found.append(ThemeMath(library, source, page, site_keys, text))
    mathjax = [m for m in found if m.library == "MathJax"]
    return (mathjax or found or [None])[0]


def relied_on(math: ThemeMath | None, style: str = "kramdown") -> bool:
    """Whether pandockit's posts rely on the theme's library (and pandockit loads none): a
    MathJax always (two on a page break each other), a KaTeX when it reads the posts' math (a
    KaTeX reading only ``$..$``, as fastpages' does, leaves ``\\(..\\)`` to pandockit's
    MathJax)."""
    if math is None:
        return False
    return math.library == "MathJax" or not missing_delimiters(math, style)


def post_site(
    site: Path, config: dict, posts_dir: str = "_posts", style: str = "kramdown", *,
    remember: bool = False,
) -> PostSite:
    """The layout and math switch of ``site``'s posts (``config``: its ``_config.yml``;
    ``style``: the math style of the posts); ``remember``: the theme's folder is kept in the
    site (:func:`theme_root`)."""
    name = theme_name(config)
    theme = theme_root(name, site, remember=remember) if name else None
    chosen = choose_layout(site, config, theme, posts_dir)
    math = theme_math(site, theme, layout_chain(site, theme, chosen.applied))
    key = math.page_keys[0] if relied_on(math, style) and math.page_keys else None
    return PostSite(chosen.layout, chosen.applied, chosen.why, chosen.layouts, key)


def _option(text: str, key: str) -> str | None:
    """The bracketed value of ``key`` (``inlineMath: [...]``) in a script, or None."""
    m = re.search(rf"\b{key}\b\s*[:=]\s*\[", text)
    if m is None:
        return None
    depth, i = 0, m.end() - 1
    for j in range(i, len(text)):
        depth += {"[": 1, "]": -1}.get(text[j], 0)
        if depth == 0:
            return text[i : j + 1]
    return text[i:]


_DOLLAR = re.compile(r"""\[\s*['"]\$['"]""")


def reads_dollars(math: ThemeMath) -> bool:
    """Whether the theme's MathJax reads ``$..$`` as inline math (Chirpy's does)."""
    inline = _option(math.text, "inlineMath")
    return math.library == "MathJax" and inline is not None and bool(_DOLLAR.search(inline))


def missing_delimiters(math: ThemeMath, style: str = "kramdown") -> list[str]:
    """The delimiters pandockit's posts use (``\\(..\\)``, ``\\[..\\]``; ``$..$`` too for math
    style ``dollars``) that the theme's configuration of its library does not read. A library
    left to its defaults reads ``\\(..\\)`` and ``\\[..\\]`` (MathJax 2 and 3, KaTeX's
    auto-render), not ``$..$``."""
    if math.library == "KaTeX":
        given = _option(math.text, "delimiters")
        inline = display = given
    else:
        inline, display = _option(math.text, "inlineMath"), _option(math.text, "displayMath")
    missing = []
    if inline is not None and "\\\\(" not in inline and "\\(" not in inline:
        missing.append("\\(..\\)")
    if display is not None and "\\\\[" not in display and "\\[" not in display:
        missing.append("\\[..\\]")
    if style == "dollars" and (inline is None or not _DOLLAR.search(inline)):
        missing.append("$..$")
    return missing
