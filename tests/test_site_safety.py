"""What a build may touch (issue 20, items 4, 5 and 7): the manifest is not trusted, a post
of the user's is never replaced or shadowed, ``posts-dir`` and ``assets-dir`` stay in the site,
and a symlinked notebook publishes no image from beside its target.

Each test is one of the issue's reproductions, run on a real site folder; the shadowing one
also builds the site with Jekyll.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from jekyll_site import JekyllSite, jekyll_available

from pandockit import builder as bld
from pandockit import manifest
from pandockit.builder.discover import build_key, options_text, sha256_of, site_text
from pandockit.config import resolve_options
from pandockit.errors import PandockitError

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def notebook(*sources: str) -> str:
    cells = [{"cell_type": "markdown", "id": f"c{i}", "metadata": {}, "source": text}
             for i, text in enumerate(sources)]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def make_site(path: Path, notebooks: dict[str, str], config: str = "title: t\n") -> Path:
    (path / "_notebooks").mkdir(parents=True)
    (path / "_config.yml").write_text(config)
    for name, text in notebooks.items():
        (path / "_notebooks" / name).write_text(text)
    return path


def run(site: Path, **settings) -> bld.Summary:
    settings.setdefault("jobs", 1)
    options = resolve_options(site)
    return bld.build(site, site / "_notebooks", options, bld.Settings(**settings), bld.Reporter(-1))


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pandockit", *args],
                          capture_output=True, text=True, check=False, timeout=300)


def write_manifest(site: Path, entries: dict[str, dict]) -> None:
    (site / ".pandockit").mkdir(exist_ok=True)
    data = {"format": 2, "notebooks": entries}
    (site / ".pandockit" / "manifest.json").write_text(json.dumps(data))


# --------------------------------------------------------------------- item 4: the manifest


@pytest.mark.parametrize("field, value", [
    ("post", "../victim.txt"),
    ("post", "/tmp/victim.txt"),
    ("post", "_posts/../../victim.txt"),
    ("assets", "../outside"),
])
def test_a_manifest_path_leaving_the_site_is_a_one_line_error(
    tmp_path: Path, field: str, value: str
) -> None:
    """A repository may carry ``.pandockit/manifest.json``: an entry ``"post":
    "../victim.txt"`` made ``build`` delete that file. It is a one-line error now, and nothing
    is touched."""
    site = make_site(tmp_path / "site", {"a.ipynb": notebook("# A")})
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.png").write_bytes(PNG)
    (tmp_path / "outside" / ".pandockit-media.json").write_text('["x.png"]')
    entry = {"key": "old", "post": "_posts/2020-01-01-a.md", "assets": ""}
    entry[field] = value.replace("/tmp/", f"{tmp_path}/")
    write_manifest(site, {"_notebooks/a.ipynb": entry})
    done = cli("build", "--site", str(site))
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"pandockit: error: {site / '.pandockit/manifest.json'}: the ")
    assert "leads out of the site" in line
    assert victim.read_text() == "mine" and (tmp_path / "outside" / "x.png").exists()
    assert not (site / "_posts").exists()


def test_a_manifest_naming_a_page_of_the_user_does_not_delete_it(tmp_path: Path) -> None:
    """``"post": "about.markdown"`` deleted the user's page; a hand-written post in
    ``_posts`` (no ``generator: pandockit``) is not removed either: both stay, with a
    warning."""
    site = make_site(tmp_path / "site", {"a.ipynb": notebook("# A"), "b.ipynb": notebook("# B")})
    (site / "about.markdown").write_text("---\nlayout: page\n---\nabout me\n")
    (site / "_posts").mkdir()
    mine = site / "_posts" / "2020-01-01-mine.md"
    mine.write_text("---\ntitle: mine\n---\nmine\n")
    write_manifest(site, {
        "_notebooks/a.ipynb": {"key": "old", "post": "about.markdown", "assets": ""},
        "_notebooks/b.ipynb": {"key": "old", "post": "_posts/2020-01-01-mine.md", "assets": ""},
        "_notebooks/gone.ipynb": {"key": "old", "post": "index.markdown", "assets": ""},
    })
    (site / "index.markdown").write_text("home\n")
    summary = run(site, clean=True)
    assert summary.status == 0 and sorted(summary.converted) == [
        "_notebooks/a.ipynb", "_notebooks/b.ipynb"
    ]
    assert summary.removed == []
    assert (site / "about.markdown").read_text().endswith("about me\n")
    assert mine.read_text().endswith("mine\n")
    assert (site / "index.markdown").read_text() == "home\n"


def test_images_are_removed_only_from_a_folder_of_the_assets_folder(tmp_path: Path) -> None:
    """A manifest's asset folder elsewhere in the site (or the assets folder itself, or a
    symlink leading out) loses none of the files its list names."""
    site = make_site(tmp_path / "site", {"a.ipynb": notebook("# A")})
    outside = tmp_path / "outside"
    for folder in (site / "images", site / "assets/nb_files", outside):
        folder.mkdir(parents=True)
        (folder / "logo.png").write_bytes(PNG)
        (folder / ".pandockit-media.json").write_text('["logo.png"]')
    (site / "assets/nb_files/link").symlink_to(outside)
    for assets in ("images", "assets/nb_files", "assets/nb_files/link"):
        write_manifest(site, {"_notebooks/a.ipynb": {
            "key": "old", "post": "_posts/2020-01-01-a.md", "assets": assets,
        }})
        summary = run(site, force=True)
        assert summary.status == 0 and summary.removed == []
    for folder in (site / "images", site / "assets/nb_files", outside):
        assert (folder / "logo.png").read_bytes() == PNG


def test_a_build_still_removes_what_it_wrote(tmp_path: Path) -> None:
    """The guard keeps the ordinary removal: a renamed post's old file and its image go."""
    nb = notebook("# A", "![x](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAf"
                  "FcSJAAAADUlEQVR4nGNgAAAAAgABVKJPXQAAAABJRU5ErkJggg==)")
    site = make_site(tmp_path / "site", {"2020-01-01-a.ipynb": nb})
    run(site)
    old = manifest.load(site).entries["_notebooks/2020-01-01-a.ipynb"]
    files = bld.written_files(site, old)
    assert len(files) == 2  # the image, the post
    os.rename(site / "_notebooks/2020-01-01-a.ipynb", site / "_notebooks/2020-01-02-a.ipynb")
    summary = run(site, clean=True)
    assert sorted(summary.removed) == sorted(files)
    assert not (site / old.post).exists() and not (site / old.assets).exists()


def test_files_named_in_the_manifest_are_hashed_only_when_regular(tmp_path: Path) -> None:
    """A manifest's ``deps`` (local images copied) are read to see whether they changed: a
    device or a pipe named there must not make the build read for ever."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    found: list = []
    reader = threading.Thread(target=lambda: found.append(sha256_of(str(fifo))), daemon=True)
    reader.start()
    reader.join(30)  # opening a pipe for reading waits for a writer: for ever
    assert not reader.is_alive() and found == [None]
    assert sha256_of("/dev/zero") is None
    (tmp_path / "f").write_bytes(b"x")
    assert sha256_of(str(tmp_path / "f")) is not None
    site = make_site(tmp_path / "site", {"a.ipynb": notebook("# A")})
    run(site)
    entry = manifest.load(site).entries["_notebooks/a.ipynb"]
    key = build_key((site / "_notebooks/a.ipynb").read_bytes(), "_notebooks/a.ipynb",
                    options_text(resolve_options(site)) + site_text(site))
    assert entry.key == key
    write_manifest(site, {"_notebooks/a.ipynb": {
        "key": key, "post": entry.post, "assets": "", "deps": {"/dev/zero": "0", str(fifo): "0"},
    }})
    assert run(site).converted == ["_notebooks/a.ipynb"]  # changed deps: converted again


# ------------------------------------------------------------ item 5: the user's own posts


def test_build_force_never_replaces_a_post_of_the_user(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"2020-01-01-a.ipynb": notebook("# A")})
    (site / "_posts").mkdir()
    mine = site / "_posts" / "2020-01-01-a.md"
    mine.write_text("---\ntitle: mine\n---\n")
    done = cli("build", "--force", "--site", str(site))
    assert done.returncode == 1 and "not written by pandockit" in done.stderr
    assert mine.read_text() == "---\ntitle: mine\n---\n"


@pytest.mark.parametrize("mine", [
    "2020-01-02-hello.markdown", "2020-1-2-hello.html", "old/2020-01-02-hello.md",
])
def test_a_post_shadowing_a_handwritten_one_is_refused(tmp_path: Path, mine: str) -> None:
    """A notebook whose post has the date and name of a post of the user's with another
    extension (or in a subfolder of ``_posts``) is a collision, reported before anything of
    it is written: Jekyll would publish one of the two at the same URL."""
    nb = notebook("# Hello", "![x](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAA"
                  "AfFcSJAAAADUlEQVR4nGNgAAAAAgABVKJPXQAAAABJRU5ErkJggg==)")
    site = make_site(tmp_path / "site", {"2020-01-02-hello.ipynb": nb, "b.ipynb": notebook("b")})
    theirs = site / "_posts" / mine
    theirs.parent.mkdir(parents=True)
    theirs.write_text("---\ntitle: Mine\n---\nmy own words\n")
    summary = run(site)
    ((failed, reason),) = summary.failed
    assert failed == "_notebooks/2020-01-02-hello.ipynb"
    assert f"would shadow {theirs}" in reason
    assert not (site / "_posts/2020-01-02-hello.md").exists()
    assert not (site / "assets/nb_files/2020-01-02-hello").exists()
    assert summary.converted == ["_notebooks/b.ipynb"]
    done = cli("convert", "--site", str(site), str(site / "_notebooks/2020-01-02-hello.ipynb"))
    assert done.returncode == 1 and "would shadow" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert not (site / "_posts/2020-01-02-hello.md").exists()
    done = cli("convert", "--force", "--site", str(site),
               str(site / "_notebooks/2020-01-02-hello.ipynb"))
    assert done.returncode == 1 and not (site / "_posts/2020-01-02-hello.md").exists()


def test_convert_reports_every_shadowing_post_and_writes_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {f"2020-01-0{i}-x.ipynb": notebook("# X") for i in (1, 2)}
                     | {"2020-01-03-y.ipynb": notebook("# Y")})
    (site / "_posts").mkdir()
    for i in (1, 2):
        (site / "_posts" / f"2020-1-{i}-x.html").write_text("---\n---\nmine\n")
    done = cli("convert", "--site", str(site), *sorted(map(str, site.glob("_notebooks/*"))))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and all("would shadow" in x for x in lines)
    assert sorted(p.name for p in (site / "_posts").iterdir()) == [
        "2020-1-1-x.html", "2020-1-2-x.html"
    ]


@pytest.mark.skipif(not jekyll_available(), reason="needs jekyll")
def test_jekyll_still_shows_the_users_post(tmp_path: Path) -> None:
    """The consumer: after the build, Jekyll builds the user's post without a "Conflict"."""
    site = JekyllSite(tmp_path / "site")
    (site.path / "_notebooks").mkdir()
    (site.path / "_notebooks/2020-01-02-hello.ipynb").write_text(notebook("# Hello", "nb text"))
    (site.path / "_posts").mkdir(exist_ok=True)
    (site.path / "_posts/2020-01-02-hello.markdown").write_text(
        "---\nlayout: post\ntitle: Mine\n---\nmy own words\n"
    )
    assert run(site.path).status == 1
    built = site.build()
    assert "Conflict" not in built.output
    pages = [p.read_text() for p in site.dest.rglob("hello*.html")]
    assert len(pages) == 1 and "my own words" in pages[0] and "nb text" not in pages[0]


# --------------------------------------------------------------- item 7: folders and links


@pytest.mark.parametrize("config, flag", [
    ("pandockit:\n  posts-dir: ../escaped_posts\n", None),
    ("pandockit:\n  assets-dir: /tmp/abs_assets\n", None),
    ("title: t\n", ("--posts-dir", "../escaped_posts")),
    ("title: t\n", ("--assets-dir", "a/../../escaped")),
])
def test_folders_out_of_the_site_are_refused(tmp_path: Path, config: str, flag) -> None:
    config = config.replace("/tmp/", f"{tmp_path}/")
    site = make_site(tmp_path / "site", {"a.ipynb": notebook("# A", "![x](pic.png)")}, config)
    (site / "_notebooks/pic.png").write_bytes(PNG)
    done = cli("build", "--site", str(site), *(flag or ()))
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert "must be a folder inside the site" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert not (site / "_posts").exists()


def test_folders_that_are_symlinks_leading_out_are_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"a.ipynb": notebook("# A")})
    (tmp_path / "elsewhere").mkdir()
    (site / "_posts").symlink_to(tmp_path / "elsewhere")
    done = cli("build", "--site", str(site))
    assert done.returncode == 1 and "leads out of the site" in done.stderr
    assert list((tmp_path / "elsewhere").iterdir()) == []
    with pytest.raises(PandockitError, match="leads out of the site"):
        run(site)
    done = cli("convert", "--site", str(site), str(site / "_notebooks/a.ipynb"))
    assert done.returncode == 1 and list((tmp_path / "elsewhere").iterdir()) == []


def test_a_symlinked_notebook_publishes_no_image_from_beside_its_target(tmp_path: Path) -> None:
    """``_notebooks/nb.ipynb`` links to a notebook outside the site: its images are read
    from beside the link (as Jupyter shows the linked notebook), never from beside its
    target outside the site."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "nb.ipynb").write_text(notebook("# N", "![a](pic.png) ![b](secret.png)"))
    (outside / "pic.png").write_bytes(PNG + b"outside")
    (outside / "secret.png").write_bytes(PNG + b"secret")
    site = make_site(tmp_path / "site", {})
    (site / "_notebooks/2020-01-01-nb.ipynb").symlink_to(outside / "nb.ipynb")
    (site / "_notebooks/pic.png").write_bytes(PNG + b"inside")
    summary = run(site)
    assert summary.converted == ["_notebooks/2020-01-01-nb.ipynb"]
    published = [p.read_bytes() for p in (site / "assets").rglob("*.png")]
    assert published == [PNG + b"inside"]
    post = (site / "_posts/2020-01-01-nb.md").read_text()
    assert "secret.png" in post and "/assets/nb_files/2020-01-01-nb/" in post


def test_a_symlinked_notebook_folder_leading_out_publishes_no_image(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "2020-01-01-nb.ipynb").write_text(notebook("# N", "![a](pic.png)"))
    (outside / "pic.png").write_bytes(PNG)
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("title: t\n")
    (site / "_notebooks").symlink_to(outside)
    summary = run(site)
    assert summary.converted == ["_notebooks/2020-01-01-nb.ipynb"]
    assert not (site / "assets").exists()
