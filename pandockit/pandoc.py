"""The one place that runs pandoc: read a notebook into the JSON AST, write the AST as Markdown.

pandoc is the binary bundled by ``pypandoc-binary``; it is run with an argument list, never
through a shell, so no notebook text can become a command.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import os
import subprocess
import threading
from pathlib import Path

from pandockit.errors import PandockitError

#: How pandockit reads notebooks. ``raw_tex`` keeps bare ``\begin{align}...\end{align}`` (which
#: Jupyter renders as math) as raw TeX, byte for byte, instead of text with its backslashes
#: eaten; ``tex_math_single_backslash`` reads ``\(x\)`` and ``\[x\]`` as math, as Jupyter does.
#: The math filter turns the raw TeX back into math or text.
READER = "ipynb+raw_tex+tex_math_single_backslash"

#: The Markdown that kramdown (Jekyll's GFM input) reads the same way. Each switch-off is a
#: construct pandoc would write that kramdown reads differently:
#: - header_attributes, link_attributes, inline_code_attributes, fenced_code_attributes,
#:   bracketed_spans, fenced_divs, native_divs, native_spans, raw_attribute: pandoc's
#:   ``{...}`` attribute syntax, which kramdown shows as text (or reads as its own IAL);
#: - superscript, subscript: pandoc would escape ``^`` and ``~`` (``\^`` stays literal in kramdown);
#: - grid/multiline/simple tables: kramdown has pipe tables only (others fall back to HTML);
#: - escaped_line_breaks: kramdown's hard break is two trailing spaces, not ``\``;
#: - citations, example_lists, startnum, fancy_lists, raw_tex, yaml_metadata_block,
#:   pandoc_title_block, implicit_figures, table_captions, line_blocks: pandoc-only syntax.
#: ``smart`` stays on: pandoc then escapes straight quotes, ``--`` and ``...`` (``\"``, ``\--``,
#: ``\...``), which kramdown's typographic conversion would otherwise turn into curly quotes and
#: dashes that Jupyter does not show. ``tex_math_dollars`` stays on so a literal ``$`` in prose
#: is written escaped (``\$``), which kramdown shows as ``$`` and never takes as math.
WRITER = "markdown" + "".join(
    "-" + ext
    for ext in (
        "header_attributes",
        "link_attributes",
        "inline_code_attributes",
        "fenced_code_attributes",
        "bracketed_spans",
        "fenced_divs",
        "native_divs",
        "native_spans",
        "raw_attribute",
        "superscript",
        "subscript",
        "grid_tables",
        "multiline_tables",
        "simple_tables",
        "escaped_line_breaks",
        "citations",
        "example_lists",
        "startnum",
        "fancy_lists",
        "raw_tex",
        "yaml_metadata_block",
        "pandoc_title_block",
        "implicit_figures",
        "table_captions",
        "line_blocks",
    )
)

WRITER_OPTIONS = ("--wrap=none",)

#: The read. --ipynb-output=all: the reader otherwise already picks one representation per
#: output (measured: text/plain over text/latex for -t json); the outputs filter picks instead.
READ_ARGS = ["-f", READER, "--ipynb-output=all", "-t", "json"]


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
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise PandockitError(None, f"pandoc not found ({exc}); install pypandoc-binary") from None


def run_pandoc(args: list[str], stdin: bytes, *, what: str = "pandoc") -> bytes:
    """Run pandoc with ``args``, feeding ``stdin``; return stdout or raise PandockitError."""
    try:
        proc = subprocess.run(
            [pandoc_path(), *args], input=stdin, capture_output=True, env=_env(), check=False
        )
    except OSError as exc:
        raise PandockitError(None, f"cannot run pandoc: {exc}") from None
    return _checked(proc.returncode, proc.stdout, proc.stderr, what)


def _env() -> dict[str, str]:
    return dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")


def _checked(returncode: int, out: bytes, err: bytes, what: str) -> bytes:
    if returncode != 0:
        msg = err.decode("utf-8", "replace").strip().splitlines()
        raise PandockitError(None, f"{what} failed: {msg[-1] if msg else returncode}")
    return out


class Job:
    """One pandoc run, started at once in the background; :meth:`result` waits for it.

    A thread feeds stdin and drains stdout and stderr (pandoc blocks on a full pipe), so the
    caller's Python work runs meanwhile on the other core.
    """

    def __init__(self, args: list[str], stdin: bytes, *, what: str = "pandoc") -> None:
        self.what = what
        self.stdin = stdin
        self._out: tuple[bytes, bytes] = (b"", b"")
        try:
            self.proc = subprocess.Popen(
                [pandoc_path(), *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=_env(),
            )
        except OSError as exc:
            raise PandockitError(None, f"cannot run pandoc: {exc}") from None
        self._thread = threading.Thread(target=self._communicate, daemon=True)
        self._thread.start()

    def _communicate(self) -> None:
        try:
            self._out = self.proc.communicate(self.stdin)
        except (OSError, ValueError):  # cancelled: the pipes were closed under it
            pass

    def result(self) -> bytes:
        """pandoc's stdout, once it has finished; raise PandockitError when it failed."""
        self._thread.join()
        return _checked(self.proc.returncode, *self._out, self.what)

    def cancel(self) -> None:
        """Stop the run (its result is not wanted)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self._thread.join()


#: Reads started before they are asked for (:func:`prefetch_read`), oldest first.
_PREFETCHED: list[Job] = []
#: At most this many prefetched reads wait at a time; the oldest is cancelled beyond it.
PREFETCH_LIMIT = 2


def prefetch_read(source: bytes | str | Path) -> None:
    """Start pandoc reading a notebook (its bytes, or the file at a path, as written) now, so
    that a later :func:`read_json` of the same bytes only waits for the result.

    pandoc's read is most of a conversion; started before Python's imports and notebook checks
    (or, converting many notebooks, while the previous one is filtered and written), it runs on
    the second core meanwhile. A read nobody asks for is cancelled (at exit at the latest);
    bytes that differ (an upgraded or capped notebook) are simply read again.
    """
    if not isinstance(source, bytes):
        try:
            source = Path(source).read_bytes()
        except OSError:
            return  # read_notebook reports it
    try:
        job = Job(READ_ARGS, source, what="pandoc (reading)")
    except PandockitError:
        return  # reported again by the read that is asked for
    _PREFETCHED.append(job)
    while len(_PREFETCHED) > PREFETCH_LIMIT:
        _PREFETCHED.pop(0).cancel()


def _take_prefetched(notebook_bytes: bytes) -> Job | None:
    for job in _PREFETCHED:
        if len(job.stdin) == len(notebook_bytes) and job.stdin == notebook_bytes:
            _PREFETCHED.remove(job)
            return job
    return None


@atexit.register
def _cancel_prefetched() -> None:
    while _PREFETCHED:
        _PREFETCHED.pop().cancel()


def read_json(notebook_bytes: bytes) -> bytes:
    """Read notebook JSON with pandoc's ipynb reader; return the pandoc JSON AST as text.

    As text, so a caller can build its own objects in one parse (``json.loads(...,
    object_hook=...)``) instead of parsing into dicts first."""
    job = _take_prefetched(notebook_bytes)
    if job is not None:
        return job.result()
    return run_pandoc(READ_ARGS, notebook_bytes, what="pandoc (reading)")


def read_ast(notebook_bytes: bytes) -> dict:
    """Read notebook JSON with pandoc's ipynb reader; return the pandoc JSON AST as a dict."""
    return json.loads(read_json(notebook_bytes))


def write_markdown(ast: dict) -> str:
    """Write a pandoc JSON AST as kramdown-compatible Markdown (the post body).

    One pandoc process. Measured and not done: writing the two halves of a large body in two
    processes at once (0.87 s -> 0.61 s on a 2,000-cell notebook, 2 cores, identical text) puts
    the peak memory of the process tree at 2.3x bare pandoc's instead of 1.3x."""
    data = json.dumps(ast, ensure_ascii=False).encode("utf-8")
    out = run_pandoc(["-f", "json", "-t", WRITER, *WRITER_OPTIONS], data, what="pandoc (writing)")
    return out.decode("utf-8")
