"""Resolved options: defaults < the site's ``_config.yml`` (key ``pandockit:``) < the command line.

Made once per run, typed (:class:`Options`, a frozen dataclass, one attribute per option),
and handed down: a notebook's job (:class:`pandockit.job.Job`) carries them to the filters in
process. Only the ``pandoc --filter`` route writes them as text, into document metadata, and
reads them back (:mod:`pandockit.filter_route`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from pandockit import yamltext
from pandockit.errors import PandockitError
from pandockit.jekyll_theme import PostSite
from pandockit.jekyll_theme import post_site as _find_post_site

log = logging.getLogger("pandockit")

#: Every option, its default and its help text (kebab-case, as users write them).
DEFAULTS: dict[str, tuple[Any, str]] = {
    "posts-dir": ("_posts", "folder of the site the posts are written to"),
    "assets-dir": ("assets/nb_files", "folder of the site that holds one image folder per post"),
    "math": ("kramdown", "math style: kramdown ($$..$$, stock MathJax) or dollars ($..$)"),
    "output-style": ("indented", "text outputs as indented code blocks, or fenced (```text)"),
    "liquid": ("raw", "raw: protect notebook text with {% raw %}; off: render_with_liquid: false"),
    "liquid-tag": ("liquid", "cell tag that lets a markdown cell's own Liquid through"),
    "html": ("keep", "raw HTML and scripts from outputs: keep, sanitize or drop"),
    "front-matter": ({}, "front matter defaults for every post"),
    "metadata": ({}, "front matter set on the command line (-M KEY=VALUE), over every source"),
    "tags": ({}, "extra cell tag names per visibility effect (e.g. remove-cell: [secret])"),
    "summary": ("Show code", "summary text of a collapsed input toggle"),
    "output-summary": ("Show output", "summary text of a collapsed output toggle"),
    "editor-state": (False, "honour JupyterLab collapsed/source_hidden cell metadata"),
    "max-output-lines": (0, "cap text outputs at this many lines (0: no cap)"),
    "max-output-chars": (
        1_000_000,
        "cut a cell's text outputs at this many characters before pandoc reads them, so "
        "huge outputs convert in bounded time and memory (0: no cap)",
    ),
    "collapse-output-lines": (0, "put text outputs longer than this behind a toggle (0: never)"),
    "ansi": ("strip", "ANSI colours in text outputs: strip, or spans (coloured HTML)"),
    "slug": ("ascii", "slug of posts named without a date: ascii (transliterate) or unicode"),
    "baseurl": ("", "the site's baseurl (read from _config.yml)"),
    "timezone": ("", "the site's timezone (read from _config.yml)"),
    "future": (False, "the site publishes future-dated posts (read from _config.yml)"),
    "notebooks-dir": ("_notebooks", "folder of the site whose notebooks 'pandockit build' reads"),
    "recursive": (
        True,
        "'pandockit build' also reads the notebooks in subfolders of notebooks-dir (false: only "
        "those directly in it, as fastpages did)",
    ),
    "post-names": (
        "pandockit",
        "names of posts: pandockit, or fastpages (a notebook not named YYYY-MM-DD-... is dated "
        "by its modification time minus one day, leading digits and dashes dropped; spaces "
        "become -)",
    ),
    "first-cell": (
        "pandockit",
        "how a '# Title', '> summary', '- key: value' first cell is read: pandockit (a cell of "
        "only such lines), or fastpages (exactly as fastpages read it)",
    ),
    "notes": (
        False,
        "fastpages' Markdown notes: '> Note: text' (also Tip, Warning, Important) as styled "
        "boxes, '> youtube: URL' and '> twitter: URL' as embeds",
    ),
    "toc": (
        False,
        "a table of contents at the top of every post (a post's own 'toc: false' wins), as "
        "'toc: true' in a post's front matter gives it",
    ),
    "badges": (
        False,
        "'View on GitHub', 'Open in Colab' and 'Launch Binder' links at the top of every post "
        "(a post's own 'badges: false' wins), as 'badges: true' in its front matter gives them",
    ),
    "self-host": (
        False,
        "serve MathJax and the libraries of interactive outputs from the site itself "
        "(assets/pandockit/lib), not from CDNs: no page makes a request outside the site",
    ),
    "jobs": (0, "notebooks 'pandockit build' converts at once (0: one per core)"),
    "clean": (False, "'pandockit build' removes the posts of notebooks that are gone"),
    "install": (
        "",
        "pip requirement the GitHub Pages workflow of 'pandockit init --github-pages' installs "
        "pandockit with (default: where the pandockit running init was installed from)",
    ),
}

#: Keys read from the top level of ``_config.yml`` (Jekyll's own), not from ``pandockit:``.
JEKYLL_KEYS = ("baseurl", "timezone", "future")

#: Keys only the command line sets (``metadata`` overrides the notebook's own front matter,
#: which site-wide defaults must not: those go under ``front-matter``).
CLI_ONLY = ("metadata",)


def attribute(key: str) -> str:
    """The attribute of :class:`Options` for option ``key`` (``posts-dir`` -> ``posts_dir``)."""
    return key.replace("-", "_")


@dataclass(frozen=True)
class Options:
    """The resolved options, typed, made once (:func:`resolve_options`): one attribute per
    option of :data:`DEFAULTS` (its snake_case name: ``options.posts_dir``), where each came
    from (``sources``: ``default``, ``_config.yml``, ``cli``, for ``pandockit config``), and
    what the site gives posts (``post_site``: layout, math switch; :func:`with_post_site`).

    Frozen: nothing re-derives or changes an option after it is resolved. Its mappings
    (``front_matter``, ``metadata``, ``tags``) are read-only by convention (plain dicts, so that
    the options pickle to a build's worker processes). The options travel as text in one
    place only: :mod:`pandockit.filter_route`, the ``pandoc --filter`` route.
    """

    posts_dir: str
    assets_dir: str
    math: str
    output_style: str
    liquid: str
    liquid_tag: str
    html: str
    front_matter: dict[str, Any]
    metadata: dict[str, Any]
    tags: dict[str, Any]
    summary: str
    output_summary: str
    editor_state: bool
    max_output_lines: int
    max_output_chars: int
    collapse_output_lines: int
    ansi: str
    slug: str
    baseurl: str
    timezone: str
    future: bool
    notebooks_dir: str
    recursive: bool
    post_names: str
    first_cell: str
    notes: bool
    toc: bool
    badges: bool
    self_host: bool
    jobs: int
    clean: bool
    install: str
    #: Option (kebab-case) -> where its value came from: ``default``, ``_config.yml``, ``cli``.
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    #: What the site gives posts (layout, math switch), found from the site's files once
    #: (:func:`with_post_site`); None until then. Not an option.
    post_site: PostSite | None = None

    def __getitem__(self, key: str) -> Any:
        """The option as users name it (kebab-case): ``options["posts-dir"]``."""
        return getattr(self, attribute(key))

    def items(self) -> Iterator[tuple[str, Any]]:
        """Every option (kebab-case name, value), in :data:`DEFAULTS`' order."""
        return ((key, getattr(self, attribute(key))) for key in DEFAULTS)


def _options(values: dict[str, Any], sources: dict[str, str]) -> Options:
    return Options(**{attribute(k): v for k, v in values.items()}, sources=dict(sources))


def default_options() -> Options:
    values = {k: _copy(v) for k, (v, _) in DEFAULTS.items()}
    return _options(values, {k: "default" for k in values})


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


def read_site_config(site: Path) -> dict[str, Any]:
    """The site's ``_config.yml`` as a mapping ({} when there is none)."""
    cfg = site / "_config.yml"
    if not cfg.is_file():
        return {}
    try:
        data = yamltext.safe_load(cfg.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PandockitError(cfg, f"cannot read site configuration: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PandockitError(cfg, "site configuration is not a mapping")
    return data


def resolve_options(site: Path, cli: dict[str, Any] | None = None) -> Options:
    """Defaults < ``_config.yml`` < ``cli`` (keys kebab-case; None values mean 'not given')."""
    opts = {k: _copy(v) for k, (v, _) in DEFAULTS.items()}
    sources = {k: "default" for k in opts}
    site_cfg = read_site_config(site)
    for key in JEKYLL_KEYS:
        if site_cfg.get(key) is not None:
            _set(opts, sources, key, site_cfg[key], "_config.yml", site / "_config.yml")
    ours = site_cfg.get("pandockit") or {}
    if not isinstance(ours, dict):
        raise PandockitError(site / "_config.yml", "'pandockit:' must be a mapping")
    for key, value in ours.items():
        key = str(key).replace("_", "-")
        if key in CLI_ONLY:
            log.warning(
                "%s: option '%s' is for the command line (-M); use 'front-matter' for "
                "defaults", site / "_config.yml", key,
            )
            continue
        if key not in DEFAULTS:
            import difflib  # start-up time: only a misspelt option needs it

            close = difflib.get_close_matches(key, DEFAULTS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            log.warning(
                "%s: unknown pandockit option '%s' ignored%s", site / "_config.yml", key, hint
            )
            continue
        _set(opts, sources, key, value, "_config.yml", site / "_config.yml")
    for key, value in (cli or {}).items():
        if value is not None:
            _set(opts, sources, key, value, "cli", None)
    return _options(opts, sources)


def with_post_site(options: Options, site: Path, *, remember: bool = False) -> Options:
    """``options`` knowing what ``site`` gives posts (:func:`pandockit.jekyll_theme.post_site`):
    found once per run (a run's every notebook, and a build's workers, share it); ``options``
    itself when it knows already. ``remember``: a run that writes the site keeps its theme's
    folder there (:func:`pandockit.jekyll_theme.theme_root`)."""
    if options.post_site is not None:
        return options
    found = _find_post_site(site, read_site_config(site), options.posts_dir, options.math,
                            remember=remember)
    return replace(options, post_site=found)


#: Allowed values of the options that are a choice.
CHOICES = {
    "math": ("kramdown", "dollars"),
    "output-style": ("indented", "fenced"),
    "liquid": ("raw", "off"),
    "html": ("keep", "sanitize", "drop"),
    "ansi": ("strip", "spans"),
    "slug": ("ascii", "unicode"),
    "post-names": ("pandockit", "fastpages"),
    "first-cell": ("pandockit", "fastpages"),
}


#: Options naming a folder of the site that pandockit writes into: they must stay in the site.
SITE_FOLDERS = ("posts-dir", "assets-dir")


def _site_folder(value: str) -> bool:
    """Whether ``value`` names a folder inside the site: relative, no ``..``, not the site
    itself (symlinks leading out are refused where the folder is written:
    :func:`pandockit.writer.check_inside`)."""
    text = value.replace("\\", "/")
    if not text.strip() or "\0" in text or re.match(r"[A-Za-z]:", text):
        return False
    path = PurePosixPath(text)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def _set(
    opts: dict[str, Any], sources: dict[str, str], key: str, value: Any, source: str,
    where: Path | None,
) -> None:
    default = DEFAULTS[key][0]
    if key == "baseurl":
        value = "" if value is None else str(value)
    elif key == "timezone":
        value = str(value)
    elif isinstance(default, bool):
        if not isinstance(value, bool):
            raise PandockitError(where, f"option '{key}' must be true or false, not {value!r}")
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PandockitError(where, f"option '{key}' must be a whole number >= 0")
    elif isinstance(default, dict):
        if not isinstance(value, dict):
            raise PandockitError(where, f"option '{key}' must be a mapping")
        value = {**opts.get(key, {}), **value}
    elif isinstance(default, str):
        if not isinstance(value, str):
            raise PandockitError(where, f"option '{key}' must be text, not {value!r}")
        if key in CHOICES and value not in CHOICES[key]:
            allowed = ", ".join(CHOICES[key])
            raise PandockitError(where, f"option '{key}' must be one of {allowed}, not {value!r}")
        if key in SITE_FOLDERS and not _site_folder(value):
            raise PandockitError(
                where, f"option '{key}' must be a folder inside the site, not {value!r}"
            )
    opts[key] = value
    sources[key] = source


def describe(options: Options, site: Path) -> str:
    """The resolved options as YAML (pasteable under ``pandockit:``), each line saying where its
    value came from: ``default``, the site's ``_config.yml`` or ``command line``."""
    where = {"_config.yml": str(site / "_config.yml"), "cli": "command line"}
    rows = []
    for key in DEFAULTS:
        text = yaml.safe_dump(
            {key: options[key]}, default_flow_style=True, sort_keys=False, width=10**6
        ).strip()[1:-1]
        source = options.sources.get(key, "default")
        rows.append((text, where.get(source, source)))
    width = max(len(text) for text, _ in rows)
    return "".join(f"{text.ljust(width)}  # {source}\n" for text, source in rows)
