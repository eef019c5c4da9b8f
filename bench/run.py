"""Time pandockit against bare pandoc, nbconvert and jekyllnb on the generated notebooks.

    python bench/run.py [--runs N] [--out bench/out] [--only single|cell|many] [--nbconvert7 PY]
                        [--pandockit CMD]

Every tool runs as a user runs it, in a fresh process per measurement (so start-up counts):
``pandoc -f ipynb -t gfm`` (the binary pypandoc-binary bundles, which pandockit runs too),
``pandockit convert`` / ``pandockit build`` (``--pandockit``: ``make bench`` gives a
non-editable install of the working tree, as a user has it), ``python -m nbconvert --to
markdown`` (6.5, the bench group's, and 7 from ``--nbconvert7``'s Python) and ``python -m
jekyllnb`` (each converting all its notebooks in one process). The tools of a row run in turn,
run by run, so that their ratios are of runs under the same load. Each figure is the median of
``--runs`` runs; CPU is user + system time of all the processes; memory is measured in one extra
run: the largest resident set of any one process (from ``wait4``) and the peak of the whole
process tree (sampled every 5 ms with psutil, so a short peak may be missed). The ``cell`` case
times one Markdown cell of 17,500 inline formulas and the same cell 4x as long (70,000, 1.4 MB).
After the table come the rows with a goal (issue 24's), each measured value beside its goal: 100
notebooks' fresh ``build -j 2`` against nbconvert 7 in CPU and wall, the no-op rebuild, the 200-
and 2,000-cell notebooks and the 70,000-formula cell against bare pandoc, and the cell grown 4x.
The table is printed and written to ``OUT/results.md``. No timing here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SKELETON = ROOT / "examples" / "site"
ENV = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONWARNINGS="ignore")
#: A Python with nbconvert 7 (``make bench`` makes it): issue 24's yardstick for the
#: 100-notebook goals. The bench group's nbconvert is 6.5, the last jekyllnb can run on.
NBCONVERT7 = Path(__file__).resolve().parent / "out" / "nbconvert7" / "bin" / "python"
#: The single notebooks with a goal: cells -> pandockit's time at most this x bare pandoc's
#: (200 cells is the "medium notebook").
SINGLE_GOALS = {200: 1.15, 2000: 1.2}


def pandoc_binary() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def pandockit_cmd(given: Path | None = None) -> list[str]:
    """The ``pandockit`` command timed: ``given`` (``make bench`` gives a non-editable install's,
    as a user has it), else this venv's."""
    if given is not None:
        if not given.is_file():
            raise SystemExit(f"bench/run.py: --pandockit {given}: no such file")
        return [str(given)]
    script = Path(sys.executable).parent / "pandockit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pandockit"]


def has_module(name: str) -> bool:
    probe = [sys.executable, "-c", f"import {name}"]
    return subprocess.run(probe, capture_output=True, env=ENV, check=False).returncode == 0


# --------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    """One tool on one case: wall and CPU seconds of each run, memory of one run."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_max: float | None = None  # MB, largest single process
    rss_tree: float | None = None  # MB, sampled peak of all processes together
    error: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_cmd(cmd: list[str], env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(cmd, env=env or ENV, capture_output=True, check=False)
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise RuntimeError(f"{Path(cmd[0]).name} failed ({proc.returncode}): {' | '.join(tail)}")


class TreeSampler:
    """Peak resident memory of this process's descendants, summed, sampled every 5 ms."""

    def __init__(self) -> None:
        import psutil

        self._me = psutil.Process()
        self._psutil = psutil
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            total = 0
            for child in self._me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except self._psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.005)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(work, runs: int, prepare=None, memory_cmd: list[str] | None = None) -> Sample:
    """Run ``work()`` ``runs`` times (``prepare()`` before each, untimed)."""
    sample = Sample()
    try:
        for _ in range(runs):
            if prepare is not None:
                prepare()
            cpu0, t0 = _children_cpu(), time.perf_counter()
            work()
            sample.wall.append(time.perf_counter() - t0)
            sample.cpu.append(_children_cpu() - cpu0)
        if memory_cmd is not None:
            if prepare is not None:
                prepare()
            sample.rss_max, sample.rss_tree = memory_of(memory_cmd)
    except RuntimeError as exc:
        sample.error = str(exc)
    return sample


def memory_of(cmd: list[str]) -> tuple[float, float | None]:
    """(largest single process, sampled tree peak) in MB for one run of ``cmd``."""
    try:
        sampler = TreeSampler()
    except ImportError:
        sampler = None
    with sampler if sampler is not None else _Null():
        proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{Path(cmd[0]).name} failed ({proc.returncode})")
    tree = sampler.peak / 2**20 if sampler is not None else None
    return usage.ru_maxrss / 1024, tree


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def alternate(cmds: dict[str, list[str]], runs: int, prepare=None, memory: bool = True,
              env: dict[str, dict[str, str]] | None = None) -> dict[str, Sample]:
    """Time each command of ``cmds`` ``runs`` times, the commands in turn run by run (so that
    their ratios are of runs under the same load: a shared machine's load drifts over the
    minutes a case takes); ``prepare(tool)`` before each run, untimed. Then, with ``memory``,
    one more run of each for its peak memory."""
    env = env or {}
    samples = {tool: Sample() for tool in cmds}
    for _ in range(runs):
        for tool, cmd in cmds.items():
            sample = samples[tool]
            if sample.error is not None:
                continue
            one = measure(lambda cmd=cmd, tool=tool: run_cmd(cmd, env.get(tool)), 1,
                          prepare=(lambda tool=tool: prepare(tool)) if prepare else None)
            sample.wall += one.wall
            sample.cpu += one.cpu
            sample.error = one.error
    if memory:
        for tool, cmd in cmds.items():
            sample = samples[tool]
            if sample.error is None:
                if prepare is not None:
                    prepare(tool)
                try:
                    sample.rss_max, sample.rss_tree = memory_of(cmd)
                except RuntimeError as exc:
                    sample.error = str(exc)
    return samples


# --------------------------------------------------------------------------- the tools


class Bench:
    """The tools, their scratch folders, and the measurements of every case."""

    def __init__(self, out: Path, runs: int, many_runs: int,
                 nbconvert7: str | None = None, pandockit: Path | None = None) -> None:
        self.out = out
        self.runs = runs
        self.many_runs = many_runs
        self.scratch = out / "scratch"
        #: where scratch folders go between runs, deleted when the benchmark ends (discard)
        self.trash = out / "trash"
        self._discarded = 0
        self.pandoc = pandoc_binary()
        self.pandockit = pandockit_cmd(pandockit)
        self.has_nbconvert = has_module("nbconvert")
        self.has_jekyllnb = has_module("jekyllnb")
        #: a Python with nbconvert 7 (the issue's yardstick), beside the bench group's 6.5
        self.nbconvert7 = nbconvert7
        self.has_build = self._has_build()
        self.rows: list[tuple[str, dict[str, Sample]]] = []
        #: (what, measured, goal: at most this, unit "x" or " s") of the rows with a goal
        self.goals: list[tuple[str, float, float, str]] = []

    def _has_build(self) -> bool:
        return has_module("pandockit.builder")

    def fresh(self, name: str, site: bool = False) -> Path:
        folder = self.scratch / name
        self.discard(folder)
        if site:
            shutil.copytree(SKELETON, folder)
        else:
            folder.mkdir(parents=True)
        return folder

    def discard(self, folder: Path) -> None:
        """Move ``folder`` (a previous run's output) out of the way, to be deleted only when
        the benchmark ends (:meth:`empty_trash`). On an ext4 file system without a journal
        (this VM's), the kernel skips the inodes of files deleted within the last minutes
        when it picks one for a new file, scanning the inode table past each: right after the
        previous run's 600 files were deleted, each new file cost 0.2-0.7 ms of system time
        instead of 0.02 ms, whichever tool ran next (measured with perf: ``recently_deleted``
        under ``__ext4_new_inode``)."""
        if folder.exists() or folder.is_symlink():
            self.trash.mkdir(parents=True, exist_ok=True)
            self._discarded += 1
            folder.rename(self.trash / f"{os.getpid()}-{self._discarded}-{folder.name}")

    def empty_trash(self) -> None:
        shutil.rmtree(self.trash, ignore_errors=True)

    def goal(self, what: str, measured: float, at_most: float, unit: str = "x") -> None:
        self.goals.append((what, measured, at_most, unit))

    # one notebook -------------------------------------------------------------------------

    def pandoc_cmd(self, nb: Path, out: Path) -> list[str]:
        return [self.pandoc, "-f", "ipynb", "-t", "gfm", str(nb), "-o", str(out / f"{nb.stem}.md")]

    def convert_cmd(self, nbs: list[Path], site: Path) -> list[str]:
        return [*self.pandockit, "convert", "-q", "--site", str(site), *map(str, nbs)]

    def nbconvert_cmd(self, nbs: list[Path], out: Path, python: str = sys.executable) -> list[str]:
        return [python, "-m", "nbconvert", "--to", "markdown", "--log-level", "ERROR",
                "--output-dir", str(out), *map(str, nbs)]

    def jekyllnb_cmd(self, nbs: list[Path], site: Path) -> list[str]:
        return [sys.executable, "-m", "jekyllnb", "--log-level", "ERROR", "--site-dir", str(site),
                "--page-dir", "_posts", "--image-dir", "assets/images", *map(str, nbs)]

    def peers(self, nbs: list[Path]) -> tuple[dict[str, list[str]], dict[str, str]]:
        """The peers' commands on ``nbs`` (nbconvert 6.5 and 7, jekyllnb), each with its
        scratch folder to empty before a run."""
        cmds: dict[str, list[str]] = {}
        folders: dict[str, str] = {}
        if self.has_nbconvert:
            cmds["nbconvert"] = self.nbconvert_cmd(nbs, self.scratch / "nbconvert")
            folders["nbconvert"] = "nbconvert"
        if self.nbconvert7:
            cmds["nbconvert7"] = self.nbconvert_cmd(nbs, self.scratch / "nbconvert7",
                                                    self.nbconvert7)
            folders["nbconvert7"] = "nbconvert7"
        if self.has_jekyllnb:
            cmds["jekyllnb"] = self.jekyllnb_cmd(nbs, self.scratch / "jekyllnb")
            folders["jekyllnb"] = "jekyllnb"
        return cmds, folders

    def single(self, label: str, nb: Path, goal: float | None = None) -> None:
        """One notebook: bare pandoc, pandockit and the peers, in turn run by run; with a
        ``goal``, pandockit's time over bare pandoc's at most that."""
        out = self.fresh("pandoc")
        site = self.fresh("site", site=True)
        cmds = {"pandoc": self.pandoc_cmd(nb, out), "pandockit": self.convert_cmd([nb], site)}
        peers, folders = self.peers([nb])
        cmds.update(peers)

        def prepare(tool: str) -> None:
            if tool in folders:
                self.fresh(folders[tool])

        row = alternate(cmds, self.runs, prepare=prepare)
        self.report(label, row)
        pk, pd = row["pandockit"], row["pandoc"]
        if goal is not None and pk.error is None and pd.error is None:
            self.goal(f"{label}: pandockit / bare pandoc, time (CPU "
                      f"{pk.cpu_median / pd.cpu_median:.2f}x)", pk.median / pd.median, goal)

    # one big cell -----------------------------------------------------------------------

    def cell(self, notebooks: Path) -> None:
        """One Markdown cell of formulas, then the same cell 4x as long: pandockit's time may
        grow with the cell (at most 4.5x for 4x), never faster; on the long one pandockit
        against bare pandoc, in time and in memory."""
        small, big = generate.FORMULA_CELL // 4, generate.FORMULA_CELL
        site = self.fresh("site", site=True)
        out = self.fresh("pandoc")
        cmds = {}
        for n in (small, big):
            nb = generate.formula_cell(notebooks, n)
            cmds[f"pandoc {n}"] = self.pandoc_cmd(nb, out)
            cmds[f"pandockit {n}"] = self.convert_cmd([nb], site)
        # all four in turn, run by run: the ratios are of runs under the same load
        samples = alternate(cmds, self.runs)
        rows = {n: {"pandoc": samples[f"pandoc {n}"], "pandockit": samples[f"pandockit {n}"]}
                for n in (small, big)}
        for n in (small, big):
            size = Path(cmds[f"pandockit {n}"][-1]).stat().st_size / 1e6
            self.report(f"one Markdown cell of {n:,} inline formulas ({size:.1f} MB)", rows[n])
        pk_small, pk_big = rows[small]["pandockit"], rows[big]["pandockit"]
        pd_small, pd_big = rows[small]["pandoc"], rows[big]["pandoc"]
        if not any(s.error for s in (pk_small, pk_big, pd_small, pd_big)):
            # CPU beside wall: on a shared machine the wall ratio moves with the load
            self.goal(f"one cell grown 4x ({small:,} -> {big:,} formulas): pandockit's "
                      f"time (CPU {pk_big.cpu_median / pk_small.cpu_median:.2f}x; "
                      f"bare pandoc's {pd_big.median / pd_small.median:.2f}x)",
                      pk_big.median / pk_small.median, 4.5)
            self.goal(f"the {big:,}-formula cell: pandockit / bare pandoc, time (CPU "
                      f"{pk_big.cpu_median / pd_big.cpu_median:.2f}x)",
                      pk_big.median / pd_big.median, 1.5)
            if pk_big.rss_tree and pd_big.rss_tree:
                self.goal(f"the {big:,}-formula cell: pandockit / bare pandoc, peak "
                          "memory (process tree)", pk_big.rss_tree / pd_big.rss_tree, 1.5)

    # many notebooks ---------------------------------------------------------------------

    def pandoc_all(self, nbs: list[Path], jobs: int) -> None:
        out = self.fresh("pandoc")
        cmds = [self.pandoc_cmd(nb, out) for nb in nbs]
        if jobs == 1:
            for cmd in cmds:
                run_cmd(cmd)
            return
        with cf.ThreadPoolExecutor(jobs) as pool:
            list(pool.map(run_cmd, cmds))

    def build_cmd(self, folder: Path, site: Path, jobs: int) -> list[str]:
        return [*self.pandockit, "build", str(folder), "-q", "--site", str(site), "-j", str(jobs)]

    def pool_convert(self, nbs: list[Path], site: Path, jobs: int) -> None:
        """Without ``pandockit build``: ``jobs`` ``pandockit convert`` processes, one per share."""
        shares = [nbs[i::jobs] for i in range(jobs)]
        with cf.ThreadPoolExecutor(jobs) as pool:
            list(pool.map(lambda share: run_cmd(self.convert_cmd(share, site)), shares))

    def many(self, folder: Path) -> None:
        nbs = sorted(folder.glob("*.ipynb"))
        n = len(nbs)
        site = self.scratch / "site"

        def new_site() -> None:
            self.fresh("site", site=True)

        row: dict[str, Sample] = {
            "pandoc": measure(lambda: self.pandoc_all(nbs, 1), self.many_runs),
            "pandockit": measure(lambda: run_cmd(self.convert_cmd(nbs, site)), self.many_runs,
                                 prepare=new_site),
        }
        self.report(f"{n} notebooks, one after another (`convert`)", row)

        # The goal rows: `build -j 2` and the peers (each one process), in turn run by run.
        jobs = 2
        peers, folders = self.peers(nbs)
        if self.has_build:
            cmds = {"pandockit": self.build_cmd(folder, site, jobs), **peers}
            how = f"`build -j {jobs}`"

            def prepare(tool: str) -> None:
                if tool == "pandockit":
                    new_site()
                else:
                    self.fresh(folders[tool])

            row = alternate(cmds, self.many_runs, prepare=prepare, memory=False)
        else:
            how = f"{jobs} `convert` processes"
            row = {"pandockit": measure(lambda: self.pool_convert(nbs, site, jobs),
                                        self.many_runs, prepare=new_site)}
        row = {"pandoc": measure(lambda: self.pandoc_all(nbs, jobs), self.many_runs), **row}
        label = f"{n} notebooks, {jobs} at a time ({how}; nbconvert, jekyllnb: one process)"
        self.report(label, row)
        pk = row["pandockit"]
        yardstick = "nbconvert7" if "nbconvert7" in row else "nbconvert"
        nbc = row.get(yardstick)
        if pk.error is None and nbc is not None and nbc.error is None:
            name = "nbconvert " + _version("nbconvert") if yardstick == "nbconvert" else \
                "nbconvert " + (self.nbconvert7_version or "7")
            other = row.get("nbconvert") if yardstick == "nbconvert7" else None
            also = ""
            if other is not None and other.error is None:
                also = (f"; against nbconvert {_version('nbconvert')}: "
                        f"{pk.cpu_median / other.cpu_median:.2f}x CPU, "
                        f"{pk.median / other.median:.2f}x wall")
            self.goal(f"{n} notebooks, fresh `build -j {jobs}` / {name} (one process), CPU "
                      f"({pk.cpu_median:.2f} s / {nbc.cpu_median:.2f} s{also})",
                      pk.cpu_median / nbc.cpu_median, 1.0)
            self.goal(f"{n} notebooks, fresh `build -j {jobs}` / {name}, wall "
                      f"({pk.median:.2f} s / {nbc.median:.2f} s on {os.cpu_count()} cores)",
                      pk.median / nbc.median, 0.6)

        if self.has_build:
            new_site()
            run_cmd(self.build_cmd(folder, site, jobs))
            python = [sys.executable, "-c", "pass"]
            # pandoc made unavailable: the build fails if it starts pandoc at all.
            no_pandoc = dict(ENV, PYPANDOC_PANDOC=str(self.scratch / "no-such-pandoc"))
            again = self.build_cmd(folder, site, jobs)
            row = alternate({"python": python, "pandockit": again}, self.runs, memory=False,
                            env={"pandockit": no_pandoc})
            label = f"{n} unchanged notebooks, second `build`, no pandoc available"
            self.report(f"{label} (vs `python -c pass`)", row)
            pk = row["pandockit"]
            if pk.error is None:
                self.goal(f"{label}: wall seconds (CPU {pk.cpu_median:.2f} s; "
                          f"`python -c pass` {row['python'].median:.2f} s)", pk.median, 0.2, " s")

    @property
    def nbconvert7_version(self) -> str | None:
        if not self.nbconvert7:
            return None
        probe = [self.nbconvert7, "-c", "import nbconvert; print(nbconvert.__version__)"]
        done = subprocess.run(probe, capture_output=True, text=True, env=ENV, check=False)
        return done.stdout.strip() or None

    # reporting --------------------------------------------------------------------------

    def report(self, label: str, row: dict[str, Sample]) -> None:
        self.rows.append((label, row))
        cells = []
        for tool, s in row.items():
            cells.append(f"{tool} {'ERROR' if s.error else f'{s.median:.2f}s'}")
        print(f"  {label}: " + ", ".join(cells), file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the table

TOOLS = ("pandoc", "python", "pandockit", "nbconvert", "nbconvert7", "jekyllnb")


def _cell(s: Sample | None) -> str:
    if s is None:
        return "-"
    if s.error:
        return "error"
    return f"{s.median:.2f} s ({s.cpu_median:.2f})"


def _ratio(a: Sample | None, b: Sample | None) -> str:
    if a is None or b is None or a.error or b.error:
        return "-"
    return f"{a.median / b.median:.2f}x"


def table(rows: list[tuple[str, dict[str, Sample]]]) -> str:
    head = ("| work | bare pandoc / Python | pandockit | nbconvert 6.5 | nbconvert 7 | jekyllnb "
            "| pandockit / pandoc | pandockit / nbconvert 7 |")
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for label, row in rows:
        peer = row.get("pandoc") or row.get("python")
        lines.append(
            f"| {label} | {_cell(peer)} | {_cell(row.get('pandockit'))} "
            f"| {_cell(row.get('nbconvert'))} | {_cell(row.get('nbconvert7'))} "
            f"| {_cell(row.get('jekyllnb'))} "
            f"| {_ratio(row.get('pandockit'), peer)} "
            f"| {_ratio(row.get('pandockit'), row.get('nbconvert7'))} |"
        )
    mem = [(label, row) for label, row in rows if any(s.rss_max for s in row.values())]
    if mem:
        lines += ["", "Peak memory, MB: largest process / whole process tree (sampled)", "",
                  "| work | bare pandoc | pandockit | nbconvert 6.5 | nbconvert 7 | jekyllnb "
                  "| pandockit / pandoc |",
                  "|---|---|---|---|---|---|---|"]
        for label, row in mem:
            def m(s: Sample | None) -> str:
                if s is None or s.rss_max is None:
                    return "-"
                tree = f"{s.rss_tree:.0f}" if s.rss_tree is not None else "?"
                return f"{s.rss_max:.0f} / {tree}"

            pk, pd = row.get("pandockit"), row.get("pandoc")
            ratio = "-"
            if pk and pd and pk.rss_tree and pd.rss_tree:
                ratio = f"{pk.rss_tree / pd.rss_tree:.2f}x"
            lines.append(f"| {label} | {m(pd)} | {m(pk)} | {m(row.get('nbconvert'))} "
                         f"| {m(row.get('nbconvert7'))} | {m(row.get('jekyllnb'))} | {ratio} |")
    return "\n".join(lines) + "\n"


def goals_table(goals: list[tuple[str, float, float, str]]) -> str:
    if not goals:
        return ""
    lines = ["", "Goals (measured in this run):", "", "| row | measured | goal | met |",
             "|---|---|---|---|"]
    for what, value, goal, unit in goals:
        met = "yes" if value <= goal else "NO"
        lines.append(f"| {what} | {value:.2f}{unit} | at most {goal:g}{unit} | {met} |")
    return "\n".join(lines) + "\n"


def machine(runs: int, many_runs: int, nbconvert7: str | None = None) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    version = subprocess.run([pandoc_binary(), "--version"], capture_output=True, text=True,
                             check=False).stdout.splitlines()[0]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {version}, nbconvert {_version('nbconvert')}"
        f"{f' and {nbconvert7}' if nbconvert7 else ''}, "
        f"jekyllnb {_version('jekyllnb')}; load average at start {load}. "
        f"Median of {runs} runs ({many_runs} for the 100-notebook rows); wall seconds, "
        f"CPU seconds (user + system, all processes) in brackets.\n"
    )


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def byte_compile() -> None:
    """Compile pandockit's modules as ``pip install`` does for every package it installs (its
    peers here included). An editable install leaves that to the first import, which a
    ``PYTHONDONTWRITEBYTECODE`` environment forbids: every run would compile the sources
    again (measured: 20-30 ms a run)."""
    run_cmd([sys.executable, "-m", "compileall", "-q", str(ROOT / "pandockit")])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time pandockit against its peers.")
    parser.add_argument("--runs", type=int, default=5, help="runs per single-notebook figure")
    parser.add_argument("--many-runs", type=int, default=5, help="runs per 100-notebook figure")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    parser.add_argument("--nbconvert7", type=Path, default=NBCONVERT7,
                        help="a Python with nbconvert 7, the yardstick of the goal rows (the "
                             "bench group's nbconvert is 6.5, which jekyllnb needs; "
                             "`make bench` makes this one: bench/out/nbconvert7)")
    parser.add_argument("--pandockit", type=Path,
                        help="the pandockit command to time (`make bench`: bench/out/installed's, "
                             "a non-editable install of the working tree); default: this venv's")
    parser.add_argument("--only", choices=("single", "cell", "many"),
                        help="run one group of cases (cell: one Markdown cell grown 4x)")
    args = parser.parse_args(argv)

    notebooks = args.out / "notebooks"
    generate.generate(notebooks)
    byte_compile()
    python7 = str(args.nbconvert7) if args.nbconvert7.exists() else None
    bench = Bench(args.out, args.runs, args.many_runs, python7, args.pandockit)
    bench.discard(bench.scratch)  # a previous benchmark's, deleted with this one's at the end
    header = machine(args.runs, args.many_runs,
                     f"nbconvert {bench.nbconvert7_version} (yardstick)" if python7 else None)
    print(header, file=sys.stderr)
    if args.only in (None, "single"):
        for name, cells, images in generate.SINGLES:
            nb = notebooks / "single" / f"2024-01-01-{name}.ipynb"
            bench.single(f"one notebook, {cells:,} cells, {images} images", nb,
                         goal=SINGLE_GOALS.get(cells))
    if args.only in (None, "cell"):
        bench.cell(notebooks)
    if args.only in (None, "many"):
        bench.many(notebooks / "many")
    text = ("# pandockit benchmark\n\n" + header + "\n" + table(bench.rows)
            + goals_table(bench.goals))
    errors = [(label, tool, s.error) for label, row in bench.rows for tool, s in row.items()
              if s.error]
    text += "".join(f"\nerror: {label}: {tool}: {err}" for label, tool, err in errors)
    (args.out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    bench.discard(bench.scratch)
    bench.empty_trash()
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
