"""One build at a time per site: an advisory ``fcntl`` lock on ``.pandockit/lock``.

A second ``pandockit build`` on the same site either waits for the first to finish (the
default; it says so once) or, with ``wait=False``, stops with a one-line error naming the
process that holds the lock. The kernel drops the lock when its holder exits, however it
exits, so a crashed build never leaves the site locked.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pandockit.errors import PandockitError
from pandockit.manifest import STATE_DIR

log = logging.getLogger("pandockit")

LOCK_NAME = "lock"


def lock_path(site: Path) -> Path:
    return site / STATE_DIR / LOCK_NAME


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (pid {text})" if text.isdigit() else ""


@contextmanager
def site_lock(site: Path, *, wait: bool = True) -> Iterator[None]:
    """Hold the site's build lock for the ``with`` block; raise PandockitError if it is taken
    and ``wait`` is false."""
    path = lock_path(site)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PandockitError(path, f"cannot create the build lock: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = _holder(fd)
            if not wait:
                raise PandockitError(
                    site, f"another pandockit build is running on this site{who}"
                ) from None
            log.warning("%s: waiting for another pandockit build on this site%s", site, who)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
