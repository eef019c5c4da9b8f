"""Run the command-line interface as ``python -m pandockit``."""

from pandockit.entry import run

run()
