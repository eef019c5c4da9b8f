"""``pandockit build --watch``: a saved notebook is rebuilt; Ctrl-C exits cleanly (bounded)."""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polling
import pytest

from pandockit import builder as bld
from pandockit.watch import relevant, watch

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "_notebooks"
STEM = "2023-01-15-Linear-Algebra-Notes"
TIMEOUT = 30.0


wait_for = functools.partial(polling.wait_for, timeout=TIMEOUT)


def settled(statuses: list[int], quiet: float) -> bool:
    """True when no build was added to ``statuses`` during ``quiet`` seconds."""
    before = len(statuses)
    time.sleep(quiet)
    return len(statuses) == before


def add_cell(nb: Path, text: str) -> None:
    data = json.loads(nb.read_text(encoding="utf-8"))
    data["cells"].append({"cell_type": "markdown", "id": "added", "metadata": {}, "source": text})
    tmp = nb.with_name(".tmp-save")  # saved as editors do: write aside, then rename
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, nb)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "_notebooks" / ".ipynb_checkpoints").mkdir(parents=True)
    (site / "_config.yml").write_text("title: t\n")
    shutil.copy(EXAMPLES / f"{STEM}.ipynb", site / "_notebooks")
    return site


def test_filter_accepts_notebooks_and_config_only(site: Path) -> None:
    accept = relevant(site, site / "_notebooks")
    assert accept(None, str(site / "_notebooks" / "a.ipynb"))
    assert accept(None, str(site / "_notebooks" / "sub" / "b.ipynb"))
    assert accept(None, str(site / "_config.yml"))
    assert not accept(None, str(site / "_notebooks" / ".ipynb_checkpoints" / "a-checkpoint.ipynb"))
    assert not accept(None, str(site / "_notebooks" / "notes.txt"))
    assert not accept(None, str(site / "_posts" / f"{STEM}.md"))
    assert not accept(None, str(site / "_site" / "x.ipynb"))


def test_watch_rebuilds_a_saved_notebook(site: Path) -> None:
    stop = threading.Event()
    statuses: list[int] = []
    settings = bld.Settings(jobs=1, verbosity=-1)

    def rebuild() -> int:
        statuses.append(bld.build_site(site, None, {}, settings))
        return statuses[-1]

    thread = threading.Thread(
        target=watch,
        args=(site, site / "_notebooks", rebuild),
        kwargs={"stop_event": stop, "debounce_ms": 100, "quiet": True},
        daemon=True,
    )
    thread.start()
    post = site / "_posts" / f"{STEM}.md"
    try:
        assert wait_for(post.is_file), "the first build did not run"
        time.sleep(0.5)  # let the watcher start
        add_cell(site / "_notebooks" / f"{STEM}.ipynb", "Saved while watching.")
        assert wait_for(lambda: "Saved while watching." in post.read_text()), "no rebuild"
        # One save can reach the watcher as two batches of events (write, then rename) on a
        # loaded machine: count the builds only once none has started for a second.
        assert wait_for(lambda: settled(statuses, 1.0)), "builds never settled"
        count = len(statuses)
        (site / "_notebooks" / ".ipynb_checkpoints" / "x-checkpoint.ipynb").write_text("{}")
        (site / "_notebooks" / "notes.txt").write_text("not a notebook")
        time.sleep(1.0)
        assert len(statuses) == count  # ignored files start no build
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert not thread.is_alive()
    assert statuses and set(statuses) == {0}


def test_ctrl_c_stops_the_watch_command_cleanly(site: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pandockit", "build", "--watch", "-j", "1", "--site", str(site)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    post = site / "_posts" / f"{STEM}.md"
    try:
        assert wait_for(post.is_file), "the first build did not run"
        time.sleep(0.5)
        add_cell(site / "_notebooks" / f"{STEM}.ipynb", "Second version.")
        assert wait_for(lambda: "Second version." in post.read_text()), "no rebuild"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert out.splitlines()[0].startswith("converted _notebooks/")
    assert "watching" in out and out.rstrip().endswith("stopped watching")
    assert out.count("1 converted") == 2  # the first build and the rebuild
