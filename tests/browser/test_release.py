"""Release-ready, and CI as GitHub would run it: ``python -m build`` makes an sdist and a wheel
that ``twine check`` accepts, with no deprecation warning; the wheel installs in a new venv and
converts a notebook; and a stock ``jekyll new`` site's GitHub Pages workflow, its own ``run:``
steps in order, installs that wheel, converts, builds and publishes a ``_site`` whose post
shows its formula in Chromium.

Slow (a build, two venvs whose dependencies pip installs from the package index): marked
``release``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml
from browser import Browser, raw_tex, serve
from stock_site import new_site

pytestmark = pytest.mark.release

ROOT = Path(__file__).resolve().parents[2]
MATH_NB = ROOT / "examples" / "_notebooks" / "2023-01-15-Linear-Algebra-Notes.ipynb"
BIN = Path(sys.executable).parent
#: What configure-pages outputs as ``base_path`` for a project site (OWNER.github.io/blog).
BASE_PATH = "/blog"


def run(cmd: list[str | Path], **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=False,
                          **kwargs)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The sdist and wheel of this checkout, built as a release is (the files git would
    commit, copied aside so the build leaves nothing in the checkout), and the build's output."""
    base = tmp_path_factory.mktemp("release")
    source = base / "source"
    files = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=ROOT).stdout.split("\0")
    for rel in filter(None, files):
        if (ROOT / rel).is_file():
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, source / rel)
    out = base / "dist"
    proc = run([sys.executable, "-m", "build", "--outdir", out, source])
    return out, proc.stdout + proc.stderr


def new_venv(path: Path) -> Path:
    """A new venv (no site packages); its bin folder."""
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin"


def clean_env(bin_dir: Path) -> dict[str, str]:
    """The environment a shell in ``bin_dir``'s venv has: that venv first on PATH, then the
    system's (Jekyll, git), nothing of the test venv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    path = [p for p in os.environ["PATH"].split(os.pathsep) if Path(p) != BIN]
    env["PATH"] = os.pathsep.join([str(bin_dir), *path])
    env["VIRTUAL_ENV"] = str(bin_dir.parent)
    return env


def test_sdist_and_wheel_pass_twine_and_the_wheel_converts_in_a_new_venv(
    dist: tuple[Path, str], tmp_path: Path
) -> None:
    out, said = dist
    names = sorted(p.name for p in out.iterdir())
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    assert version
    assert names == [f"pandockit-{version[1]}-py3-none-any.whl", f"pandockit-{version[1]}.tar.gz"]
    assert not re.search(r"deprecat", said, re.I), said  # the SPDX license, no table
    checked = run([sys.executable, "-m", "twine", "check", "--strict", *out.iterdir()])
    assert checked.stdout.count("PASSED") == 2, checked.stdout

    bin_dir = new_venv(tmp_path / "venv")
    wheel = next(out.glob("*.whl"))
    env = clean_env(bin_dir)
    installed = run([bin_dir / "python", "-m", "pip", "install", wheel], env=env)
    assert not re.search(r"deprecat", installed.stdout + installed.stderr, re.I)
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("title: release\n")
    shutil.copy(MATH_NB, site / MATH_NB.name)
    done = run([bin_dir / "pandockit", "convert", MATH_NB.name], cwd=site, env=env)
    post = site / done.stdout.strip()
    assert post == site / "_posts" / MATH_NB.with_suffix(".md").name
    assert "generator: pandockit" in post.read_text() and "$$" in post.read_text()
    assert run([bin_dir / "pandockit", "--version"], env=env).stdout.strip() == \
        f"pandockit {version[1]}"
    assert run([bin_dir / "pandockit", "pandoc", "--version"], env=env).stdout.startswith(
        "pandoc ")


#: Stands in for ``gem install``: Jekyll and the gems come from Debian here (no network for
#: RubyGems), so the step's own line runs, and each gem it names must be one Ruby finds.
GEM_SHIM = """#!/bin/sh
if [ "$1" != install ]; then exec /usr/bin/gem "$@"; fi
shift
for name in "$@"; do
  ruby -e 'Gem::Specification.find_by_name(ARGV[0])' "$name" 2>/dev/null ||
    { echo "gem $name is not installed" >&2; exit 1; }
done
echo "$*" > "$GEM_SHIM_LOG"
"""


def test_a_stock_sites_ci_steps_publish_its_post(
    dist: tuple[Path, str], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The workflow ``init --github-pages`` writes for a stock site (no Gemfile), run step by
    step as the runner would: ``uses:`` steps are GitHub's (checkout, cache, setup-python and
    setup-ruby, configure-pages' base path, the upload) and are skipped; every ``run:`` step
    runs with bash, in order, in a venv of its own, with the install step pointed at the
    local wheel by ``pandockit: install:`` and ``gem install`` checked against Debian's gems."""
    site = new_site(tmp_path / "repo", tmp_path_factory.getbasetemp())
    assert not (site / "Gemfile").exists()
    wheel = next(dist[0].glob("*.whl"))
    config = site / "_config.yml"
    install = f'pandockit:\n  install: "pandockit @ {wheel.as_uri()}"\n'
    config.write_text(config.read_text() + install)
    (site / "_notebooks").mkdir()
    shutil.copy(MATH_NB, site / "_notebooks" / MATH_NB.name)
    run([BIN / "pandockit", "init", "--github-pages", "--site", site])
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"],
                ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "site"]):
        run(["git", *cmd], cwd=site)

    bin_dir = new_venv(tmp_path / "runner-python")  # setup-python: a Python with nothing in it
    shims = tmp_path / "shims"
    shims.mkdir()
    (shims / "gem").write_text(GEM_SHIM)
    (shims / "gem").chmod(0o755)
    env = clean_env(bin_dir)
    env["PATH"] = f"{bin_dir}{os.pathsep}{shims}{os.pathsep}" + env["PATH"].split(os.pathsep, 1)[1]
    env["GEM_SHIM_LOG"] = str(tmp_path / "gems.txt")

    workflow = yaml.safe_load((site / ".github/workflows/pages.yml").read_text())
    ran, skipped = [], []
    for step in workflow["jobs"]["build"]["steps"]:
        if "uses" in step:
            skipped.append(step["uses"].split("@")[0])
            continue
        script = step["run"].replace("${{ steps.pages.outputs.base_path }}", BASE_PATH)
        assert "${{" not in script, f"an expression the test does not stand in for: {script}"
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                              cwd=site, env={**env, **step.get("env", {})}, capture_output=True,
                              text=True, check=False)
        assert proc.returncode == 0, f"step {step['name']!r} failed:\n{proc.stdout}{proc.stderr}"
        ran.append(step["name"])
    assert ran == ["Keep every committed file as committed", "Install pandockit",
                   "Convert the notebooks", "Install Jekyll, the theme and the plugins",
                   "Build the site"]
    assert skipped == ["actions/checkout", "actions/cache", "actions/setup-python",
                       "ruby/setup-ruby", "actions/configure-pages",
                       "actions/upload-pages-artifact"]
    assert (tmp_path / "gems.txt").read_text() == "jekyll minima jekyll-feed\n"
    assert (bin_dir / "pandockit").is_file()  # the wheel, installed by the step

    pages = [p for p in (site / "_site").rglob("*.html") if "Notes on linear algebra</h1>" in
             p.read_text(encoding="utf-8")]
    assert len(pages) == 1
    html = pages[0].read_text(encoding="utf-8")
    assert "mathjax@3/es5/tex-mml-chtml.js" in html and "\\(" in html
    assert f'href="{BASE_PATH}/assets/css/pandockit.css"' in html

    root = tmp_path / "served"  # _site as GitHub serves it: under the repository's name
    root.mkdir()
    (root / BASE_PATH.strip("/")).symlink_to(site / "_site")
    url_path = BASE_PATH + "/" + pages[0].relative_to(site / "_site").as_posix()
    browser = Browser()
    try:
        with serve(root) as base:
            result, page = browser.open(base + url_path)
            page.close()
    finally:
        browser.close()
    facts = result.facts
    assert facts["version"] and facts["version"].startswith("3"), "MathJax did not load"
    assert facts["errors"] == 0
    assert facts["typeset"], "no formula typeset"
    assert raw_tex(facts["text"]) == []
