"""The plan is the single source of a post: each notebook's front matter is collected and its post
named once per build, however the build runs (in process, or by the CLI with worker processes).

Counted on a real ``pandockit build`` of the three example notebooks, whose posts are checked
too: ``front_matter_sources.collect`` and ``name_post`` run once per notebook (before the job,
the plan collected and named each post and the front matter filter did it again: 2 each).
The examples link to no other notebook (a link makes the plan name the linked notebook's post
too, for its URL: :mod:`pandockit.post_urls`).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from converting import traced_build

from pandockit import front_matter_sources
from pandockit.config import resolve_options

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
NOTEBOOKS = sorted((EXAMPLES / "_notebooks").glob("*.ipynb"))
COUNTED = {front_matter_sources.collect.__code__: "collect",
           front_matter_sources.name_post.__code__: "name_post"}


def example_site(path: Path) -> Path:
    shutil.copytree(EXAMPLES / "site", path)
    (path / "_notebooks").mkdir()
    for nb in NOTEBOOKS:
        shutil.copyfile(nb, path / "_notebooks" / nb.name)
    return path


def posts_of(site: Path) -> list[str]:
    return sorted(p.stem for p in (site / "_posts").glob("*.md"))


def test_each_post_is_collected_and_named_once_in_process(tmp_path: Path) -> None:
    """``-j 1``: the build plans and renders in this process; the calls are counted by their
    code objects (whatever name a module imported them under)."""
    site = example_site(tmp_path / "site")
    calls: Counter[str] = Counter()

    def count(frame, event, _arg) -> None:
        if event == "call" and frame.f_code in COUNTED:
            calls[COUNTED[frame.f_code]] += 1

    summary = traced_build(site, count)
    assert summary.status == 0 and len(summary.converted) == len(NOTEBOOKS)
    assert len(posts_of(site)) == len(NOTEBOOKS)
    assert calls == {"collect": len(NOTEBOOKS), "name_post": len(NOTEBOOKS)}


#: ``pandockit`` with the two functions counted: each call appends its name to $COUNT_FILE (the
#: worker processes of ``-j 2`` too: they are forked from this one, with the counting functions).
HARNESS = """
import os, sys
import pandockit.front_matter_sources as sources

def counted(function):
    def call(*args, **kwargs):
        with open(os.environ["COUNT_FILE"], "a", encoding="utf-8") as out:
            out.write(function.__name__ + "\\n")
        return function(*args, **kwargs)
    return call

sources.collect = counted(sources.collect)  # before any module imports it by name
sources.name_post = counted(sources.name_post)
from pandockit.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_each_post_is_collected_and_named_once_via_the_cli(tmp_path: Path, jobs: str) -> None:
    """``pandockit build -j 1`` and ``-j 2`` (two worker processes, each planning its own
    notebooks): one collect and one name per notebook over all processes; a second build,
    with nothing changed, plans nothing."""
    site = example_site(tmp_path / "site")
    counts = tmp_path / "calls.txt"
    env = dict(os.environ, COUNT_FILE=str(counts))
    cmd = [sys.executable, "-c", HARNESS, "build", "--site", str(site), "-j", jobs, "-q"]
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    assert len(posts_of(site)) == len(NOTEBOOKS)
    calls = Counter(counts.read_text(encoding="utf-8").split())
    assert calls == {"collect": len(NOTEBOOKS), "name_post": len(NOTEBOOKS)}
    counts.unlink()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    assert not counts.exists()  # nothing changed: nothing planned


def test_options_are_typed_attributes_made_once(tmp_path: Path) -> None:
    """One attribute per option (snake_case of its name), frozen: nothing changes an option
    after it is resolved."""
    import dataclasses

    from pandockit.config import DEFAULTS, Options

    fields = {f.name for f in dataclasses.fields(Options)} - {"sources", "post_site"}
    assert fields == {key.replace("-", "_") for key in DEFAULTS}
    options = resolve_options(tmp_path, {"jobs": 3, "math": "dollars"})
    assert (options.jobs, options.math, options["max-output-chars"]) == (3, "dollars", 1_000_000)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.math = "kramdown"  # type: ignore[misc]


def test_the_filter_route_reads_back_the_options_it_records(tmp_path: Path) -> None:
    """The one place options travel as text: what the first filter of a chain records, the next
    one reads back with the same types (numbers and booleans that metadata made text, and
    front matter defaults with their numbers)."""
    import dataclasses
    import json

    import panflute as pf

    from pandockit.filter_route import job_from_metadata, record_options

    (tmp_path / "_config.yml").write_text(
        "pandockit:\n  max-output-lines: 7\n  toc: true\n  front-matter: {answer: 42}\n",
        encoding="utf-8")
    options = resolve_options(tmp_path, {"math": "dollars"})
    doc = pf.Doc(pf.Para(pf.Str("x")))
    record_options(doc, options)
    chained = pf.load(io.StringIO(json.dumps(doc.to_json())))  # as the next process reads it
    chained.metadata["pandockit-site"] = str(tmp_path)
    again = job_from_metadata(chained).options
    for field in dataclasses.fields(options):
        if field.name not in ("sources", "post_site"):
            assert getattr(again, field.name) == getattr(options, field.name), field.name
    assert again.front_matter == {"answer": 42} and again.max_output_lines == 7 and again.toc
