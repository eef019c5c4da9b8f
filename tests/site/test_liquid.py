"""Liquid protection (pandockit.liquid): raw spans over notebook text, pandockit's Liquid live."""

from __future__ import annotations

import re
from pathlib import Path

import panflute as pf

from pandockit import liquid
from pandockit.liquid import BASEURL_MARKER, LIVE_END, LIVE_START, RAW_CLOSE, RAW_OPEN

#: Texts that Liquid would run, or that would end a raw span early.
NASTY = [
    "{{ page.title }}",
    "{% include missing.html %}",
    "{% endraw %}",
    "{%- endraw -%}",
    "{%endraw%}",
    "{%  endraw  %} and {% raw %}",
    "{{ a {% endraw %} }}",
    "{{{ x }}}",
    "\\frac{{a}}{b}",
    "{% comment %} not a comment",
    "{%",
    "{{",
    "}} and %}",
    "{% endraw",
    "{ {% endraw %}",
]


def test_text_without_liquid_is_untouched() -> None:
    text = "# Title\n\nNo braces { here } or %} there.\n"
    assert liquid.protect(text) == text


def test_one_span_from_the_first_to_the_last_line_that_needs_it() -> None:
    text = "intro\n\nA {{ x }} b\n\nmiddle\n\nC {% y %}\n\nend\n"
    out = liquid.protect(text)
    assert out == f"intro\n\n{RAW_OPEN}A {{{{ x }}}} b\n\nmiddle\n\nC {{% y %}}{RAW_CLOSE}\n\nend\n"


def test_pandockit_baseurl_stays_live_between_spans() -> None:
    text = f"first\n\n{{{{ a }}}}\n\n![png]({BASEURL_MARKER}/assets/x.png)\n\n{{{{ b }}}}\n"
    out = liquid.protect(text)
    assert out.count(RAW_OPEN) == out.count(RAW_CLOSE) == 2
    assert "![png]({{ site.baseurl }}/assets/x.png)" in out
    outside = re.sub(r"\{% raw %\}.*?\{% endraw %\}", "", out, flags=re.S)
    assert "{{ site.baseurl }}" in outside


def test_notebook_endraw_breaks_the_span_and_is_printed() -> None:
    out = liquid.protect("first\n\na {% endraw %} b\n")
    assert out == 'first\n\n{% raw %}a {% endraw %}{{ "{%" }}{% raw %} endraw %} b{% endraw %}\n'


def test_the_excerpt_holds_no_liquid_tag() -> None:
    """Jekyll's excerpt ends at the first blank line; a raw span open there makes it warn."""
    out = liquid.protect("A {% if x %} and {{ y }}\nstill first\n\n{% for %}\n")
    head, tail = out.split("\n\n", 1)
    assert head == 'A {{ "{%" }} if x %} and {{ "{{" }} y }}\nstill first'
    assert tail == "{% raw %}{% for %}{% endraw %}\n"


def test_link_definitions_stay_out_of_raw_spans() -> None:
    """Jekyll copies link definitions of the whole post into the excerpt, outside any span."""
    out = liquid.protect("first\n\n{{ a }}\n[ref]: http://x/{{ b }}\n{{ c }}\n")
    assert '\n[ref]: http://x/{{ "{{" }} b }}\n' in out
    assert "{% raw %}{{ a }}{% endraw %}" in out and "{% raw %}{{ c }}{% endraw %}" in out


def test_liquid_off_writes_the_baseurl_and_no_tags() -> None:
    text = f"{LIVE_START}\n{{{{ x }}}}\n{LIVE_END}\n![a]({BASEURL_MARKER}/p.png) {{% y %}}\n"
    out = liquid.protect(text, baseurl="/blog/")
    assert out == "{{ x }}\n![a](/blog/p.png) {% y %}\n"


def test_live_region_is_left_unprotected() -> None:
    live = f"{LIVE_START}\n\n{{% include a.html %}}\n\n{LIVE_END}\n\n"
    text = f"first\n\n{{{{ lit }}}}\n\n{live}{{{{ z }}}}\n"
    out = liquid.protect(text)
    assert "{% raw %}{{ lit }}{% endraw %}" in out
    assert "{% raw %}{{ z }}{% endraw %}" in out
    assert "\n{% include a.html %}\n" in out
    assert LIVE_START not in out and LIVE_END not in out


def test_live_cell_brackets_only_tagged_markdown_cells() -> None:
    para = pf.Para(pf.Str("x"))
    tagged = pf.Div(classes=["cell", "markdown"], attributes={"tags": '["liquid"]'})
    plain = pf.Div(classes=["cell", "markdown"], attributes={"tags": '["other"]'})
    code = pf.Div(classes=["cell", "code"], attributes={"tags": '["liquid"]'})
    out = liquid.live_cell(tagged, [para], "liquid")
    assert [b.text.strip() for b in (out[0], out[-1])] == [LIVE_START, LIVE_END]
    assert liquid.live_cell(plain, [para], "liquid") == [para]
    assert liquid.live_cell(code, [para], "liquid") == [para]


def test_nasty_texts_come_out_of_jekyll_literally(make_site) -> None:
    """Each nasty text in a code block, protected, built by real Jekyll; the baseurl live."""
    site = make_site({"baseurl": "/blog"})
    blocks = []
    for n, text in enumerate(NASTY):
        blocks.append(f"```text\n{n}:{text}\n```\n")
    # the first ones fall in the excerpt (written with Liquid strings), the rest in raw spans
    body = "\n".join(blocks) + f"\n![img]({BASEURL_MARKER}/x.png)\n\n" + "\n".join(blocks)
    post = site.path / "_posts" / "2024-01-01-nasty.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text("---\nlayout: post\ntitle: nasty\n---\n\n" + liquid.protect(body))
    result = site.build()
    assert not re.search(r"liquid|warn|error", result.output.replace(str(site.path), ""), re.I)
    page = site.post_html(post)
    import html

    codes = [html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", page, re.S)]
    assert [c.rstrip("\n") for c in codes] == [f"{n}:{t}" for n, t in enumerate(NASTY)] * 2
    assert 'src="/blog/x.png"' in page


def test_cells_filter_marks_tagged_cells(tmp_path: Path) -> None:
    """Through the whole pipeline, a cell tagged with the configured tag stays live."""
    import nbformat
    from converting import render_notebook
    from nbformat.v4 import new_markdown_cell, new_notebook

    from pandockit.config import resolve_options
    from pandockit.notebook import read_notebook

    nb = new_notebook()
    live = new_markdown_cell("{% include note.html %}")
    live.metadata["tags"] = ["live"]
    nb.cells = [new_markdown_cell("First."), new_markdown_cell("{{ shown }}"), live]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, str(path))
    (tmp_path / "_config.yml").write_text("pandockit:\n  liquid-tag: live\n")
    post, _ = render_notebook(read_notebook(path), resolve_options(tmp_path))
    body = post.text.split("---\n", 2)[2]
    assert "{% raw %}{{ shown }}{% endraw %}" in body
    assert re.search(r"^\{% include note.html %\}$", body, re.M)
