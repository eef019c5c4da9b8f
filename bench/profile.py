"""Where a build's CPU goes: each step of ``pandockit build -j 1`` timed in place, and pandoc's
read and write of the same notebooks on their own.

    python bench/profile.py [FOLDER] [--rounds N] [--code DIR]
                                    (FOLDER default: bench/out/notebooks/many)

Python's steps are timed with the CPU clock of the thread that runs them (``time.thread_time``),
each without the timed steps inside it, over one in-process build of the folder's notebooks
into a copy of ``examples/site``; the lowest of ``--rounds`` builds is kept for each step (a
shared machine's load only ever adds). pandoc's CPU (its processes': user + system) is
measured by reading the notebooks in batches of 25 as the build does, then writing the bodies
the pipeline made of them. Process start-up (the interpreter and the imports a build makes)
is timed in a fresh interpreter. Nothing here changes what a build does; it times a build and
prints a table (docs/performance.md gives one). ``--code DIR`` profiles the ``pandockit``
package of another checkout (DIR holds it), to compare two versions under the same load.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = Path(__file__).resolve().parent / "out" / "notebooks" / "many"
#: the environment variable naming the folder the builds' sites are made in (kept until the end)
SCRATCH = "PANDOCKIT_PROFILE_SCRATCH"

#: (module, function, label): the steps timed in place. A function is replaced in its module
#: and wherever it was imported by name (``also``).
STEPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("pandockit.plan", "plan_post",
     "plan: the job (notebook read, front matter, post name, site facts, links)", ()),
    ("pandockit.post_urls", "gather", "post URLs of linked notebooks", ()),
    ("pandockit.convert", "doc_of", "pandoc's JSON -> panflute objects", ()),
    ("pandockit.plan", "with_read",
     "after the read: local images, gathered inputs (re-reads, Markdown outputs)",
     ("pandockit.convert",)),
    ("pandockit.render", "warn_future", "future-date check", ("pandockit.convert",)),
    ("pandockit.render", "body_ast", "panflute objects -> JSON (body AST)",
     ("pandockit.convert",)),
    ("pandockit.pandoc.split", "compact", "JSON text for pandoc", ("pandockit.pandoc",)),
    ("pandockit.pandoc.markdown_writer", "write", "pandoc's Markdown writer, in process", ()),
    ("pandockit.render", "finish", "render: front matter YAML, Liquid guard",
     ("pandockit.convert",)),
    ("pandockit.media", "resolve", "media bytes from the notebook", ("pandockit.convert",)),
    ("pandockit.writer", "write_post", "writer: post and images, atomically",
     ("pandockit.builder.run",)),
    ("pandockit.builder.discover", "build_key", "incremental key", ("pandockit.builder.run",)),
)


class Clock:
    """CPU seconds per label, each step without the timed steps it calls."""

    def __init__(self) -> None:
        self.spent: Counter[str] = Counter()
        self._inner: list[float] = []

    def wrap(self, label: str, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            start = time.thread_time()
            self._inner.append(0.0)
            try:
                return fn(*args, **kwargs)
            finally:
                inner = self._inner.pop()
                took = time.thread_time() - start
                self.spent[label] += took - inner
                if self._inner:
                    self._inner[-1] += took

        return timed


def instrument(clock: Clock) -> None:
    for module, name, label, also in STEPS:
        try:
            owner = importlib.import_module(module)
            original = getattr(owner, name)
        except (ImportError, AttributeError):  # a step another version has not
            continue
        timed = clock.wrap(label, original)
        setattr(owner, name, timed)
        for other in also:
            place = importlib.import_module(other)
            if getattr(place, name, None) is original:
                setattr(place, name, timed)
    from pandockit import pipeline

    pipeline.PIPELINE = tuple(
        type(step)(step.name, clock.wrap(f"filter {step.name}", step.main), step.reason)
        for step in pipeline.PIPELINE
    )


def build_once(folder: Path) -> tuple[Counter[str], float, float]:
    """One in-process ``build -j 1``: (CPU per step, this thread's CPU, pandoc's CPU)."""
    from pandockit.cli import main

    clock = Clock()
    instrument(clock)
    # the site is left for main() to delete after the last build: see bench/run.py's
    # Bench.discard (files deleted just before cost the next build's new files kernel time)
    site = Path(tempfile.mkdtemp(dir=os.environ.get(SCRATCH))) / "site"
    shutil.copytree(ROOT / "examples" / "site", site)
    kids = _children_cpu()
    start = time.thread_time()
    code = main(["build", str(folder), "-q", "--site", str(site), "-j", "1"])
    total = time.thread_time() - start
    pandoc_cpu = _children_cpu() - kids
    if code != 0:
        raise SystemExit(f"the build failed ({code})")
    return clock.spent, total, pandoc_cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pandoc_split(folder: Path) -> tuple[float, float]:
    """pandoc's CPU to read the notebooks (batches of 25) and to write their filtered bodies."""
    from pandockit import pandoc
    from pandockit.config import default_options
    from pandockit.convert import doc_of, filtered
    from pandockit.plan import plan_post
    from pandockit.render import body_ast

    options = default_options()
    jobs = [plan_post(path, options) for path in sorted(folder.glob("*.ipynb"))]
    pandoc.has_server()
    start, texts = _children_cpu(), []
    for i in range(0, len(jobs), 25):
        batch = [job.notebook.pandoc_input for job in jobs[i : i + 25]]
        texts += [list(parts) for parts in pandoc.read(batch).results()]
    read = _children_cpu() - start
    bodies = [body_ast(filtered(doc_of(parts), job)) for job, parts in zip(jobs, texts)]
    start = _children_cpu()
    for i in range(0, len(bodies), 25):
        pandoc.write(bodies[i : i + 25]).results()
    return read, _children_cpu() - start


def start_up(code: str | None = None) -> tuple[float, float]:
    """CPU seconds of ``python -c pass`` and of a fresh interpreter importing what a build
    that converts imports (lowest of 5)."""
    imports = "import pandockit.cli, pandockit.builder, pandockit.convert"
    if code:
        imports = (f"import sys; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' "
                   f"not in repr(f).lower()]; sys.path.insert(0, {code!r}); {imports}")
    out = []
    for code in ("pass", imports):
        best = float("inf")
        for _ in range(5):
            before = _children_cpu()
            subprocess.run([sys.executable, "-c", code], check=True)
            best = min(best, _children_cpu() - before)
        out.append(best)
    return out[0], out[1]


def use_code(folder: str) -> None:
    """Import ``pandockit`` from ``folder`` (another checkout), not from the install (an
    editable install's finder would answer first)."""
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
    sys.path.insert(0, folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Where a build's CPU goes, step by step.")
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=3, help="builds; each step's lowest kept")
    parser.add_argument("--code", help="a checkout whose pandockit package to profile")
    args = parser.parse_args(argv)
    code = ["--code", args.code] if args.code else []
    if args.code:
        use_code(args.code)
    count = len(list(args.folder.glob("*.ipynb")))
    best: dict[str, float] = {}
    totals, pandoc_totals = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(args.rounds):
            # a fresh interpreter per build: the steps are timed in one, not wrapped twice
            done = subprocess.run([sys.executable, __file__, "--one", str(args.folder), *code],
                                  capture_output=True, text=True, check=True,
                                  env={**os.environ, SCRATCH: scratch})
            spent, total, pandoc_cpu = json.loads(done.stdout.splitlines()[-1])
            totals.append(total)
            pandoc_totals.append(pandoc_cpu)
            for label, seconds in spent.items():
                best[label] = min(best.get(label, float("inf")), seconds)
        read, write = pandoc_split(args.folder)
    python, imports = start_up(args.code)
    print(f"{count} notebooks of {args.folder}, `build -j 1` in process, lowest of "
          f"{args.rounds}: CPU seconds")
    print("| step | CPU s |\n|---|---|")
    for label, seconds in sorted(best.items(), key=lambda kv: -kv[1]):
        print(f"| {label} | {seconds:.3f} |")
    steps = sum(best.values())
    print(f"| rest of Python (the build loop, logs, pandoc's client) | "
          f"{min(totals) - steps:.3f} |")
    print(f"| Python in all (lowest build) | {min(totals):.3f} |")
    print(f"| pandoc, read (batches of 25) | {read:.3f} |")
    print(f"| pandoc, write (batches of 25; the bodies not written in process) | {write:.3f} |")
    print(f"| pandoc in the build (lowest) | {min(pandoc_totals):.3f} |")
    print(f"| start-up: `python -c pass` / the build's imports on top | {python:.3f} / "
          f"{imports - python:.3f} |")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        if sys.argv[3:4] == ["--code"]:
            use_code(sys.argv[4])
        spent, total, pandoc_cpu = build_once(Path(sys.argv[2]))
        print(json.dumps([spent, total, pandoc_cpu]))
    else:
        raise SystemExit(main())
