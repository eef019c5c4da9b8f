"""No file of the shared corpus is in the repository: the real notebooks are read from
../shared/corpus at test time (tests/corpus.py), never carried as copies.

Every file git knows here (tracked, or new and not ignored) is compared with every corpus
file, by size and then by SHA-256: a byte-identical copy under any name fails the test.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import corpus

pytestmark = corpus.mark


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def index(folder: Path) -> dict[int, dict[str, Path]]:
    """The files under ``folder`` by size, then by digest."""
    found: dict[int, dict[str, Path]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            found.setdefault(path.stat().st_size, {})[digest(path)] = path
    return found


def copies(files: list[Path], of: dict[int, dict[str, Path]]) -> list[tuple[Path, Path]]:
    """(file, the corpus file it is a copy of) for each of ``files`` that is one; a file is
    read only when a corpus file has its size."""
    found = []
    for path in files:
        same_size = of.get(path.stat().st_size)
        if same_size and (original := same_size.get(digest(path))):
            found.append((path, original))
    return found


def repository_files() -> list[Path]:
    """Every file of the working tree git tracks or would add (ignored ones left out)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=corpus.ROOT, capture_output=True, check=True,
    ).stdout.decode("utf-8", "surrogateescape")
    paths = {corpus.ROOT / name for name in listed.split("\0") if name}
    return sorted(p for p in paths if p.is_file() and not p.is_symlink())


def test_no_file_of_the_corpus_is_in_the_repository() -> None:
    corpus_files = index(corpus.CORPUS)
    assert sum(len(v) for v in corpus_files.values()) >= 40  # the corpus, not an empty folder
    files = repository_files()
    assert any(p.parts[-2:] == ("tests", "corpus.py") for p in files)  # the listing works
    found = copies(files, corpus_files)
    assert not found, "copies of corpus files in the repository (read them from the corpus " \
        "instead, see tests/corpus.py):\n" + "\n".join(
            f"{p.relative_to(corpus.ROOT)} = {corpus.key(o)}" for p, o in found)


def test_a_copy_under_another_name_is_found(tmp_path: Path) -> None:
    notebook = corpus.notebooks()[0]
    renamed = corpus.copy(notebook, tmp_path / "2020-01-01-renamed.ipynb")
    changed = tmp_path / "changed.ipynb"
    changed.write_bytes(notebook.read_bytes() + b"\n")  # one byte more: not a copy
    same_size = tmp_path / "same-size.ipynb"
    same_size.write_bytes(bytes(len(notebook.read_bytes())))  # same size, other bytes
    found = copies([renamed, changed, same_size], index(corpus.CORPUS))
    assert found == [(renamed, notebook)]

