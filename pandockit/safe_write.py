"""Write a file of the site safely: whole (a temp file, then a rename: a reader, or an
interrupted run, never sees half a file), only when its bytes change, and only inside the site;
and remove the temp files a killed process left.

The mechanism every writer of the site shares: the posts and images (:mod:`pandockit.writer`),
the build's manifest and lock, ``pandockit init``'s files, the theme a site keeps
(:mod:`pandockit.jekyll_theme`).
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

from pandockit.errors import PandockitError

#: The temp files of :func:`atomic_write`, ``.<name>.pandockit-<pid>-<random>.tmp``: a dot-file
#: (Jekyll never publishes it), named by the process writing it, so that the next build removes
#: one a killed process left (:func:`sweep_temp`) and never one a live process is writing.
TEMP = re.compile(r"\A\..*\.pandockit-(\d+)-[A-Za-z0-9_]+\.tmp\Z", re.S)


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` all at once (the old file stays whole on any failure,
    an interruption included: the temp file goes too). The file gets ``mode``, else the mode
    of the file it replaces, else 0o644.

    Not fsync'ed: a rename is atomic for every reader and against an interrupted or failing
    run, and what is written can always be written again from the notebook; an fsync per file
    cost 0.35 s of a 100-notebook build (700 files)."""
    prefix = f".{path.name}.pandockit-{os.getpid()}-"
    try:
        if mode is None:
            mode = _mode_of(path)
        try:
            fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
        except FileNotFoundError:  # the folder is made only when it is missing (once a post)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise PandockitError(path, f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:  # an interruption (Ctrl-C, SIGTERM) too: no temp file left
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise PandockitError(path, f"cannot write: {exc.strerror or exc}") from None
        raise


def write_changed(path: Path, data: bytes) -> None:
    """:func:`atomic_write`, unless ``path`` is a regular file that holds ``data`` already: it
    is then left as it is (its inode, its mode, its modification time). A notebook converted
    again mostly writes the same post and images; replacing each cost a new inode and the
    old one's removal (the benchmark's 200 cells, a post and 20 images: 6.9 -> 0.6 ms), and
    Jekyll's incremental build and rsync saw every file changed."""
    if not _holds(path, data):
        atomic_write(path, data)


def _holds(path: Path, data: bytes) -> bool:
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
            return False  # a symlink is replaced by the file, as atomic_write does
        with open(path, "rb") as fh:
            return fh.read() == data
    except OSError:
        return False


def _mode_of(path: Path) -> int:
    try:
        st = os.stat(path)
    except OSError:
        return 0o644
    return stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else 0o644


def sweep_temp(folder: Path) -> list[Path]:
    """Remove the temp files of :func:`atomic_write` that a process now gone left in
    ``folder`` (killed mid-write), and those of this process (not writing now: its writes
    are over when it sweeps); return them. Nothing else is touched."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = TEMP.match(entry.name)
        if not m or not entry.is_file(follow_symlinks=False):
            continue
        pid = int(m.group(1))
        if pid != os.getpid() and process_alive(pid):
            continue  # another process (pandockit convert) is writing it now
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists; anything else: assume it does
        return True
    return True


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies in it, symlinks resolved (a missing path's
    existing part)."""
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)
