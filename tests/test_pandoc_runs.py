"""How pandockit runs pandoc: found without importing pypandoc, reads prefetched in the background
give the same AST as a plain read, and failures still surface as one-line PandockitErrors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pandockit import pandoc
from pandockit.errors import PandockitError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = sorted((ROOT / "examples" / "_notebooks").glob("*.ipynb"))[0]


@pytest.fixture(autouse=True)
def _no_leftovers():
    yield
    pandoc._cancel_prefetched()


def test_bundled_binary_without_importing_pypandoc() -> None:
    code = (
        "import sys; from pandockit import pandoc; p = pandoc.pandoc_path(); "
        "print(p); print('pypandoc' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    path, imported = out.stdout.split()
    assert imported == "False"
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("pandoc 3.")


def test_prefetched_read_is_the_plain_read() -> None:
    data = EXAMPLE.read_bytes()
    plain = pandoc.run_pandoc(pandoc.READ_ARGS, data)
    pandoc.prefetch_read(EXAMPLE)  # by path, as the CLI does before its imports
    assert len(pandoc._PREFETCHED) == 1
    assert pandoc.read_json(data) == plain
    assert pandoc._PREFETCHED == []  # taken, not left running
    assert json.loads(plain)["blocks"]


def test_other_bytes_are_read_again() -> None:
    data = EXAMPLE.read_bytes()
    pandoc.prefetch_read(data)
    upgraded = json.dumps(json.loads(data)).encode()  # what an upgraded notebook looks like
    assert json.loads(pandoc.read_json(upgraded)) == json.loads(pandoc.read_json(data))


def test_prefetch_limit_cancels_the_oldest() -> None:
    data = EXAMPLE.read_bytes()
    jobs = []
    for n in range(pandoc.PREFETCH_LIMIT + 1):
        pandoc.prefetch_read(data + b" " * n)
        jobs.append(pandoc._PREFETCHED[-1])
    assert len(pandoc._PREFETCHED) == pandoc.PREFETCH_LIMIT
    assert jobs[0] not in pandoc._PREFETCHED and jobs[0].proc.returncode is not None


def test_failed_prefetched_read_is_a_one_line_error(tmp_path: Path) -> None:
    bad = b'{"cells": "not a list", "nbformat": 4}'
    pandoc.prefetch_read(bad)
    with pytest.raises(PandockitError) as info:
        pandoc.read_json(bad)
    assert "pandoc (reading) failed" in str(info.value) and "\n" not in str(info.value)
    pandoc.prefetch_read(tmp_path / "missing.ipynb")  # unreadable: nothing started
    assert pandoc._PREFETCHED == []


def test_convert_cli_with_prefetch(tmp_path: Path) -> None:
    """Two notebooks through the CLI (first read prefetched by path, second by bytes) give the
    posts the in-process conversion gives."""
    from pandockit.config import resolve_options
    from pandockit.convert import plan_post, render_notebook

    notebooks = sorted((ROOT / "examples" / "_notebooks").glob("*.ipynb"))[:2]
    site = tmp_path / "site"
    site.mkdir()
    cli = [sys.executable, "-m", "pandockit", "convert", "-q", "--site", str(site)]
    subprocess.run([*cli, *map(str, notebooks)], check=True, capture_output=True)
    options = resolve_options(site)
    for nb in notebooks:
        plan = plan_post(nb, options)
        post, _ = render_notebook(plan.notebook, options, site, plan.source_day)
        written = (site / "_posts" / f"{plan.stem}.md").read_text(encoding="utf-8")
        assert written == post.text

