"""One build at a time per site: an advisory ``fcntl`` lock on ``.pandockit/lock``.

A second ``pandockit build`` on the same site either waits for the first to finish (the
default; it says so once) or, with ``wait=False``, stops with a one-line error naming the
process that holds the lock. The kernel drops the lock when its holder exits, however it
exits. The lock file records its holder's pid.

A lock held although that pid is gone is taken over, with a warning: processes that
inherited the lock's descriptor (worker processes of a killed build, under versions that let
them) would otherwise keep it for good. The takeover puts a new lock file in place (the old
one, whatever holds it, is forgotten), under a second lock on the state folder, so two builds
taking over at once cannot both win. A waiting build checks the holder every 0.2 s, so it takes
over too, and follows a lock file another build put in place. Forked children never hold the
lock: they close its descriptor (:func:`os.register_at_fork`).
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pandockit.errors import PandockitError
from pandockit.manifest import STATE_DIR
from pandockit.safe_write import process_alive

log = logging.getLogger("pandockit")

LOCK_NAME = "lock"

#: How often a waiting build looks at the lock again (seconds).
POLL = 0.2

#: Descriptors of the locks this process holds: a forked child closes them at once.
_held: set[int] = set()


def _forget_in_child() -> None:
    for fd in _held:
        try:
            os.close(fd)  # flock: the parent's descriptor still holds the lock
        except OSError:
            pass
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


def lock_path(site: Path) -> Path:
    return site / STATE_DIR / LOCK_NAME


def holder_pid(fd: int) -> int | None:
    """The pid the lock file names (None when it names none)."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and 0 < int(text) < 1 << 31 else None


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PandockitError(path, f"cannot create the build lock: {exc.strerror or exc}") from None


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


@contextmanager
def _guard(folder: Path) -> Iterator[None]:
    """The state folder's own lock, held for a moment: a build takes the lock and writes its
    pid under it, and a takeover looks and replaces under it (so no takeover ever sees a
    lock just taken whose file still names the last, dead, holder)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the folder's lock


def _acquire(fd: int, path: Path) -> bool:
    """Lock ``fd`` (the lock file) without waiting, and record this process in it."""
    with _guard(path.parent):
        if not _try_lock(fd):
            return False
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        return True


def _take_over(path: Path, dead: int) -> int | None:
    """Put a new lock file, locked by this process, in place of ``path``, whose holder
    ``dead`` is gone; return its descriptor (None when, looked at again under the state
    folder's lock, the lock is someone else's now: the caller waits or gives up)."""
    with _guard(path.parent):
        fd = _open(path)  # again: another build may have taken over meanwhile
        if _try_lock(fd):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            return fd
        pid = holder_pid(fd)
        os.close(fd)
        if pid != dead or process_alive(dead):
            return None
        tmp = path.with_name(f".{path.name}.pandockit-{os.getpid()}-takeover.tmp")
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)  # nobody else knows this file yet
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        os.replace(tmp, path)
        return fd


@contextmanager
def site_lock(site: Path, *, wait: bool = True) -> Iterator[None]:
    """Hold the site's build lock for the ``with`` block; raise PandockitError if it is taken
    and ``wait`` is false. A lock whose holder is gone is taken over with a warning."""
    path = lock_path(site)
    fd = _open(path)
    said = False
    try:
        while not _acquire(fd, path):
            pid = holder_pid(fd)
            if pid is not None and not process_alive(pid):
                new = _take_over(path, pid)
                if new is not None:
                    os.close(fd)
                    fd = new
                    log.warning(
                        "%s: took over the build lock of pid %d, which is gone (processes it "
                        "left behind may still hold the old lock)", site, pid,
                    )
                    break
                if not _same_file(fd, path):
                    os.close(fd)
                    fd = _open(path)
                continue  # another build holds it now: look again
            who = f" (pid {pid})" if pid is not None else ""
            if not wait:
                raise PandockitError(site, f"another pandockit build is running on this site{who}")
            if not said:
                log.warning("%s: waiting for another pandockit build on this site%s", site, who)
                said = True
            time.sleep(POLL)
            if not _same_file(fd, path):  # taken over by another build: wait on its file
                os.close(fd)
                fd = _open(path)
        _held.add(fd)
        yield
    finally:
        _held.discard(fd)
        os.close(fd)  # closing the descriptor releases the lock
