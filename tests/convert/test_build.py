"""``pandockit build``: incremental, parallel, --force, --dry-run, --clean, failures, lock, CLI."""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import corpus
import pytest
from jekyll_site import JekyllSite

from pandockit import builder as bld
from pandockit import cli, lock, manifest
from pandockit.errors import PandockitError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "_notebooks"
CORPUS = corpus.CORPUS
TENSOR = "2022-07-24-Tensor-Products-and-Gradients"
ALGEBRA = "2023-01-15-Linear-Algebra-Notes"


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path -> bytes), minus ``skip``."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() not in skip
    }


def new_site(path: Path, notebooks: list[Path] | None = None) -> JekyllSite:
    """A Jekyll site whose ``_notebooks`` holds ``notebooks`` (default: the three examples)."""
    site = JekyllSite(path)
    folder = site.path / "_notebooks"
    folder.mkdir()
    for nb in notebooks if notebooks is not None else sorted(EXAMPLES.glob("*.ipynb")):
        shutil.copyfile(nb, folder / nb.name)  # a corpus file's read-only mode not copied
    return site


def run(site: JekyllSite, cli_options: dict | None = None, **settings) -> tuple[bld.Summary, str]:
    """Build ``site`` in process; return the summary and what was printed."""
    out = io.StringIO()
    settings.setdefault("jobs", 1)
    options = bld_options(site, cli_options)
    summary = bld.build(
        site.path, site.path / "_notebooks", options, bld.Settings(**settings), bld.Reporter(0, out)
    )
    return summary, out.getvalue()


def bld_options(site: JekyllSite, cli_options: dict | None = None):
    from pandockit.config import resolve_options

    return resolve_options(site.path, cli_options)


def edit_markdown(nb: Path, text: str) -> None:
    """Append a markdown cell with ``text`` to the notebook ``nb``."""
    data = json.loads(nb.read_text(encoding="utf-8"))
    data["cells"].append({"cell_type": "markdown", "metadata": {}, "source": text})
    data["cells"][-1]["id"] = "edit" + str(len(data["cells"]))
    nb.write_text(json.dumps(data, indent=1), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> JekyllSite:
    return new_site(tmp_path / "site")


def test_discover_skips_checkpoints_and_hidden_folders(tmp_path: Path) -> None:
    for rel in ("a.ipynb", "sub/b.ipynb", ".ipynb_checkpoints/a-checkpoint.ipynb",
                ".hidden/c.ipynb", "sub/.d.ipynb", "notes.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    found = [p.relative_to(tmp_path).as_posix() for p in bld.discover(tmp_path)]
    assert found == ["a.ipynb", "sub/b.ipynb"]


def test_build_key_depends_on_content_path_and_options() -> None:
    base = bld.build_key(b"nb", "_notebooks/a.ipynb", "{}")
    assert base == bld.build_key(b"nb", "_notebooks/a.ipynb", "{}")
    assert base != bld.build_key(b"nb2", "_notebooks/a.ipynb", "{}")
    assert base != bld.build_key(b"nb", "_notebooks/b.ipynb", "{}")
    assert base != bld.build_key(b"nb", "_notebooks/a.ipynb", '{"math": "dollars"}')


def test_first_build_converts_and_records(site: JekyllSite) -> None:
    summary, out = run(site)
    assert sorted(summary.converted) == sorted(
        f"_notebooks/{p.name}" for p in EXAMPLES.glob("*.ipynb")
    )
    assert summary.status == 0 and not summary.failed
    recorded = manifest.load(site.path).entries
    tensor = recorded[f"_notebooks/{TENSOR}.ipynb"]
    assert tensor.post == f"_posts/{TENSOR}.md"
    assert tensor.assets == f"assets/nb_files/{TENSOR}"
    assert bld.written_files(site.path, tensor) == [
        f"assets/nb_files/{TENSOR}/output_1_0.png", f"_posts/{TENSOR}.md"
    ]
    for entry in recorded.values():
        assert all((site.path / f).is_file() for f in bld.written_files(site.path, entry))
    assert f"converted _notebooks/{TENSOR}.ipynb -> _posts/{TENSOR}.md (+1 image)" in out
    assert "3 converted, 0 skipped, 0 failed, 0 removed" in summary.line()


def test_unchanged_build_skips_everything_and_runs_no_pandoc(
    site: JekyllSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(site)
    before = tree(site.path)

    def no_pandoc(*args, **kwargs):
        raise AssertionError("pandoc ran on an unchanged site")

    monkeypatch.setattr("pandockit.pandoc.run_pandoc", no_pandoc)
    summary, _ = run(site)
    assert summary.converted == [] and len(summary.skipped) == 3
    assert tree(site.path, skip=(".pandockit/lock",)) == {
        k: v for k, v in before.items() if k != ".pandockit/lock"
    }


def test_unchanged_build_imports_no_converter(site: JekyllSite) -> None:
    """The no-op path stays light: no panflute, no nbformat, no pandoc process."""
    run(site)
    code = (
        "import sys; from pandockit.cli import main; rc = main(['build', '--site', sys.argv[1]]);"
        "print(rc, 'panflute' in sys.modules, 'nbformat' in sys.modules, 'pypandoc' in sys.modules)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(site.path)], capture_output=True, text=True, check=True
    )
    assert proc.stdout.splitlines()[-1] == "0 False False False"
    assert "0 converted, 3 skipped" in proc.stdout


def test_content_change_rebuilds_only_that_notebook(site: JekyllSite) -> None:
    run(site)
    other = (site.path / f"_posts/{ALGEBRA}.md").stat().st_mtime_ns
    edit_markdown(site.path / f"_notebooks/{TENSOR}.ipynb", "A new closing paragraph.")
    summary, _ = run(site)
    assert summary.converted == [f"_notebooks/{TENSOR}.ipynb"]
    assert len(summary.skipped) == 2
    assert "A new closing paragraph." in (site.path / f"_posts/{TENSOR}.md").read_text()
    assert (site.path / f"_posts/{ALGEBRA}.md").stat().st_mtime_ns == other


def test_changed_local_image_rebuilds_its_post(tmp_path: Path) -> None:
    """A local image a markdown cell shows is part of the key: editing it re-copies it."""
    site = new_site(tmp_path / "site", [])
    (site.path / "_notebooks" / "images").mkdir()
    fig = site.path / "_notebooks" / "images" / "fig.png"
    fig.write_bytes(b"\x89PNG first")
    nb = site.path / "_notebooks" / "2021-05-05-local.ipynb"
    nb.write_text(json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "markdown", "id": "a", "metadata": {},
                   "source": "A figure: ![fig](images/fig.png)"}],
    }), encoding="utf-8")
    run(site)
    copied = [p for p in (site.path / "assets").rglob("*.png")]
    assert [p.read_bytes() for p in copied] == [b"\x89PNG first"]
    summary, _ = run(site)
    assert summary.converted == [] and summary.skipped == ["_notebooks/2021-05-05-local.ipynb"]
    fig.write_bytes(b"\x89PNG second")
    summary, _ = run(site)
    assert summary.converted == ["_notebooks/2021-05-05-local.ipynb"]
    assert [p.read_bytes() for p in copied] == [b"\x89PNG second"]


def test_modification_time_alone_changes_nothing(site: JekyllSite) -> None:
    run(site)
    nb = site.path / f"_notebooks/{TENSOR}.ipynb"
    os.utime(nb, (time.time() + 3600, time.time() + 3600))  # as a git checkout would
    summary, _ = run(site)
    assert summary.converted == []


def test_option_change_rebuilds_everything(site: JekyllSite) -> None:
    run(site)
    summary, _ = run(site, {"output-style": "fenced"})
    assert len(summary.converted) == 3
    assert "```" in (site.path / f"_posts/{TENSOR}.md").read_text()
    # options that only steer the build are not part of the key
    summary, _ = run(site, {"output-style": "fenced", "jobs": 2})
    assert summary.converted == [] and len(summary.skipped) == 3


def test_site_config_change_rebuilds(site: JekyllSite) -> None:
    run(site)
    cfg = site.path / "_config.yml"
    cfg.write_text(cfg.read_text().replace('baseurl: ""', 'baseurl: "/blog"'))
    summary, _ = run(site)
    assert len(summary.converted) == 3
    assert bld_options(site)["baseurl"] == "/blog"


def test_a_new_repository_rebuilds_the_posts_whose_badges_link_to_it(site: JekyllSite) -> None:
    run(site)
    cfg = site.path / "_config.yml"
    cfg.write_text(cfg.read_text() + "repository: octo/notes\n")
    summary, _ = run(site)
    assert len(summary.converted) == 3
    summary, _ = run(site)
    assert summary.converted == []


def test_deleted_post_is_rebuilt(site: JekyllSite) -> None:
    run(site)
    (site.path / f"assets/nb_files/{TENSOR}/output_1_0.png").unlink()
    summary, _ = run(site)
    assert summary.converted == [f"_notebooks/{TENSOR}.ipynb"]
    assert (site.path / f"assets/nb_files/{TENSOR}/output_1_0.png").is_file()


def test_force_rebuilds_everything(site: JekyllSite) -> None:
    run(site)
    first = tree(site.path / "_posts")
    summary, _ = run(site, force=True)
    assert len(summary.converted) == 3 and summary.skipped == []
    assert tree(site.path / "_posts") == first


def test_dry_run_on_a_fresh_site_touches_nothing(site: JekyllSite) -> None:
    before = tree(site.path)
    summary, out = run(site, dry_run=True)
    assert tree(site.path) == before
    assert not (site.path / ".pandockit").exists()
    assert f"would write _posts/{TENSOR}.md (+1 image) from _notebooks/{TENSOR}.ipynb" in out
    assert summary.line().startswith("dry run (nothing written): 3 converted")


def test_dry_run_reports_removals_without_removing(site: JekyllSite) -> None:
    run(site)
    (site.path / f"_notebooks/{TENSOR}.ipynb").unlink()
    edit_markdown(site.path / f"_notebooks/{ALGEBRA}.ipynb", "changed")
    before = tree(site.path)
    summary, out = run(site, dry_run=True, clean=True)
    assert tree(site.path) == before
    assert f"would remove _posts/{TENSOR}.md" in out
    assert f"would remove assets/nb_files/{TENSOR}/output_1_0.png" in out
    assert summary.converted == [f"_notebooks/{ALGEBRA}.ipynb"]
    assert len(summary.removed) == 2


def test_clean_removes_only_its_own_files(site: JekyllSite) -> None:
    run(site)
    mine = site.path / "_posts/2020-01-01-handwritten.md"
    mine.write_text("---\ntitle: mine\n---\nhello\n")
    extra = site.path / f"assets/nb_files/{TENSOR}/my-own-figure.png"
    extra.write_bytes(b"not pandockit's")
    (site.path / f"_notebooks/{TENSOR}.ipynb").unlink()

    summary, out = run(site)  # without --clean: kept, and the user is told
    assert (site.path / f"_posts/{TENSOR}.md").exists() and summary.removed == []
    assert "--clean" in out

    summary, _ = run(site, clean=True)
    assert sorted(summary.removed) == [
        f"_posts/{TENSOR}.md",
        f"assets/nb_files/{TENSOR}/output_1_0.png",
    ]
    assert not (site.path / f"_posts/{TENSOR}.md").exists()
    assert mine.exists() and extra.exists()  # not listed in the manifest: never removed
    assert (site.path / f"_posts/{ALGEBRA}.md").exists()
    assert f"_notebooks/{TENSOR}.ipynb" not in manifest.load(site.path).entries


def test_clean_from_site_config(site: JekyllSite) -> None:
    run(site)
    (site.path / f"_notebooks/{ALGEBRA}.ipynb").unlink()
    summary, _ = run(site, {"clean": True})
    assert summary.removed == [f"_posts/{ALGEBRA}.md"]


def test_renamed_post_removes_the_old_files(site: JekyllSite) -> None:
    """An undated notebook's post is named by its front matter date: change it, and the old
    post and asset folder go (they were pandockit's), the new ones come."""
    run(site)
    nb = site.path / "_notebooks/tables-and-images.ipynb"
    old = manifest.load(site.path).entries["_notebooks/tables-and-images.ipynb"]
    old_files = bld.written_files(site.path, old)
    data = json.loads(nb.read_text())
    data["metadata"]["jekyll"]["date"] = "2021-03-04"
    nb.write_text(json.dumps(data))
    summary, _ = run(site)
    assert summary.converted == ["_notebooks/tables-and-images.ipynb"]
    assert (site.path / "_posts/2021-03-04-tables-and-images.md").is_file()
    assert (site.path / "assets/nb_files/2021-03-04-tables-and-images/output_2_0.png").is_file()
    assert sorted(summary.removed) == sorted(old_files)
    assert len(old_files) > 1  # the post and its images
    assert not (site.path / old.post).exists()
    assert not (site.path / old.assets).exists()


def test_failing_notebooks_do_not_stop_the_others(
    site: JekyllSite, caplog: pytest.LogCaptureFixture
) -> None:
    (site.path / "_notebooks/2021-01-01-broken.ipynb").write_text('{"cells": [')
    (site.path / "_notebooks/2021-01-02-not-a-notebook.ipynb").write_text('["a list"]')
    with caplog.at_level(logging.ERROR, logger="pandockit"):
        summary, _ = run(site, jobs=2)
    assert summary.status == 1
    assert [nb for nb, _ in summary.failed] == [
        "_notebooks/2021-01-01-broken.ipynb",
        "_notebooks/2021-01-02-not-a-notebook.ipynb",
    ]
    assert len(summary.converted) == 3
    assert (site.path / f"_posts/{TENSOR}.md").is_file()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("_notebooks/2021-01-01-broken.ipynb: " in e and "JSON" in e for e in errors)
    assert any("_notebooks/2021-01-02-not-a-notebook.ipynb: " in e for e in errors)
    assert all("\n" not in e for e in errors)
    # a failure is retried by the next build; the successes are not
    summary, _ = run(site)
    assert len(summary.failed) == 2 and summary.converted == []


def test_a_handwritten_post_is_never_overwritten_by_a_build(site: JekyllSite) -> None:
    """issue 20: ``build --force`` converts every notebook again, and still replaces only
    posts pandockit wrote (only ``convert --force`` replaces one of yours)."""
    mine = site.path / f"_posts/{ALGEBRA}.md"
    mine.parent.mkdir()
    mine.write_text("---\ntitle: written by hand\n---\nmine\n")
    summary, _ = run(site)
    ((failed, reason),) = summary.failed
    assert failed == f"_notebooks/{ALGEBRA}.ipynb" and "not written by pandockit" in reason
    assert mine.read_text().endswith("mine\n") and len(summary.converted) == 2
    summary, _ = run(site, dry_run=True)
    assert [nb for nb, _ in summary.failed] == [f"_notebooks/{ALGEBRA}.ipynb"]
    summary, _ = run(site, force=True)
    ((failed, reason),) = summary.failed
    assert failed == f"_notebooks/{ALGEBRA}.ipynb" and "not written by pandockit" in reason
    assert mine.read_text() == "---\ntitle: written by hand\n---\nmine\n"
    assert len(summary.converted) == 2  # the others, converted again


def test_two_notebooks_writing_one_post(tmp_path: Path) -> None:
    site = new_site(tmp_path / "site", [EXAMPLES / f"{TENSOR}.ipynb"])
    (site.path / "_notebooks/sub").mkdir()
    shutil.copy(EXAMPLES / f"{TENSOR}.ipynb", site.path / f"_notebooks/sub/{TENSOR}.ipynb")
    summary, _ = run(site, jobs=2)
    assert summary.converted == [f"_notebooks/{TENSOR}.ipynb"]
    ((loser, reason),) = summary.failed
    assert loser == f"_notebooks/sub/{TENSOR}.ipynb"
    assert f"would overwrite _posts/{TENSOR}.md, written for _notebooks/{TENSOR}.ipynb" in reason


def test_posts_differing_only_in_case_collide_in_a_build_as_in_convert(tmp_path: Path) -> None:
    """One collision check (naming.PostClaims) for build and convert: ``X.md`` and ``x.md``
    are one file on macOS and Windows."""
    site = new_site(tmp_path / "site", [EXAMPLES / f"{TENSOR}.ipynb"])
    upper = TENSOR[:11] + TENSOR[11:].upper()
    shutil.copy(EXAMPLES / f"{TENSOR}.ipynb", site.path / f"_notebooks/{upper}.ipynb")
    summary, _ = run(site, jobs=1)
    assert len(summary.converted) == 1 and len(summary.failed) == 1
    ((loser, reason),) = summary.failed
    assert "would overwrite" in reason and loser not in summary.converted
    proc = subprocess.run(
        [sys.executable, "-m", "pandockit", "convert", "--site", str(tmp_path / "other"),
         *sorted(str(p) for p in (site.path / "_notebooks").glob("*.ipynb"))],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 1 and "maps to the same post as" in proc.stderr


@corpus.mark
def test_parallel_output_is_byte_identical_to_sequential(tmp_path: Path) -> None:
    notebooks = sorted(EXAMPLES.glob("*.ipynb")) + [
        CORPUS / "fastpages/2020-02-21-introducing-fastpages.ipynb",
        CORPUS / "fastpages/2020-11-17-linkcheck.ipynb",
    ]
    one = new_site(tmp_path / "one", notebooks)
    two = new_site(tmp_path / "two", notebooks)
    s1, _ = run(one, jobs=1)
    s2, _ = run(two, jobs=2)
    assert s1.converted == s2.converted and len(s1.converted) == len(notebooks)
    assert tree(one.path, skip=(".pandockit/lock",)) == tree(two.path, skip=(".pandockit/lock",))


@pytest.mark.parametrize(("tasks", "jobs"), [(1, 2), (2, 2), (3, 2), (5, 2), (41, 2), (100, 2),
                                             (129, 2), (100, 4), (1000, 2), (7, 3)])
def test_chunks_take_every_notebook_once_in_equal_rounds(tasks: int, jobs: int) -> None:
    from pandockit.builder.workers import CHUNK, chunk_sizes

    sizes = chunk_sizes(tasks, jobs)
    assert sum(sizes) == tasks and all(0 < size <= CHUNK for size in sizes)
    assert sizes == sorted(sizes, reverse=True) and sizes[0] - sizes[-1] <= 1  # equal
    if tasks > jobs:  # whole rounds of one chunk per worker, as few as CHUNK allows
        rounds = -(-tasks // (jobs * CHUNK))
        assert len(sizes) == jobs * rounds
    assert chunk_sizes(100, 2) == [50, 50]
    assert chunk_sizes(129, 2) == [33, 32, 32, 32]


def test_second_build_waits_for_the_first(site: JekyllSite) -> None:
    with lock.site_lock(site.path):
        with pytest.raises(PandockitError, match="another pandockit build is running"):
            run(site, wait=False)
    assert not (site.path / "_posts").exists() or not any((site.path / "_posts").iterdir())

    done = threading.Event()

    def hold() -> None:
        with lock.site_lock(site.path):
            done.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold)
    holder.start()
    done.wait(5)
    started = time.monotonic()
    summary, _ = run(site)
    holder.join(5)
    assert time.monotonic() - started >= 0.4  # it waited for the lock
    assert len(summary.converted) == 3


@corpus.mark
def test_ctrl_c_stops_a_parallel_build_and_keeps_what_was_done(tmp_path: Path) -> None:
    import signal

    site = new_site(tmp_path / "site", corpus.notebooks())
    proc = subprocess.Popen(
        [sys.executable, "-m", "pandockit", "build", "-j", "2", "--site", str(site.path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline()  # one notebook is done: interrupt the rest
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert first.startswith("converted ")
    assert proc.returncode == 130
    assert "pandockit: error: interrupted" in err and "Traceback" not in err
    entries = manifest.load(site.path).entries
    # what the workers had finished is kept (issue 20): all of it when they were done
    assert 1 <= len(entries) <= len(corpus.notebooks())
    assert all((site.path / e.post).is_file() for e in entries.values())
    summary, _ = run(site, jobs=2)  # the next build does only the rest
    assert set(summary.skipped) == set(entries)


def test_damaged_manifest_is_a_one_line_error(site: JekyllSite) -> None:
    (site.path / ".pandockit").mkdir()
    (site.path / ".pandockit/manifest.json").write_text("{not json")
    with pytest.raises(PandockitError, match="manifest is damaged"):
        run(site)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_and_lines_otherwise() -> None:
    term = _Terminal()
    reporter = bld.Reporter(0, term)
    with reporter.progress(["nb0", "nb1", "nb2"]):
        for i in range(3):
            reporter.step(f"converted nb{i}")
    assert "3/3" in term.getvalue() and "converted nb2\n" in term.getvalue()

    plain = io.StringIO()
    reporter = bld.Reporter(0, plain)
    with reporter.progress(["nb0", "nb1", "nb2"]):
        for i in range(3):
            reporter.step(f"converted nb{i}")
    assert plain.getvalue() == "converted nb0\nconverted nb1\nconverted nb2\n"

    quiet = _Terminal()
    reporter = bld.Reporter(-1, quiet)
    with reporter.progress(["nb0", "nb1", "nb2"]):
        reporter.step("converted nb0")
        reporter.say("summary")
    assert quiet.getvalue() == ""


# -- the command line -------------------------------------------------------------------------


def test_cli_build_summary_and_exit_status(
    site: JekyllSite, capsys: pytest.CaptureFixture
) -> None:
    assert cli.main(["build", "--site", str(site.path), "-j", "2"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("3 converted, 0 skipped, 0 failed, 0 removed in ")
    (site.path / "_notebooks/2021-01-01-bad.ipynb").write_text("")
    assert cli.main(["build", "--site", str(site.path), "-q"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("pandockit: error: ")
    assert "2021-01-01-bad.ipynb: " in captured.err


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["build", "--site", str(tmp_path)]) == 2  # no _config.yml
    assert capsys.readouterr().err == (
        f"pandockit: error: {tmp_path}: not a Jekyll site (no _config.yml): run 'jekyll new' "
        "first\n")
    assert cli.main(["build", "--watch", "--site", str(tmp_path)]) == 2  # nothing to watch
    assert "not a Jekyll site" in capsys.readouterr().err
    (tmp_path / "_config.yml").write_text("title: t\n")
    assert cli.main(["build", str(tmp_path / "nowhere"), "--site", str(tmp_path)]) == 2
    assert "nowhere: notebook folder not found" in capsys.readouterr().err
    assert cli.main(["build", "--site", str(tmp_path / "nosite")]) == 2
    with pytest.raises(SystemExit) as exc:
        cli.main(["build", "-j", "-1"])
    assert exc.value.code == 2
    assert cli.main(["build", "--watch", "--dry-run", "--site", str(tmp_path)]) == 2


def test_no_notebooks_yet_is_a_success(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A new site (no _notebooks/), or one whose folder is empty, as in CI on a repository
    without notebooks: one line, status 0, nothing written; -q says nothing."""
    (tmp_path / "_config.yaml").write_text("title: t\n")
    assert cli.main(["build", "--site", str(tmp_path)]) == 0
    assert capsys.readouterr() == ("no notebooks yet: put .ipynb files in _notebooks/\n", "")
    (tmp_path / "_notebooks").mkdir()
    assert cli.main(["build", "--site", str(tmp_path), "--clean"]) == 0
    assert capsys.readouterr() == ("no notebooks yet: put .ipynb files in _notebooks/\n", "")
    assert cli.main(["build", "--site", str(tmp_path), "-q"]) == 0
    assert capsys.readouterr() == ("", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".pandockit", "_config.yaml",
                                                          "_notebooks"]


def test_clean_removes_posts_when_the_last_notebook_and_its_folder_are_gone(
    site: JekyllSite, capsys: pytest.CaptureFixture
) -> None:
    shutil.copy(EXAMPLES / f"{ALGEBRA}.ipynb", site.path / "_notebooks")
    assert cli.main(["build", "--site", str(site.path), "-q"]) == 0
    shutil.rmtree(site.path / "_notebooks")
    assert cli.main(["build", "--site", str(site.path), "--clean"]) == 0
    assert f"removed _posts/{ALGEBRA}.md" in capsys.readouterr().out
    assert list((site.path / "_posts").iterdir()) == []


def test_cli_notebook_dir_argument(site: JekyllSite, tmp_path: Path) -> None:
    elsewhere = tmp_path / "drafts"
    elsewhere.mkdir()
    shutil.copy(EXAMPLES / f"{ALGEBRA}.ipynb", elsewhere)
    assert cli.main(["build", str(elsewhere), "--site", str(site.path), "-q"]) == 0
    assert [p.name for p in (site.path / "_posts").iterdir()] == [f"{ALGEBRA}.md"]


# -- one record of the images pandockit wrote: the writer's list in each asset folder ----------


def test_one_record_of_images_shared_by_convert_and_build(site: JekyllSite) -> None:
    """The manifest names a post's asset folder, never its images; the writer's list there is
    the one record, whoever wrote it: an image an earlier ``convert`` wrote and the post no
    longer uses goes, a file pandockit did not write stays, and ``--clean`` removes exactly
    what the list holds."""
    nb = site.path / f"_notebooks/{TENSOR}.ipynb"
    assert cli.main(["convert", str(nb), "--site", str(site.path), "-q"]) == 0
    folder = site.path / f"assets/nb_files/{TENSOR}"
    lst = folder / ".pandockit-media.json"
    assert json.loads(lst.read_text()) == ["output_1_0.png"]
    (folder / "stale.png").write_bytes(b"an image an older version of the post showed")
    lst.write_text(json.dumps(["output_1_0.png", "stale.png"]))
    (folder / "mine.png").write_bytes(b"the author's")

    summary, _ = run(site)
    assert f"_notebooks/{TENSOR}.ipynb" in summary.converted
    assert sorted(p.name for p in folder.iterdir()) == [
        ".pandockit-media.json", "mine.png", "output_1_0.png"
    ]
    saved = json.loads(manifest.manifest_path(site.path).read_text())
    assert saved["format"] == 2
    assert all("media" not in e for e in saved["notebooks"].values())
    assert saved["notebooks"][f"_notebooks/{TENSOR}.ipynb"]["assets"] == (
        f"assets/nb_files/{TENSOR}"
    )
    assert not any(".png" in json.dumps(e) for e in saved["notebooks"].values())

    nb.unlink()
    summary, _ = run(site, clean=True)
    assert sorted(summary.removed) == [
        f"_posts/{TENSOR}.md", f"assets/nb_files/{TENSOR}/output_1_0.png"
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["mine.png"]  # never the author's


def _as_format_1(site: JekyllSite) -> None:
    """Rewrite the site's manifest as pandockit wrote it before: images listed per notebook."""
    path = manifest.manifest_path(site.path)
    entries = manifest.load(site.path).entries
    old = {
        "format": 1,
        "notebooks": {
            nb: {
                "key": e.key, "post": e.post,
                "media": bld.written_files(site.path, e)[:-1], "deps": e.deps,
            }
            for nb, e in entries.items()
        },
    }
    path.write_text(json.dumps(old, indent=1))


def test_a_manifest_of_format_1_keeps_working(site: JekyllSite) -> None:
    """A site built by an older pandockit: its manifest listed the images too. The next build
    skips what is unchanged, moves any image only the manifest knew into the folder's list,
    and saves the manifest without image lists; ``--clean`` still removes those images."""
    run(site)
    _as_format_1(site)
    assert "media" in manifest.manifest_path(site.path).read_text()
    folder = site.path / f"assets/nb_files/{TENSOR}"
    (folder / ".pandockit-media.json").unlink()  # the old manifest is the only record left

    summary, _ = run(site)
    assert summary.converted == [] and len(summary.skipped) == 3
    saved = json.loads(manifest.manifest_path(site.path).read_text())
    assert saved["format"] == 2
    assert all("media" not in e for e in saved["notebooks"].values())
    assert json.loads((folder / ".pandockit-media.json").read_text()) == ["output_1_0.png"]
    again = manifest.manifest_path(site.path).read_bytes()
    run(site)
    assert manifest.manifest_path(site.path).read_bytes() == again  # migrated once

    (site.path / f"_notebooks/{TENSOR}.ipynb").unlink()
    summary, _ = run(site, clean=True)
    assert sorted(summary.removed) == [
        f"_posts/{TENSOR}.md", f"assets/nb_files/{TENSOR}/output_1_0.png"
    ]
    assert not folder.exists()


def test_a_manifest_of_format_1_rebuilds_a_changed_notebook(site: JekyllSite) -> None:
    """After the migration a changed notebook is converted as before, and its folder holds
    exactly its current images."""
    run(site)
    _as_format_1(site)
    edit_markdown(site.path / f"_notebooks/{TENSOR}.ipynb", "changed")
    summary, _ = run(site)
    assert summary.converted == [f"_notebooks/{TENSOR}.ipynb"]
    folder = site.path / f"assets/nb_files/{TENSOR}"
    assert sorted(p.name for p in folder.iterdir()) == [".pandockit-media.json", "output_1_0.png"]
    assert manifest.load(site.path).entries[f"_notebooks/{TENSOR}.ipynb"].legacy_media is None
