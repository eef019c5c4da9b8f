"""The ``pandockit`` command as a user runs it: output paths, exit codes, one-line errors."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pandockit import __version__

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "_notebooks" / "2022-07-24-Tensor-Products-and-Gradients.ipynb"
PANDOCKIT = Path(sys.executable).parent / "pandockit"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(PANDOCKIT), *args], capture_output=True, text=True, cwd=cwd)


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"pandockit {__version__}"
    helped = run("--help")
    assert helped.returncode == 0 and "convert" in helped.stdout


@pytest.mark.parametrize("command", ["convert", "build", "config", "makefile"])
def test_every_command_has_help(command: str) -> None:
    proc = run(command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: pandockit " + command)


def test_python_dash_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pandockit", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_no_command_is_a_usage_error() -> None:
    proc = run()
    assert proc.returncode == 2


def test_seed_post_and_image(tmp_path: Path) -> None:
    """The core issue's done-when: the seed-shaped notebook's post, front matter and image."""
    proc = run("convert", str(SEED), "--site", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    post = tmp_path / "_posts" / "2022-07-24-Tensor-Products-and-Gradients.md"
    assert proc.stdout.strip() == str(post)
    text = post.read_text(encoding="utf-8")
    front, body = text.split("---\n", 2)[1:]
    import yaml

    fm = yaml.safe_load(front)
    assert fm["layout"] == "post"
    assert fm["permalink"] == "tensor-products-grads"
    assert fm["title"] == "A Way to Understand Shapes of Matrix Products and Gradients"
    image = tmp_path / "assets/nb_files/2022-07-24-Tensor-Products-and-Gradients/output_1_0.png"
    nb = json.loads(SEED.read_text())
    expected = base64.b64decode(nb["cells"][1]["outputs"][0]["data"]["image/png"])
    assert image.read_bytes() == expected
    assert "/assets/nb_files/2022-07-24-Tensor-Products-and-Gradients/output_1_0.png" in body
    assert "tensor-products-grads" not in body  # the YAML block left the body


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        (b"", "empty"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not a notebook"),
        (b'{"cells": []}', "nbformat"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    nb = tmp_path / "2020-01-01-bad.ipynb"
    if content is not None:
        nb.write_bytes(content)
    site = tmp_path / "site"
    proc = run("convert", str(nb), "--site", str(site))
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"pandockit: error: {nb}: ")
    assert reason in lines[0]
    assert "Traceback" not in proc.stderr
    assert not site.exists() or not any(site.rglob("*.md"))


def test_one_bad_notebook_does_not_stop_the_others(tmp_path: Path) -> None:
    bad = tmp_path / "2020-01-01-bad.ipynb"
    bad.write_text("nope")
    proc = run("convert", str(bad), str(SEED), "--site", str(tmp_path / "site"))
    assert proc.returncode == 1
    assert (tmp_path / "site/_posts/2022-07-24-Tensor-Products-and-Gradients.md").is_file()


# -- pandockit pandoc: the bundled binary, its stdin, stdout, stderr and status ---------------


@pytest.mark.parametrize("args", [
    ["-f", "markdown", "-t", "html", "--mathjax"],
    ["--version"],
    ["--help"],  # pandoc's help, not pandockit's
    ["--no-such-option"],
    ["-f", "markdown", "-t", "no-such-format"],
    ["missing-file.md"],
], ids=["stdin-to-stdout", "version", "help", "bad-option", "bad-format", "missing-file"])
def test_pandockit_pandoc_is_the_bundled_pandoc(args: list[str], tmp_path: Path) -> None:
    stdin = b"# Title\n\nSome $x^2$ and *emphasis*.\n"
    ours = subprocess.run([str(PANDOCKIT), "pandoc", *args], input=stdin, capture_output=True,
                          cwd=tmp_path)
    from pandockit.pandoc import pandoc_path

    theirs = subprocess.run([pandoc_path(), *args], input=stdin, capture_output=True,
                            cwd=tmp_path)
    assert (ours.returncode, ours.stdout, ours.stderr) == \
        (theirs.returncode, theirs.stdout, theirs.stderr)
    if args == ["--help"]:
        assert ours.stdout.startswith(b"pandoc [OPTIONS]")


def test_pandockit_pandoc_needs_no_pandoc_on_path(tmp_path: Path) -> None:
    """After the README's install: no system pandoc on PATH, and the command still runs."""
    out = tmp_path / "out.html"
    proc = subprocess.run([str(PANDOCKIT), "pandoc", "-o", str(out)], input="*hi*",
                          capture_output=True, text=True, env={"PATH": "/nonexistent"})
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == "<p><em>hi</em></p>\n"


@pytest.mark.parametrize(("argv", "collects"), [
    (["convert", "a.ipynb"], False), (["build"], False), (["init"], True), (["check"], True)])
def test_conversions_run_without_the_cycle_collector(
    argv: list[str], collects: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command entry turns Python's cycle collector off for ``convert`` and ``build``
    (a conversion collects its documents' cycles itself), and only for them."""
    import gc

    from pandockit import cli

    monkeypatch.setattr(cli, "main", lambda argv=None: 0)
    monkeypatch.setattr(cli.os, "_exit", lambda code: None)
    monkeypatch.setattr(sys, "argv", ["pandockit", *argv])
    try:
        cli.run()
        assert gc.isenabled() is collects
    finally:
        gc.enable()


def test_converting_again_leaves_unchanged_files_as_they_are(tmp_path: Path) -> None:
    """A notebook converted again into the same site writes the same post and images: their
    files stay (same inode, same modification time); a changed notebook's post is replaced."""
    import os
    import shutil

    from pandockit import cli

    site = tmp_path / "site"
    shutil.copytree(ROOT / "examples" / "site", site)
    nb = tmp_path / "2024-01-02-plots.ipynb"
    shutil.copy(ROOT / "examples" / "_notebooks" / "tables-and-images.ipynb", nb)
    argv = ["convert", "-q", "--site", str(site), str(nb)]
    assert cli.main(argv) == 0
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in (".md", ".png"))
    assert any(p.suffix == ".png" for p in files) and any(p.suffix == ".md" for p in files)
    for path in files:
        os.utime(path, ns=(1, 1))
    stats = {p: os.stat(p) for p in files}
    assert cli.main(argv) == 0
    assert {p: (os.stat(p).st_ino, os.stat(p).st_mtime_ns) for p in files} == {
        p: (s.st_ino, 1) for p, s in stats.items()}
    data = json.loads(nb.read_text(encoding="utf-8"))
    data["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "New words."})
    nb.write_text(json.dumps(data), encoding="utf-8")
    assert cli.main(argv) == 0
    post = next(p for p in files if p.suffix == ".md")
    assert "New words." in post.read_text(encoding="utf-8")
    assert os.stat(post).st_mtime_ns != 1
