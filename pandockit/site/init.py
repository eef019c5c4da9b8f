"""``pandockit init``: make a Jekyll site show notebook posts as the notebooks read.

What it does to a site, each step said in one line (``--dry-run``: said, not done):

- ``_includes/pandockit-head.html``: MathJax on pages with math, pandockit's stylesheet on its
  posts (:mod:`pandockit.site.templates`), and ``assets/css/pandockit.css``;
- gets that include into the post pages' ``<head>`` (:mod:`pandockit.site.theme`): through
  the theme's head hook (minima 3's ``custom-head.html``, Minimal Mistakes' ``head/custom.html``,
  ...; the site's own file gets one line added, every line kept), else through a site copy of
  the theme's head file with one line added (minima 2.5's ``head.html``); a head file of the
  site's own that is no hook is told as a "to do" line naming the file and place;
- says which layout posts get (:mod:`pandockit.jekyll_theme`); when the theme loads MathJax or
  KaTeX itself, the include loads none, and init says what turns the theme's on (or writes
  ``math: dollars`` for a MathJax that reads ``$..$``);
- ``.pandockit/`` into ``.gitignore``, ``*.ipynb`` into ``_config.yml``'s ``exclude``;
- the notebook folder (``_notebooks/``), when missing;
- on a fastpages blog (it has ``_action_files/``), the ``pandockit:`` options that convert as
  fastpages did; with ``--example`` a starter notebook, with ``--github-pages`` the workflow
  (:mod:`pandockit.site.workflow`);
- with ``--self-host``, ``self-host: true`` under ``pandockit:`` and MathJax loaded from the
  site's own copy (which ``pandockit build`` puts there: :mod:`pandockit.selfhost`).

A second run changes nothing and says so; no file of the user's is replaced without
``--force`` (:mod:`pandockit.site.files`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from pandockit import fastpages, jekyll_theme, libraries, yamltext
from pandockit.config import default_options, resolve_options
from pandockit.errors import PandockitError
from pandockit.site import edits, templates, theme, workflow
from pandockit.site.files import Change, Outcome, apply, decide, load_record, read_text

CONFIG_NAMES = ("_config.yml", "_config.yaml")
EXAMPLE = "pandockit-example.ipynb"
WORKFLOW = ".github/workflows/pages.yml"
PAGES_SETTING = (
    "on GitHub, set Settings > Pages > Build and deployment > Source to 'GitHub Actions' "
    "(once), then push: the workflow converts the notebooks and publishes the site"
)


@dataclass(frozen=True)
class InitOptions:
    mathjax_url: str = templates.MATHJAX3_URL
    mathjax2_url: str = templates.MATHJAX2_URL
    example: bool = False
    github_pages: bool = False
    self_host: bool = False
    force: bool = False
    dry_run: bool = False


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    made: str | None = None  # the notebook folder made
    notes: list[str] = field(default_factory=list)  # said on a run that writes

    @property
    def writes(self) -> bool:
        return any(o.writes for o in self.outcomes) or self.made is not None

    def lines(self, site: Path, dry_run: bool) -> list[str]:
        out = [o.line(dry_run) for o in self.outcomes if o.verb != "same"]
        if self.made is not None:
            out.append(f"{'would make' if dry_run else 'makes'} {self.made}/: put notebooks "
                       "here; 'pandockit build' turns each into a post")
        out += self.notes if self.writes else []
        out += [f"to do: {t}" for t in self.todo]
        if not self.writes and not self.todo and not any(o.verb == "leave" for o in self.outcomes):
            out.append(f"nothing to change: {site} is set up for notebook posts")
        return out


def config_file(site: Path) -> Path:
    for name in CONFIG_NAMES:
        if (site / name).is_file():
            return site / name
    raise PandockitError(site, "is not a Jekyll site (no _config.yml): run 'jekyll new' first")


def _text(path: Path) -> str:
    """A site file's text, every byte as it is (CRLF, a byte-order mark); "" when none."""
    return read_text(path) or ""


def _posts_dir(config: dict) -> str:
    ours = config.get("pandockit")
    given = ours.get("posts-dir") if isinstance(ours, dict) else None
    return given if isinstance(given, str) and given else "_posts"


@dataclass(frozen=True)
class _Theme:
    """What init found of the site's theme: its gem folder, the posts' layout, its math."""

    name: str | None
    root: Path | None
    posts: jekyll_theme.PostSite
    math: jekyll_theme.ThemeMath | None


def _find_theme(site: Path, config: dict) -> _Theme:
    name = theme.theme_name(config)
    root = theme.theme_root(name, site) if name else None
    posts = jekyll_theme.choose_layout(site, config, root, _posts_dir(config))
    chain = jekyll_theme.layout_chain(site, root, posts.applied)
    return _Theme(name, root, posts, jekyll_theme.theme_math(site, root, chain))


def _add_line(text: str, line: str) -> str:
    return text + ("" if not text or text.endswith("\n") else "\n") + line + "\n"


def _head_changes(site: Path, found: _Theme) -> tuple[list[Change], list[str]]:
    """How pandockit's head include gets into the post pages, as changes and to-dos."""
    include, line = templates.HEAD_INCLUDE, templates.include_line()
    name, root, layout = found.name, found.root, found.posts.applied
    head = theme.head(site, root, layout, include)
    if head is None:
        if name and root is None:
            return [], [f"the theme '{name}' is not installed here (no gem found): install it "
                        f"and run 'pandockit init' again, or add {line} inside the <head> of "
                        f"the layout '{layout}'"]
        return [], [f"add {line} inside the <head> of the layout your posts use ('{layout}'): "
                    "no layout of the site or its theme writes one"]
    if head.includes_pandockit:
        return [], []
    if head.hook is not None:
        rel = head.hook.rel
        text = _text(head.hook.path)
        if head.hook.in_site:
            why = f"your head hook, every line kept, plus the include of {include}"
            return [Change(rel, _add_line(text, line), why, own=False)], []
        if not text.strip():
            why = f"{name}'s head hook, filled with pandockit's include"
            return [Change(rel, line + "\n", why, hand=f"add {line} to it")], []
        why = f"a copy of {name}'s head hook, every line kept, plus the include of {include}"
        return [Change(rel, _add_line(text, line), why, hand=f"add {line} to it")], []
    text = _text(head.source.path)
    close = re.search(r"</head\s*>", text, re.I)
    if head.source.in_site:
        where = f"line {text.count(chr(10), 0, close.start()) + 1}" if close else "its end"
        return [], [f"add {line} inside <head> of {head.source.rel} (your own file), just "
                    f"before </head> ({where})"]
    at = close.start() if close else len(text)
    indent = "  " if close else ""
    new = text[:at].rstrip(" ") + indent + line + "\n" + text[at:]
    why = f"{name}'s own {head.source.rel}, every line kept, plus the include of {include}"
    return [Change(head.source.rel, new, why, hand=f"add {line} inside its <head>")], []


def _math_lines(found: _Theme, config: dict, math_style: str) -> tuple[list[str], list[str]]:
    """What init says about a math library the theme loads itself: notes and to-dos."""
    math = found.math
    if math is None:
        return [], []
    rel = math.source.rel if math.source.in_site else f"{found.name}'s {math.source.rel}"
    if not jekyll_theme.relied_on(math, math_style):
        return [f"the theme loads {math.library} ({rel}) for other delimiters: pandockit's "
                "head include loads MathJax for its posts' math"], []
    notes = [f"the theme loads {math.library} itself ({rel}): pandockit's head include loads "
             "none"]
    todo: list[str] = []
    if math.page_keys:
        notes.append(f"posts with math get '{math.page_keys[0]}: true', which turns it on")
    elif math.site_keys and config.get(math.site_keys[0]):
        notes.append(f"_config.yml's '{math.site_keys[0]}' turns it on")
    elif math.site_keys:
        todo.append(f"in _config.yml, set '{math.site_keys[0]}: true': the theme loads "
                    f"{math.library} only then")
    missing = jekyll_theme.missing_delimiters(math, math_style)
    if missing:
        todo.append(f"in {rel}, let {math.library} read {' and '.join(missing)}: pandockit's "
                    "posts write their math so")
    return notes, todo


def _config_change(
    path: Path, site: Path, theme_options: dict | None = None, self_host: bool = False
) -> tuple[list[Change], list[str]]:
    text = _text(path)
    new, why, todo, hand = text, [], [], []
    additions = [(lambda t: edits.config_exclude(t, "*.ipynb"),
                  "notebook sources are not published ('*.ipynb' excluded)")]
    options = fastpages.site_options(site) if fastpages.detect(site) else {}
    reasons = ["a fastpages blog: notebooks converted as fastpages did"] if options else []
    if theme_options:
        options = {**options, **theme_options}
        reasons.append("the theme's MathJax reads $..$: literal dollars escaped for it")
    if options:
        additions.append((lambda t: edits.config_block(t, "pandockit", options),
                          "; ".join(reasons) + " (pandockit: options)"))
    if self_host:
        additions.append((lambda t: edits.config_block(t, "pandockit", {"self-host": True}),
                          "libraries served by the site itself (pandockit: self-host: true)"))
    for edit, because in additions:
        try:
            result = edit(new)
        except edits.ByHand as exc:
            todo.append(f"in {path.name}, {exc}")
            continue
        if result is not None:
            new = result
            why.append(because)
            hand.append(because)
    if text.startswith(edits.BOM):  # measured: Jekyll 4.3 on Ruby 3.1 (Psych 4, libyaml)
        todo.append(f"in {path.name}, remove the byte-order mark it starts with: Jekyll reads "
                    "only the first key of a file that has one")
    rel = path.name
    change = Change(rel, new, "; ".join(why), own=False, hand="by hand: " + "; ".join(hand))
    return ([change] if new != text else []), todo


def _example(site: Path, notebooks_dir: str, today: dt.date) -> list[Change]:
    folder = site / notebooks_dir
    if folder.is_dir() and any(folder.glob(f"*{EXAMPLE}")):
        return []
    rel = f"{notebooks_dir}/{today.isoformat()}-{EXAMPLE}"
    text = templates.data_text("example.ipynb")
    return [Change(rel, text, "a starter notebook: math, code, a plot, a table, a toggle")]


def plan(
    site: Path, opts: InitOptions, today: dt.date | None = None
) -> tuple[list[Change], list[str], list[str]]:
    """Every change ``init`` wants in ``site``, what it leaves to the user, and what it says
    of the site (the posts' layout, the theme's math)."""
    path = config_file(site)
    try:
        config = edits.load_config(_text(path))
    except edits.ByHand as exc:
        if yamltext.parses_as_jekyll():  # libyaml refuses it: so does Jekyll
            raise PandockitError(path, str(exc)) from exc
        config = {}  # Jekyll may read what PyYAML's own parser refuses: edits become to-dos
    found = _find_theme(site, config)
    notes = [f"posts get the layout {found.posts.why}"]
    style = "dollars" if _theme_options(found, config) else _math_style(config)
    relied = jekyll_theme.relied_on(found.math, style)
    own_math = found.math.source.rel if relied and found.math is not None else None
    mathjax_urls = (opts.mathjax_url, opts.mathjax2_url)
    if opts.self_host or _self_hosted(config):  # a self-hosted site stays so
        mathjax_urls = tuple(_site_copy(url) for url in mathjax_urls)
    changes = [
        Change(f"_includes/{templates.HEAD_INCLUDE}",
               templates.head_include(*mathjax_urls, own_math),
               "the stylesheet on notebook posts (MathJax: the theme's own)" if own_math else
               "MathJax on pages with math, the stylesheet on notebook posts"),
        Change(templates.STYLESHEET, templates.stylesheet(),
               "styles for outputs, stderr, tracebacks, toggles and wide tables"),
    ]
    head_changes, todo = _head_changes(site, found)
    changes += head_changes
    math_notes, math_todo = _math_lines(found, config, style)
    notes += math_notes
    todo += math_todo
    ignore = site / ".gitignore"
    new = edits.gitignore(_text(ignore), ".pandockit/")
    if new is not None:
        changes.append(Change(".gitignore", new, "pandockit's build state is not committed",
                              own=False, hand="add the line .pandockit/ by hand"))
    config_changes, config_todo = _config_change(
        path, site, _theme_options(found, config), opts.self_host
    )
    changes += config_changes
    todo += config_todo
    if opts.example:
        notebooks_dir = str(resolve_options(site)["notebooks-dir"])
        changes += _example(site, notebooks_dir, today or dt.date.today())
    if opts.github_pages:
        text, pages_todo = workflow.render(site, config, path, dict(resolve_options(site).items()))
        changes.append(Change(WORKFLOW, text,
                              "GitHub Pages: converts the notebooks and publishes on every push"))
        todo += pages_todo
        if not (site / WORKFLOW).exists():
            todo.append(PAGES_SETTING)
    return changes, todo, notes


def _theme_options(found: _Theme, config: dict) -> dict:
    """``math: dollars`` where the theme's own MathJax reads ``$..$``: the kramdown style
    leaves a literal dollar bare, which such a MathJax would read as math."""
    math = found.math
    reads = math is not None and jekyll_theme.reads_dollars(math)
    return {"math": "dollars"} if reads and _math_style(config) == "kramdown" else {}


def _self_hosted(config: dict) -> bool:
    """Whether the site's ``_config.yml`` says ``pandockit: self-host: true``."""
    ours = config.get("pandockit")
    return isinstance(ours, dict) and ours.get("self-host") is True


def _math_style(config: dict) -> str:
    ours = config.get("pandockit")
    style = ours.get("math") if isinstance(ours, dict) else None
    return style if style in ("kramdown", "dollars") else "kramdown"


def _site_copy(url: str) -> str:
    """The head include's URL of the site's own copy of the library at ``url`` (Liquid that
    adds the baseurl), or ``url`` when no pinned library stands for it."""
    local = libraries.resolver("")(url)
    if local == url:
        return url
    path, _, query = local.partition("?")
    return "{{ " + f'"{path}" | relative_url' + " }}" + (f"?{query}" if query else "")


def notebooks_folder(site: Path) -> str | None:
    """The notebook folder (site path) when it is missing and inside the site, else None."""
    try:
        options = resolve_options(site)
    except PandockitError:  # a _config.yml only Jekyll's parser reads: the default folder
        options = default_options()
    rel = options.notebooks_dir.strip("/")
    folder = site / rel
    try:
        folder.resolve().relative_to(site.resolve())
    except ValueError:
        return None
    return None if folder.exists() or folder.is_symlink() else rel


def init(site: Path, opts: InitOptions) -> Report:
    """Prepare ``site``; with ``opts.dry_run`` only say what would be done."""
    changes, todo, notes = plan(site, opts)
    record = load_record(site)
    decided = [(c, decide(site, c, record, opts.force)) for c in changes]
    made = notebooks_folder(site)
    if not opts.dry_run:
        apply(site, decided, record)
        if made is not None:
            try:
                (site / made).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise PandockitError(site / made, f"cannot be made ({exc.strerror or exc})") \
                    from exc
    return Report([o for _, o in decided], todo, made, notes)
