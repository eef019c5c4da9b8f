"""The one place that runs pandoc: read a notebook into the JSON AST, write the AST as Markdown.

pandoc is the binary bundled by ``pypandoc-binary``; it is run with an argument list, never
through a shell, so no notebook text can become a command.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess

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
#: - smart: keep the author's quotes and dashes as typed;
#: - citations, example_lists, startnum, fancy_lists, raw_tex, yaml_metadata_block,
#:   pandoc_title_block, implicit_figures, table_captions, line_blocks: pandoc-only syntax.
#: ``tex_math_dollars`` stays on so a literal ``$`` in prose is written escaped (``\$``), which
#: kramdown shows as ``$`` and never takes as math.
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
        "smart",
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


@functools.lru_cache(maxsize=1)
def pandoc_path() -> str:
    """The pandoc binary bundled with pypandoc-binary (or one on PATH as a fallback)."""
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise PandockitError(None, f"pandoc not found ({exc}); install pypandoc-binary") from None


def run_pandoc(args: list[str], stdin: bytes, *, what: str = "pandoc") -> bytes:
    """Run pandoc with ``args``, feeding ``stdin``; return stdout or raise PandockitError."""
    cmd = [pandoc_path(), *args]
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    try:
        proc = subprocess.run(cmd, input=stdin, capture_output=True, env=env, check=False)
    except OSError as exc:
        raise PandockitError(None, f"cannot run pandoc: {exc}") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PandockitError(None, f"{what} failed: {msg[-1] if msg else proc.returncode}")
    return proc.stdout


def read_ast(notebook_bytes: bytes) -> dict:
    """Read notebook JSON with pandoc's ipynb reader; return the pandoc JSON AST as a dict."""
    out = run_pandoc(["-f", READER, "-t", "json"], notebook_bytes, what="pandoc (reading)")
    return json.loads(out)


def write_markdown(ast: dict) -> str:
    """Write a pandoc JSON AST as kramdown-compatible Markdown (the post body)."""
    data = json.dumps(ast, ensure_ascii=False).encode("utf-8")
    out = run_pandoc(["-f", "json", "-t", WRITER, *WRITER_OPTIONS], data, what="pandoc (writing)")
    return out.decode("utf-8")
