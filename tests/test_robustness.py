"""Hostile or broken notebooks: one test per item of issue #9's two lists (bad input, security).

Every bad input gets a one-line ``pandockit: error: <file>: <reason>`` (exit 1) or a warning and
a correct post (exit 0), never a traceback, and never a half-written or lost post. The CLI runs
as a subprocess, as users run it, so stderr is exactly what they would see.
"""

from __future__ import annotations

import base64
import errno
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from converting import convert
from jekyll_site import JekyllSite, img_srcs, math_in, text_of

from pandockit import writer
from pandockit.config import resolve_options
from pandockit.errors import PandockitError
from pandockit.notebook import MAX_DEPTH, read_notebook

PANDOCKIT = Path(sys.executable).parent / "pandockit"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
SECRET = b"TOP-SECRET-4f1c9e"


# --- helpers -------------------------------------------------------------------------------


def notebook(cells: list, **top) -> dict:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    nb.update(top)
    return nb


def md(source, **extra) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source, **extra}


def code(source, outputs=(), **extra) -> dict:
    cell = {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": source}
    return {**cell, "outputs": list(outputs), **extra}


def stream(text, name: str = "stdout") -> dict:
    return {"output_type": "stream", "name": name, "text": text}


def display(data: dict) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": data}


def write(folder: Path, name: str, data) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode("utf-8"))
    return path


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PANDOCKIT), *map(str, args)], capture_output=True, text=True, cwd=cwd, check=False
    )


def lines(stderr: str) -> list[str]:
    """stderr's lines, after checking each is one of pandockit's one-line messages."""
    assert "Traceback" not in stderr, stderr
    got = stderr.splitlines()
    assert all(line.startswith("pandockit: ") for line in got), stderr
    return got


def fails(proc: subprocess.CompletedProcess, path: Path, *words: str) -> str:
    """Check ``proc`` failed on ``path`` with exactly one error line holding ``words``."""
    errors = [line for line in lines(proc.stderr) if line.startswith("pandockit: error: ")]
    assert proc.returncode == 1, proc.stderr
    assert len(errors) == 1, proc.stderr
    assert errors[0].startswith(f"pandockit: error: {path}: "), errors[0]
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


def warns(proc: subprocess.CompletedProcess, *words: str) -> str:
    """Check ``proc`` succeeded with a warning line holding every one of ``words``."""
    assert proc.returncode == 0, proc.stderr
    found = [ln for ln in lines(proc.stderr) if all(w in ln for w in words)]
    assert found and found[0].startswith("pandockit: warning: "), proc.stderr
    return found[0]


def post_of(proc: subprocess.CompletedProcess) -> Path:
    return Path(proc.stdout.strip().splitlines()[-1])


def front_matter(post: Path) -> dict:
    text = post.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("\n---\n", 1)[0][4:])


def site_files(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and "_site" not in p.parts
    }


GOOD = notebook([md("# Kept\n\nThe old post, $x^2$."), code("print(1)", [stream("1\n")])])


@pytest.fixture
def old_post(tmp_path: Path) -> tuple[Path, Path, bytes]:
    """A site with the post of ``nb/2020-01-01-post.ipynb`` already written (good version)."""
    site = JekyllSite(tmp_path / "site").path
    nb = write(tmp_path / "nb", "2020-01-01-post.ipynb", GOOD)
    proc = run("convert", nb, "--site", site)
    assert proc.returncode == 0, proc.stderr
    post = post_of(proc)
    return nb, post, post.read_bytes()


def replace_fails(nb: Path, site: Path, post: Path, old: bytes, data: bytes, *words: str) -> None:
    """Overwrite the notebook with ``data``: the conversion fails on one line, post unchanged."""
    nb.write_bytes(data)
    fails(run("convert", nb, "--site", site), nb, *words)
    assert post.read_bytes() == old
    assert not [p for p in post.parent.iterdir() if p.name.endswith(".tmp")]


# --- bad input -----------------------------------------------------------------------------


def test_empty_file(old_post, tmp_path: Path) -> None:
    nb, post, old = old_post
    replace_fails(nb, tmp_path / "site", post, old, b"", "empty")
    replace_fails(nb, tmp_path / "site", post, old, b"  \n\t", "empty")


def test_not_json(old_post, tmp_path: Path) -> None:
    nb, post, old = old_post
    replace_fails(nb, tmp_path / "site", post, old, b"# a Python file\nx = 1\n", "not valid JSON")


def test_truncated_json(old_post, tmp_path: Path) -> None:
    nb, post, old = old_post
    whole = json.dumps(GOOD, indent=1).encode()
    replace_fails(nb, tmp_path / "site", post, old, whole[: len(whole) // 2], "truncated JSON")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([1, 2, 3], "JSON is a list"),
        ("a string", "JSON is a string"),
        ({"nbformat": 4, "metadata": {}}, "no 'cells' list"),
        ({"nbformat": 4, "cells": {"0": {}}}, "no 'cells' list"),
        ({"cells": []}, "no 'nbformat'"),
        ({"nbformat": "4", "cells": []}, "not a version number"),
    ],
)
def test_json_that_is_not_a_notebook(old_post, tmp_path: Path, data, reason: str) -> None:
    nb, post, old = old_post
    replace_fails(nb, tmp_path / "site", post, old, json.dumps(data).encode(), reason)


@pytest.mark.parametrize("major", [1, 5, 99])
def test_unknown_nbformat_major_version(old_post, tmp_path: Path, major: int) -> None:
    nb, post, old = old_post
    data = json.dumps({**GOOD, "nbformat": major}).encode()
    replace_fails(nb, tmp_path / "site", post, old, data, f"version {major}", "not supported")


@pytest.mark.jekyll
def test_cells_with_missing_or_wrong_typed_fields(site: JekyllSite, tmp_path: Path) -> None:
    """pandoc's reader refuses all of these; pandockit repairs them, says so, and publishes."""
    cells = [
        md("# Repaired\n\nFirst cell, $a+b$."),
        {"cell_type": "markdown", "source": "No metadata here."},  # pandoc: refused
        {"cell_type": "code", "metadata": [], "source": "print('no outputs key')"},
        code(["x = ", 5], outputs="not a list", execution_count="one"),
        code("shown()", [{"output_type": "stream", "text": ["named ", "nothing\n"]}]),
        code("err()", [{"output_type": "error", "ename": 3, "traceback": "boom line"}]),
        code("odd()", [{"output_type": "display_data", "data": {"application/x-obj": {"k": 1},
                                                               "text/plain": "plain kept"}}]),
        7,
        None,
        {"source": "a cell without a type"},
        {"cell_type": "heading", "metadata": {}, "source": "v3 leftover"},
        code("bad_outputs()", [5, {"output_type": "nonsense"}, stream("after the junk\n")]),
        md(12345),
    ]
    nb = write(tmp_path, "2021-03-04-broken-fields.ipynb", notebook(cells))
    pandoc = subprocess.run(
        [sys.executable, "-c", "import pypandoc; print(pypandoc.get_pandoc_path())"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    raw = subprocess.run([pandoc, "-f", "ipynb", "-t", "json", str(nb)], capture_output=True)
    assert raw.returncode != 0  # the input really is one pandoc refuses
    proc = run("convert", nb, "--site", site.path)
    warns(proc, str(nb), "notebook repaired", "cell 1", "and ")
    site.build()
    page = site.post_html(post_of(proc))
    text = text_of(page)
    for shown in ("First cell", "No metadata here.", "print('no outputs key')", "x = 5",
                  "named nothing", "boom line", "plain kept", "after the junk", "12345"):
        assert shown in text, shown
    assert math_in(page) == ["a+b"]
    assert "a cell without a type" not in text and "v3 leftover" not in text
    assert front_matter(post_of(proc))["title"] == "Repaired"


def test_sources_as_strings_or_lists(tmp_path: Path) -> None:
    """nbformat allows both; the post is the same byte for byte."""
    text = "# Same\n\nOne $x$ line,\nanother line.\n\n```\ncode\n```"
    as_str = notebook([md(text), code("a = 1\nprint(a)", [stream("1\n2\n")])])
    as_list = notebook([
        md(text.splitlines(keepends=True)),
        code(["a = 1\n", "print(a)"], [stream(["1\n", "2\n"])]),
    ])
    posts = []
    for name, data in (("s", as_str), ("l", as_list)):
        site = tmp_path / f"site-{name}"
        proc = run("convert", write(tmp_path / name, "2020-02-02-same.ipynb", data), "--site", site)
        assert proc.returncode == 0 and not lines(proc.stderr), proc.stderr
        posts.append(post_of(proc).read_bytes())
    assert posts[0] == posts[1]
    assert b"another line." in posts[0] and b"print(a)" in posts[0]


@pytest.mark.jekyll
def test_invalid_base64_image_data(site: JekyllSite, tmp_path: Path) -> None:
    good_png = base64.b64encode(PNG).decode()
    cells = [code("plots()", [
        display({"image/png": "!!! not base64 @@@", "text/plain": "<Figure broken>"}),
        display({"image/png": good_png, "text/plain": "<Figure fine>"}),
    ])]
    nb = write(tmp_path, "2021-01-01-b64.ipynb", notebook(cells))
    proc = run("convert", nb, "--site", site.path)
    warns(proc, "invalid")
    site.build()
    page = site.post_html(post_of(proc))
    srcs = img_srcs(page)
    assert len(srcs) == 1
    assert site.url_path(srcs[0]).read_bytes() == PNG  # every image shown exists
    assert "<Figure broken>" in text_of(page)  # the broken image falls back to its text


@pytest.mark.jekyll
def test_output_with_unknown_mime_type(site: JekyllSite, tmp_path: Path) -> None:
    cells = [code("odd()", [
        display({"application/x-made-up": "zzz", "text/plain": "the fallback text"}),
        display({"application/vnd.other+json": {"deep": [1, 2]}}),
        display({"application/x-only-this": "invisible"}),
        stream("still here\n"),
    ])]
    nb = write(tmp_path, "2021-01-02-mime.ipynb", notebook(cells))
    proc = run("convert", nb, "--site", site.path)
    assert proc.returncode == 0 and "error" not in "".join(lines(proc.stderr))
    site.build()
    text = text_of(site.post_html(post_of(proc)))
    assert "the fallback text" in text and "still here" in text
    assert "zzz" not in text and "invisible" not in text


def test_enormous_output_bounded_time_and_memory(tmp_path: Path) -> None:
    """100 MB of text in one stream: converted in seconds with memory a few times the file
    (measured: 2.3 s and 340 MB peak; without the cap pandoc ran > 5 minutes)."""
    line = "y" * 79 + "\n"
    big = line * (100 * 1024 * 1024 // len(line))
    nb = write(tmp_path, "2020-05-05-huge.ipynb",
               notebook([md("# Huge"), code("spam()", [stream(big)]), md("After it.")]))
    del big
    site = tmp_path / "site"
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c",
         "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
         "sys.exit(r.returncode)",
         str(PANDOCKIT), "convert", str(nb), "--site", str(site)],
        capture_output=True, text=True, timeout=240, check=False,
    )
    elapsed = time.monotonic() - start
    *messages, peak_kb = proc.stderr.splitlines()
    warns(subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout,
                                      "\n".join(messages)), "cut to 1000000")
    assert elapsed < 60, elapsed
    assert int(peak_kb) / 1024 < 900, f"peak RSS {int(peak_kb) / 1024:.0f} MB"
    text = post_of(proc).read_text(encoding="utf-8")
    assert "more characters not shown]" in text and "After it." in text
    assert 1_000_000 < len(text) < 1_200_000


def test_enormous_output_cap_is_an_option(tmp_path: Path) -> None:
    """``max-output-chars`` in _config.yml: the text shown is cut there, with a note."""
    site = JekyllSite(tmp_path / "site", {"pandockit": {"max-output-chars": 50}}).path
    chunks = [stream(f"line {i}\n") for i in range(30)]  # many chunks add up too
    nb = write(tmp_path, "2020-05-06-capped.ipynb", notebook([code("loop()", chunks)]))
    proc = run("convert", nb, "--site", site)
    warns(proc, "max-output-chars")
    text = post_of(proc).read_text(encoding="utf-8")
    assert "line 0" in text and "line 6" in text and "line 29" not in text
    kept = sum(len(f"line {i}\n") for i in range(7))
    total = sum(len(f"line {i}\n") for i in range(30))
    assert f"[... {total - kept} more characters not shown]" in text
    (site / "_config.yml").write_text(yaml.safe_dump({"pandockit": {"max-output-chars": 0}}))
    proc = run("convert", nb, "--site", site)
    assert proc.returncode == 0 and "line 29" in post_of(proc).read_text(encoding="utf-8")


def test_deeply_nested_json_metadata(old_post, tmp_path: Path) -> None:
    """Nested deeper than MAX_DEPTH: dropped with a warning (the post is right); nested deeper
    than Python's JSON parser goes: a one-line error."""
    nb, post, old = old_post
    deep = '{"a":' * 600 + "1" + "}" * 600
    text = json.dumps(GOOD)[:-1] + ', "extra": 0}'
    text = text.replace('"metadata": {}', '"metadata": {"deep": ' + deep + "}", 1)
    nb.write_bytes(text.encode())
    proc = run("convert", nb, "--site", tmp_path / "site")
    warns(proc, str(nb), f"deeper than {MAX_DEPTH} levels")
    assert post.read_bytes() == old  # the deep key is not part of the post
    node = read_notebook(nb).node
    assert node["metadata"]["deep"]["a"]["a"]  # kept down to the limit
    cell_meta = '{"cell_type": "markdown", "metadata": {"x": ' + "[" * 900 + "]" * 900 + "}"
    nb.write_bytes(text.replace('{"cell_type": "markdown", "metadata": {}', cell_meta, 1).encode())
    warns(run("convert", nb, "--site", tmp_path / "site"), "deeper than")
    replace_fails(nb, tmp_path / "site", post, old, ("[" * 100_000 + "]" * 100_000).encode(),
                  "nested too deeply")


def test_deeply_nested_markdown(old_post, tmp_path: Path) -> None:
    """Thousands of nested quotes: pandoc reads them, panflute would recurse too deep."""
    nb, post, old = old_post
    data = json.dumps(notebook([md(">" * 3000 + " deep")])).encode()
    replace_fails(nb, tmp_path / "site", post, old, data, "nested too deeply")


def test_non_utf8_bytes(old_post, tmp_path: Path) -> None:
    nb, post, old = old_post
    latin1 = json.dumps(GOOD, ensure_ascii=False).replace("old post", "caf\u00e9").encode("latin-1")
    replace_fails(nb, tmp_path / "site", post, old, latin1, "not UTF-8", "line 1")
    # a lone surrogate escape is valid JSON but not Unicode: pandoc would refuse it
    nb.write_bytes(json.dumps(notebook([md("# Kept\n\nbad \ud800 char")])).encode())
    proc = run("convert", nb, "--site", tmp_path / "site")
    warns(proc, "surrogate")
    assert "bad \ufffd char" in post.read_text(encoding="utf-8")
    # UTF-16 with a byte order mark (what some Windows editors save) is read
    nb.write_bytes(json.dumps(GOOD, ensure_ascii=False).encode("utf-16"))
    proc = run("convert", nb, "--site", tmp_path / "site")
    assert proc.returncode == 0 and not lines(proc.stderr)
    assert post.read_bytes() == old


@pytest.mark.jekyll
@pytest.mark.parametrize(
    "name",
    [
        "2021-06-07-with spaces.ipynb",
        "2021-06-07-ünïcødé-日本語.ipynb",
        "2021-06-07-$(touch PWNED); rm -rf ~ `id` 'q' \"d\" & | > <.ipynb",
        "-2021-leading-dash.ipynb",
    ],
)
def test_file_name_with_spaces_unicode_or_shell_metacharacters(
    site: JekyllSite, tmp_path: Path, name: str
) -> None:
    """pandoc runs with an argument list, never a shell: nothing in a name is executed."""
    folder = tmp_path / "nb dir $(touch PWNED)"
    nb = write(folder, name, notebook([md("# Named\n\n$y$ ok"), code("print(2)", [stream("2\n")])]))
    proc = run("convert", "--site", site.path, "--", nb, cwd=tmp_path)
    assert proc.returncode == 0 and not lines(proc.stderr), proc.stderr
    assert not list(tmp_path.rglob("PWNED")) and not (Path.cwd() / "PWNED").exists()
    post = post_of(proc)
    assert post.parent == site.path / "_posts" and post.exists()
    site.build()
    # the layout writes page.path unescaped in an attribute: find a name with '"' by its date
    pages = [p for p in site.dest.rglob("*.html") if "2021" in p.parts or "2021" in p.name]
    page = site.post_html(post) if '"' not in name else pages[0].read_text(encoding="utf-8")
    assert len(pages) == 1
    assert math_in(page) == ["y"] and "print(2)" in text_of(page)


def _read_only(path: Path):
    """Make ``path`` read-only for this process: chmod, or (as root, which chmod does not
    stop) a read-only bind mount. Returns an undo function, or skips."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        for p in [path, *[q for q in path.rglob("*") if q.is_dir()]]:
            p.chmod(0o555)
        return lambda: [p.chmod(mode) for p in [path, *path.rglob("*")] if p.is_dir()]
    ok = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
    if ok.returncode != 0:
        pytest.skip("running as root without mount: cannot make a folder read-only")
    subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], check=True)
    return lambda: subprocess.run(["umount", str(path)], check=True)


def test_read_only_site_folder(old_post, tmp_path: Path) -> None:
    nb, post, old = old_post
    site = tmp_path / "site"
    nb.write_bytes(json.dumps(notebook([md("# Kept\n\nA new version.")])).encode())
    undo = _read_only(site)
    try:
        proc = run("convert", nb, "--site", site)
    finally:
        undo()
    error = fails(proc, post)
    assert "cannot write" in error and ("Read-only" in error or "Permission" in error)
    assert post.read_bytes() == old


def test_read_only_notebook_folder(tmp_path: Path) -> None:
    """Nothing is ever written next to the notebook: a read-only folder converts fine."""
    folder = tmp_path / "nbs"
    nb = write(folder, "2020-03-03-ro.ipynb", GOOD)
    before = sorted(folder.iterdir())
    undo = _read_only(folder)
    try:
        proc = run("convert", nb, "--site", tmp_path / "site")
    finally:
        undo()
    assert proc.returncode == 0 and not lines(proc.stderr), proc.stderr
    assert sorted(folder.iterdir()) == before
    if os.geteuid() != 0:  # root reads anything: an unreadable file is tested as a user only
        nb.chmod(0)
        try:
            fails(run("convert", nb, "--site", tmp_path / "site"), nb, "permission denied")
        finally:
            nb.chmod(0o644)


def test_disk_full_mid_write_keeps_the_old_post(old_post, tmp_path: Path, monkeypatch) -> None:
    """ENOSPC while the post is written (simulated in the writer): the old post and its
    images stay whole, no temporary file is left."""
    nb, post, old = old_post
    site = tmp_path / "site"
    png = base64.b64encode(PNG).decode()
    with_image = notebook([md("# Kept"), code("plot()", [display({"image/png": png})])])
    nb.write_bytes(json.dumps(with_image).encode())
    convert(nb, site, resolve_options(site))
    old, images = post.read_bytes(), site_files(site / "assets")
    assert any(name.endswith(".png") for name in images)
    nb.write_bytes(json.dumps(notebook([md("# Kept\n\nNew text, no image.")])).encode())
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fh) -> None:
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.fh.close()

        def write(self, data: bytes) -> int:
            self.fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer.os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode)))
    with pytest.raises(PandockitError, match="No space left on device") as info:
        convert(nb, site, resolve_options(site))
    assert "\n" not in str(info.value)
    assert post.read_bytes() == old
    assert site_files(site / "assets") == images  # the old post's images are still there
    assert not [p for p in site.rglob("*.tmp")]


def test_disk_full_on_a_real_small_filesystem(tmp_path: Path) -> None:
    """A 256 KiB tmpfs as the site (root only): a post that does not fit fails on one line,
    the old post stays whole."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a small tmpfs")
    site = tmp_path / "site"
    site.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(site)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        nb = write(tmp_path / "nb", "2020-01-01-post.ipynb", GOOD)
        proc = run("convert", nb, "--site", site)
        assert proc.returncode == 0, proc.stderr
        post = post_of(proc)
        old = post.read_bytes()
        big = "z" * 99 + "\n"
        nb.write_bytes(json.dumps(notebook([md("# Kept"), code("x", [stream(big * 4000)])]))
                       .encode())
        proc = run("convert", nb, "--site", site)
        error = fails(proc, post, "No space left on device")
        assert error.count("pandockit") == 1
        assert post.read_bytes() == old
        assert not [p.name for p in post.parent.iterdir() if p.name != post.name]
    finally:
        subprocess.run(["umount", str(site)], check=True)


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run().returncode == 2
    proc = run("convert", "--no-such-option", "x.ipynb")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = run("convert", "--math", "nonsense", "x.ipynb")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_missing_notebook_and_directory(tmp_path: Path) -> None:
    fails(run("convert", tmp_path / "nope.ipynb", "--site", tmp_path), tmp_path / "nope.ipynb",
          "no such file")
    fails(run("convert", tmp_path, "--site", tmp_path), tmp_path, "directory")


# --- security ------------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the site and the notebook's folder, holding secret files."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.png").write_bytes(PNG + SECRET)
    (folder / "secret.txt").write_bytes(SECRET)
    return folder


@pytest.mark.jekyll
def test_only_files_inside_the_notebook_folder_are_copied(
    site: JekyllSite, tmp_path: Path, outside: Path
) -> None:
    """``..``, absolute paths, ``file:`` URLs, symlinks leading outside and attachment names
    with separators never bring a file from outside into the site."""
    nbdir = site.path / "_notebooks"
    nbdir.mkdir()
    (nbdir / "inside.png").write_bytes(PNG)
    (nbdir / "link.png").symlink_to(outside / "secret.png")
    (nbdir / "linkdir").symlink_to(outside)
    rel = os.path.relpath(outside / "secret.png", nbdir)
    attachment = {"image/png": base64.b64encode(PNG + b"attached").decode()}
    cells = [
        md("# Files\n\n![ok](inside.png)"),
        md(f"![dots]({rel}) ![dots2](../../outside/secret.png) ![abs]({outside}/secret.png)"),
        md(f"![url](file://{outside}/secret.png) ![url2](file:{outside}/secret.txt)"),
        md("![link](link.png) ![linkdir](linkdir/secret.png)"),
        md(f'<img src="{rel}"> <img src="{outside}/secret.png">'),
        md("![att](attachment:../../evil.png) ![att2](attachment:a/b.png)",
           attachments={"../../evil.png": attachment, "a/b.png": attachment}),
        md("![att3](attachment:..%2F..%2Fevil.png)", attachments={"../evil.png": attachment}),
    ]
    nb = write(nbdir, "2021-02-03-files.ipynb", notebook(cells))
    before = site_files(site.path)
    proc = run("convert", nb, "--site", site.path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    reported = "\n".join(lines(proc.stderr))
    for reason in ("leaves the notebook's folder", "absolute path", "file: URL", "symlink",
                   "path separator"):
        assert reason in reported, reason  # each refusal is reported
    written = {k: v for k, v in site_files(site.path).items() if before.get(k) != v}
    folder = Path("assets/nb_files/2021-02-03-files")
    post = Path("_posts/2021-02-03-files.md")
    for path, data in written.items():
        assert SECRET not in data, path
        assert Path(path) == post or Path(path).parent == folder, path  # confined
    assert not list(tmp_path.rglob("evil.png"))
    site.build()
    page = site.post_html(post_of(proc))
    srcs = img_srcs(page)
    dest = site.dest.resolve()
    served = [site.url_path(s).resolve() for s in srcs]
    served = [p for p in served if dest in p.parents and p.is_file()]
    assert {p.read_bytes() for p in served} <= {PNG, PNG + b"attached"}
    assert PNG in {p.read_bytes() for p in served}  # inside.png is published
    for path, data in site_files(site.dest).items():
        assert SECRET not in data, path


@pytest.mark.jekyll
def test_no_notebook_text_runs_as_liquid(site: JekyllSite, tmp_path: Path) -> None:
    (site.path / "_includes").mkdir(exist_ok=True)
    (site.path / "_includes" / "secret.html").write_text("INCLUDED-SECRET")
    site_cfg = yaml.safe_load((site.path / "_config.yml").read_text())
    site_cfg["secret_key"] = "CONFIG-SECRET"
    (site.path / "_config.yml").write_text(yaml.safe_dump(site_cfg))
    liquid = [
        "{% include secret.html %}",
        "{{ site.secret_key }}",
        "{{ site | jsonify }}",
        "{% endraw %}{{ site.secret_key }}{% raw %}",
        "{%- endraw -%}{{ site.secret_key }}",
        "{% assign x = site.secret_key %}{{ x }}",
    ]
    cells = [
        md("# Liquid\n\n" + "\n\n".join(f"Para `{t}` and {t}" for t in liquid)),
        code("\n".join(f"s = '{t}'" for t in liquid), [stream("\n".join(liquid) + "\n")]),
        {"cell_type": "raw", "metadata": {"raw_mimetype": "text/html"},
         "source": "<p>{{ site.secret_key }} {% include secret.html %}</p>"},
    ]
    nb = write(tmp_path, "2021-04-05-liquid.ipynb", notebook(
        cells, metadata={"jekyll": {"description": "{{ site.secret_key }}"}}))
    proc = run("convert", nb, "--site", site.path)
    assert proc.returncode == 0, proc.stderr
    site.build()
    page = site.post_html(post_of(proc))
    text = text_of(page)
    assert "CONFIG-SECRET" not in page and "INCLUDED-SECRET" not in page
    for t in liquid:
        assert t in text, t


def test_front_matter_values_cannot_inject_keys_or_documents(tmp_path: Path) -> None:
    title = "Hello\n---\nlayout: evil\npermalink: /hijack/\n---\nbody"
    nasty = {
        "title": title,
        "description": "a: b\n---\n...\n%YAML 1.1\n--- !!python/object:os.system\n",
        "tags": ["x\n---\ny: 1", "&anchor", "*alias", "{{ site.title }}"],
    }
    cells = [md(f"# {title.splitlines()[0]}"), md("text")]
    nb = write(tmp_path, "2021-07-08-yaml.ipynb", notebook(cells, metadata={"jekyll": nasty}))
    proc = run("convert", nb, "--site", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    post = post_of(proc)
    text = post.read_text(encoding="utf-8")
    head, sep, _ = text[4:].partition("\n---\n")
    assert sep and yaml.safe_load(head)["title"] == title
    fm = front_matter(post)
    assert fm["title"] == title and fm["description"] == nasty["description"]
    assert fm["tags"] == nasty["tags"]
    assert fm.get("layout") != "evil" and "permalink" not in fm
    assert list(yaml.safe_load_all(head)) == [fm]  # one YAML document


@pytest.mark.jekyll
def test_front_matter_injection_in_built_site(site: JekyllSite, tmp_path: Path) -> None:
    title = "Hi\n---\npermalink: /hijack/\n---"
    nb = write(tmp_path, "2021-07-09-yaml.ipynb",
               notebook([md("text")], metadata={"jekyll": {"title": title}}))
    proc = run("convert", nb, "--site", site.path)
    assert proc.returncode == 0, proc.stderr
    site.build()
    assert not (site.dest / "hijack").exists()
    assert "text" in text_of(site.post_html(post_of(proc)))


@pytest.mark.jekyll
@pytest.mark.parametrize("mode", ["keep", "sanitize", "drop"])
def test_html_option_for_outputs(site: JekyllSite, tmp_path: Path, mode: str) -> None:
    html = '<b id="bold">bold out</b><script>window.PWN = 1</script><img src=x onerror="PWN()">'
    cells = [code("show()", [display({"text/html": html, "text/plain": "plain out"})])]
    nb = write(tmp_path, "2021-08-09-html.ipynb", notebook(cells))
    proc = run("convert", nb, "--site", site.path, "--html", mode)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    site.build()
    page = site.post_html(post_of(proc))
    body = page[page.index("<article>"):]
    if mode == "keep":
        assert "<script>window.PWN = 1</script>" in body and "bold out" in body
    elif mode == "sanitize":
        assert "<script" not in body and "onerror" not in body and "bold out" in body
    else:
        assert "<script" not in body and "<b " not in body and "plain out" in text_of(page)


def test_pandoc_runs_without_a_shell(tmp_path: Path, monkeypatch) -> None:
    """Every subprocess pandockit starts gets an argument list and no shell."""
    calls = []
    real = subprocess.run

    def spy(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    monkeypatch.setattr(subprocess, "Popen", _no_popen(subprocess.Popen, calls))
    nb = write(tmp_path, "2021-09-10-$(touch PWNED);x.ipynb",
               notebook([md("# S\n\n`$(touch PWNED)` ; rm -rf /tmp/nothing")]))
    convert(nb, tmp_path / "site", resolve_options(tmp_path / "site"))
    assert calls
    for args, kwargs in calls:
        assert isinstance(args[0], list) and not kwargs.get("shell")
    assert not list(tmp_path.rglob("PWNED"))


def _no_popen(real, calls: list | None = None):
    class Checked(real):  # type: ignore[misc, valid-type]
        def __init__(self, args, *rest, **kwargs) -> None:
            assert not kwargs.get("shell") and isinstance(args, (list, tuple)), args
            if calls is not None:
                calls.append(((args,), kwargs))
            super().__init__(args, *rest, **kwargs)

    return Checked


# --- concurrency ---------------------------------------------------------------------------


def test_two_conversions_at_once_do_not_corrupt_the_site(tmp_path: Path) -> None:
    """Two processes convert two versions of one notebook into one site at the same time, many
    times over: the post on disk is always exactly one of the two versions, never a mix, and
    no temporary file is left."""
    site = JekyllSite(tmp_path / "site").path
    png = base64.b64encode(PNG).decode()
    versions = []
    for n in range(2):
        cells = [md(f"# Race\n\nversion {n} " + "word " * 5000),
                 code("plot()", [display({"image/png": png})])]
        nb = write(tmp_path / f"v{n}", "2020-08-08-race.ipynb", notebook(cells))
        proc = run("convert", nb, "--site", JekyllSite(tmp_path / f"solo{n}").path)
        versions.append(post_of(proc).read_bytes())
    assert versions[0] != versions[1]
    post = site / "_posts" / "2020-08-08-race.md"
    for _ in range(3):
        procs = [
            subprocess.Popen([str(PANDOCKIT), "convert", str(tmp_path / f"v{n}" /
                              "2020-08-08-race.ipynb"), "--site", str(site)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n in range(2)
        ]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], results
        assert post.read_bytes() in versions
        assert not [p for p in site.rglob("*") if p.name.endswith(".tmp")]
        assert (site / "assets" / "nb_files" / "2020-08-08-race" / "output_1_0.png"
                ).read_bytes() == PNG


def test_two_builds_at_once_do_not_corrupt_the_site(tmp_path: Path) -> None:
    """``pandockit build`` twice at once on one site: both succeed (the second waits for the
    lock), every post is whole."""
    site = JekyllSite(tmp_path / "site").path
    for n in range(4):
        write(site / "_notebooks", f"2020-09-0{n + 1}-b{n}.ipynb",
              notebook([md(f"# B{n}\n\n$z_{n}$"), code("print(1)", [stream("1\n")])]))
    procs = [subprocess.Popen([str(PANDOCKIT), "build", "--site", str(site), "--force"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    posts = sorted((site / "_posts").glob("*.md"))
    assert [p.name for p in posts] == [f"2020-09-0{n + 1}-b{n}.md" for n in range(4)]
    for n, post in enumerate(posts):
        assert front_matter(post)["title"] == f"B{n}"
        assert post.read_text(encoding="utf-8").rstrip().endswith("1\n{: .pandockit-output}")
    assert not [p for p in site.rglob("*") if p.name.endswith(".tmp")]


def test_valid_notebook_that_pandoc_refuses_converts_without_warning(tmp_path: Path) -> None:
    """nbformat allows an execute_result with ``execution_count: null`` (nbdev writes them);
    pandoc's reader does not. The notebook is valid, so it converts with no warning."""
    result = {"output_type": "execute_result", "execution_count": None, "metadata": {},
              "data": {"text/plain": "'Hello Isaac!'"}}
    nb = write(tmp_path, "2022-01-01-nbdev.ipynb", notebook([code('say_hello("Isaac")', [result])]))
    proc = run("convert", nb, "--site", tmp_path / "site")
    assert proc.returncode == 0 and lines(proc.stderr) == [], proc.stderr
    assert "'Hello Isaac!'" in post_of(proc).read_text(encoding="utf-8")


def test_an_internal_error_is_still_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    """A bug (any exception that is not a PandockitError) is reported on one line, exit 1."""
    import pandockit.convert_run
    from pandockit import cli

    def broken(*args, **kwargs):
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(pandockit.convert_run, "plan_post", broken)
    nb = write(tmp_path, "2020-01-01-post.ipynb", GOOD)
    logger = logging.getLogger("pandockit")  # cli.main sets it up: restore it for other tests
    saved = (list(logger.handlers), logger.propagate, logger.level)
    try:
        assert cli.main(["convert", str(nb), "--site", str(tmp_path / "site")]) == 1
    finally:
        logger.handlers[:], logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])
    err = capsys.readouterr().err
    assert lines(err) == [
        "pandockit: error: internal error (RuntimeError: a bug over two lines); please report it"
    ]
