"""The README's quick start, verbatim: its three lines, read from README.md, run by a shell in an
empty folder (``jekyll new`` with its Gemfile and Bundler, as a new user runs it); ``pandockit
build`` says "no notebooks yet" and exits 0, and ``jekyll serve`` answers HTTP 200.

The one change to the lines: ``jekyll serve`` gets ``--port N`` (a free loopback port), since
other tests and people may hold Jekyll's default 4000 on this machine.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def quick_start() -> list[str]:
    """The shell lines of the README's ``## Quick start`` block, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^## Quick start\n.*?^```sh\n(.*?)^```", text, re.S | re.M)
    assert block, "README.md has no quick start block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except (urllib.error.URLError, OSError):
        return None


def test_the_quick_start_runs_verbatim_and_serves_the_site(tmp_path: Path) -> None:
    lines = quick_start()
    assert lines == ["jekyll new blog && cd blog", "pandockit init",
                     "pandockit build && jekyll serve"]
    port = free_port()
    script = "set -e\n" + "\n".join(lines[:-1]) + "\n"
    script += lines[-1].replace("jekyll serve", f"exec jekyll serve --port {port}") + "\n"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.Popen(["bash", "-c", script], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    status = None
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            status = answers(f"http://127.0.0.1:{port}/")
            if status == 200:
                break
            time.sleep(0.5)
        about = answers(f"http://127.0.0.1:{port}/about/")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C, as the user stops it
        out, _ = proc.communicate(timeout=60)
    assert status == 200 and about == 200, out
    site = tmp_path / "blog"
    assert "makes _notebooks/: put notebooks here" in out
    assert "no notebooks yet: put .ipynb files in _notebooks/" in out
    assert "pandockit: error" not in out and "pandockit: warning" not in out
    assert (site / "Gemfile").is_file() and (site / "_notebooks").is_dir()
    assert "pandockit-head.html" in (site / "_includes" / "head.html").read_text()
