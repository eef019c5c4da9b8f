"""How pandockit reads notebooks and writes posts with pandoc: each option written once, given as
command-line arguments (:meth:`Conversion.args`) or as pandoc-server parameters
(:meth:`Conversion.params`)."""

from __future__ import annotations

#: How pandockit reads notebooks. ``raw_tex`` keeps bare ``\begin{align}...\end{align}`` (which
#: Jupyter renders as math) as raw TeX, byte for byte, instead of text with its backslashes
#: eaten; ``tex_math_single_backslash`` reads ``\(x\)`` and ``\[x\]`` as math (the
#: jupyter-math filter re-reads a cell where Jupyter, which does not, disagrees);
#: ``escaped_line_breaks`` reads a backslash ending a line as a line break (CommonMark's rule,
#: which Jupyter follows). The math filter turns the raw TeX back into math or text.
READER = "ipynb+raw_tex+tex_math_single_backslash+escaped_line_breaks"

#: How the jupyter-math filter re-reads a markdown cell whose math this reading finds otherwise
#: than Jupyter (see pandockit.formula_scan): its formulas replaced by ``@@N@@`` first, as
#: Jupyter hides them from its Markdown parser, so no dollar is left to read as math, and
#: ``\(`` is an escaped ``(`` as in Jupyter's Markdown parser.
MASKED_READER = "ipynb+raw_tex-tex_math_dollars+escaped_line_breaks"

#: The same, for a cell whose HTML blocks Jupyter ends at a blank line (pandoc reads a balanced
#: element as one raw block): each block is put in a raw ``html`` fence first
#: (:func:`pandockit.commonmark_html.fenced`), which ``raw_attribute`` reads as raw HTML.
FENCED_READER = MASKED_READER + "+raw_attribute"

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

#: pandoc-server's names for the values of ``--ipynb-output``.
_SERVER_IPYNB_OUTPUT = {"all": "IpynbOutputAll", "none": "IpynbOutputNone",
                        "best": "IpynbOutputBest"}


class Conversion:
    """One kind of pandoc run: from, to, and the options that shape it. (A plain class: the
    dataclasses module costs the start of a prefetched read 5 ms of imports.)"""

    def __init__(
        self, source: str, target: str, ipynb_output: str = "all", wrap: str | None = None
    ) -> None:
        self.source, self.target, self.ipynb_output, self.wrap = source, target, ipynb_output, wrap

    def args(self) -> list[str]:
        """As pandoc's command-line arguments."""
        out = ["-f", self.source, "-t", self.target, f"--ipynb-output={self.ipynb_output}"]
        if self.wrap is not None:
            out.append(f"--wrap={self.wrap}")
        return out

    def params(self) -> dict[str, str]:
        """As the parameters of a pandoc-server request (without its ``text``)."""
        out = {"from": self.source, "to": self.target,
               "ipynb-output": _SERVER_IPYNB_OUTPUT[self.ipynb_output]}
        if self.wrap is not None:
            out["wrap"] = self.wrap
        return out


#: The read: notebook JSON in, pandoc's JSON AST out. ``ipynb_output="all"`` (for both runs):
#: the reader otherwise already picks one representation per output (measured: text/plain over
#: text/latex for -t json); the outputs filter picks instead. pandoc-server applies the option
#: to a write too (its default would drop output representations); the command line does not.
READ = Conversion(READER, "json")
#: The write: the filtered AST as JSON in, the post body out, never wrapped.
WRITE = Conversion("json", WRITER, wrap="none")

READ_ARGS = READ.args()
WRITE_ARGS = WRITE.args()
