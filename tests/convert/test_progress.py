"""What a person sees while work runs: a slow notebook on a terminal shows its name and the time
spent, redrawn (read through a real pseudo-terminal); a ``--watch`` rebuild starts with one
line and a touch that changes nothing says nothing; ``-q`` leaves errors only, ``convert``
included."""

from __future__ import annotations

import fcntl
import functools
import json
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import polling
from pypandoc import get_pandoc_path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "_notebooks"
STEM = "2023-01-15-Linear-Algebra-Notes"
PANDOCKIT = Path(sys.executable).parent / "pandockit"
TIMEOUT = 60.0


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "_notebooks").mkdir(parents=True)
    (site / "_config.yml").write_text("title: t\n")
    shutil.copy(EXAMPLES / f"{STEM}.ipynb", site / "_notebooks")
    return site


def slow_pandoc(tmp_path: Path, seconds: float) -> Path:
    """A pandoc that waits ``seconds`` before each run (a notebook that takes a while)."""
    script = tmp_path / "slow-pandoc"
    script.write_text(f"#!/bin/sh\nsleep {seconds}\nexec {get_pandoc_path()} \"$@\"\n")
    script.chmod(0o755)
    return script


def run_in_terminal(cmd: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``cmd`` with a pseudo-terminal of 100 x 30 as its stdout and stderr: (status, all
    it wrote)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                            env=env, close_fds=True)
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + TIMEOUT * 2
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(leader)
    return proc.wait(timeout=TIMEOUT), b"".join(chunks).decode("utf-8", "replace")


def test_a_slow_notebook_shows_its_name_and_time_on_a_terminal(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    env = {**os.environ, "PYPANDOC_PANDOC": str(slow_pandoc(tmp_path, 1.2))}
    status, out = run_in_terminal([str(PANDOCKIT), "build", "-j", "1", "--site", str(site)],
                                  env)
    assert status == 0, out
    shown = re.findall(rf"converting _notebooks/{STEM}\.ipynb \((\d\d:\d\d)\)", out)
    assert len(shown) >= 3 and len(set(shown)) >= 2, out  # redrawn, the time going up
    assert shown == sorted(shown)
    assert f"converted _notebooks/{STEM}.ipynb -> _posts/{STEM}.md" in out
    assert re.search(r"1 converted, 0 skipped, 0 failed, 0 removed in [\d.]+ s", out)
    # without a terminal: the plain lines only
    proc = subprocess.run([str(PANDOCKIT), "build", "--force", "-j", "1", "--site", str(site)],
                          env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "converting" not in proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[0] == f"converted _notebooks/{STEM}.ipynb -> _posts/{STEM}.md"


def test_quiet_shows_nothing_on_a_terminal_but_errors(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "_notebooks" / "2020-01-01-bad.ipynb").write_text("{not json")
    status, out = run_in_terminal(
        [str(PANDOCKIT), "build", "-q", "-j", "1", "--site", str(site)], dict(os.environ))
    assert status == 1
    assert [line for line in out.splitlines() if line.strip()] == [
        line for line in out.splitlines() if line.startswith("pandockit: error: ")] != []


def test_convert_quiet_prints_errors_only(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    nb = site / "_notebooks" / f"{STEM}.ipynb"
    proc = subprocess.run([str(PANDOCKIT), "convert", "-q", str(nb), "--site", str(site)],
                          capture_output=True, text=True, check=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert (site / "_posts" / f"{STEM}.md").is_file()
    bad = site / "bad.ipynb"
    bad.write_text("{not json")
    proc = subprocess.run([str(PANDOCKIT), "convert", "-q", str(nb), str(bad), "--site",
                           str(site), "--force"], capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "bad.ipynb" in proc.stderr
    proc = subprocess.run([str(PANDOCKIT), "convert", str(nb), "--site", str(site), "--force"],
                          capture_output=True, text=True, check=False)
    assert proc.stdout == f"{site / '_posts' / STEM}.md\n"


wait_for = functools.partial(polling.wait_for, timeout=TIMEOUT)


def add_cell(nb: Path, text: str) -> None:
    data = json.loads(nb.read_text(encoding="utf-8"))
    data["cells"].append({"cell_type": "markdown", "id": "added", "metadata": {}, "source": text})
    nb.write_text(json.dumps(data), encoding="utf-8")


def test_watch_says_one_line_per_rebuild_and_nothing_for_a_touch(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    nb = site / "_notebooks" / f"{STEM}.ipynb"
    proc = subprocess.Popen([str(PANDOCKIT), "build", "--watch", "-v", "-j", "1", "--site",
                             str(site)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    out: list[str] = []
    err: list[str] = []
    readers = [threading.Thread(target=lambda s=s, into=into: into.extend(iter(s.readline, "")),
                                daemon=True)
               for s, into in ((proc.stdout, out), (proc.stderr, err))]
    for reader in readers:
        reader.start()
    try:
        assert wait_for(lambda: any(line.startswith("watching ") for line in out)), out
        time.sleep(0.5)
        os.utime(nb)  # a touch: the watcher sees it, the build finds nothing to do
        assert wait_for(lambda: sum("changed:" in line for line in err) == 1), err
        time.sleep(1.5)  # the no-op rebuild (a hash of one notebook) has had its time to speak
        quiet = list(out)
        add_cell(nb, "Saved while watching.")
        assert wait_for(lambda: any(line.startswith("1 converted") for line in out[len(quiet):]))
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=TIMEOUT)
        for reader in readers:
            reader.join(TIMEOUT)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0, err
    assert quiet[-1].startswith("watching ")  # the touch added no line
    after = [line.rstrip("\n") for line in out[len(quiet):]]
    assert after[0] == f"rebuilding: _notebooks/{STEM}.ipynb"
    assert after[1] == f"converted _notebooks/{STEM}.ipynb -> _posts/{STEM}.md"
    assert after[2].startswith("1 converted, 0 skipped")
    assert after[-1] == "stopped watching"
    assert sum(line.startswith("rebuilding:") for line in out) == 1
