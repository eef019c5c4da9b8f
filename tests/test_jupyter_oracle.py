"""The Jupyter oracle: every test notebook as JupyterLab 4 renders it against the page Jekyll
built from pandockit's post, item by item (tests/jupyter_oracle.py, tests/oracle/).

All notebooks (the corpus, the examples, the golden cases and the oracle's own crafted ones in
tests/oracle/notebooks) are converted into one site, built by one ``jekyll build`` and read by
one node process. Every difference must be fixed or listed in ``tests/oracle/accepted.yml``:
under ``accepted`` with the reason, or under ``pending`` with the class of issue 15 whose
branch removes it. An entry that no longer matches a difference fails too, so the list never
holds stale entries. The list names a corpus notebook ``corpus/<folder>/<file>`` and a golden
case's ``tests/cases/<case>/<file>``, wherever they are read from. The oracle reads the corpus:
without it, its tests are skipped (tests/corpus.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import corpus
import pytest
import yaml
from conftest import EXAMPLES
from goldens import case_dirs, notebook_key, notebook_of, options_of
from jekyll_site import JekyllSite
from jupyter_oracle import (
    ORACLE,
    ROOT,
    Difference,
    align,
    jupyter_items,
    load_accepted,
    matches,
    node_ready,
    page_items,
    read,
    run_node,
    saved_widgets,
    shown_cells,
)

from pandockit.config import resolve_options
from pandockit.convert import render_posts
from pandockit.plan import plan_post
from pandockit.writer import write_post

CRAFTED = ORACLE / "notebooks"
NO_NODE = "node or tests/oracle/node_modules is missing: run 'make test' (npm ci in tests/oracle)"

#: The classes of issue 15 that other branches fix (parts 1 to 3).
PENDING_CLASSES = {
    "html-balance": "part 1: raw HTML left open (<video>, <image>) swallows what follows",
    "pipe-math": "part 2: '|' in inline math on a paragraph's first line starts a table",
    "jupyter-math-rules": "part 3: math found by JupyterLab's removeMath, not pandoc's rules",
}


def notebooks() -> list[tuple[str, Path, dict, str]]:
    """(group, notebook, options, key in reports and accepted.yml) of every notebook the
    oracle checks."""
    found = [("corpus", nb, {}, corpus.key(nb)) for nb in corpus.notebooks()]
    found += [("examples", nb, {}, nb.relative_to(ROOT).as_posix())
              for nb in sorted(EXAMPLES.glob("*.ipynb"))]
    found += [(f"cases-{case.name}", notebook_of(case), options_of(case), notebook_key(case))
              for case in case_dirs()]
    found += [("crafted", nb, {}, nb.relative_to(ROOT).as_posix())
              for nb in sorted(CRAFTED.glob("*.ipynb"))]
    return found


def convert_all(site: Path, found: list[tuple[str, Path, dict, str]]) -> dict[Path, Path]:
    """Convert every notebook into ``site``, as ``pandockit convert`` converts many (batched
    pandoc runs), each group into its own posts folder (the golden cases repeat notebooks of
    the corpus and the examples under the same names); the post of each notebook."""
    groups: dict[str, list[tuple[Path, dict]]] = {}
    for group, nb, options, _ in found:
        groups.setdefault(group, []).append((nb, options))
    posts = {}
    for group, members in groups.items():
        cli = {**members[0][1], "posts-dir": f"{group}/_posts", "assets-dir": f"assets/{group}"}
        options = resolve_options(site, cli)
        planned = [plan_post(nb, options, site) for nb, _ in members]
        for done in render_posts(planned):
            if done.error is not None:
                raise done.error
            post = write_post(site, options.posts_dir, options.assets_dir, done.post,
                              done.media)
            posts[done.job.notebook.path] = post
    for n, post in enumerate(posts.values()):  # one URL a post: notebooks repeat permalinks
        text = post.read_text(encoding="utf-8")
        head, _, body = text.partition("\n---\n")
        head = re.sub(r"(?m)^permalink:.*\n?", "", head) + f"\npermalink: /oracle/{n}/"
        post.write_text(head + "\n---\n" + body, encoding="utf-8")
    return posts


class Oracle:
    """The differences of every notebook, and how long each stage took."""

    def __init__(self, root: Path) -> None:
        started = time.perf_counter()
        site = JekyllSite(root / "site")
        found = notebooks()
        keys = {nb: key for _, nb, _, key in found}
        posts = convert_all(site.path, found)
        converted = time.perf_counter()
        self.build = site.build()
        built = time.perf_counter()
        pages = site.pages()
        request, read_nb = [], {}
        for nb, post in posts.items():
            key = keys[nb]
            read_nb[key] = nb
            notebook = read(nb)
            request.append({
                "key": key,
                "cells": shown_cells(notebook),
                "widgets": saved_widgets(notebook),
                "page": pages[post.relative_to(site.path).as_posix()],
            })
        answers = run_node(request)
        self.cells = sum(len(r["cells"]) for r in request)
        self.differences: list[Difference] = []
        self.items = 0
        for key, nb in read_nb.items():
            answer = answers[key]
            jupyter = jupyter_items(answer["jupyter"], nb.parent)
            page = page_items(answer["page"], site.url_path)
            self.items += len(jupyter)
            self.differences += align(key, jupyter, page)
        self.notebooks = len(posts)
        self.cells_in_notebooks = sum(len(read(nb).get("cells", [])) for nb in posts)
        self.times = {
            "convert": converted - started,
            "jekyll": built - converted,
            "compare": time.perf_counter() - built,
        }


    def figures(self) -> str:
        """What was compared, the differences by list and class, and the time of each stage."""
        entries = load_accepted()
        by_list: dict[str, int] = {}
        for diff in self.differences:
            entry = next((e for e in entries if matches(e, diff)), None)
            name = "unknown" if entry is None else entry.get("class") or entry["list"]
            by_list[name] = by_list.get(name, 0) + 1
        times = ", ".join(f"{k} {v:.1f} s" for k, v in self.times.items())
        found = ", ".join(f"{v} {k}" for k, v in sorted(by_list.items()))
        return (
            f"\njupyter oracle: {self.notebooks} notebooks, {self.cells} of "
            f"{self.cells_in_notebooks} cells shown, {self.items} items compared; "
            f"{len(self.differences)} differences ({found or 'none'}); {times}"
        )


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Oracle:
    if not node_ready():
        pytest.fail(NO_NODE)
    if shutil.which("jekyll") is None:
        pytest.fail("jekyll is not installed: run 'make test'")
    oracle = Oracle(tmp_path_factory.mktemp("oracle"))
    print(oracle.figures())  # shown with -s (make oracle)
    return oracle


def test_node_side_holds_to_jupyterlab() -> None:
    """The removeMath port, MathJax's delimiter rules and the HTML reading, on JupyterLab's
    own cases and issue 15's (tests/oracle/oracle.test.mjs, node's test runner)."""
    if not node_ready():
        pytest.fail(NO_NODE)
    proc = subprocess.run(["node", "--test", str(ORACLE / "oracle.test.mjs")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^# pass [1-9]", proc.stdout, re.M), proc.stdout


def _entries_text(diffs: list[Difference]) -> str:
    return yaml.safe_dump([d.summary() for d in diffs], sort_keys=False, allow_unicode=True,
                          width=1000)


@pytest.mark.jekyll
@corpus.mark
def test_every_difference_from_jupyter_is_known(oracle: Oracle) -> None:
    entries = load_accepted()
    unknown = [d for d in oracle.differences if not any(matches(e, d) for e in entries)]
    report = "\n\n".join(str(d) for d in unknown)
    assert not unknown, (
        f"{len(unknown)} differences between JupyterLab and the built page are neither fixed "
        f"nor listed in {ORACLE / 'accepted.yml'}:\n\n{report}\n\nas entries:\n"
        + _entries_text(unknown)
    )


@pytest.mark.jekyll
@corpus.mark
def test_no_stale_entry_in_the_accepted_list(oracle: Oracle) -> None:
    stale = [e for e in load_accepted() if not any(matches(e, d) for d in oracle.differences)]
    pending = [e for e in stale if e["list"] == "pending"]
    assert not stale, (
        "entries of tests/oracle/accepted.yml that match no difference any more (fixed: remove "
        "them; pending ones of a merged branch of issue 15 go with their class):\n"
        + yaml.safe_dump(stale, sort_keys=False, allow_unicode=True, width=1000)
        + (f"\n{len(pending)} of them pending" if pending else "")
    )


@pytest.mark.jekyll
@corpus.mark
def test_every_accepted_entry_says_why(oracle: Oracle) -> None:
    for entry in load_accepted():
        if entry["list"] == "accepted":
            assert str(entry.get("reason", "")).strip(), entry
        else:
            assert entry.get("class") in PENDING_CLASSES, entry
