"""Run the command-line interface as ``python -m pandockit``."""

from pandockit.cli import run

run()
