"""fastpages' rules, one by one: detection and the options init writes, the first cell read as
fastpages read it, post names, notebooks directly in _notebooks/, notes and embeds."""

from __future__ import annotations

import io
import json
import os
import re
from datetime import date
from pathlib import Path

import panflute as pf
import pypandoc
import pytest

from pandockit import cli, fastpages, post_names
from pandockit.builder import discover
from pandockit.config import CHOICES, DEFAULTS, resolve_options
from pandockit.filter_route import job_from_metadata
from pandockit.filters import notes
from pandockit.front_matter_sources import collect, parse_fastpages, parse_fastpages_exact
from pandockit.job import attach
from pandockit.pandoc import READER
from pandockit.plan import plan_post


def md(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def nb(*cells: dict) -> dict:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 4}


# --- detection and options ------------------------------------------------------------------


def test_detect_a_fastpages_repository(tmp_path: Path) -> None:
    assert not fastpages.detect(tmp_path)
    (tmp_path / "_action_files").mkdir()
    assert fastpages.detect(tmp_path)


def test_site_options_are_options_any_site_can_set(tmp_path: Path) -> None:
    options = fastpages.site_options()
    assert options == {"recursive": False, "post-names": "fastpages",
                       "first-cell": "fastpages", "notes": True}
    for key, value in options.items():
        assert key in DEFAULTS and DEFAULTS[key][1]  # declared, with a help text
        assert value != DEFAULTS[key][0]  # each changes a default
        assert key not in CHOICES or value in CHOICES[key]
    lines = "".join(f"  {k}: {json.dumps(v)}\n" for k, v in options.items())
    (tmp_path / "_config.yml").write_text("pandockit:\n" + lines)
    resolved = resolve_options(tmp_path)
    assert {k: resolved[k] for k in options} == options
    assert {k: resolved.sources[k] for k in options} == dict.fromkeys(options, "_config.yml")
    assert fastpages.site_options(tmp_path) == options
    (tmp_path / "_layouts").mkdir()
    (tmp_path / "_layouts" / "notebook.html").write_text("---\nlayout: post\n---\n")
    assert fastpages.site_options(tmp_path) == {**options, "front-matter": {"layout": "notebook"}}


# --- the first cell -------------------------------------------------------------------------

ECONOMIST = (
    '# "Reconstructing Economist graph with Altair"\n'
    '> "#30DayChartChallenge #altair #day12"\n\n- toc: true\n- branch: master\n'
    "- badges: true\n- comments: true\n- author: Lode Nachtergaele\n"
    "- categories: [cast42, jupyter, altair]\n"
    "- image: images/Economist_stye%3B_30dayschartchallenge_day12.png"
)


def test_exact_reading_of_a_real_first_cell() -> None:
    found = parse_fastpages_exact(ECONOMIST)
    assert found is not None and not found.dropped_text
    assert found.front_matter == {
        "title": "Reconstructing Economist graph with Altair",
        "description": "#30DayChartChallenge #altair #day12",
        "toc": True, "branch": "master", "badges": True, "comments": True,
        "author": "Lode Nachtergaele", "categories": ["cast42", "jupyter", "altair"],
        "image": "images/Economist_stye%3B_30dayschartchallenge_day12.png",
    }


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# T\n> s\n- toc:true", {"title": "T", "description": "s", "toc": True}),
        ("# T\n> s\n-   toc  :   false  ", {"title": "T", "description": "s", "toc": False}),
        ("# T\n> s\n- search exclude: true", {"title": "T", "description": "s",
                                              "search exclude": True}),
        ("# T\n> s\n- hide:", {"title": "T", "description": "s", "hide": None}),
        ("# T\n> s\n- title: Other", {"title": "Other", "description": "s"}),
        ("# T\n\n\n> s", {"title": "T", "description": "s"}),
        # only newlines between heading and summary: a blank line with a space is not one
        ("# T\n \n> s", {"title": "T"}),
        # only the first summary line
        ("# T\n> one\n> two", {"title": "T", "description": "one"}),
        ("# T\n> see [a](http://x/y)", {"title": "T",
                                         "description": "see <a href='http://x/y'>a</a>"}),
        ("# Part 1: the start\n> s", {"title": "Part 1: the start", "description": "s"}),
        ("  \n# T", {"title": "T"}),
        ("# T\n- categories: [a, b]\n* star: no", {"title": "T", "categories": ["a", "b"]}),
    ],
)
def test_exact_reading_rules(source: str, expected: dict) -> None:
    found = parse_fastpages_exact(source)
    assert found is not None and found.front_matter == expected


def test_exact_reading_takes_no_cell_that_does_not_open_with_a_title() -> None:
    assert parse_fastpages_exact("Intro\n# T\n> s") is None
    assert parse_fastpages_exact("## T\n> s") is None


def test_exact_reading_takes_the_first_markdown_cell_with_a_title_and_drops_it() -> None:
    node = nb(md("Intro text"), md("# T\n> s\n- toc:true\n\nSome text"), md("# Later\n> x"))
    sources = collect(node, first_cell="fastpages")
    assert sources.values["title"] == "T"
    assert sources.values["toc"] is True
    assert [(e.index, e.rest) for e in sources.edits] == [(1, "")]
    assert len(sources.warnings) == 1 and "fastpages left it out" in sources.warnings[0]


def test_pandockit_reading_needs_no_space_after_the_colon_either() -> None:
    assert parse_fastpages("# T\n> s\n\n- toc:true\n- badges: false") == {
        "title": "T", "description": "s", "toc": True, "badges": False,
    }
    assert parse_fastpages("# Links\n> mine\n\n- https://example.com") is None
    # a cell with other text is prose there, not front matter (fastpages dropped it)
    assert parse_fastpages("# T\n> s\n- toc: true\n\nSome text") is None


# --- post names and notebooks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2020-01-28-Altair.ipynb", "2020-01-28-Altair"),
        ("2020-01-28-My Post.ipynb", "2020-01-28-My-Post"),
        ("My Undated Post.ipynb", "2021-06-14-My-Undated-Post"),
        ("01-intro notes.ipynb", "2021-06-14-intro-notes"),
        ("2020-1-5-not-padded.ipynb", "2021-06-14-not-padded"),  # fastpages' date test failed
        ("2020.ipynb", "2021-06-14-post"),
    ],
)
def test_fastpages_post_names(name: str, expected: str) -> None:
    assert post_names.fastpages_stem(name, date(2021, 6, 14)) == expected


def test_undated_notebook_is_dated_by_modification_time_minus_one_day(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("pandockit:\n  post-names: fastpages\n")
    path = tmp_path / "My Post.ipynb"
    path.write_text(json.dumps(nb(md("# T\n> s"))))
    stamp = 1623758400  # 2021-06-15 12:00 UTC
    os.utime(path, (stamp, stamp))
    planned = plan_post(path, resolve_options(tmp_path))
    assert planned.stem == "2021-06-14-My-Post"


def test_only_notebooks_directly_in_the_folder(tmp_path: Path) -> None:
    for rel in ("a.ipynb", "drafts/b.ipynb", "data/deep/c.ipynb", ".hidden/d.ipynb"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    assert [p.name for p in discover(tmp_path)] == ["a.ipynb", "c.ipynb", "b.ipynb"]
    assert [p.name for p in discover(tmp_path, recursive=False)] == ["a.ipynb"]


# --- notes and embeds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "src"),
    [
        ("https://youtu.be/hk0arqhcX9U?t=3570", "https://www.youtube.com/embed/hk0arqhcX9U?start=3570"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube.com/embed/dQw4w9WgXcQ"),
        ("https://youtube.com/embed/dQw4w9WgXcQ?start=5", "https://www.youtube.com/embed/dQw4w9WgXcQ?start=5"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/x\" onload=\"alert(1)", None),
        ("javascript:alert(1)", None),
        ("https://example.com/watch?v=dQw4w9WgXcQ", None),
    ],
)
def test_youtube_urls(url: str, src: str | None) -> None:
    assert notes.youtube_embed(url) == src


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://twitter.com/jakevdp/status/1204765621767901185?s=20",
         "https://twitter.com/jakevdp/status/1204765621767901185"),
        ("https://x.com/a_b/status/12", "https://twitter.com/a_b/status/12"),
        ("https://twitter.com/jakevdp", None),
        ("https://evil.com/a/status/1", None),
    ],
)
def test_tweet_urls(url: str, canonical: str | None) -> None:
    assert notes.tweet_url(url) == canonical


def run_notes(markdown: str, on: bool = True) -> list[pf.Block]:
    node = nb(md(markdown))
    ast = json.loads(pypandoc.convert_text(json.dumps(node), "json", format=READER))
    doc = pf.load(io.StringIO(json.dumps(ast)))
    doc.metadata["pandockit"] = {"notes": on}  # as -M pandockit.notes=... gives it
    attach(doc, job_from_metadata(doc))  # the filter route's adapter: a job without cells
    doc = notes.main(doc)
    return list(doc.content[0].content)


def test_note_lines_become_boxes_and_others_stay_quotes() -> None:
    blocks = run_notes("> plain\n> Warning: *careful*\n> after\n\n> NOTE: shouting")
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["BlockQuote", "RawBlock", "Para", "RawBlock", "BlockQuote", "RawBlock",
                     "Para", "RawBlock"]
    assert 'pandockit-note-warning" markdown="1"' in blocks[1].text
    assert pf.stringify(blocks[2]).strip() == "Warning: careful"
    assert pf.stringify(blocks[4]).strip() == "after"
    assert pf.stringify(blocks[6]).strip() == "Note: shouting"


def test_notes_are_off_unless_asked_and_other_words_stay() -> None:
    assert [type(b).__name__ for b in run_notes("> Note: x", on=False)] == ["BlockQuote"]
    assert [type(b).__name__ for b in run_notes("> Remark: x")] == ["BlockQuote"]


def test_embed_in_a_list_item_and_bad_url_stays_a_quote() -> None:
    blocks = run_notes("1. item\n\n    > twitter: https://twitter.com/a/status/1\n")
    [item] = blocks[0].content
    raws = [b.text for b in item.content if isinstance(b, pf.RawBlock)]
    assert len(raws) == 2 and "twitter-tweet" in raws[0] and "widgets.js" in raws[1]
    assert [type(b).__name__ for b in run_notes("> youtube: not a url")] == ["BlockQuote"]


def test_every_option_has_a_command_line_flag(tmp_path: Path, capsys) -> None:
    status = cli.main(["config", "--site", str(tmp_path), "--notes", "--first-cell",
                       "fastpages", "--post-names", "fastpages", "--no-recursive"])
    out = capsys.readouterr().out
    assert status == 0
    for line in ("recursive: false", "post-names: fastpages", "first-cell: fastpages",
                 "notes: true"):
        assert re.search(rf"^{line}\s+# command line$", out, re.M), line
