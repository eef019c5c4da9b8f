"""The commands of docs/pandoc-filters.md, run by a shell exactly as written, give ``convert``'s
post and images (the pages' other checks, which run nothing: tests/unit/test_docs.py)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from test_docs import ROOT, Line, shell_lines

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
