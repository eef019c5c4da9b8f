"""pandockit.media (decoding, URL kinds, local-file checks, resolution) and the writer's
asset folder housekeeping (manifest, stale files, foreign files)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from pathlib import Path

import pytest

from pandockit import media
from pandockit.errors import PandockitError
from pandockit.writer import MEDIA_MANIFEST, write_media, written_media

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
    '<rect width="4" height="4"/></svg>'
)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --------------------------------------------------------------------------- decoding


def test_decode_base64_with_line_breaks_as_notebooks_store_it() -> None:
    text = b64(PNG)
    wrapped = "\n".join(text[i : i + 20] for i in range(0, len(text), 20)) + "\n"
    assert media.decode("image/png", wrapped) == PNG
    assert media.decode("image/png", [wrapped[:30], wrapped[30:]]) == PNG


def test_decode_svg_is_its_utf8_text_as_pandoc_hashes_it() -> None:
    assert media.decode("image/svg+xml", SVG) == SVG.encode("utf-8")
    assert media.decode("image/svg+xml", [SVG[:10], SVG[10:]]) == SVG.encode("utf-8")


@pytest.mark.parametrize("bad", ["!!!notbase64", "iVBORw0KGgo%%%", "abc", "", 42, None])
def test_decode_refuses_invalid_base64(bad) -> None:
    assert media.decode("image/png", bad) is None


def test_extension_follows_pandoc_naming() -> None:
    assert [media.extension(m) for m in ("image/png", "image/jpeg", "image/svg+xml")] == [
        "png",
        "jpg",
        "svg",
    ]
    assert media.extension("application/pdf") == "pdf"
    assert media.extension("image/x-icon") == "xicon"


def test_data_uri_base64_and_percent_encoded() -> None:
    assert media.decode_data_uri("data:image/png;base64," + b64(PNG)) == ("image/png", PNG)
    mime, raw = media.decode_data_uri("data:image/svg+xml;utf8,%3Csvg%3E%3C/svg%3E")
    assert (mime, raw) == ("image/svg+xml", b"<svg></svg>")
    assert media.decode_data_uri("data:image/png;base64,!!!") is None
    assert media.decode_data_uri("data:no-comma") is None


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://example.com/a.png", "remote"),
        ("//cdn.example.com/a.png", "remote"),
        ("mailto:x@example.com", "remote"),
        ("data:image/png;base64,AAAA", "data"),
        ("attachment:pic.png", "attachment"),
        ("file:///etc/passwd", "file-url"),
        ("FILE:/etc/passwd", "file-url"),
        ("/etc/passwd", "absolute"),
        ("C:\\Users\\me\\fig.png", "absolute"),
        ("\\\\server\\share\\fig.png", "absolute"),
        ("images/fig.png", "local"),
        ("../fig.png", "local"),
        ("my%20fig.png", "local"),
        ("#top", "anchor"),
        ("", "anchor"),
    ],
)
def test_classify(url: str, kind: str) -> None:
    assert media.classify(url) == kind


def test_local_path_decodes_escapes_and_drops_query() -> None:
    assert media.local_path("images/my%20fig.png?v=2#x") == "images/my fig.png"
    assert media.local_path("images\\fig.png") == "images/fig.png"


def test_img_srcs_in_raw_html() -> None:
    text = """<p><img src="a.png" width=3><IMG alt='x' SRC='b&amp;c.png'><img src=d.png></p>"""
    assert media.img_srcs(text) == ["a.png", "b&c.png", "d.png"]


# --------------------------------------------------------------------------- local files


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """site/_notebooks/nb.ipynb, site/_notebooks/images/fig.png, site/images/top.png, and a
    secret outside the site."""
    site = tmp_path / "site"
    (site / "_notebooks" / "images").mkdir(parents=True)
    (site / "images").mkdir()
    (site / "_notebooks" / "nb.ipynb").write_text("{}")
    (site / "_notebooks" / "images" / "fig.png").write_bytes(PNG)
    (site / "images" / "top.png").write_bytes(PNG + b"top")
    (tmp_path / "secret.png").write_bytes(b"secret")
    return site


def test_root_is_the_site_when_the_notebook_is_inside_it(tree: Path, tmp_path: Path) -> None:
    nb = tree / "_notebooks" / "nb.ipynb"
    assert media.confinement_root(nb, tree) == Path(os.path.realpath(tree))
    assert media.confinement_root(nb, None) == Path(os.path.realpath(nb.parent))
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    assert media.confinement_root(nb, elsewhere) == Path(os.path.realpath(nb.parent))


def test_check_local_accepts_files_inside_the_root(tree: Path) -> None:
    nb = tree / "_notebooks" / "nb.ipynb"
    root = media.confinement_root(nb, tree)
    ok = media.check_local("images/fig.png", nb, root)
    assert ok["status"] == "ok"
    assert ok["sha1"] == hashlib.sha1(PNG).hexdigest()
    assert Path(ok["path"]).read_bytes() == PNG
    assert media.check_local("../images/top.png", nb, root)["status"] == "ok"  # in the site
    assert media.check_local("./images/../images/fig.png", nb, root)["status"] == "ok"


def test_check_local_refusals(tree: Path) -> None:
    nb = tree / "_notebooks" / "nb.ipynb"
    root = media.confinement_root(nb, tree)
    (tree / "_notebooks" / "images" / "link.png").symlink_to(tree.parent / "secret.png")
    (tree / "_notebooks" / ".hidden").mkdir()
    (tree / "_notebooks" / ".hidden" / "x.png").write_bytes(PNG)
    assert media.check_local("../../secret.png", nb, root) == {"status": "outside"}
    assert media.check_local("images/link.png", nb, root) == {"status": "symlink"}
    assert media.check_local(".hidden/x.png", nb, root) == {"status": "hidden"}
    assert media.check_local("images/none.png", nb, root) == {"status": "missing"}
    assert media.check_local("images", nb, root) == {"status": "not-a-file"}


def test_without_the_site_only_the_notebook_folder_is_allowed(tree: Path) -> None:
    nb = tree / "_notebooks" / "nb.ipynb"
    root = media.confinement_root(nb, None)
    assert media.check_local("../images/top.png", nb, root) == {"status": "outside"}
    assert media.check_local("images/fig.png", nb, root)["status"] == "ok"


# --------------------------------------------------------------------------- resolution


def test_resolve_every_kind_of_source(tree: Path) -> None:
    node = {
        "cells": [
            {
                "cell_type": "code",
                "outputs": [{"output_type": "display_data", "data": {"image/svg+xml": SVG}}],
            },
            {"cell_type": "markdown", "attachments": {"a.png": {"image/png": b64(PNG)}}},
        ]
    }
    svg_sha = hashlib.sha1(SVG.encode()).hexdigest()
    png_sha = hashlib.sha1(PNG).hexdigest()
    local = tree / "images" / "top.png"
    got = media.resolve(
        node,
        {
            "output_0_0.svg": f"{svg_sha}.svg",
            "attachment_1_a.png": f"{png_sha}.png",
            "image_1_0.png": "data:image/png;base64," + b64(PNG),
            "top.png": f"file:{local}",
        },
    )
    assert got == {
        "output_0_0.svg": SVG.encode(),
        "attachment_1_a.png": PNG,
        "image_1_0.png": PNG,
        "top.png": local.read_bytes(),
    }


def test_resolve_warns_of_what_it_cannot_find(caplog, tmp_path: Path) -> None:
    with caplog.at_level(logging.WARNING, logger="pandockit"):
        got = media.resolve({"cells": []}, {"x.png": "0" * 40 + ".png", "y.png": "file:/nope"})
    assert got == {}
    assert "x.png" in caplog.text and "y.png" in caplog.text


# --------------------------------------------------------------------------- writer


def test_write_media_records_what_it_wrote(tmp_path: Path) -> None:
    write_media(tmp_path, "assets/nb_files", "post", {"b.png": PNG, "a.svg": b"<svg/>"})
    folder = tmp_path / "assets" / "nb_files" / "post"
    assert json.loads((folder / MEDIA_MANIFEST).read_text()) == ["a.svg", "b.png"]
    assert written_media(folder) == {"a.svg", "b.png"}
    assert (folder / "b.png").read_bytes() == PNG


def test_rewrite_removes_stale_files_and_never_foreign_ones(tmp_path: Path) -> None:
    folder = tmp_path / "assets" / "nb_files" / "post"
    write_media(tmp_path, "assets/nb_files", "post", {"old.png": b"1", "keep.png": b"2"})
    (folder / "mine.txt").write_text("the author's own file")
    write_media(tmp_path, "assets/nb_files", "post", {"keep.png": b"3", "new.png": b"4"})
    assert sorted(p.name for p in folder.iterdir()) == [
        MEDIA_MANIFEST,
        "keep.png",
        "mine.txt",
        "new.png",
    ]
    assert (folder / "keep.png").read_bytes() == b"3"
    write_media(tmp_path, "assets/nb_files", "post", {})
    assert sorted(p.name for p in folder.iterdir()) == ["mine.txt"]


def test_an_image_written_again_unchanged_is_left_as_it_is(tmp_path: Path) -> None:
    """A conversion again writes the same images: the files stay (inode, time); a changed
    one is replaced, and so is a symlink to the same bytes (Jekyll's safe mode, GitHub
    Pages', publishes no symlink)."""
    folder = tmp_path / "assets" / "nb_files" / "post"
    write_media(tmp_path, "assets/nb_files", "post", {"a.png": PNG, "b.png": b"2", "c.png": b"3"})
    os.utime(folder / "a.png", ns=(1, 1))
    before = {n: os.lstat(folder / n) for n in ("a.png", "b.png")}
    (tmp_path / "elsewhere.png").write_bytes(b"3")
    (folder / "c.png").unlink()
    (folder / "c.png").symlink_to(tmp_path / "elsewhere.png")
    write_media(tmp_path, "assets/nb_files", "post", {"a.png": PNG, "b.png": b"two", "c.png": b"3"})
    after = {n: os.lstat(folder / n) for n in ("a.png", "b.png", "c.png")}
    assert (after["a.png"].st_ino, after["a.png"].st_mtime_ns) == (before["a.png"].st_ino, 1)
    assert after["b.png"].st_ino != before["b.png"].st_ino
    assert (folder / "b.png").read_bytes() == b"two"
    assert not (folder / "c.png").is_symlink() and (folder / "c.png").read_bytes() == b"3"


def test_no_media_and_no_folder_writes_nothing(tmp_path: Path) -> None:
    write_media(tmp_path, "assets/nb_files", "post", {})
    assert not (tmp_path / "assets").exists()


def test_last_image_gone_removes_the_folder(tmp_path: Path) -> None:
    write_media(tmp_path, "assets/nb_files", "post", {"a.png": PNG})
    write_media(tmp_path, "assets/nb_files", "post", {})
    assert not (tmp_path / "assets" / "nb_files" / "post").exists()


def test_a_tampered_manifest_cannot_remove_files_outside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "assets" / "nb_files" / "post"
    folder.mkdir(parents=True)
    victim = tmp_path / "assets" / "victim.png"
    victim.write_bytes(PNG)
    (folder / MEDIA_MANIFEST).write_text(json.dumps(["../victim.png", ".x", 3]))
    write_media(tmp_path, "assets/nb_files", "post", {"a.png": PNG})
    assert victim.read_bytes() == PNG
    assert written_media(folder) == {"a.png"}


def test_media_names_with_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PandockitError, match="folder"):
        write_media(tmp_path, "assets/nb_files", "post", {"../x.png": PNG})
    assert not (tmp_path / "assets" / "nb_files" / "x.png").exists()


def test_sha1_kept_by_object_is_the_digest_of_its_bytes(monkeypatch) -> None:
    """Digests kept by object (a notebook's image is named by several steps) are always the
    digest of the object's bytes, and the kept bytes stay within their bound."""
    from pandockit import mimedata

    monkeypatch.setattr(mimedata, "_digests", mimedata._Kept(64_000))
    blobs = [os.urandom(n) for n in (10, 5_000, 9_000, 15_000, 20_000) * 4]
    for _ in range(2):
        for blob in blobs:
            assert mimedata.sha1(blob) == hashlib.sha1(blob).hexdigest()
            copy = bytearray(blob)
            copy[0] ^= 1
            assert mimedata.sha1(bytes(copy)) == hashlib.sha1(copy).hexdigest()
    kept = [entry for entry, _size in mimedata._digests.entries.values()]
    assert all(len(data) >= mimedata._DIGEST_MIN for data, _ in kept)
    assert sum(len(data) for data, _ in kept) == mimedata._digests.size <= 64_000
