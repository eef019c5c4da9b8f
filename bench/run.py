"""Time pandockit against bare pandoc, nbconvert and jekyllnb on the generated notebooks.

    python bench/run.py [--runs N] [--out bench/out] [--only single|cell|many]

Every tool runs as a user runs it, in a fresh process per measurement (so start-up counts):
``pandoc -f ipynb -t gfm`` (the binary pypandoc-binary bundles, which pandockit runs too),
``pandockit convert`` / ``pandockit build``, ``python -m nbconvert --to markdown`` and
``python -m jekyllnb`` (each converting all its notebooks in one process). Each figure is the
median of ``--runs`` runs; CPU is user + system time of all the processes; memory is measured
in one extra run: the largest resident set of any one process (from ``wait4``) and the peak of
the whole process tree (sampled every 5 ms with psutil, so a short peak may be missed). The
``cell`` case times one Markdown cell of 17,500 inline formulas and the same cell 4x as long
(70,000, 1.4 MB): the rows with a goal (time growth, time and memory against bare pandoc) are
printed after the table with the goal beside each. The table is printed and written to
``OUT/results.md``. No timing here is asserted anywhere.
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


def pandoc_binary() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def pandockit_cmd() -> list[str]:
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


# --------------------------------------------------------------------------- the tools


class Bench:
    """The tools, their scratch folders, and the measurements of every case."""

    def __init__(self, out: Path, runs: int, many_runs: int) -> None:
        self.out = out
        self.runs = runs
        self.many_runs = many_runs
        self.scratch = out / "scratch"
        self.pandoc = pandoc_binary()
        self.pandockit = pandockit_cmd()
        self.has_nbconvert = has_module("nbconvert")
        self.has_jekyllnb = has_module("jekyllnb")
        self.has_build = self._has_build()
        self.rows: list[tuple[str, dict[str, Sample]]] = []
        #: (what, measured ratio, goal: at most this) of the rows that have a goal
        self.goals: list[tuple[str, float, float]] = []

    def _has_build(self) -> bool:
        return has_module("pandockit.builder")

    def fresh(self, name: str, site: bool = False) -> Path:
        folder = self.scratch / name
        shutil.rmtree(folder, ignore_errors=True)
        if site:
            shutil.copytree(SKELETON, folder)
        else:
            folder.mkdir(parents=True)
        return folder

    # one notebook -------------------------------------------------------------------------

    def pandoc_cmd(self, nb: Path, out: Path) -> list[str]:
        return [self.pandoc, "-f", "ipynb", "-t", "gfm", str(nb), "-o", str(out / f"{nb.stem}.md")]

    def convert_cmd(self, nbs: list[Path], site: Path) -> list[str]:
        return [*self.pandockit, "convert", "-q", "--site", str(site), *map(str, nbs)]

    def nbconvert_cmd(self, nbs: list[Path], out: Path) -> list[str]:
        return [sys.executable, "-m", "nbconvert", "--to", "markdown", "--log-level", "ERROR",
                "--output-dir", str(out), *map(str, nbs)]

    def jekyllnb_cmd(self, nbs: list[Path], site: Path) -> list[str]:
        return [sys.executable, "-m", "jekyllnb", "--log-level", "ERROR", "--site-dir", str(site),
                "--page-dir", "_posts", "--image-dir", "assets/images", *map(str, nbs)]

    def single(self, label: str, nb: Path) -> None:
        row: dict[str, Sample] = {}
        out = self.fresh("pandoc")
        cmd = self.pandoc_cmd(nb, out)
        row["pandoc"] = measure(lambda: run_cmd(cmd), self.runs, memory_cmd=cmd)
        site = self.fresh("site", site=True)
        cmd_pk = self.convert_cmd([nb], site)
        row["pandockit"] = measure(lambda: run_cmd(cmd_pk), self.runs, memory_cmd=cmd_pk)
        if self.has_nbconvert:
            nbc = self.fresh("nbconvert")
            cmd_nb = self.nbconvert_cmd([nb], nbc)
            row["nbconvert"] = measure(lambda: run_cmd(cmd_nb), self.runs, memory_cmd=cmd_nb)
        if self.has_jekyllnb:
            jk = self.fresh("jekyllnb")
            cmd_jk = self.jekyllnb_cmd([nb], jk)
            row["jekyllnb"] = measure(lambda: run_cmd(cmd_jk), self.runs, memory_cmd=cmd_jk)
        self.report(label, row)

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
            cmds[n] = {"pandoc": self.pandoc_cmd(nb, out),
                       "pandockit": self.convert_cmd([nb], site)}
        # Run by run, the four in turn: the ratios are of runs under the same load (a shared
        # machine's load drifts over the minute the case takes).
        rows: dict[int, dict[str, Sample]] = {n: {t: Sample() for t in c} for n, c in cmds.items()}
        for _ in range(self.runs):
            for n, tools in cmds.items():
                for tool, cmd in tools.items():
                    sample = rows[n][tool]
                    if sample.error is None:
                        one = measure(lambda cmd=cmd: run_cmd(cmd), 1)
                        sample.wall += one.wall
                        sample.cpu += one.cpu
                        sample.error = one.error
        for n, tools in cmds.items():
            for tool, cmd in tools.items():
                sample = rows[n][tool]
                if sample.error is None:
                    try:
                        sample.rss_max, sample.rss_tree = memory_of(cmd)
                    except RuntimeError as exc:
                        sample.error = str(exc)
            size = Path(cmds[n]["pandockit"][-1]).stat().st_size / 1e6
            self.report(f"one Markdown cell of {n:,} inline formulas ({size:.1f} MB)", rows[n])
        pk_small, pk_big = rows[small]["pandockit"], rows[big]["pandockit"]
        pd_small, pd_big = rows[small]["pandoc"], rows[big]["pandoc"]
        if not any(s.error for s in (pk_small, pk_big, pd_small, pd_big)):
            # CPU beside wall: on a shared machine the wall ratio moves with the load
            self.goals.append((f"one cell grown 4x ({small:,} -> {big:,} formulas): pandockit's "
                               f"time (CPU {pk_big.cpu_median / pk_small.cpu_median:.2f}x; "
                               f"bare pandoc's {pd_big.median / pd_small.median:.2f}x)",
                               pk_big.median / pk_small.median, 4.5))
            self.goals.append((f"the {big:,}-formula cell: pandockit / bare pandoc, time (CPU "
                               f"{pk_big.cpu_median / pd_big.cpu_median:.2f}x)",
                               pk_big.median / pd_big.median, 1.5))
            if pk_big.rss_tree and pd_big.rss_tree:
                self.goals.append((f"the {big:,}-formula cell: pandockit / bare pandoc, peak "
                                   "memory (process tree)", pk_big.rss_tree / pd_big.rss_tree,
                                   1.5))

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
        if self.has_nbconvert:
            nbc = self.scratch / "nbconvert"
            row["nbconvert"] = measure(lambda: run_cmd(self.nbconvert_cmd(nbs, nbc)),
                                       self.many_runs, prepare=lambda: self.fresh("nbconvert"))
        if self.has_jekyllnb:
            jk = self.scratch / "jekyllnb"
            row["jekyllnb"] = measure(lambda: run_cmd(self.jekyllnb_cmd(nbs, jk)),
                                      self.many_runs, prepare=lambda: self.fresh("jekyllnb"))
        self.report(f"{n} notebooks, one after another (`convert`)", row)
        one_process = {k: v for k, v in row.items() if k in ("nbconvert", "jekyllnb")}

        jobs = 2
        if self.has_build:
            work = lambda: run_cmd(self.build_cmd(folder, site, jobs))  # noqa: E731
            how = f"`build -j {jobs}`"
        else:
            work = lambda: self.pool_convert(nbs, site, jobs)  # noqa: E731
            how = f"{jobs} `convert` processes"
        row = {
            "pandoc": measure(lambda: self.pandoc_all(nbs, jobs), self.many_runs),
            "pandockit": measure(work, self.many_runs, prepare=new_site),
            **one_process,
        }
        self.report(f"{n} notebooks, {jobs} at a time ({how}; nbconvert: one process)", row)

        if self.has_build:
            new_site()
            run_cmd(self.build_cmd(folder, site, jobs))
            python = [sys.executable, "-c", "pass"]
            # pandoc made unavailable: the build fails if it starts pandoc at all.
            no_pandoc = dict(ENV, PYPANDOC_PANDOC=str(self.scratch / "no-such-pandoc"))
            again = self.build_cmd(folder, site, jobs)
            row = {
                "python": measure(lambda: run_cmd(python), self.runs),
                "pandockit": measure(lambda: run_cmd(again, no_pandoc), self.runs),
            }
            self.report(f"{n} unchanged notebooks, second `build`, no pandoc available "
                        "(vs `python -c pass`)", row)

    # reporting --------------------------------------------------------------------------

    def report(self, label: str, row: dict[str, Sample]) -> None:
        self.rows.append((label, row))
        cells = []
        for tool, s in row.items():
            cells.append(f"{tool} {'ERROR' if s.error else f'{s.median:.2f}s'}")
        print(f"  {label}: " + ", ".join(cells), file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the table

TOOLS = ("pandoc", "python", "pandockit", "nbconvert", "jekyllnb")


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
    head = ("| work | bare pandoc / Python | pandockit | nbconvert | jekyllnb "
            "| pandockit / pandoc | pandockit / nbconvert |")
    lines = [head, "|---|---|---|---|---|---|---|"]
    for label, row in rows:
        peer = row.get("pandoc") or row.get("python")
        lines.append(
            f"| {label} | {_cell(peer)} | {_cell(row.get('pandockit'))} "
            f"| {_cell(row.get('nbconvert'))} | {_cell(row.get('jekyllnb'))} "
            f"| {_ratio(row.get('pandockit'), peer)} "
            f"| {_ratio(row.get('pandockit'), row.get('nbconvert'))} |"
        )
    mem = [(label, row) for label, row in rows if any(s.rss_max for s in row.values())]
    if mem:
        lines += ["", "Peak memory, MB: largest process / whole process tree (sampled)", "",
                  "| work | bare pandoc | pandockit | nbconvert | jekyllnb | pandockit / pandoc |",
                  "|---|---|---|---|---|---|"]
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
                         f"| {m(row.get('jekyllnb'))} | {ratio} |")
    return "\n".join(lines) + "\n"


def goals_table(goals: list[tuple[str, float, float]]) -> str:
    if not goals:
        return ""
    lines = ["", "Goals (ratios of this run):", "", "| ratio | measured | goal | met |",
             "|---|---|---|---|"]
    for what, ratio, goal in goals:
        met = "yes" if ratio <= goal else "NO"
        lines.append(f"| {what} | {ratio:.2f}x | at most {goal:g}x | {met} |")
    return "\n".join(lines) + "\n"


def machine(runs: int, many_runs: int) -> str:
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
        f"Python {platform.python_version()}, {version}, nbconvert {_version('nbconvert')}, "
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
    parser.add_argument("--only", choices=("single", "cell", "many"),
                        help="run one group of cases (cell: one Markdown cell grown 4x)")
    args = parser.parse_args(argv)

    notebooks = args.out / "notebooks"
    generate.generate(notebooks)
    byte_compile()
    bench = Bench(args.out, args.runs, args.many_runs)
    header = machine(args.runs, args.many_runs)
    print(header, file=sys.stderr)
    if args.only in (None, "single"):
        for name, cells, images in generate.SINGLES:
            nb = notebooks / "single" / f"2024-01-01-{name}.ipynb"
            bench.single(f"one notebook, {cells:,} cells, {images} images", nb)
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
    shutil.rmtree(bench.scratch, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
