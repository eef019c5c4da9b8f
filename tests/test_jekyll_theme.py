"""What a site gives its posts (:mod:`pandockit.jekyll_theme`) and what ``pandockit init`` says
of it, on small sites written here: the layout (``defaults:``, ``post``, ``default``), the
head hook of any layout chain, a theme's own math library and its switch. The same shapes are
built with Jekyll and read in Chromium in ``test_themes.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pandockit import jekyll_theme as jt
from pandockit.config import resolve_options, with_post_site
from pandockit.front_matter_sources import collect
from pandockit.site.init import InitOptions, init

LINE = "{%- include pandockit-head.html -%}"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def posts_scope(path: object = "", kind: object = "posts", layout: str = "single") -> dict:
    return {"defaults": [{"scope": {"path": path, "type": kind}, "values": {"layout": layout}}]}


@pytest.mark.parametrize("config, expected", [
    (posts_scope(), "single"),
    (posts_scope(path="_posts"), "single"),
    (posts_scope(kind=None), "single"),  # a scope for every document covers posts
    ({"defaults": [{"scope": {"path": ""}, "values": {"layout": "default"}}]}, "default"),
    (posts_scope(kind="pages"), None),
    (posts_scope(path="_drafts"), None),
    ({"defaults": [{"scope": {"path": ""}, "values": {"toc": True}}]}, None),
    ({"defaults": "nonsense"}, None),
    ({}, None),
])
def test_defaults_give_posts_a_layout_only_through_a_scope_that_covers_them(
    config: dict, expected: str | None
) -> None:
    assert jt.defaults_layout(config) == expected


def test_the_more_specific_scope_wins_as_in_jekyll() -> None:
    config = {"defaults": [
        {"scope": {"path": "_posts", "type": "posts"}, "values": {"layout": "single"}},
        {"scope": {"path": ""}, "values": {"layout": "default"}},
    ]}
    assert jt.defaults_layout(config) == "single"


def test_layout_choice_defaults_then_post_then_default_then_post(tmp_path: Path) -> None:
    site = write(tmp_path / "s", {"_layouts/default.html": "<html></html>"})
    assert jt.choose_layout(site, posts_scope(), None, "_posts").layout is None
    chosen = jt.choose_layout(site, {}, None, "_posts")
    assert (chosen.layout, chosen.layouts) == ("default", frozenset({"default"}))
    write(site, {"_layouts/post.md": "---\nlayout: default\n---\n{{ content }}"})
    assert jt.choose_layout(site, {}, None, "_posts").layout == "post"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert jt.choose_layout(empty, {}, None, "_posts").layout == "post"  # nothing seen
    missing = jt.choose_layout(empty, {"theme": "no-such-theme-gem"}, None, "_posts")
    assert (missing.layout, missing.layouts) == ("post", None)  # its layouts unknown


def test_posts_get_no_layout_key_when_the_site_defaults_give_one_and_an_explicit_one_wins(
    tmp_path: Path
) -> None:
    site = write(tmp_path, {"_config.yml": "defaults:\n  - scope: {path: '', type: posts}\n"
                                           "    values: {layout: single}\n"})
    given = with_post_site(resolve_options(site), site).post_site
    assert (given.layout, given.applied) == (None, "single")
    node = {"cells": [], "metadata": {}}
    assert "layout" not in collect(node, layout=given.layout).values
    node["metadata"] = {"jekyll": {"layout": "wide"}}
    assert collect(node, layout=given.layout).values["layout"] == "wide"
    assert collect({"cells": [], "metadata": {}}, {"layout": "notebook"},
                   layout="post").values["layout"] == "notebook"


MATHJAX = """{% if page.math %}
<script>MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']]}};</script>
<script id="MathJax-script" src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js">
</script>
{% endif %}"""


def own_math_site(root: Path, script: str = MATHJAX, guard: str = "") -> Path:
    return write(root, {
        "_config.yml": "title: t\n",
        "_layouts/post.html": "---\nlayout: default\n---\n<article>{{ content }}</article>",
        "_layouts/default.html": "<html>{% include head.html %}<body>{{ content }}"
                                 f"{guard or ''}{{% include scripts.html %}}"
                                 f"{'{% endif %}' if guard else ''}</body></html>",
        "_includes/head.html": "<head><title>x</title>{% include metadata-hook.html %}</head>",
        "_includes/metadata-hook.html": "",
        "_includes/scripts.html": script,
    })


def test_a_theme_mathjax_behind_page_math_is_found_with_its_switch(tmp_path: Path) -> None:
    site = own_math_site(tmp_path)
    chain = jt.layout_chain(site, None, "post")
    math = jt.theme_math(site, None, chain)
    assert math is not None and (math.library, math.source.rel) == (
        "MathJax", "_includes/scripts.html")
    assert (math.page_keys, math.site_keys) == (("math",), ())
    assert jt.reads_dollars(math) and jt.missing_delimiters(math) == []
    assert jt.post_site(site, {}).math_key == "math"


def test_a_condition_around_the_include_counts_and_site_keys_are_told(tmp_path: Path) -> None:
    script = '<script src="https://cdn.example/mathjax/tex-chtml.js"></script>'
    site = own_math_site(tmp_path, script, guard="{% if site.mathjax %}")
    math = jt.theme_math(site, None, jt.layout_chain(site, None, "post"))
    assert math is not None and (math.page_keys, math.site_keys) == ((), ("mathjax",))
    lines = init(site, InitOptions()).lines(site, False)
    assert "to do: in _config.yml, set 'mathjax: true': the theme loads MathJax only then" \
        in lines
    include = (site / "_includes" / "pandockit-head.html").read_text()
    scripts = re.findall(r"<script[^>]*>", include)
    assert scripts and not any("mathjax" in s.lower() for s in scripts)  # the copy buttons' only
    assert "MathJax =" not in include and "tex-" not in include


def test_a_theme_mathjax_that_misses_a_delimiter_is_told_in_one_line(tmp_path: Path) -> None:
    script = ("<script>window.MathJax = {tex: {inlineMath: [['$', '$']], displayMath: "
              "[['$$', '$$']]}};</script><script src='/mathjax/tex-svg.js'></script>")
    site = own_math_site(tmp_path, script)
    lines = init(site, InitOptions()).lines(site, False)
    todo = [line for line in lines if line.startswith("to do")]
    assert todo == ["to do: in _includes/scripts.html, let MathJax read \\(..\\) and \\[..\\]: "
                    "pandockit's posts write their math so"]


def test_katex_with_its_default_delimiters_needs_nothing(tmp_path: Path) -> None:
    script = ('<script defer src="https://cdn.jsdelivr.net/npm/katex/dist/contrib/'
              'auto-render.min.js" onload="renderMathInElement(document.body);"></script>')
    site = own_math_site(tmp_path, script)
    lines = init(site, InitOptions()).lines(site, False)
    assert ("the theme loads KaTeX itself (_includes/scripts.html): pandockit's head include "
            "loads none") in lines
    assert not [line for line in lines if line.startswith("to do")]


def test_no_theme_math_keeps_pandockits_mathjax(tmp_path: Path) -> None:
    site = own_math_site(tmp_path, "<script src='/assets/js/main.js'></script>")
    assert jt.theme_math(site, None, jt.layout_chain(site, None, "post")) is None
    init(site, InitOptions())
    assert "tex-mml-chtml.js" in (site / "_includes" / "pandockit-head.html").read_text()


def test_a_head_of_the_sites_own_without_a_hook_is_never_edited(tmp_path: Path) -> None:
    layout = ("<!doctype html>\n<html>\n  <head>\n    <title>t</title>\n  </head>\n"
              "  <body>{{ content }}</body>\n</html>\n")
    site = write(tmp_path, {"_config.yml": "title: t\n", "_layouts/default.html": layout})
    lines = init(site, InitOptions()).lines(site, False)
    assert (f"to do: add {LINE} inside <head> of _layouts/default.html (your own file), just "
            "before </head> (line 5)") in lines
    assert (site / "_layouts" / "default.html").read_text() == layout


def test_a_theme_not_installed_is_said_plainly(tmp_path: Path) -> None:
    site = write(tmp_path, {"_config.yml": "theme: jekyll-theme-nowhere\n"})
    lines = init(site, InitOptions()).lines(site, False)
    assert ("to do: the theme 'jekyll-theme-nowhere' is not installed here (no gem found): "
            f"install it and run 'pandockit init' again, or add {LINE} inside the <head> of "
            "the layout 'post'") in lines
    assert "posts get the layout 'post' (the theme jekyll-theme-nowhere is not installed here)" \
        in lines


def test_a_hook_included_by_the_head_file_is_found_two_levels_down(tmp_path: Path) -> None:
    site = write(tmp_path, {
        "_config.yml": "title: t\n",
        "_layouts/default.html": "<html>\n<head>\n{% include head.html %}\n</head>\n"
                                 "<body>{{ content }}</body></html>\n",
        "_includes/head.html": "<title>t</title>\n{% include my-site-custom.html %}\n",
        "_includes/my-site-custom.html": "<meta name='a'>",
    })
    lines = init(site, InitOptions()).lines(site, False)
    assert lines[2].startswith("changes _includes/my-site-custom.html: your head hook")
    assert (site / "_includes" / "my-site-custom.html").read_text() == \
        "<meta name='a'>\n" + LINE + "\n"
    assert (site / "_includes" / "head.html").read_text() == \
        "<title>t</title>\n{% include my-site-custom.html %}\n"


@pytest.mark.parametrize("text, keys", [
    ("{% if page.math %}<script src='mathjax.js'>", [("page", "math")]),
    ("{% if page.nomath %}x{% else %}<script src='mathjax.js'>", []),
    ("{% unless page.nomath %}<script src='mathjax.js'>", []),
    ("{% if page.layout == 'post' and page.math %}<script src='mathjax.js'>", [("page", "math")]),
    ("{% case page.layout %}{% when 'post' %}p{% endcase %}{% if site.math %}<script katex>",
     [("site", "math")]),
    ("{% if page.math %}a{% endif %}<script src='mathjax.js'>", []),
])
def test_only_the_truth_tests_guarding_the_script_are_its_switch(text: str, keys: list) -> None:
    at = text.index("<script")
    found = [k for c in jt.open_conditions(text, at) for k in jt._CONDITION_KEY.findall(c)]
    assert found == keys


FASTPAGES_LIKE = """{%- include favicons.html -%}
{% if site.use_math %}
  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/katex@0.11.1/dist/katex.min.css">
  <script src="https://cdn.jsdelivr.net/npm/katex@0.11.1/dist/katex.min.js"></script>
  <script src="https://cdn.jsdelivr.net/npm/katex@0.11.1/dist/contrib/auto-render.min.js"></script>
  <script src="https://cdn.jsdelivr.net/npm/mathjax@2.7.5/MathJax.js?config=TeX-MML-AM_CHTML">
  </script>
  <script>
  document.addEventListener("DOMContentLoaded", function() {
    renderMathInElement(document.body, {delimiters: [{left: "$", right: "$", display: false}]});
  });
  </script>
{% endif %}
"""


@pytest.mark.parametrize("use_math, todo", [(True, []), (False, [
    "to do: in _config.yml, set 'use_math: true': the theme loads MathJax only then"])])
def test_a_hook_loading_katex_and_mathjax_behind_a_site_key_counts_as_mathjax(
    tmp_path: Path, use_math: bool, todo: list[str]
) -> None:
    site = write(tmp_path, {
        "_config.yml": f"use_math: {str(use_math).lower()}\n",
        "_layouts/default.html": "<html>\n<head>\n{%- include custom-head.html -%}\n</head>\n"
                                 "<body>{{ content }}</body></html>\n",
        "_includes/custom-head.html": FASTPAGES_LIKE,
        "_includes/favicons.html": "",
    })
    math = jt.theme_math(site, None, jt.layout_chain(site, None, "default"))
    assert math is not None and (math.library, math.site_keys) == ("MathJax", ("use_math",))
    lines = init(site, InitOptions()).lines(site, False)
    assert [line for line in lines if line.startswith("to do")] == todo
    assert ("_config.yml's 'use_math' turns it on" in lines) is use_math
    hook = (site / "_includes" / "custom-head.html").read_text()
    assert hook == FASTPAGES_LIKE + LINE + "\n"


def test_katex_for_dollars_only_and_a_retired_mathjax_leave_the_math_to_pandockit(
    tmp_path: Path
) -> None:
    head = """<head>
  <title>t</title>
  {% if site.use_math %}
    <script async src="https://cdn.mathjax.org/mathjax/latest/MathJax.js?config=TeX-MML-AM_CHTML">
    </script>
    <script defer src="https://cdn.jsdelivr.net/npm/katex@0.11.1/dist/katex.min.js"></script>
    <script>renderMathInElement(document.body, {delimiters: [
      {left: "$$", right: "$$", display: true}, {left: "$", right: "$", display: false}]});
    </script>
  {% endif %}
</head>
"""
    site = write(tmp_path, {
        "_config.yml": "use_math: true\n",
        "_layouts/default.html": "<html>{% include head.html %}<body>{{ content }}</body></html>",
        "_includes/head.html": head,
    })
    math = jt.theme_math(site, None, jt.layout_chain(site, None, "default"))
    assert math is not None and math.library == "KaTeX"  # the retired CDN loads nothing
    assert not jt.relied_on(math) and jt.post_site(site, {"use_math": True}).math_key is None
    lines = init(site, InitOptions()).lines(site, False)
    assert ("the theme loads KaTeX (_includes/head.html) for other delimiters: pandockit's head "
            "include loads MathJax for its posts' math") in lines
    assert "tex-mml-chtml.js" in (site / "_includes" / "pandockit-head.html").read_text()
    assert (site / "_includes" / "head.html").read_text() == head  # not a hook: a to-do
    assert any(line.startswith(f"to do: add {LINE} inside <head> of _includes/head.html")
               for line in lines)
