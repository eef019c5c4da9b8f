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
from collections.abc import Iterator
from pathlib import Path

from pandockit.errors import PandockitError

#: How pandockit reads notebooks. ``raw_tex`` keeps bare ``\begin{align}...\end{align}`` (which
#: Jupyter renders as math) as raw TeX, byte for byte, instead of text with its backslashes
#: eaten; ``tex_math_single_backslash`` reads ``\(x\)`` and ``\[x\]`` as math, as Jupyter does.
#: The math filter turns the raw TeX back into math or text. ``escaped_line_breaks``: a
#: backslash ending a line is a hard line break, as in CommonMark and Jupyter (the ipynb
#: reader's default Markdown leaves it a literal backslash and drops the break).
READER = "ipynb+raw_tex+tex_math_single_backslash+escaped_line_breaks"

#: How the math-cells filter re-reads a markdown cell whose math this reading finds otherwise
#: than Jupyter (see pandockit.jupyter_math): its formulas replaced by ``@@N@@`` first, as
#: Jupyter hides them from its Markdown parser, so no dollar is left to read as math, and
#: ``\(`` is an escaped ``(`` as in Jupyter's Markdown parser.
MASKED_READER = "ipynb+raw_tex-tex_math_dollars+escaped_line_breaks"

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
#: The write: the filtered AST as JSON in, the post body out.
WRITE_ARGS = ["-f", "json", "-t", WRITER, *WRITER_OPTIONS]


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


#: Run-time options for the bundled pandoc, whose binary asks GHC's runtime for a 64 MB heap
#: (``-with-rtsopts=-H64m``): with 16 MB it touches fewer pages and spends 10-15% less CPU
#: (measured: reads of 200 and 2,000 cells, a batch of 100 notebooks); output is the same.
#: Another pandoc (``PYPANDOC_PANDOC``) may not accept run-time options, so it gets none.
RTS_OPTIONS = ["+RTS", "-H16m", "-RTS"]


@functools.lru_cache(maxsize=1)
def _rts() -> tuple[str, ...]:
    return tuple(RTS_OPTIONS) if _bundled_binary() is not None else ()


def run_pandoc(args: list[str], stdin: bytes, *, what: str = "pandoc") -> bytes:
    """Run pandoc with ``args``, feeding ``stdin``; return stdout or raise PandockitError."""
    try:
        proc = subprocess.run(
            [pandoc_path(), *_rts(), *args],
            input=stdin,
            capture_output=True,
            env=_env(),
            check=False,
        )
    except OSError as exc:
        raise PandockitError(None, f"cannot run pandoc: {exc}") from None
    return _checked(proc.returncode, proc.stdout, proc.stderr, what)


def _env(**extra: str) -> dict[str, str]:
    return dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", **extra)


def _checked(returncode: int, out: bytes, err: bytes, what: str) -> bytes:
    if returncode != 0:
        raise _failure(what, err, returncode)
    return out


def _failure(what: str, said: bytes | str, otherwise: object) -> PandockitError:
    """``what`` failed, in one line: the last line pandoc ``said`` (its reason; the lines
    before are context), else ``otherwise``."""
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
    lines = text.strip().splitlines()
    return PandockitError(None, f"{what} failed: {lines[-1] if lines else otherwise}")


class Job:
    """One pandoc run, started at once in the background; :meth:`result` waits for it.

    A thread feeds stdin and drains stdout and stderr (pandoc blocks on a full pipe), so the
    caller's Python work runs meanwhile on the other core. ``argv0`` is the name pandoc is run
    under (``pandoc-server.cgi`` makes the same binary a CGI server: :class:`Batch`).
    """

    def __init__(
        self,
        args: list[str],
        stdin: bytes,
        *,
        what: str = "pandoc",
        argv0: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.what = what
        self.stdin = stdin
        self._out: tuple[bytes, bytes] = (b"", b"")
        binary = pandoc_path()
        try:
            self.proc = subprocess.Popen(
                [argv0 or binary, *_rts(), *args],
                executable=binary,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env or _env(),
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


# --- reading one notebook, in parts --------------------------------------------------------

#: pandoc's ipynb reader parses each cell on its own (tested: the AST of a notebook read as
#: consecutive runs of cells is the AST of the whole, blocks concatenated), and parsing the
#: Markdown cells is most of a read (measured on 200 cells: 0.11 s of 0.14 s). So a notebook
#: with much Markdown is read in parts by as many pandoc processes at once, one per core, at
#: most MAX_PARTS (each pandoc takes ~130 MB however small its part: memory bounds this).
MAX_PARTS = 2
#: Below this much Markdown source (characters) a notebook is read by one process. Measured,
#: reading alone: 15,000 characters 55 ms whole, 44 ms in two; 31,000: 97 ms, 55 ms; below
#: 10,000 the gain is within the noise, and in a conversion a second pandoc competes with
#: Python's start-up for the cores.
SPLIT_MIN_MARKDOWN = 20_000
#: Code cells cost the reader this fraction of a Markdown character per character of source.
CODE_WEIGHT = 0.1


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def split_notebook(
    data: bytes, parts: int | None = None, min_work: float = SPLIT_MIN_MARKDOWN
) -> list[bytes]:
    """``data`` (notebook JSON) as ``parts`` notebooks (default: one per core, at most
    MAX_PARTS) of consecutive cells, about equal in reading work, whose reads concatenate to
    the read of ``data``; ``[data]`` when splitting does not pay (less than ``min_work``
    characters of Markdown, one core) or ``data`` is not a v4 notebook pandoc could read."""
    parts = min(MAX_PARTS, _cores()) if parts is None else parts
    try:
        nb = json.loads(data)
    except (ValueError, RecursionError):
        return [data]
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if parts < 2 or not isinstance(cells, list) or len(cells) < parts:
        return [data]
    weights = [_reading_work(cell) for cell in cells]
    total = sum(weights)
    if total < min_work:
        return [data]
    bounds, done, share = [0], 0.0, total / parts
    for i, weight in enumerate(weights):
        done += weight
        if done >= share * len(bounds) and len(bounds) < parts and i + 1 < len(cells):
            bounds.append(i + 1)
    bounds.append(len(cells))
    try:
        return [
            json.dumps({**nb, "cells": cells[a:b]}, ensure_ascii=False).encode("utf-8")
            for a, b in zip(bounds, bounds[1:])
        ]
    except (UnicodeEncodeError, ValueError):  # a lone surrogate: read as written, refused there
        return [data]


def _reading_work(cell: object) -> float:
    """About how much work pandoc's reader has with ``cell`` (any JSON value: the notebook may
    not have been checked yet)."""
    if not isinstance(cell, dict):
        return 0.0
    source = cell.get("source")
    lines = source if isinstance(source, list) else [source]
    size = sum(len(line) for line in lines if isinstance(line, str))
    return size if cell.get("cell_type") == "markdown" else CODE_WEIGHT * size


class Read:
    """One notebook being read by pandoc: its parts' runs, started at once."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.jobs = [Job(READ_ARGS, part, what="pandoc (reading)") for part in split_notebook(data)]

    def results(self) -> Iterator[bytes]:
        """The JSON AST of each part, in order, each as soon as it is read (a caller parses
        the first while pandoc still reads the next); raise PandockitError when a read
        failed."""
        try:
            for job in self.jobs:
                yield job.result()
        finally:
            self.cancel()  # the rest, when a part failed or was not wanted

    def cancel(self) -> None:
        for job in self.jobs:
            job.cancel()


#: Reads started before they are asked for (:func:`prefetch_read`), oldest first.
_PREFETCHED: list[Read] = []
#: At most this many prefetched reads wait at a time; the oldest is cancelled beyond it.
PREFETCH_LIMIT = 2


def prefetch_read(source: bytes | str | Path) -> None:
    """Start pandoc reading a notebook (its bytes, or the file at a path, as written) now, so
    that a later :func:`read_parts` of the same bytes only waits for the result.

    pandoc's read is most of a conversion; started before Python's imports and notebook checks
    it runs on the other core(s) meanwhile. A read nobody asks for is cancelled (at exit at
    the latest); bytes that differ (an upgraded or capped notebook) are simply read again.
    """
    if not isinstance(source, bytes):
        try:
            source = Path(source).read_bytes()
        except OSError:
            return  # read_notebook reports it
    try:
        read = Read(source)
    except PandockitError:
        return  # reported again by the read that is asked for
    _PREFETCHED.append(read)
    while len(_PREFETCHED) > PREFETCH_LIMIT:
        _PREFETCHED.pop(0).cancel()


def _take_prefetched(notebook_bytes: bytes) -> Read | None:
    for read in _PREFETCHED:
        if len(read.data) == len(notebook_bytes) and read.data == notebook_bytes:
            _PREFETCHED.remove(read)
            return read
    return None


@atexit.register
def cancel_prefetched() -> None:
    while _PREFETCHED:
        _PREFETCHED.pop().cancel()


def read_parts(notebook_bytes: bytes) -> Iterator[bytes]:
    """Read notebook JSON with pandoc's ipynb reader: the pandoc JSON AST of each part of it
    (see :func:`split_notebook`), as text, each as soon as pandoc has read it; the document
    is the first part's with the blocks of all parts, in order.

    As text, so a caller can build its own objects in one parse (``json.loads(...,
    object_hook=...)``) instead of parsing into dicts first."""
    read = _take_prefetched(notebook_bytes) or Read(notebook_bytes)
    return read.results()


def read_json(notebook_bytes: bytes) -> bytes:
    """Read notebook JSON with pandoc's ipynb reader; return the pandoc JSON AST as text."""
    parts = list(read_parts(notebook_bytes))
    if len(parts) == 1:
        return parts[0]
    return json.dumps(join_parts([json.loads(part) for part in parts])).encode("utf-8")


def join_parts(parts: list[dict]) -> dict:
    """One AST from the ASTs of a notebook's parts (as dicts)."""
    whole = parts[0]
    for part in parts[1:]:
        whole["blocks"].extend(part["blocks"])
    return whole


def read_ast(notebook_bytes: bytes) -> dict:
    """Read notebook JSON with pandoc's ipynb reader; return the pandoc JSON AST as a dict."""
    return json.loads(read_json(notebook_bytes))


#: A body of up to this much JSON is written by two pandoc processes at once, half each
#: (measured on 200 cells, 0.23 MB: 0.08 s -> 0.05 s). A larger one is written by one: each
#: writer holds its part and pandoc's code, and two at once beside Python's document would
#: take the memory of a 2,000-cell conversion (2.3 MB) past twice bare pandoc's.
SPLIT_WRITE_MAX = 1_000_000
#: Blocks a body may be cut between: the writer puts a blank line between two of them and
#: nothing else (between two lists, or a list and indented code, it writes ``<!-- -->``).
_CUT_BETWEEN = frozenset({"Para", "Header", "CodeBlock", "HorizontalRule"})


def write_markdown(ast: dict) -> str:
    """Write a pandoc JSON AST as kramdown-compatible Markdown (the post body)."""
    jobs = [
        Job(WRITE_ARGS, part, what="pandoc (writing)")
        for part in split_body(ast)
    ]
    return "\n".join(job.result().decode("utf-8") for job in jobs)


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def split_body(ast: dict, parts: int | None = None) -> list[bytes]:
    """``ast`` as the JSON of ``parts`` documents (default: one per core, at most MAX_PARTS)
    whose Markdown, joined by a blank line, is the Markdown of ``ast``: cut between blocks
    of :data:`_CUT_BETWEEN` near equal sizes; one part for a body with footnotes (pandoc
    numbers them through the document) or over :data:`SPLIT_WRITE_MAX`."""
    parts = min(MAX_PARTS, _cores()) if parts is None else parts
    blocks = [_compact(block) for block in ast["blocks"]]
    size = sum(map(len, blocks))
    rest = _compact({k: v for k, v in ast.items() if k != "blocks"})
    head = rest[:-1] + (',"blocks":[' if len(rest) > 2 else '"blocks":[')

    def doc(items: list[str]) -> bytes:
        return (head + ",".join(items) + "]}").encode("utf-8")

    if parts < 2 or size > SPLIT_WRITE_MAX or any('"t":"Note"' in b for b in blocks):
        return [doc(blocks)]
    kinds = [block.get("t") for block in ast["blocks"]]
    cuts, done, share = [0], 0, size / parts
    for i in range(1, len(blocks)):
        done += len(blocks[i - 1])
        between = kinds[i - 1] in _CUT_BETWEEN and kinds[i] in _CUT_BETWEEN
        if between and done >= share * len(cuts) and len(cuts) < parts:
            cuts.append(i)
    cuts.append(len(blocks))
    return [doc(blocks[a:b]) for a, b in zip(cuts, cuts[1:])]


# --- many documents in one pandoc: pandoc-server as a CGI program --------------------------

#: The same binary, run under this name, is pandoc-server answering one CGI request: a
#: ``/batch`` of conversions in one process (measured on 100 notebooks: reading 1.4 s of CPU
#: instead of 3.7 s in 100 processes, writing 0.85 s instead of 1.8 s; identical output).
CGI_NAME = "pandoc-server.cgi"
#: pandoc-server's own option names for what READ_ARGS and WRITER_OPTIONS say.
SERVER_READ = {"from": READER, "to": "json", "ipynb-output": "IpynbOutputAll"}
SERVER_WRITE = {"from": "json", "to": WRITER, "wrap": "none", "ipynb-output": "IpynbOutputAll"}
#: pandoc-server kills a conversion after 2 s by default; a batch is not to be cut short.
SERVER_TIMEOUT = "86400"


@functools.lru_cache(maxsize=1)
def has_server() -> bool:
    """Whether this pandoc can run as pandoc-server (pandoc 3 builds with ``+server``)."""
    try:
        version = run_pandoc(["--version"], b"")
    except PandockitError:
        return False
    return b"+server" in version


#: What a CGI program reads as its request besides ``HTTP_*`` headers (RFC 3875, section 4.1):
#: none of the user's environment may reach pandoc-server as part of the request.
_CGI_VARIABLES = frozenset(
    "AUTH_TYPE CONTENT_LENGTH CONTENT_TYPE GATEWAY_INTERFACE PATH_INFO PATH_TRANSLATED "
    "QUERY_STRING REMOTE_ADDR REMOTE_HOST REMOTE_IDENT REMOTE_USER REQUEST_METHOD SCRIPT_NAME "
    "SERVER_NAME SERVER_PORT SERVER_PROTOCOL SERVER_SOFTWARE HTTPS".split()
)


def _is_cgi_variable(name: str) -> bool:
    return name in _CGI_VARIABLES or name.startswith("HTTP_")


class Batch:
    """Many conversions (each a dict of pandoc-server parameters with its ``text``) in one
    pandoc process, started at once in the background; :meth:`results` waits for them."""

    def __init__(self, requests: list[dict], *, what: str = "pandoc") -> None:
        self.what = what
        body = json.dumps(requests, ensure_ascii=False).encode("utf-8")
        env = {k: v for k, v in _env().items() if not _is_cgi_variable(k)}
        env.update(
            REQUEST_METHOD="POST",
            PATH_INFO="/batch",
            CONTENT_TYPE="application/json",
            CONTENT_LENGTH=str(len(body)),
            HTTP_ACCEPT="application/json",
            REMOTE_ADDR="127.0.0.1",
            SERVER_NAME="localhost",
            SERVER_PORT="0",
            PANDOC_SERVER_TIMEOUT=SERVER_TIMEOUT,
        )
        self.count = len(requests)
        self.job = Job([], body, what=what, argv0=CGI_NAME, env=env)

    def results(self) -> list[str | PandockitError]:
        """Each conversion's output text, or the PandockitError it failed with; a failure of
        the whole run is the error of every conversion."""
        status, out, err = self.job.output()
        head, _, body = out.partition(b"\n\n")
        try:
            if status != 0 or not head.startswith(b"Status: 200"):
                raise ValueError(head.split(b"\n")[0].decode("utf-8", "replace") or err)
            answers = json.loads(body)
            if not isinstance(answers, list) or len(answers) != self.count:
                raise ValueError("unexpected answer")
        except (ValueError, RecursionError) as exc:
            return [_failure(self.what, err, exc)] * self.count
        return [self._one(answer) for answer in answers]

    def _one(self, answer: dict) -> str | PandockitError:
        if "error" in answer or "output" not in answer:
            return _failure(self.what, str(answer.get("error", "no output")), "")
        return answer["output"]


class Many:
    """Many reads or writes, as one :class:`Batch` when pandoc has a server mode, else one
    pandoc process at a time (in a background thread, like a Job)."""

    def __init__(self, requests: list[dict], args: list[str], *, what: str) -> None:
        self.what = what
        self._batch: Batch | None = None
        self._results: list[str | PandockitError] = []
        if has_server():
            self._batch = Batch(requests, what=what)
            return
        self._thread = threading.Thread(target=self._one_by_one, args=(requests, args))
        self._thread.start()

    def _one_by_one(self, requests: list[dict], args: list[str]) -> None:
        for request in requests:
            try:
                out = run_pandoc(args, request["text"].encode("utf-8"), what=self.what)
                self._results.append(out.decode("utf-8"))
            except PandockitError as exc:
                self._results.append(exc)

    def results(self) -> list[str | PandockitError]:
        if self._batch is not None:
            return self._batch.results()
        self._thread.join()
        return self._results


def read_many(notebooks: list[bytes]) -> Many:
    """Start reading ``notebooks`` (notebook JSON each) in one pandoc; ``results()`` gives the
    JSON AST of each (text), or its PandockitError."""
    requests = [{**SERVER_READ, "text": nb.decode("utf-8")} for nb in notebooks]
    return Many(requests, READ_ARGS, what="pandoc (reading)")


def write_many(asts: list[dict]) -> Many:
    """Start writing ``asts`` as post bodies (see :func:`write_markdown`) in one pandoc;
    ``results()`` gives the Markdown of each, or its PandockitError."""
    requests = [{**SERVER_WRITE, "text": _compact(ast)} for ast in asts]
    return Many(requests, WRITE_ARGS, what="pandoc (writing)")
