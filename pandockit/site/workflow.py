"""The GitHub Pages workflow ``pandockit init --github-pages`` writes: the branch it runs on,
the pip requirement that installs pandockit in CI and the gems of a site without a Gemfile,
each checked and quoted for its YAML or shell.

The pip requirement comes from, in order: ``_config.yml``'s ``pandockit: install:``; the
running install's origin (PEP 610's ``direct_url.json``): a VCS URL and commit give
``pandockit @ git+URL@COMMIT``, a remote archive its URL, an install from the package index
(no ``direct_url.json``) ``pandockit==VERSION``; else nothing is guessed (a local folder, an
editable install): ``init`` says what to set, and the workflow's install step fails with that
same message.
"""

from __future__ import annotations

import json
import re
import shlex
from importlib import metadata
from pathlib import Path

from pandockit.errors import PandockitError
from pandockit.site import templates

#: A RubyGems name: letters, digits, '.', '-' and '_' (nothing a shell reads as syntax).
GEM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
#: A pip requirement of pandockit: its name, then extras, a version or ``@ URL``.
REQUIREMENT = re.compile(r"pandockit(?=[\s\[@=<>!~;]|\Z)", re.I)
#: Characters GitHub's branch filters read as a pattern, escaped to match themselves (a ``]``
#: alone is itself, and escaping it is an error: actionlint, as GitHub, refuses ``\]``).
FILTER_SPECIALS = re.compile(r"([*?+\[!\\])")
EXAMPLE = "pandockit @ git+https://github.com/OWNER/pandockit@v0.2.0"


def install_todo(where: str) -> str:
    """What to do when CI cannot install this pandockit: said by ``init`` and by the step."""
    return (
        f"CI cannot install this pandockit (installed from {where}): set the pip requirement "
        f'it installs with in _config.yml, as pandockit: install: "{EXAMPLE}" (your fork and '
        "tag), then run pandockit init --github-pages again"
    )


def _distribution() -> metadata.Distribution | None:
    """The installed pandockit's metadata (None: run from a source tree)."""
    try:
        return metadata.distribution("pandockit")
    except metadata.PackageNotFoundError:
        return None


def running_install() -> tuple[str | None, str]:
    """(the pip requirement that installs the running pandockit again, or None when there is
    none CI could use; where it was installed from)."""
    dist = _distribution()
    if dist is None:
        return None, "a source tree, not installed"
    text = dist.read_text("direct_url.json")
    if text is None:  # PEP 610: an install from an index records no direct URL
        return f"pandockit=={dist.version}", "the package index"
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None, "an unknown place (its direct_url.json is unreadable)"
    url, vcs = data["url"], data.get("vcs_info")
    remote = url.startswith(("https://", "http://", "ssh://", "git://"))
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id") and remote:
        sub = data.get("subdirectory")
        tail = f"#subdirectory={sub}" if isinstance(sub, str) and sub else ""
        return f"pandockit @ {vcs['vcs']}+{url}@{vcs['commit_id']}{tail}", url
    if "archive_info" in data and url.startswith(("https://", "http://")):
        return f"pandockit @ {url}", url
    where = url.removeprefix("file://")
    dir_info = data.get("dir_info")
    if isinstance(dir_info, dict) and dir_info.get("editable"):
        return None, f"an editable install of {where}"
    return None, f"the local {'file' if 'archive_info' in data else 'folder'} {where}"


def install_requirement(configured: str, config_path: Path) -> tuple[str | None, str]:
    """(the requirement CI installs pandockit with, or None; the to-do when it is None)."""
    if configured:
        if "\n" in configured or "\r" in configured or not REQUIREMENT.match(configured.strip()):
            raise PandockitError(
                config_path, f"pandockit: install: must be one line, a pip requirement of "
                f'pandockit (e.g. "{EXAMPLE}"), not {configured!r}')
        return configured.strip(), ""
    requirement, where = running_install()
    return requirement, "" if requirement else install_todo(where)


def install_step(requirement: str | None, todo: str) -> str:
    """The ``run:`` of the install step (a block scalar: the shell line is taken verbatim)."""
    if requirement is None:
        lines = [f"echo {shlex.quote('to do: ' + todo)} >&2", "exit 1"]
    else:
        lines = [f"python -m pip install {shlex.quote(requirement)}"]
    return "        run: |\n" + "".join(f"          {line}\n" for line in lines)


def gems(site: Path, config: dict, config_path: Path) -> list[str] | None:
    """The gems to install: None when the site has a Gemfile (Bundler installs it), else
    Jekyll, the theme and the plugins ``_config.yml`` names (``plugins:``, and the legacy
    ``gems:``), each checked to be a gem name."""
    if (site / "Gemfile").is_file():
        return None
    named: list[tuple[str, object]] = [("theme", config.get("theme"))] if config.get("theme") \
        else []
    for key in ("plugins", "gems"):
        value = config.get(key)
        items = value if isinstance(value, list) else [value] if value is not None else []
        named += [(key, item) for item in items]
    out = ["jekyll"]
    for key, name in named:
        if not isinstance(name, str) or not GEM_NAME.match(name):
            raise PandockitError(
                config_path, f"{key}: {name!r} is not a gem name (letters, digits, '.', '-', "
                "'_'), so the workflow cannot install it")
        if name not in out:
            out.append(name)
    return out


def branch(site: Path) -> str:
    """The branch the site's repository is on (``main`` when there is none)."""
    head = site / ".git" / "HEAD"
    try:
        m = re.match(r"ref: refs/heads/(\S+)", head.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        m = None
    return m.group(1) if m else "main"


def branch_filter(name: str) -> str:
    """``name`` as a GitHub branch filter matching only itself, quoted for YAML (a JSON string
    is a YAML double-quoted scalar)."""
    return json.dumps(FILTER_SPECIALS.sub(r"\\\1", name))


def render(site: Path, config: dict, config_path: Path, options: dict) -> tuple[str, list[str]]:
    """``.github/workflows/pages.yml`` for ``site``, and what is left to do by hand."""
    requirement, todo = install_requirement(str(options.get("install") or ""), config_path)
    installs = gems(site, config, config_path)
    if installs is None:
        ruby, jekyll = "          bundler-cache: true\n", "bundle exec jekyll"
    else:
        ruby = ("      - name: Install Jekyll, the theme and the plugins\n"
                "        run: gem install " + " ".join(shlex.quote(g) for g in installs) + "\n")
        jekyll = "jekyll"
    name = branch(site)
    text = (
        templates.data_text("pages.yml")
        .replace("@BRANCH@", name.replace("\n", " "))
        .replace("@BRANCH_FILTER@", branch_filter(name))
        .replace("@POSTS@", str(options["posts-dir"]))
        .replace("@ASSETS@", str(options["assets-dir"]))
        .replace("@INSTALL@\n", install_step(requirement, todo))
        .replace("@RUBY_SETUP@\n", ruby)
        .replace("@JEKYLL@", jekyll)
    )
    return text, [todo] if todo else []
