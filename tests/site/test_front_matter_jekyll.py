"""Front matter through real Jekyll: tricky values from every source (notebook metadata, a YAML
block, the command line, titles) and every corpus post's front matter, as Jekyll parses them,
equal what pandockit wrote (the front matter on small notebooks:
tests/filters/front-matter/test_front_matter.py)."""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import yaml
from jekyll_site import JekyllSite
from test_front_matter import md, notebook, post_of, save, split_post

from pandockit import yamltext

# --- through real Jekyll ---------------------------------------------------------------------

#: Values that break hand-written YAML or that Ruby's YAML reads differently from Python's.
TRICKY = [
    ":smile: Hello", "Part 1: the start", 'She said "hi"', "it's", "#hashtag", "C# and F#",
    "@mention", "`code`", "ünïcödé 日本語 😀", "line one\nline two", "ends with a newline\n",
    "\n---\n", "a\n---\nb", "---", "...", "yes", "no", "on", "off", "null", "~", "1,000", "1e3",
    "0x1F", "+.5", "2020-01-01", "2020-1-1", "12:30", "{{ page.title }}", "{% raw %}",
    "* star", "- dash", "[not, a, list]", "{not: map}", "&anchor", "*alias", "!tag", "%pct",
    "| pipe", "> gt", "a: b # c", " padded ", "tab\there", "back\\slash", "'single'",
    '"double"', "ends with colon:", "?", "=", "<<", "\u2028separator", "nel\x85", "\ufeffbom",
    "", "   ",
]

#: The layout of the round-trip site: each key of ``site.data.fmkeys`` as Jekyll parsed it.
DUMP_LAYOUT = """<!DOCTYPE html>
<meta name="pandockit-source" content="{{ page.path }}">
{% for key in site.data.fmkeys %}<pre data-key="{{ key | escape }}">
{{- page[key] | jsonify | escape -}}
</pre>{% endfor %}
"""


def dump_site(path: Path, keys: list[str]) -> JekyllSite:
    site = JekyllSite(path)
    for name in ("post", "notebook", "default"):
        (site.path / "_layouts" / f"{name}.html").write_text(DUMP_LAYOUT, encoding="utf-8")
    (site.path / "_data").mkdir(exist_ok=True)
    (site.path / "_data" / "fmkeys.yml").write_text(yaml.safe_dump(sorted(keys)))
    return site


def jekyll_values(page: str) -> dict:
    """Key -> value as Jekyll parsed it, from a page built with :data:`DUMP_LAYOUT`."""
    return {
        html.unescape(k): json.loads(html.unescape(v))
        for k, v in re.findall(r'<pre data-key="([^"]*)">(.*?)</pre>', page, re.S)
    }


def as_json(value):
    """A front matter value as Jekyll's ``jsonify`` shows it (dates as text)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def test_tricky_values_round_trip_through_jekyll_from_every_source(tmp_path: Path) -> None:
    values = {f"t{i}": v for i, v in enumerate(TRICKY)}
    folder = tmp_path / "nb"
    block = yaml.safe_dump(values, sort_keys=False)  # escaped: raw NEL is a YAML line break
    notebooks = {
        "2020-01-01-metadata.ipynb": (notebook(md("x"), jekyll=dict(values)), None),
        "2020-01-02-yaml-block.ipynb": (notebook(md(f"---\n{block}---\nBody.")), None),
        "2020-01-03-cli.ipynb": (notebook(md("x")), dict(values)),
    }
    titles = {}
    for i, value in enumerate(v for v in TRICKY if v.strip()):
        name = f"2020-02-{i % 28 + 1:02d}-title-{i}.ipynb"
        notebooks[name] = (notebook(md("x"), jekyll={"title": value}), None)
        titles[name] = value
    site = dump_site(tmp_path / "site", [*values, "title"])
    posts = {}
    for name, (node, cli_meta) in notebooks.items():
        _, _, posts[name] = post_of(save(folder, name, node), site.path, None, cli_meta)
    site.build()
    for name, post in posts.items():
        written, _ = split_post(post.read_text(encoding="utf-8"))
        got = jekyll_values(site.post_html(post))
        assert yamltext.load(yamltext.dump(written)) == written
        if name in titles:
            assert written["title"] == got["title"] == titles[name], name
        else:
            for key, value in values.items():
                assert written[key] == value, (name, key)
                assert got[key] == value, (name, key)


def test_every_corpus_post_keeps_its_front_matter_in_jekyll(corpus_build, tmp_path: Path):
    """The corpus converted once (conftest's corpus site): every post's front matter, as
    Jekyll parses it, equals what pandockit wrote, key by key."""
    written = {}
    for post in corpus_build.posts.values():
        written[post.name], _ = split_post(post.read_text(encoding="utf-8"))
    keys = sorted({k for fm in written.values() for k in fm} - {"date", "categories"})
    site = dump_site(tmp_path / "site", keys)
    shutil.copytree(corpus_build.site.path / "_posts", site.path / "_posts")
    site.build()
    assert len(written) == len(corpus_build.posts)
    for post in sorted((site.path / "_posts").glob("*.md")):
        fm = written[post.name]
        got = jekyll_values(site.post_html(post))
        assert fm["generator"] == "pandockit"
        for key in keys:
            if key in fm:
                assert got[key] == as_json(fm[key]), (post.name, key)
        if "categories" in fm:
            assert got.get("categories", fm["categories"]) == fm["categories"]
