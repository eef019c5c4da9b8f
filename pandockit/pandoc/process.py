"""Start pandoc: find the binary, run it and wait, or start it in the background (:class:`Job`;
:class:`Spawned` before Python's imports).

pandoc is the binary bundled by ``pypandoc-binary``; it is run with an argument list, never
through a shell, so no notebook text can become a command.

Start-up time: a one-notebook ``pandockit convert`` starts pandoc's read from this module
before anything else is imported (:mod:`pandockit.entry`), so :mod:`subprocess` (3-10 ms of
imports: locale, signal, selectors) is imported only by the runs that use it.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import threading

from pandockit.errors import PandockitError


def _bundled_binary() -> str | None:
    """Where pypandoc-binary puts its pandoc, found without importing pypandoc (whose import
    costs 90 ms of every run); None when ``PYPANDOC_PANDOC`` names another pandoc."""
    if os.environ.get("PYPANDOC_PANDOC"):
        return None
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, "files", "pandoc.exe" if os.name == "nt" else "pandoc")
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


@functools.lru_cache(maxsize=1)
def pandoc_path() -> str:
    """The pandoc binary bundled with pypandoc-binary (or one on PATH as a fallback)."""
    bundled = _bundled_binary()
    if bundled is not None:
        return bundled
    try:
        import pypandoc  # only without the bundled binary: its import costs 90 ms

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise PandockitError(None, f"pandoc not found ({exc}); install pypandoc-binary") from None


#: Run-time options for the bundled pandoc, whose binary asks GHC's runtime for a 64 MB heap
#: (``-with-rtsopts=-H64m``), every page of which a run touches: with 2 MB a run faults in
#: fewer pages (a notebook of 200 cells, read in two parts: 5 ms less wall time and 7 ms less
#: CPU; 20 cells: 4 ms; 2,000 cells: 13 ms), and a long read or a batch spends the same (the
#: 70,000-formula cell, a batch of 34 notebooks: within 1%). ``-O16m``: the old generation is
#: not collected before it holds 16 MB, where a read's parse keeps live data growing through
#: many small major collections (a batch of 25 notebooks: 0.26 -> 0.235 s of CPU; 2,000
#: cells: 0.73 -> 0.68 s; the 70,000-formula cell: 1.40 -> 1.33 s, peak memory no higher).
#: Output is the same. Another pandoc (``PYPANDOC_PANDOC``) may not accept run-time options,
#: so it gets none.
RTS_OPTIONS = ["+RTS", "-H2m", "-O16m", "-RTS"]


@functools.lru_cache(maxsize=1)
def _rts() -> tuple[str, ...]:
    return tuple(RTS_OPTIONS) if _bundled_binary() is not None else ()


@functools.lru_cache(maxsize=1)
def version_text() -> bytes:
    """What ``pandoc --version`` prints (asked once per process; the run
    :func:`start_version` started, when there is one)."""
    if _VERSION_RUN:
        return _VERSION_RUN.pop().result()
    return run_pandoc(["--version"], b"")


#: The ``pandoc --version`` run :func:`start_version` started, until :func:`version_text`.
_VERSION_RUN: list[Job | Spawned] = []


def start_version() -> None:
    """Start ``pandoc --version`` in the background, once, for :func:`version_text` to take:
    a conversion asks for the version after its filters (may pandoc's writer be reproduced in
    process?) and a build before its workers start; either waited for a pandoc run there
    (3-5 ms) that now runs beside pandoc's read or Python's imports."""
    if _VERSION_RUN or version_text.cache_info().currsize:
        return
    try:
        _VERSION_RUN.append(start(["--version"], b""))
    except PandockitError:
        pass  # version_text runs it again and says why


def pandoc_version() -> str:
    """The version of the pandoc pandockit runs (``3.9``), or "" when it cannot tell."""
    try:
        first = version_text().split(b"\n", 1)[0].decode("utf-8", "replace")
    except PandockitError:
        return ""
    name, _, number = first.partition(" ")
    return number.strip() if name == "pandoc" else ""


def run_pandoc(args: list[str], stdin: bytes, *, what: str = "pandoc") -> bytes:
    """Run pandoc with ``args``, feeding ``stdin``; return stdout or raise PandockitError."""
    import subprocess  # start-up time: see the module's docstring

    try:
        proc = subprocess.run(
            [pandoc_path(), *_rts(), *args],
            input=stdin,
            capture_output=True,
            env=env(),
            check=False,
        )
    except OSError as exc:
        raise PandockitError(None, f"cannot run pandoc: {exc}") from None
    return _checked(proc.returncode, proc.stdout, proc.stderr, what)


def env(**extra: str) -> dict[str, str]:
    """pandoc's environment: the user's, in a UTF-8 locale."""
    return dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", **extra)


def _checked(returncode: int, out: bytes, err: bytes, what: str) -> bytes:
    if returncode != 0:
        raise failure(what, err, returncode)
    return out


def failure(what: str, said: bytes | str, otherwise: object) -> PandockitError:
    """``what`` failed, in one line: the last line pandoc ``said`` (its reason; the lines
    before are context), else ``otherwise``."""
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
    lines = text.strip().splitlines()
    return PandockitError(None, f"{what} failed: {lines[-1] if lines else otherwise}")


class Job:
    """One pandoc run, started at once in the background; :meth:`result` waits for it.

    A thread feeds stdin and drains stdout and stderr (pandoc blocks on a full pipe), so the
    caller's Python work runs meanwhile on the other core. ``argv0`` is the name pandoc is run
    under (``pandoc-server.cgi`` makes the same binary a CGI server: :mod:`.server`).
    """

    def __init__(
        self,
        args: list[str],
        stdin: bytes,
        *,
        what: str = "pandoc",
        argv0: str | None = None,
        environ: dict[str, str] | None = None,
    ) -> None:
        self.what = what
        self.stdin = stdin
        self._out: tuple[bytes, bytes] = (b"", b"")
        binary = pandoc_path()
        import subprocess  # start-up time: see the module's docstring

        try:
            self.proc = subprocess.Popen(
                [argv0 or binary, *_rts(), *args],
                executable=binary,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=environ or env(),
            )
        except OSError as exc:
            raise PandockitError(None, f"cannot run pandoc: {exc}") from None
        self._thread = threading.Thread(target=self._communicate, daemon=True)
        self._thread.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _communicate(self) -> None:
        try:
            self._out = self.proc.communicate(self.stdin)
        except (OSError, ValueError):  # cancelled: the pipes were closed under it
            pass

    def output(self) -> tuple[int, bytes, bytes]:
        """(exit status, stdout, stderr), once pandoc has finished."""
        self._thread.join()
        return self.proc.returncode, *self._out

    def result(self) -> bytes:
        """pandoc's stdout, once it has finished; raise PandockitError when it failed."""
        return _checked(*self.output(), self.what)

    def cancel(self) -> None:
        """Stop the run (its result is not wanted)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self._thread.join()


class Spawned:
    """One pandoc run, started at once, as :class:`Job` is, with neither :mod:`subprocess` nor
    a thread: its input and its outputs are files in memory (``memfd_create``), the process
    is started with ``posix_spawn``. What starts pandoc's read before Python's imports uses it
    (:func:`spawns`): the run starts 5-15 ms sooner (no imports, no thread started), and
    pandoc's output waits in memory until :meth:`result` reads it."""

    def __init__(self, args: list[str], stdin: bytes, *, what: str = "pandoc") -> None:
        self.what = what
        self._files: list[int] = []
        self._status: int | None = None
        try:
            for name in ("stdin", "stdout", "stderr"):
                self._files.append(os.memfd_create(name))
            _write_all(self._files[0], stdin)
            os.lseek(self._files[0], 0, os.SEEK_SET)
            binary = pandoc_path()
            self.pid = os.posix_spawn(
                binary, [binary, *_rts(), *args], env(),
                file_actions=[(os.POSIX_SPAWN_DUP2, fd, i) for i, fd in enumerate(self._files)],
            )
        except OSError as exc:
            self._close()
            raise PandockitError(None, f"cannot run pandoc: {exc}") from None

    def output(self) -> tuple[int, bytes, bytes]:
        """(exit status, stdout, stderr), once pandoc has finished."""
        if self._status is None:
            self._status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            self._out = tuple(_read_all(fd) for fd in self._files[1:])
            self._close()
        return self._status, *self._out

    def result(self) -> bytes:
        """pandoc's stdout, once it has finished; raise PandockitError when it failed."""
        return _checked(*self.output(), self.what)

    def cancel(self) -> None:
        """Stop the run (its result is not wanted)."""
        if self._status is None:
            import signal  # only a run cancelled needs it

            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            self._out = (b"", b"")
            self._close()

    def _close(self) -> None:
        for fd in self._files:
            os.close(fd)
        self._files = []


def spawns() -> bool:
    """Whether this system has what :class:`Spawned` needs (Linux has; elsewhere :class:`Job`)."""
    return hasattr(os, "memfd_create") and hasattr(os, "posix_spawn")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def start(args: list[str], stdin: bytes, *, what: str = "pandoc") -> Job | Spawned:
    """pandoc with ``args`` started in the background on ``stdin``: a :class:`Spawned` run
    where the system allows, else a :class:`Job`."""
    return Spawned(args, stdin, what=what) if spawns() else Job(args, stdin, what=what)
