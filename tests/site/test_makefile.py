"""The Makefile rules ``pandockit makefile`` prints, run with real ``make`` on a test site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from importlib.resources import files
from pathlib import Path

import pytest
from jekyll_site import JekyllSite, img_srcs, math_in

from pandockit import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "_notebooks"
PANDOCKIT = Path(sys.executable).parent / "pandockit"
DATED = ["2022-07-24-Tensor-Products-and-Gradients", "2023-01-15-Linear-Algebra-Notes"]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def rules(capsys: pytest.CaptureFixture) -> str:
    assert cli.main(["makefile"]) == 0
    return capsys.readouterr().out


def make(site: Path, *targets: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *targets, f"PANDOCKIT={PANDOCKIT}"],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def make_site(tmp_path: Path, capsys: pytest.CaptureFixture) -> JekyllSite:
    """A site with the example notebooks, its Makefile including the printed rules."""
    site = JekyllSite(tmp_path / "site")
    (site.path / "_notebooks").mkdir()
    for nb in EXAMPLES.glob("*.ipynb"):
        shutil.copy(nb, site.path / "_notebooks" / nb.name)
    (site.path / "pandockit.mk").write_text(rules(capsys))
    (site.path / "Makefile").write_text("include pandockit.mk\n\nall: posts\n")
    return site


def test_makefile_command_prints_the_shipped_rules(capsys: pytest.CaptureFixture) -> None:
    shipped = files("pandockit").joinpath("data/pandockit.mk").read_text(encoding="utf-8")
    text = rules(capsys)
    assert text == shipped
    assert "$(PANDOCKIT_POSTS)/%.md: $(PANDOCKIT_NOTEBOOKS)/%.ipynb" in text
    assert "\n\t$(PANDOCKIT) convert" in text  # recipe lines start with a tab


def test_make_builds_posts_like_pandockit_build(make_site: JekyllSite, tmp_path: Path) -> None:
    proc = make(make_site.path, "-j2", "posts")
    assert proc.returncode == 0, proc.stderr
    posts = make_site.path / "_posts"
    assert sorted(p.name for p in posts.iterdir()) == [f"{s}.md" for s in DATED]
    assert (make_site.path / f"assets/nb_files/{DATED[0]}/output_1_0.png").is_file()

    # the same bytes as pandockit build writes
    other = JekyllSite(tmp_path / "other")
    shutil.copytree(EXAMPLES, other.path / "_notebooks")
    assert cli.main(["build", "--site", str(other.path), "-q"]) == 0
    for stem in DATED:
        made = (posts / f"{stem}.md").read_bytes()
        assert made == (other.path / "_posts" / f"{stem}.md").read_bytes()


def test_make_rebuilds_only_what_changed(make_site: JekyllSite) -> None:
    assert make(make_site.path, "posts").returncode == 0
    assert make(make_site.path, "-q", "posts").returncode == 0  # everything up to date
    post = make_site.path / "_posts" / f"{DATED[1]}.md"
    untouched = make_site.path / "_posts" / f"{DATED[0]}.md"
    stamp = untouched.stat().st_mtime_ns
    later = time.time() + 5
    os.utime(make_site.path / "_notebooks" / f"{DATED[1]}.ipynb", (later, later))
    assert make(make_site.path, "-q", "posts").returncode == 1  # one post is out of date
    proc = make(make_site.path, "posts")
    assert proc.returncode == 0 and f"{DATED[1]}.ipynb" in proc.stdout
    assert f"{DATED[0]}.ipynb" not in proc.stdout
    assert untouched.stat().st_mtime_ns == stamp and post.is_file()


def test_make_clean_posts_removes_only_its_posts(make_site: JekyllSite) -> None:
    assert make(make_site.path, "posts").returncode == 0
    mine = make_site.path / "_posts" / "2020-01-01-handwritten.md"
    mine.write_text("---\ntitle: mine\n---\n")
    assert make(make_site.path, "clean-posts").returncode == 0
    assert [p.name for p in (make_site.path / "_posts").iterdir()] == [mine.name]
    assert not (make_site.path / f"assets/nb_files/{DATED[0]}").exists()
    assert len(list((make_site.path / "_notebooks").glob("*.ipynb"))) == 3


def test_make_reports_a_failing_notebook(make_site: JekyllSite) -> None:
    (make_site.path / "_notebooks" / "2021-01-01-broken.ipynb").write_text("{")
    proc = make(make_site.path, "-k", "posts")
    assert proc.returncode != 0
    assert "pandockit: error: _notebooks/2021-01-01-broken.ipynb: " in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (make_site.path / "_posts" / f"{DATED[0]}.md").is_file()  # -k: the others are made
    assert not (make_site.path / "_posts" / "2021-01-01-broken.md").exists()


def test_jekyll_builds_the_made_site(make_site: JekyllSite) -> None:
    assert make(make_site.path, "-j2").returncode == 0
    make_site.build()
    tensor = make_site.post_html(make_site.path / "_posts" / f"{DATED[0]}.md")
    (src,) = img_srcs(tensor)
    assert make_site.url_path(src).is_file()
    algebra = make_site.post_html(make_site.path / "_posts" / f"{DATED[1]}.md")
    assert "e^{i\\pi} + 1 = 0" in math_in(algebra)


# -- the repository's own Makefile -------------------------------------------------------------


def test_make_help_lists_every_target() -> None:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = set(next(line for line in text.splitlines() if line.startswith(".PHONY:"))
                .split(":", 1)[1].split())
    said = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    listed = {line.split()[1] for line in said.splitlines() if line.startswith("make ")}
    assert listed == phony


@pytest.mark.parametrize(("uid", "sudo"), [("0", False), ("1000", True)])
def test_apt_get_runs_through_sudo_when_not_root(uid: str, sudo: bool, tmp_path: Path) -> None:
    """``make -n jekyll`` as root and as another user (an ``id`` that says so, first on PATH):
    apt-get runs through sudo for the second only."""
    (tmp_path / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (tmp_path / "id").chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    said = subprocess.run(["make", "--no-print-directory", "-n", "jekyll"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True).stdout
    assert "apt-get update" in said
    assert ("sudo apt-get update" in said) is sudo
    assert ("sudo env DEBIAN_FRONTEND=noninteractive apt-get install" in said) is sudo
