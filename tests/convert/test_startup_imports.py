"""pandockit.startup, in a fresh interpreter: PyYAML's reader takes the pattern pandockit gives
it when pandockit is imported first, and reads as before; its own when PyYAML came first."""

from __future__ import annotations

import subprocess
import sys


def python(code: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def test_pyyaml_reader_takes_it_and_reads_as_before() -> None:
    code = (
        "import re, pandockit, yaml\n"
        "from pandockit import startup\n"
        "seeded = re._cache.get((str, startup.YAML_NON_PRINTABLE, 0))\n"
        "print(yaml.reader.Reader.NON_PRINTABLE is seeded and seeded.pattern == "
        "startup.NON_PRINTABLE)\n"
        "try:\n"
        "    yaml.safe_load('a: \\x07')\n"
        "except yaml.reader.ReaderError as exc:\n"
        "    print(exc.character, exc.position)\n"
        "print(yaml.load('k: \\u00e9\\U0001f600', Loader=yaml.SafeLoader))\n"
    )
    assert python(code) == ["True", "7 3", "{'k': '\u00e9\U0001f600'}"]


def test_nothing_is_seeded_once_pyyaml_is_loaded() -> None:
    code = (
        "import yaml\n"
        "from pandockit import startup\n"
        "print(yaml.reader.Reader.NON_PRINTABLE.pattern == startup.YAML_NON_PRINTABLE)\n"
    )
    assert python(code) == ["True"]
