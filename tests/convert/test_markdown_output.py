"""``text/markdown`` outputs made HTML (pandockit.markdown_output) and how each ``--html`` mode
writes them into the post: in process, without Jekyll (tests/browser/test_sanitize_jekyll.py builds
the pages)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import nbformat.v4 as nbv
from converting import convert
from selectolax.lexbor import LexborHTMLParser

from pandockit import markdown_output, pandoc
from pandockit.config import resolve_options

ISSUE = ('<script>alert(1)</script><img src=x onerror=alert(2)>'
         '<a href="javascript:alert(3)">x</a>')


def test_markdown_read_as_jupyter_renders_it() -> None:
    (out,) = markdown_output.to_html(
        ["<div class=a>\n\n*md* and $x<y$\n\n</div>\n\nafter `{: x}`"], drop=False)
    node = LexborHTMLParser(out)
    assert node.css_first("div.a em").text() == "md"  # CommonMark: the Markdown is in the div
    assert "$x&lt;y$" in out  # the formula as written, escaped for HTML
    assert node.css_first("code").text() == "{: x}"


def test_drop_removes_raw_html_and_keeps_the_markdown() -> None:
    (out,) = markdown_output.to_html(
        ["a <b onclick=x>bold</b> *b*\n\n<div>\nblock\n</div>\n\nend"], drop=True)
    assert "<b" not in out and "onclick" not in out and "block" not in out
    assert "bold" in out and "<em>b</em>" in out and "end" in out


def test_all_outputs_of_a_notebook_in_two_pandoc_runs(monkeypatch) -> None:
    calls = []
    real = markdown_output.run_pandoc

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(markdown_output, "run_pandoc", counted)
    texts = [f"<i>{n}</i> <!--pandockit-split-->" for n in range(5)]
    out = markdown_output.to_html(texts, drop=False)
    assert len(calls) == 2 and [LexborHTMLParser(o).css_first("i").text() for o in out] == [
        str(n) for n in range(5)]
    assert pandoc.FENCED_READER in calls[0]


def _post(tmp_path: Path, mode: str, data: dict) -> str:
    cells = [nbv.new_code_cell("show()", outputs=[nbv.new_output("display_data", data=data)])]
    nb = tmp_path / "2021-04-05-md.ipynb"
    nbformat.write(nbv.new_notebook(cells=cells), str(nb))
    site = tmp_path / mode
    return convert(nb, site, resolve_options(site, {"html": mode})).post.read_text("utf-8")


def test_each_mode_writes_the_issue_output(tmp_path: Path) -> None:
    data = {"text/markdown": ISSUE, "text/plain": "plain"}
    keep = _post(tmp_path, "keep", data)
    assert '<div class="pandockit-html">\n<script>alert(1)</script>' in keep
    sanitize = _post(tmp_path, "sanitize", data)
    assert "<script" not in sanitize and "onerror" not in sanitize
    assert "javascript:" not in sanitize and '<img src="x">' in sanitize
    drop = _post(tmp_path, "drop", data)
    body = drop.split("---", 2)[2]
    assert "<img" not in body and "alert" not in body and "pandockit-html" not in body


def test_plain_markdown_output_unchanged_with_keep(tmp_path: Path) -> None:
    data = {"text/markdown": "**bold**, 1 < 2 and [a link](https://example.org)",
            "text/plain": "p"}
    keep = _post(tmp_path, "keep", data)
    # no tag: kramdown reads it, as before
    assert "**bold**, 1 < 2 and [a link](https://example.org)" in keep
    sanitize = _post(tmp_path, "sanitize", data)
    assert '<strong>bold</strong>, 1 &lt; 2 and <a href="https://example.org" ' \
        'rel="noopener noreferrer">' in sanitize
