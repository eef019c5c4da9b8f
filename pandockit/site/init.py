"""``pandockit init``: make a Jekyll site show notebook posts as the notebooks read.

What it does to a site, each step said in one line (``--dry-run``: said, not done):

- ``_includes/pandockit-head.html``: MathJax on pages with math, pandockit's stylesheet on its
  posts (:mod:`pandockit.site.templates`), and ``assets/css/pandockit.css``;
- gets that include into the post pages' ``<head>`` (:mod:`pandockit.site.theme`): through
  the theme's head hook (minima 3's ``custom-head.html``), else through a site copy of the
  theme's head include with one line added (minima 2.5's ``head.html``); a site with its own
  layouts is told the one line to paste;
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

from pandockit import fastpages, libraries
from pandockit.config import resolve_options
from pandockit.errors import PandockitError
from pandockit.site import edits, templates, theme, workflow
from pandockit.site.files import Change, Outcome, apply, decide, load_record

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

    @property
    def writes(self) -> bool:
        return any(o.writes for o in self.outcomes) or self.made is not None

    def lines(self, site: Path, dry_run: bool) -> list[str]:
        out = [o.line(dry_run) for o in self.outcomes if o.verb != "same"]
        if self.made is not None:
            out.append(f"{'would make' if dry_run else 'makes'} {self.made}/: put notebooks "
                       "here; 'pandockit build' turns each into a post")
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
    try:
        return path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise PandockitError(path, f"cannot be read ({exc})") from exc


def _head_changes(site: Path, config: dict) -> tuple[list[Change], list[str]]:
    """How pandockit's head include gets into the post pages, as changes and to-dos."""
    include, line = templates.HEAD_INCLUDE, templates.include_line()
    name = theme.theme_name(config)
    root = theme.theme_root(name) if name else None
    head = theme.head(site, root, include)
    if head is None:
        where = f"the theme '{name}' was not found" if name and root is None else "no layout"
        return [], [f"add {line} inside the <head> of your layout ({where} writes one here)"]
    if head.includes_pandockit:
        return [], []
    if head.source.in_site:
        return [], [f"add {line} inside <head> of {head.source.rel} (your own file)"]
    if head.hook:
        rel = f"_includes/{head.hook}"
        return [Change(rel, line + "\n", f"{name}'s head hook, filled with pandockit's include",
                       hand=f"add {line} to it")], []
    text = _text(head.source.path)
    close = re.search(r"</head\s*>", text, re.I)
    at = close.start() if close else len(text)
    indent = "  " if close else ""
    new = text[:at].rstrip(" ") + indent + line + "\n" + text[at:]
    why = f"{name}'s own {head.source.rel}, every line kept, plus the include of {include}"
    return [Change(head.source.rel, new, why, hand=f"add {line} inside its <head>")], []


def _config_change(path: Path, site: Path, self_host: bool = False
                   ) -> tuple[list[Change], list[str]]:
    text = _text(path)
    new, why, todo = text, [], []
    additions = [(lambda t: edits.config_exclude(t, "*.ipynb"),
                  "notebook sources are not published ('*.ipynb' excluded)")]
    options = fastpages.site_options(site) if fastpages.detect(site) else {}
    if options:
        additions.append((lambda t: edits.config_block(t, "pandockit", options),
                          "a fastpages blog: notebooks converted as fastpages did "
                          "(pandockit: options)"))
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
    rel = path.name
    return ([Change(rel, new, "; ".join(why), own=False)] if new != text else []), todo


def _example(site: Path, notebooks_dir: str, today: dt.date) -> list[Change]:
    folder = site / notebooks_dir
    if folder.is_dir() and any(folder.glob(f"*{EXAMPLE}")):
        return []
    rel = f"{notebooks_dir}/{today.isoformat()}-{EXAMPLE}"
    text = templates.data_text("example.ipynb")
    return [Change(rel, text, "a starter notebook: math, code, a plot, a table, a toggle")]


def plan(
    site: Path, opts: InitOptions, today: dt.date | None = None
) -> tuple[list[Change], list[str]]:
    """Every change ``init`` wants in ``site``, and what it leaves to the user."""
    path = config_file(site)
    try:
        config = edits.load_config(_text(path))
    except edits.ByHand as exc:
        raise PandockitError(path, str(exc)) from exc
    mathjax_urls = (opts.mathjax_url, opts.mathjax2_url)
    if opts.self_host or resolve_options(site)["self-host"]:  # a self-hosted site stays so
        mathjax_urls = tuple(_site_copy(url) for url in mathjax_urls)
    changes = [
        Change(f"_includes/{templates.HEAD_INCLUDE}",
               templates.head_include(*mathjax_urls),
               "MathJax on pages with math, the stylesheet on notebook posts"),
        Change(templates.STYLESHEET, templates.stylesheet(),
               "styles for outputs, stderr, tracebacks, toggles and wide tables"),
    ]
    head_changes, todo = _head_changes(site, config)
    changes += head_changes
    ignore = site / ".gitignore"
    new = edits.gitignore(_text(ignore), ".pandockit/")
    if new is not None:
        changes.append(Change(".gitignore", new, "pandockit's build state is not committed",
                              own=False))
    config_changes, config_todo = _config_change(path, site, opts.self_host)
    changes += config_changes
    todo += config_todo
    if opts.example:
        notebooks_dir = str(resolve_options(site)["notebooks-dir"])
        changes += _example(site, notebooks_dir, today or dt.date.today())
    if opts.github_pages:
        text, pages_todo = workflow.render(site, config, path, resolve_options(site).values)
        changes.append(Change(WORKFLOW, text,
                              "GitHub Pages: converts the notebooks and publishes on every push"))
        todo += pages_todo
        if not (site / WORKFLOW).exists():
            todo.append(PAGES_SETTING)
    return changes, todo


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
    rel = str(resolve_options(site)["notebooks-dir"]).strip("/")
    folder = site / rel
    try:
        folder.resolve().relative_to(site.resolve())
    except ValueError:
        return None
    return None if folder.exists() or folder.is_symlink() else rel


def init(site: Path, opts: InitOptions) -> Report:
    """Prepare ``site``; with ``opts.dry_run`` only say what would be done."""
    changes, todo = plan(site, opts)
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
    return Report([o for _, o in decided], todo, made)
