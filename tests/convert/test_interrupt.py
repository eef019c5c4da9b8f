"""A build that is killed, terminated or interrupted (issue 20, item 3): its workers and their
pandoc die with it, a lock whose holder is gone is taken over, SIGTERM stops it as Ctrl-C does,
Ctrl-C keeps what was finished and stops at once, and the temp files of a killed run go.

Real processes and real signals. A notebook holding ``HANG-HERE`` makes the fake pandoc these
tests put in front of the real one (``PYPANDOC_PANDOC``) hang for ten minutes, so a worker is
certainly busy when the signal comes; every wait is for a condition, with a generous timeout.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pandockit import builder as bld
from pandockit import lock, manifest
from pandockit.builder import workers
from pandockit.config import resolve_options
from pandockit.errors import PandockitError
from pandockit.pandoc.process import pandoc_path
from pandockit.safe_write import atomic_write

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc (Linux)"
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "_notebooks"


def wait_until(done: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    """Wait for ``done()`` (checked every 0.1 s); fail after ``timeout`` seconds (a hang)."""
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what or done}")
        time.sleep(0.1)


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of process ``pid`` (None when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def gone(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie nobody reaped counts: it runs no more)."""
    st = _stat(pid)
    return st is None or st[0] in ("Z", "X")


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st is not None and st[1] == pid and not gone(int(entry)):
                found.append(int(entry))
    return found


def notebook(text: str) -> str:
    return json.dumps({
        "cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": text}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    })


@pytest.fixture
def fake(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """The environment that runs pandockit through a fake pandoc (hanging on ``HANG-HERE``,
    the real one otherwise, without server mode), and the file where each hanging run writes
    its pid."""
    marks = tmp_path / "hanging"
    script = tmp_path / "fake-pandoc"
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import os, subprocess, sys, time
        real, args = {pandoc_path()!r}, sys.argv[1:]
        if "--version" in args:
            out = subprocess.run([real, "--version"], capture_output=True).stdout
            sys.stdout.buffer.write(out.replace(b"+server", b"-server"))
            sys.exit(0)
        data = sys.stdin.buffer.read()
        if b"HANG-HERE" in data:
            with open({str(marks)!r}, "a") as fh:
                fh.write(f"{{os.getpid()}}\\n")
            time.sleep(600)
            sys.exit(1)
        done = subprocess.run([real, *args], input=data, capture_output=True)
        sys.stdout.buffer.write(done.stdout)
        sys.stderr.buffer.write(done.stderr)
        sys.exit(done.returncode)
        """))
    script.chmod(0o755)
    return dict(os.environ, PYPANDOC_PANDOC=str(script)), marks


def hanging(marks: Path) -> list[int]:
    try:
        return [int(line) for line in marks.read_text().split()]
    except OSError:
        return []


def make_site(path: Path, notebooks: dict[str, str]) -> Path:
    (path / "_notebooks").mkdir(parents=True)
    (path / "_config.yml").write_text("title: t\n")
    for name, text in notebooks.items():
        (path / "_notebooks" / name).write_text(notebook(text))
    return path


def start_build(site: Path, env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pandockit", "build", "-j", "2", "--site", str(site), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def stop(proc: subprocess.Popen) -> None:
    """Kill ``proc`` if it still runs, reap it, close its pipes (without reading them: workers
    it left behind could hold them open for ever)."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def build(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pandockit", "build", "--site", str(site), *args],
        capture_output=True, text=True, timeout=300, check=False,
    )


def test_a_killed_build_takes_its_workers_and_pandoc_along(tmp_path: Path, fake) -> None:
    """``build -j 2 & kill -9 $!``: the workers and their pandoc die too (they held the lock
    under PID 1 for good), and the next ``build --no-wait`` runs."""
    env, marks = fake
    site = make_site(tmp_path / "site", {"a.ipynb": "HANG-HERE a", "b.ipynb": "HANG-HERE b"})
    proc = start_build(site, env)
    try:
        wait_until(lambda: len(hanging(marks)) == 2, what="both workers in pandoc")
        workers_of = children(proc.pid)
        assert len(workers_of) == 2
    finally:
        stop(proc)
    left = workers_of + hanging(marks)
    wait_until(lambda: all(gone(p) for p in left), timeout=30, what="workers and pandoc gone")
    after = build(site, "--no-wait")
    assert after.returncode == 0, after.stderr
    assert "another pandockit build" not in after.stderr
    assert (site / "_posts").is_dir() and len(list((site / "_posts").glob("*.md"))) == 2


def test_sigterm_stops_a_build_as_ctrl_c_does(tmp_path: Path, fake) -> None:
    """``kill`` (SIGTERM): the build stops at once (its workers and pandoc with it), says so
    on one line and exits 143, where it used to die and leave its workers running."""
    env, marks = fake
    site = make_site(tmp_path / "site", {"a.ipynb": "HANG-HERE a", "b.ipynb": "HANG-HERE b"})
    proc = start_build(site, env)
    try:
        wait_until(lambda: len(hanging(marks)) == 2, what="both workers in pandoc")
        workers_of = children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)  # not the ten minutes of the hanging pandoc
    finally:
        stop(proc)
    assert proc.returncode == 143
    assert "pandockit: error: terminated" in err and "Traceback" not in err
    left = workers_of + hanging(marks)
    wait_until(lambda: all(gone(p) for p in left), timeout=30, what="workers and pandoc gone")


def test_ctrl_c_stops_at_once_and_keeps_the_finished_posts(tmp_path: Path, fake) -> None:
    """Ctrl-C while a worker is busy: the build stops within seconds (it used to wait for the
    busy worker's whole chunk), keeps the post already finished, and the next build converts
    only the rest."""
    env, marks = fake
    site = make_site(tmp_path / "site", {"a.ipynb": "# A\n\nfine", "b.ipynb": "HANG-HERE b"})
    proc = start_build(site, env)
    try:
        first = proc.stdout.readline()
        wait_until(lambda: len(hanging(marks)) == 1, what="the second worker in pandoc")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        stop(proc)
    assert first.startswith("converted _notebooks/a.ipynb")
    assert proc.returncode == 130 and "pandockit: error: interrupted" in err
    wait_until(lambda: all(gone(p) for p in hanging(marks)), timeout=30, what="pandoc gone")
    entries = manifest.load(site).entries
    assert list(entries) == ["_notebooks/a.ipynb"]
    assert (site / entries["_notebooks/a.ipynb"].post).is_file()
    after = build(site)
    assert after.returncode == 0, after.stderr
    assert "converted _notebooks/b.ipynb" in after.stdout
    assert "1 converted, 1 skipped" in after.stdout


def render_slowly(chunk: list[workers.Task]) -> list[workers.Answer]:
    """A worker's render that never ends for ``a.ipynb`` (module level: it is pickled)."""
    if chunk[0].rel.endswith("a.ipynb"):
        time.sleep(600)
    return [workers.Answer(t.rel, t.key) for t in chunk]


def test_an_interruption_keeps_chunks_finished_ahead_of_a_busy_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answers of workers that finished after a chunk still rendering are not thrown
    away: stopped, the rendering hands them out (the build applies them), and the busy
    worker is gone at once."""
    site = make_site(tmp_path / "site", {"a.ipynb": "x", "b.ipynb": "y"})
    options = resolve_options(site)
    tasks = [
        workers.Task(str(site / "_notebooks" / n), f"_notebooks/{n}", "k", site, options, 30)
        for n in ("a.ipynb", "b.ipynb")
    ]
    monkeypatch.setattr(workers, "_render_chunk", render_slowly)  # forked workers inherit it
    with workers.start_pool(tasks, 2) as answers:
        wait_until(lambda: answers._futures[1].done(), what="the second chunk")
        assert answers._futures[1].exception() is None
        pids = list(answers._pool._processes)
        answers.stop()
        assert [r.rel for r in answers.finished()] == ["_notebooks/b.ipynb"]
    wait_until(lambda: all(gone(p) for p in pids), timeout=30, what="workers gone")


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _hold_lock(site: Path, pid: int) -> subprocess.Popen:
    """A process that holds the site's lock while the lock file names ``pid`` (what a killed
    build's workers did: they kept the lock, its pid gone)."""
    code = textwrap.dedent(f"""\
        import fcntl, os, sys, time
        path = {str(lock.lock_path(site))!r}
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, b"{pid}\\n", 0)
        print("ready", flush=True)
        time.sleep(600)
        """)
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    return holder


@pytest.mark.parametrize("wait", [False, True], ids=["no-wait", "wait"])
def test_a_lock_whose_holder_is_gone_is_taken_over(tmp_path: Path, wait: bool) -> None:
    """The lock names a pid that is gone, yet something still holds it: ``--no-wait`` said
    "another pandockit build is running (pid N)" for a dead N, and a plain build waited for
    ever. Both take it over now, with a warning."""
    site = make_site(tmp_path / "site", {"a.ipynb": "# A\n\nfine"})
    dead = _dead_pid()
    holder = _hold_lock(site, dead)
    try:
        done = build(site, *([] if wait else ["--no-wait"]))
    finally:
        holder.kill()
        holder.communicate()
    assert done.returncode == 0, done.stderr
    assert f"took over the build lock of pid {dead}, which is gone" in done.stderr
    assert (site / "_posts").is_dir()


def test_a_lock_whose_holder_lives_is_not_taken_over(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"a.ipynb": "x"})
    holder = _hold_lock(site, os.getpid())
    try:
        done = build(site, "--no-wait")
    finally:
        holder.kill()
        holder.communicate()
    assert done.returncode == 1
    assert f"another pandockit build is running on this site (pid {os.getpid()})" in done.stderr


def test_the_lock_is_not_inherited_by_forked_children(tmp_path: Path) -> None:
    """A child forked while the lock is held (a worker) does not hold it: the lock goes with
    the build, even when the child lives on."""
    site = make_site(tmp_path / "site", {})
    ready, say = os.pipe()
    with lock.site_lock(site):
        pid = os.fork()
        if pid == 0:  # the child (its fork hooks have run): outlive the parent's lock
            os.write(say, b"x")
            time.sleep(5)
            os._exit(0)
        assert os.read(ready, 1) == b"x"
    os.close(ready)
    os.close(say)
    try:
        with lock.site_lock(site, wait=False):
            pass
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def test_temp_files_of_a_killed_run_are_removed_by_the_next_build(tmp_path: Path) -> None:
    """A run killed mid-write leaves ``.NAME.pandockit-PID-XXXX.tmp``; the next build removes
    those whose process is gone, in the folders builds write, and nothing else."""
    site = make_site(tmp_path / "site", {"a.ipynb": "x"})
    dead = _dead_pid()
    sleeper = subprocess.Popen(["sleep", "600"])
    stale = [
        site / "_posts" / f".2020-01-01-x.md.pandockit-{dead}-abc_12xy.tmp",
        site / "assets/nb_files/2020-01-01-x" / f".output_1_0.png.pandockit-{dead}-q1w2e3r4.tmp",
        site / ".pandockit" / f".manifest.json.pandockit-{dead}-zz9zz9zz.tmp",
    ]
    kept = [
        site / "_posts" / f".2020-01-02-y.md.pandockit-{sleeper.pid}-abcdefgh.tmp",  # writing
        site / "_posts" / ".notes.tmp",  # not pandockit's
        site / "_posts" / f"mine.pandockit-{dead}-abcdefgh.tmp",  # not a dot-file
    ]
    try:
        for path in stale + kept:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("partial")
        options = resolve_options(site)
        summary = bld.build(site, site / "_notebooks", options, bld.Settings(jobs=1),
                            bld.Reporter(-1))
    finally:
        sleeper.kill()
        sleeper.wait()
    assert summary.status == 0
    assert [p for p in stale if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []


def test_an_interrupted_write_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "post.md", b"text")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    (tmp_path / "full").mkdir()
    monkeypatch.setattr(os, "replace", lambda s, d: (_ for _ in ()).throw(OSError(28, "full")))
    with pytest.raises(PandockitError, match="cannot write"):
        atomic_write(tmp_path / "full" / "post.md", b"text")
    assert list((tmp_path / "full").iterdir()) == []
