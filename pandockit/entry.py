"""The ``pandockit`` command as installed (and ``python -m pandockit``): start pandoc reading the
notebook of a one-notebook ``pandockit convert`` first, then run :mod:`pandockit.cli`.

pandoc's read is most of such a conversion. Started here, before Python imports the rest of
pandockit (argparse and logging for the command line, then the options, YAML, panflute and the
filters: 0.1 s), it runs on the other core meanwhile, and the conversion takes it
(:func:`pandockit.pandoc.read`). Measured on the benchmark's 200 cells: the read starts 14 ms
sooner than from the command line's own module. So this module imports nothing of its own
at the top, and only :mod:`pandockit.pandoc` before the read starts.
"""

from __future__ import annotations

import sys


def run() -> None:
    """The ``pandockit`` command (:func:`pandockit.cli.run`, a read started first)."""
    prefetch(sys.argv[1:])
    from pandockit.cli import run as run_cli  # start-up time: after the read has started

    run_cli()


def prefetch(words: list[str]) -> None:
    """``pandockit convert NB.ipynb`` (one notebook named): start pandoc reading it."""
    if words[:1] != ["convert"]:
        return
    notebooks = [w for w in words[1:] if w.endswith(".ipynb") and not w.startswith("-")]
    if len(notebooks) == 1:
        from pandockit import pandoc  # start-up time: the one import before the read

        pandoc.prefetch(notebooks[0])
