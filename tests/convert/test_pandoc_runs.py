"""How pandockit runs pandoc: found without importing pypandoc, reads prefetched in the background
give the same AST as a plain read, and failures still surface as one-line PandockitErrors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import corpus
import pytest
from goldens import available_notebooks

from pandockit import pandoc
from pandockit.errors import PandockitError
from pandockit.pandoc import plain, process, server, split

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = sorted((ROOT / "examples" / "_notebooks").glob("*.ipynb"))[0]


@pytest.fixture(autouse=True)
def _no_leftovers():
    yield
    pandoc.cancel_prefetched()


def test_bundled_binary_without_importing_pypandoc() -> None:
    code = (
        "import sys; from pandockit import pandoc; p = pandoc.pandoc_path(); "
        "print(p); print('pypandoc' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    path, imported = out.stdout.split()
    assert imported == "False"
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("pandoc 3.")


def read_one(data: bytes) -> dict:
    """pandoc's read of one notebook through :func:`pandoc.read`, its parts joined."""
    (parts,) = pandoc.read([data]).results()
    return _doc_json(list(parts))


def test_prefetched_read_is_the_plain_read() -> None:
    data = EXAMPLE.read_bytes()
    whole = pandoc.run_pandoc(pandoc.READ_ARGS, data)
    pandoc.prefetch(EXAMPLE)  # by path, as the CLI does before its imports
    assert len(split._PREFETCHED) == 1
    assert read_one(data) == _doc_json([whole])
    assert split._PREFETCHED == []  # taken, not left running
    assert json.loads(whole)["blocks"]


def test_other_bytes_are_read_again() -> None:
    data = EXAMPLE.read_bytes()
    pandoc.prefetch(data)
    upgraded = json.dumps(json.loads(data)).encode()  # what an upgraded notebook looks like
    assert read_one(upgraded) == read_one(data)


def test_prefetch_limit_cancels_the_oldest() -> None:
    data = EXAMPLE.read_bytes()
    jobs = []
    for n in range(split.PREFETCH_LIMIT + 1):
        pandoc.prefetch(data + b" " * n)
        jobs.append(split._PREFETCHED[-1])
    assert len(split._PREFETCHED) == split.PREFETCH_LIMIT
    assert jobs[0] not in split._PREFETCHED
    for job in jobs[0].jobs:  # stopped and reaped: no such process any more
        with pytest.raises(ProcessLookupError):
            os.kill(job.pid, 0)


def test_failed_prefetched_read_is_a_one_line_error(tmp_path: Path) -> None:
    bad = b'{"cells": "not a list", "nbformat": 4}'
    pandoc.prefetch(bad)
    with pytest.raises(PandockitError) as info:
        read_one(bad)
    assert "pandoc (reading) failed" in str(info.value) and "\n" not in str(info.value)
    pandoc.prefetch(tmp_path / "missing.ipynb")  # unreadable: nothing started
    assert split._PREFETCHED == []


def test_convert_cli_with_prefetch(tmp_path: Path) -> None:
    """Two notebooks through the CLI (first read prefetched by path, second by bytes) give the
    posts the in-process conversion gives."""
    from converting import render_notebook

    from pandockit.config import resolve_options
    from pandockit.plan import plan_post

    notebooks = sorted((ROOT / "examples" / "_notebooks").glob("*.ipynb"))[:2]
    site = tmp_path / "site"
    site.mkdir()
    cli = [sys.executable, "-m", "pandockit", "convert", "-q", "--site", str(site)]
    subprocess.run([*cli, *map(str, notebooks)], check=True, capture_output=True)
    options = resolve_options(site)
    for nb in notebooks:
        plan = plan_post(nb, options, site)
        post, _ = render_notebook(plan.notebook, options, site, plan.source_day)
        written = (site / "_posts" / f"{plan.stem}.md").read_text(encoding="utf-8")
        assert written == post.text



# --- reading in parts, and many documents per pandoc ----------------------------------------

CORPUS = corpus.notebooks()
CASES = available_notebooks()  # those made from a real notebook only where the corpus is


def _pandoc_inputs() -> list[tuple[str, bytes]]:
    """What pandoc reads of every notebook of the corpus, examples and cases (repaired)."""
    from pandockit.notebook import read_notebook

    return [(nb.name, read_notebook(nb).pandoc_input)
            for nb in [*CORPUS, *sorted(EXAMPLE.parent.glob("*.ipynb")), *CASES]]


READABLE = _pandoc_inputs()


def _doc_json(parts: list) -> dict:
    from pandockit.convert import doc_of

    return doc_of(parts).to_json()


@corpus.mark
@pytest.mark.parametrize("parts", [2, 3])
def test_a_notebook_read_in_parts_is_the_notebook_read_whole(parts: int) -> None:
    """The premise of split reads, on every v4 notebook of the corpus, examples and cases:
    pandoc's reader parses cells on their own, so the parts' blocks concatenate to the whole."""
    checked = 0
    for name, data in READABLE:
        pieces = split.split_notebook(data, parts, min_work=0)
        if len(pieces) < 2:
            continue
        whole = pandoc.run_pandoc(pandoc.READ_ARGS, data)
        read = [pandoc.run_pandoc(pandoc.READ_ARGS, piece) for piece in pieces]
        assert _doc_json(read) == _doc_json([whole]), name
        checked += 1
    assert checked >= 30


def test_split_keeps_every_cell_in_order() -> None:
    data = EXAMPLE.read_bytes()
    cells = json.loads(data)["cells"]
    pieces = split.split_notebook(data, 2, min_work=0)
    assert len(pieces) == 2
    assert [c for p in pieces for c in json.loads(p)["cells"]] == cells
    assert split.split_notebook(data, 1, min_work=0) == [data]  # one core: no split
    assert split.split_notebook(data, 2) == [data]  # too little Markdown to pay
    assert split.split_notebook(b"{not json", 2, min_work=0) == [b"{not json"]


def test_large_notebook_is_read_in_parts_by_default() -> None:
    data = json.dumps(_markdown_notebook("Some *text* here. " * 60, 40)).encode()
    expected = 2 if split.cores() >= 2 else 1
    assert len(split.split_notebook(data)) == expected
    whole = pandoc.run_pandoc(pandoc.READ_ARGS, data)
    assert read_one(data) == _doc_json([whole])


@pytest.mark.parametrize(("cores", "markdown", "parts"), [
    (2, 31_000, 1),  # the benchmark's 200 cells: one read beside Python's imports
    (2, 70_000, 2),
    (4, 31_000, 2),  # a core left over for Python
    (4, 15_000, 1),
])
def test_a_prefetched_read_is_split_only_where_it_pays(
    cores: int, markdown: int, parts: int, monkeypatch
) -> None:
    """A read started before Python's imports shares the cores with them: on 2 cores a
    notebook is read in two parts only from SPLIT_MIN_BESIDE_PYTHON characters of Markdown."""
    monkeypatch.setattr(split, "cores", lambda: cores)
    data = json.dumps(_markdown_notebook("x" * 999 + "\n", markdown // 1000)).encode()
    split.prefetch(data)
    try:
        assert [len(r.jobs) for r in split._PREFETCHED] == [parts]
    finally:
        pandoc.cancel_prefetched()


@pytest.mark.parametrize("server", [True, False], ids=["pandoc-server", "one-by-one"])
def test_many_reads_and_writes_are_the_single_runs(server: bool, monkeypatch) -> None:
    """Batched reads and writes (pandoc-server as CGI; or, without a server mode, one process
    each) give byte for byte what one pandoc run per document gives."""
    if not server:
        monkeypatch.setattr(pandoc, "has_server", lambda: False)
    assert server is False or pandoc.has_server()
    notebooks = [data for _, data in READABLE[:12]]
    reads = [list(parts) for parts in pandoc.read(notebooks).results()]
    singles = [pandoc.run_pandoc(pandoc.READ_ARGS, nb) for nb in notebooks]
    assert [json.loads(r) for (r,) in reads] == [json.loads(s) for s in singles]
    asts = [json.loads(s) for s in singles]
    writes = pandoc.write(asts).results()
    assert writes == [pandoc.write([ast]).results()[0] for ast in asts]  # each split, if it pays
    assert writes == pandoc_writes(asts)


def test_the_strategy_follows_the_count(monkeypatch) -> None:
    """One document: split; many: a server batch, or one pandoc each without a server mode;
    a body the in-process writer writes starts no pandoc."""
    data = EXAMPLE.read_bytes()
    assert isinstance(pandoc.read([data]), split.Read)
    assert isinstance(pandoc.write([]).results(), list) and not pandoc.write([]).results()
    given: list[list[dict]] = []
    by_pandoc = pandoc._write_by_pandoc
    monkeypatch.setattr(pandoc, "_write_by_pandoc",
                        lambda docs: given.append(docs) or by_pandoc(docs))
    api = [1, 23, 1]
    body = {"pandoc-api-version": api, "meta": {}, "blocks": [{"t": "HorizontalRule"}]}
    div = {"pandoc-api-version": api, "meta": {},
           "blocks": [{"t": "Div", "c": [["", ["x"], []], []]}]}
    assert pandoc.write([body, div, body]).results() == pandoc_writes([body, div, body])
    assert given == ([[div]] if pandoc.writes_in_process() else [[body, div, body]])
    assert isinstance(by_pandoc([{"blocks": []}]), split.Write)
    if pandoc.has_server():
        assert isinstance(by_pandoc([{"blocks": []}] * 2), server.Batch)
    monkeypatch.setattr(pandoc, "has_server", lambda: False)
    assert isinstance(by_pandoc([{"blocks": []}] * 2), plain.OneByOne)


def pandoc_writes(documents: list[dict]) -> list[str]:
    """Each document written by a pandoc run of its own (the plain path)."""
    return [pandoc.run_pandoc(pandoc.WRITE_ARGS, json.dumps(d).encode()).decode()
            for d in documents]


def test_a_failing_document_fails_alone_in_a_batch() -> None:
    good = EXAMPLE.read_bytes()
    bad = b'{"cells": "not a list", "nbformat": 4, "nbformat_minor": 5, "metadata": {}}'
    if not pandoc.has_server():
        pytest.skip("this pandoc has no server mode")
    first, second, third = server.Batch(
        pandoc.options.READ, [nb.decode() for nb in (good, bad, good)], what="pandoc (reading)"
    ).results()
    assert isinstance(second, PandockitError)
    assert str(second).startswith("pandoc (reading) failed: ") and "\n" not in str(second)
    assert first == third and json.loads(first)["blocks"]


def test_render_many_gives_the_posts_of_render_notebook(tmp_path: Path) -> None:
    """The batched pipeline (several batches, reads and writes overlapping) makes the same
    posts and media as converting each notebook alone, and reports a failure in its place."""
    from converting import render_notebook

    from pandockit.config import resolve_options
    from pandockit.convert import render_posts
    from pandockit.plan import plan_post

    options = resolve_options(tmp_path)
    notebooks = [*EXAMPLE.parent.glob("*.ipynb"), *CASES]
    planned = [plan_post(nb, options, tmp_path) for nb in notebooks]
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    job = plan_post(broken, options, tmp_path)
    planned.insert(2, dataclasses_replace(job, notebook=dataclasses_replace(
        job.notebook, pandoc_input=b"{}")))
    outcomes = list(render_posts(planned, batch=3))
    assert [o.job for o in outcomes] == planned
    assert outcomes[2].error is not None and str(outcomes[2].error.path) == str(broken)
    for plan, outcome in zip(planned, outcomes):
        if plan is planned[2]:
            continue
        post, media = render_notebook(plan.notebook, options, tmp_path, plan.source_day)
        assert outcome.error is None, outcome.error
        assert (outcome.post.text, outcome.media) == (post.text, media), plan.notebook.path.name


def dataclasses_replace(frozen, **changes):
    import dataclasses

    return dataclasses.replace(frozen, **changes)


@corpus.mark  # five notebooks to cut: the golden cases made from real ones
@pytest.mark.parametrize("parts", [2, 3, 5])
def test_a_body_written_in_parts_is_the_body_written_whole(parts: int) -> None:
    """The premise of split writes, on the filtered body of every example and golden case:
    cut between paragraphs, headings or code, the parts' Markdown joined by a blank line is
    the whole's, byte for byte."""
    from converting import load_doc

    from pandockit.config import resolve_options
    from pandockit.convert import filtered
    from pandockit.plan import plan_post
    from pandockit.render import body_ast

    options = resolve_options(ROOT / "examples" / "site")
    cut = 0
    for nb in [*sorted(EXAMPLE.parent.glob("*.ipynb")), *CASES]:
        plan = plan_post(nb, options)
        doc = filtered(load_doc(plan.notebook), plan)
        ast = body_ast(doc)
        whole = pandoc.run_pandoc(pandoc.WRITE_ARGS, json.dumps(ast).encode()).decode()
        pieces = split.split_body(ast, parts)
        written = [pandoc.run_pandoc(pandoc.WRITE_ARGS, piece).decode() for piece in pieces]
        assert "\n".join(written) == whole, nb.name
        cut += len(pieces) > 1
    assert cut >= 5


def test_bodies_with_footnotes_or_too_large_are_written_whole() -> None:
    para = {"t": "Para", "c": [{"t": "Str", "c": "x" * 100}]}
    note = {"t": "Para", "c": [{"t": "Note", "c": [para]}]}
    ast = {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": [para] * 10}
    assert len(split.split_body(ast, 2)) == 2
    assert json.loads(b"".join(split.split_body(ast, 1))) == ast
    assert len(split.split_body({**ast, "blocks": [para] * 9 + [note]}, 2)) == 1
    big = {**ast, "blocks": [para] * (split.SPLIT_WRITE_MAX // 100)}
    assert len(split.split_body(big, 2)) == 1


def test_split_takes_any_json() -> None:
    """Reads are split before the notebook is checked: odd cells must not break the split."""
    odd = [1, None, "x", {"cell_type": "markdown", "source": 5},
           {"cell_type": "markdown", "source": [None, "a" * 50_000]},
           {"cell_type": "code", "source": {"a": 1}}, {"cell_type": "markdown", "source": "b"}]
    data = json.dumps({"cells": odd, "nbformat": 4}).encode()
    pieces = split.split_notebook(data, 2, min_work=0)
    assert [c for p in pieces for c in json.loads(p)["cells"]] == odd


def test_batches_end_at_their_count_or_their_bytes() -> None:
    from pandockit.convert import BATCH_BYTES, _groups

    assert _groups([1] * 7, 3) == [[0, 1, 2], [3, 4, 5], [6]]
    big = BATCH_BYTES // 2 + 1
    assert _groups([big, big, 1, BATCH_BYTES * 2, 1], 10) == [[0], [1, 2], [3], [4]]
    assert _groups([], 4) == []


def test_split_of_text_that_is_not_unicode_reads_whole() -> None:
    """A lone surrogate escape (valid JSON, not Unicode) cannot be written into a part."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "x" * 30_000 + "\\ud800"}] * 2
    data = json.dumps({"cells": cells, "nbformat": 4}).replace("\\\\ud800", "\\ud800").encode()
    assert b"\\ud800" in data
    assert split.split_notebook(data, 2, min_work=0) == [data]


def test_a_batch_ignores_cgi_variables_of_the_environment(monkeypatch) -> None:
    """A user's environment that happens to hold CGI variables (a proxy setting is one) does
    not change the request pandoc-server answers."""
    for name, value in [("SCRIPT_NAME", "/elsewhere"), ("QUERY_STRING", "x=1"),
                        ("HTTP_ACCEPT", "text/html"), ("PATH_INFO", "/babelmark"),
                        ("HTTP_PROXY", "http://proxy.invalid:3128")]:
        monkeypatch.setenv(name, value)
    data = EXAMPLE.read_bytes()
    if not pandoc.has_server():
        pytest.skip("this pandoc has no server mode")
    (read,) = server.Batch(pandoc.options.READ, [data.decode()], what="reading").results()
    assert json.loads(read) == json.loads(pandoc.run_pandoc(pandoc.READ_ARGS, data))


def test_cycles_are_collected_between_batches_only_past_the_limit(
    tmp_path: Path, monkeypatch
) -> None:
    """The trees a batch leaves (cycles) are collected at a batch's end once more than
    COLLECT_ABOVE objects wait, not after every batch: a few batches leave them to the end."""
    import gc

    from pandockit import convert
    from pandockit.config import resolve_options
    from pandockit.plan import plan_post

    options = resolve_options(tmp_path)
    planned = [plan_post(nb, options, tmp_path) for nb in [*EXAMPLE.parent.glob("*.ipynb")] * 2]
    full: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(1)

    gc.collect()  # the count starts at 0, whatever the tests before left uncollected
    gc.callbacks.append(count)
    try:
        assert all(o.error is None for o in convert.render_posts(planned, batch=1))
        assert full == []  # six batches of one notebook: nothing collected
        monkeypatch.setattr(convert, "COLLECT_ABOVE", 0)
        assert all(o.error is None for o in convert.render_posts(planned, batch=1))
        assert len(full) == len(planned)  # past the limit: once a batch
    finally:
        gc.callbacks.remove(count)


def test_the_version_run_started_early_is_the_version() -> None:
    """``pandoc --version`` started beside a prefetched read (or a build's imports) is the run
    :func:`version_text` then takes: the same text, and no second run."""
    from pandockit.pandoc import process

    process.version_text.cache_clear()
    try:
        process.start_version()
        assert len(process._VERSION_RUN) == 1
        text = process.version_text()
        assert process._VERSION_RUN == []
        assert text == process.run_pandoc(["--version"], b"") and text.startswith(b"pandoc ")
        process.start_version()  # known now: nothing is started
        assert process._VERSION_RUN == []
    finally:
        process._VERSION_RUN.clear()
        process.version_text.cache_clear()


def test_the_command_starts_the_read_before_its_imports(tmp_path: Path) -> None:
    """``pandockit convert NB`` (the installed command's entry) has pandoc reading the
    notebook before it imports the command line, the options, YAML or panflute."""
    code = (
        "import sys; from pandockit import entry; from pandockit.pandoc import split\n"
        f"entry.prefetch(['convert', '-q', {str(EXAMPLE)!r}])\n"
        "assert len(split._PREFETCHED) == 1, split._PREFETCHED\n"
        "late = {'argparse', 'yaml', 'panflute', 'pandockit.cli', 'pandockit.config',\n"
        "        'pandockit.pandoc.markdown_writer', 'subprocess', 'typing'} & set(sys.modules)\n"
        "assert not late, late\n"
        "entry.prefetch(['convert', 'a.ipynb', 'b.ipynb']); entry.prefetch(['build'])\n"
        "assert len(split._PREFETCHED) == 1  # one notebook, and only for convert\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(not process.spawns(), reason="no memfd_create/posix_spawn here")
def test_a_spawned_run_is_a_job_run() -> None:
    """A run started without subprocess or a thread (a prefetched read's) gives what a
    :class:`Job` gives: the same output, the same one-line error, and it can be stopped."""
    data = EXAMPLE.read_bytes()
    spawned = process.Spawned(pandoc.READ_ARGS, data, what="pandoc (reading)")
    assert spawned.result() == process.Job(pandoc.READ_ARGS, data).result()
    assert spawned.result() == spawned.result()  # asked again: the same, kept
    bad = [process.Spawned(pandoc.READ_ARGS, b"{not json", what="pandoc (reading)"),
           process.Job(pandoc.READ_ARGS, b"{not json", what="pandoc (reading)")]
    errors = []
    for run in bad:
        with pytest.raises(PandockitError) as info:
            run.result()
        errors.append(str(info.value))
    assert errors[0] == errors[1] and "\n" not in errors[0]
    cells = _markdown_notebook("Some *text* $x^2$ here.\n" * 20, 3000)
    long = process.Spawned(pandoc.READ_ARGS, json.dumps(cells).encode())
    long.cancel()
    assert long.output()[0] != 0  # killed, reaped
    with pytest.raises(ProcessLookupError):
        os.kill(long.pid, 0)


def _markdown_notebook(source: str, count: int) -> dict:
    """A v4 notebook of ``count`` markdown cells of ``source``."""
    cell = {"cell_type": "markdown", "metadata": {}, "source": source}
    return {"cells": [cell] * count, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
