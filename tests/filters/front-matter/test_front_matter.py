"""Front matter, post names and dates, end to end: each source and its precedence, titles,
date rules, the future-date warning, collisions, the overwrite guard, and v2/v3 notebooks. Real
notebooks of the corpus (tests/corpus.py) where one exists (fastpages, jekyllnb, Quarto,
nbformat). Every tricky YAML value through real Jekyll: tests/site/test_front_matter_jekyll.py."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import corpus
import pytest
import yaml
from conftest import CORPUS, EXAMPLES
from converting import convert

from pandockit import cli
from pandockit.config import resolve_options
from pandockit.errors import PandockitError
from pandockit.writer import is_pandockit_post

SEED = EXAMPLES / "2022-07-24-Tensor-Products-and-Gradients.ipynb"


# --- helpers ------------------------------------------------------------------------------


def md(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def raw(source: str, **meta) -> dict:
    return {"cell_type": "raw", "metadata": meta, "source": source}


def code(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
            "execution_count": None}


def notebook(*cells: dict, **metadata) -> dict:
    numbered = [dict(c, id=f"cell-{i}") for i, c in enumerate(cells)]
    return {"cells": numbered, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def save(folder: Path, name: str, node: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(node, ensure_ascii=False), encoding="utf-8")
    return path


def split_post(text: str) -> tuple[dict, str]:
    """(front matter, body) of a post, the front matter read as Jekyll finds the block."""
    match = re.match(r"---\n(.*?\n)---\n(.*)", text, re.S)
    assert match, text[:200]
    return yaml.safe_load(match.group(1)), match.group(2)


def headings(body: str) -> str:
    """``body`` without the anchors that give headings their Jupyter ids (tests/filters/anchors)
    and the TOC above them (tests/filters/top)."""
    body = re.sub(r'<div id="[^"]*" class="pandockit-anchor"></div>\n\n', "", body)
    return body.replace("* TOC\n{:toc}\n", "", 1)


def post_of(path: Path, site: Path, config: dict | None = None, metadata: dict | None = None):
    """Convert ``path`` into ``site``: (front matter, body, post path)."""
    if config is not None:
        (site / "_config.yml").parent.mkdir(parents=True, exist_ok=True)
        (site / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    options = resolve_options(site, {"metadata": metadata} if metadata else None)
    post = convert(path, site, options).post
    fm, body = split_post(post.read_text(encoding="utf-8"))
    return fm, body, post


@pytest.fixture
def logged():
    """The messages pandockit logs during a test (warnings and up)."""
    records: list[str] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    logger = logging.getLogger("pandockit")
    handler = _Keep(logging.WARNING)
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.WARNING)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


# --- 1 and 2: defaults and notebook metadata -----------------------------------------------


def test_defaults_then_site_front_matter_keep_their_types(tmp_path: Path) -> None:
    nb = save(tmp_path / "nb", "2020-01-01-a.ipynb", notebook(md("Text.")))
    config = {"pandockit": {"front-matter": {"author": "A", "comments": 3, "ratio": 1.5,
                                             "toc": True, "layout": "page"}}}
    fm, body, _ = post_of(nb, tmp_path / "site", config)
    assert fm == {"layout": "page", "author": "A", "comments": 3, "ratio": 1.5, "toc": True,
                  "title": "a", "generator": "pandockit", "excerpt": ""}  # "Text.": no prose
    assert body.strip() == "Text."


def test_notebook_metadata_mappings_in_order_with_types(tmp_path: Path) -> None:
    node = notebook(
        md("Text."),
        jekyll={"a": 1, "b": 1, "c": 1, "n": 3, "x": 1.5, "flag": False, "list": [1, "2"],
                "nested": {"k": [True, None]}},
        **{"front-matter": {"b": 2, "c": 2}, "front_matter": {"c": 3}},
    )
    fm, _, _ = post_of(save(tmp_path, "2020-01-01-m.ipynb", node), tmp_path / "site")
    assert fm["a"] == 1 and fm["b"] == 2 and fm["c"] == 3
    assert fm["n"] == 3 and fm["x"] == 1.5 and fm["flag"] is False
    assert fm["list"] == [1, "2"] and fm["nested"] == {"k": [True, None]}


@corpus.mark
def test_jekyllnb_metadata(tmp_path: Path) -> None:
    """jekyllnb's hello-world: metadata.jekyll gives layout, permalink and title; the opening
    heading repeats the title, so it leaves the body."""
    nb = corpus.copy(CORPUS / "jekyllnb/hello-world.ipynb", tmp_path / "2020-01-01-hello.ipynb")
    fm, body, _ = post_of(Path(nb), tmp_path / "site")
    assert fm == {"layout": "notebook", "permalink": "/hello/world/", "title": "Hello World!",
                  "generator": "pandockit", "excerpt": "",  # no prose: no first block shown
                  "image": "/assets/nb_files/2020-01-01-hello/output_4_0.png"}  # its plot
    assert "Hello World!" not in body.split("```")[0]
    assert body.lstrip().startswith("```python\nimport numpy as np")


# --- 3: a YAML block opening the first cell -----------------------------------------------


def test_seed_yaml_cell_leaves_no_trace(tmp_path: Path) -> None:
    """The example's first cell is only a YAML block: its post body is exactly the body of the
    same notebook without that cell's text (pandoc made rules and paragraphs of it)."""
    node = json.loads(SEED.read_text(encoding="utf-8"))
    fm, body, _ = post_of(save(tmp_path / "a", SEED.name, node), tmp_path / "s1")
    assert fm["title"] == "A Way to Understand Shapes of Matrix Products and Gradients"
    assert fm["permalink"] == "tensor-products-grads"
    node["cells"][0]["source"] = ""
    _, bare_body, _ = post_of(save(tmp_path / "b", SEED.name, node), tmp_path / "s2")
    assert body == bare_body
    assert body.lstrip().startswith("![png]")


@pytest.mark.parametrize(
    "rest",
    [
        "Some *text* with $x$ and a [link](http://example.com).\n\n## Section\n\n- item",
        "Text right after the block.\n---\nAnd a rule.",
        "Title-like line\n---------------\n\nsetext heading",
    ],
)
def test_yaml_block_with_text_after_keeps_the_text_exactly(tmp_path: Path, rest: str) -> None:
    block = "---\ntitle: From YAML\ntags: [a, b]\n---\n"
    fm, body, _ = post_of(save(tmp_path / "a", "2020-01-01-x.ipynb",
                               notebook(md(block + rest), code("1"))), tmp_path / "s1")
    assert fm["title"] == "From YAML" and fm["tags"] == ["a", "b"]
    _, expected, _ = post_of(save(tmp_path / "b", "2020-01-01-x.ipynb",
                                  notebook(md(rest), code("1"))), tmp_path / "s2")
    assert body == expected


def test_yaml_block_after_a_heading_line(tmp_path: Path) -> None:
    """The seed author's shape: ``# Heading`` then the block. The heading gives the title when
    the block has none (and leaves the body); it stays when the block's title differs."""
    cell = "# Tensor Products\n---\npermalink: /x/\n---\nBody text."
    fm, body, _ = post_of(save(tmp_path / "a", "2020-01-01-x.ipynb", notebook(md(cell))),
                          tmp_path / "s1")
    assert fm["title"] == "Tensor Products" and fm["permalink"] == "/x/"
    assert body.strip() == "Body text."
    cell = "# Tensor Products\n\n---\ntitle: Other\n---\n\nBody text."
    fm, body, _ = post_of(save(tmp_path / "b", "2020-01-01-x.ipynb", notebook(md(cell))),
                          tmp_path / "s2")
    assert fm["title"] == "Other"
    anchor = '<div id="Tensor-Products" class="pandockit-anchor"></div>'  # Jupyter's heading id
    assert body.strip() == anchor + "\n\n# Tensor Products\n\nBody text."


def test_yaml_block_closed_by_dots_and_after_a_code_cell(tmp_path: Path) -> None:
    node = notebook(code("import os"), md("\n---\ntitle: Dots\n...\n"), md("Body."))
    fm, body, _ = post_of(save(tmp_path, "2020-01-01-x.ipynb", node), tmp_path / "site")
    assert fm["title"] == "Dots"
    assert "Dots" not in body and "..." not in body and body.rstrip().endswith("Body.")


@corpus.mark
def test_quarto_raw_cell_yaml(tmp_path: Path) -> None:
    nb = corpus.copy(CORPUS / "quarto/penguins.ipynb", tmp_path / "2021-01-01-penguins.ipynb")
    fm, body, _ = post_of(Path(nb), tmp_path / "site")
    assert fm["title"] == "Palmer Penguins"
    assert "title:" not in body and body.lstrip().startswith("```python\nimport pandas")


def test_raw_cell_keeps_what_follows_its_block(tmp_path: Path) -> None:
    node = notebook(raw("---\ntitle: R\n---\n<p>kept</p>", raw_mimetype="text/html"), md("B."))
    fm, body, _ = post_of(save(tmp_path, "2020-01-01-x.ipynb", node), tmp_path / "site")
    assert fm["title"] == "R"
    assert "<p>kept</p>" in body and "title:" not in body


@corpus.mark
def test_quarto_markdown_yaml_with_nested_values(tmp_path: Path) -> None:
    source = CORPUS / "quarto/manuscript_index.ipynb"
    node = json.loads(source.read_text(encoding="utf-8"))
    first = "".join(node["cells"][0]["source"])
    expected = yaml.safe_load(re.match(r"---\n(.*?)\n---", first, re.S).group(1))
    fm, body, post = post_of(corpus.copy(source, tmp_path), tmp_path / "site")
    for key, value in expected.items():
        assert fm[key] == value, key
    assert post.name == "2022-05-11-manuscript_index.md".replace("_", "-")  # its own date
    assert "orcid" not in body and headings(body).lstrip().startswith("## Introduction")


def test_a_block_that_is_not_a_mapping_stays_in_the_body(tmp_path: Path) -> None:
    node = notebook(md("---\n\nJust prose between rules.\n\n---\n\nMore."))
    fm, body, _ = post_of(save(tmp_path, "2020-01-01-x.ipynb", node), tmp_path / "site")
    assert "Just prose between rules." in body and fm["title"] == "x"


def test_only_the_first_text_cell_holds_front_matter(tmp_path: Path) -> None:
    node = notebook(md("Intro."), md("---\ntitle: Not front matter\n---"))
    fm, body, _ = post_of(save(tmp_path, "2020-01-01-x.ipynb", node), tmp_path / "site")
    assert fm["title"] == "x" and "Not front matter" in body


def test_invalid_flat_yaml_is_read_line_by_line_with_a_warning(tmp_path, logged) -> None:
    """fastpages' most common failure: an unquoted colon in a title."""
    cell = "---\ntitle: Part 1: the start\ntags: [a, b]\ncount: 3\n---\nBody."
    fm, body, _ = post_of(save(tmp_path, "2020-01-01-x.ipynb", notebook(md(cell))),
                          tmp_path / "site")
    assert fm["title"] == "Part 1: the start" and fm["tags"] == ["a", "b"] and fm["count"] == 3
    assert body.strip() == "Body."
    assert any("2020-01-01-x.ipynb" in m and "not valid YAML" in m for m in logged)


def test_invalid_nested_yaml_is_an_error_naming_the_line(tmp_path: Path) -> None:
    cell = "---\ntitle: x\nauthor:\n  name: [unclosed\n---\nBody."
    nb = save(tmp_path, "2020-01-01-x.ipynb", notebook(md(cell)))
    with pytest.raises(PandockitError, match=r"2020-01-01-x.ipynb: .*not valid YAML \(line"):
        post_of(nb, tmp_path / "site")
    assert not (tmp_path / "site" / "_posts").exists()


def test_yaml_block_odd_lines(tmp_path: Path) -> None:
    """A comment first, a U+2028 inside a value (a line break to Python's splitlines, not to
    YAML or Jekyll), CRLF line ends."""
    cell = '---\r\n# the post\r\ntitle: "a\u2028b"\r\nn: 1\r\n---\r\nBody.'
    fm, body, _ = post_of(save(tmp_path, "2020-01-01-x.ipynb", notebook(md(cell))),
                          tmp_path / "site")
    assert fm["title"] == "a\u2028b" and fm["n"] == 1 and body.strip() == "Body."


def test_yaml_aliases_stay_small(tmp_path: Path) -> None:
    """Nested YAML aliases ("billion laughs") are not expanded: the post stays small."""
    levels = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
    cell = "---\ntitle: Laughs\n" + "\n".join(levels) + "\n---\nBody."
    fm, _, post = post_of(save(tmp_path, "2020-01-01-x.ipynb", notebook(md(cell))),
                          tmp_path / "site")
    assert fm["title"] == "Laughs" and post.stat().st_size < 10_000


# --- 4: fastpages' first cell ----------------------------------------------------------------


@corpus.mark
def test_fastpages_first_cell(tmp_path: Path) -> None:
    nb = corpus.copy(CORPUS / "fastpages/2020-02-20-test.ipynb", tmp_path)
    (tmp_path / "site" / "images").mkdir(parents=True)
    (tmp_path / "site" / "images" / "chart-preview.png").write_bytes(b"png")  # its own image
    fm, body, post = post_of(Path(nb), tmp_path / "site")
    assert post.name == "2020-02-20-test.md"
    assert fm == {
        "layout": "post", "title": "Fastpages Notebook Blog Post",
        "description": "A tutorial of fastpages for Jupyter notebooks.",
        "toc": True, "badges": True, "comments": True, "categories": ["jupyter"],
        "image": "images/chart-preview.png", "generator": "pandockit",
        "excerpt": "<p>A tutorial of fastpages for Jupyter notebooks.</p>",
    }
    assert headings(body).lstrip().startswith("# About")  # a heading not the title stays
    assert "> A tutorial of fastpages" not in body


@corpus.mark
def test_fastpages_quoted_title_and_html_author(tmp_path: Path) -> None:
    nb = corpus.copy(CORPUS / "fastpages/2020-09-01-fastcore.ipynb", tmp_path)
    fm, body, _ = post_of(Path(nb), tmp_path / "site")
    assert fm["title"] == "fastcore: An Underrated Python Library"
    assert fm["author"] == "<a href='https://twitter.com/HamelHusain'>Hamel Husain</a>"
    assert fm["toc"] is False and fm["permalink"] == "/fastcore/"
    assert fm["categories"] == ["fastcore", "fastai"]
    assert "Underrated" not in body.split("\n\n")[0]


def test_fastpages_cell_with_tricky_unquoted_text(tmp_path: Path) -> None:
    cell = ("# Part 1: the *start*\n> She said \"hi\" & left: #1\n\n- sticky_rank: 1\n"
            "- hide: false\n- note: a: b\n- empty:\n")
    fm, body, _ = post_of(save(tmp_path, "2020-01-01-x.ipynb", notebook(md(cell), md("B."))),
                          tmp_path / "site")
    assert fm["title"] == "Part 1: the *start*"
    assert fm["description"] == 'She said "hi" & left: #1'
    assert fm["sticky_rank"] == 1 and fm["hide"] is False and fm["note"] == "a: b"
    assert fm["empty"] is None
    assert body.strip() == "B."


def test_a_title_line_alone_is_the_title_heading_not_fastpages(tmp_path: Path) -> None:
    node = notebook(md("# Cell title"), md("Body."), jekyll={"title": "Metadata title"})
    fm, body, _ = post_of(save(tmp_path, "2020-01-01-x.ipynb", node), tmp_path / "site")
    assert fm["title"] == "Metadata title"
    assert headings(body).strip() == "# Cell title\n\nBody."


# --- 5: -M on the command line, and the precedence of all sources --------------------------


def test_cli_metadata_values_are_yaml(tmp_path: Path, capsys) -> None:
    nb = save(tmp_path, "x.ipynb", notebook(md("Body.")))
    site = tmp_path / "site"
    status, out, err = run_cli(
        capsys, "convert", str(nb), "--site", str(site), "-M", "title=Part 1: the start",
        "-M", "categories=[a, b]", "-M", "toc", "-M", "n=3", "-M", "date=2019-05-06",
        "-M", "author={name: Me}", "--metadata", "quote='#1'", "-M", "empty=",
    )
    assert status == 0, err
    post = site / "_posts" / "2019-05-06-x.md"
    assert out.strip() == str(post)
    fm, _ = split_post(post.read_text(encoding="utf-8"))
    assert fm["title"] == "Part 1: the start" and fm["categories"] == ["a", "b"]
    assert fm["toc"] is True and fm["n"] == 3 and fm["date"] == date(2019, 5, 6)
    assert fm["author"] == {"name": "Me"} and fm["quote"] == "#1" and fm["empty"] is None


def test_cli_metadata_needs_a_key(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["convert", "x.ipynb", "-M", "=v"])
    assert exc.value.code == 2


def test_metadata_is_for_the_command_line_only(tmp_path: Path, logged) -> None:
    (tmp_path / "_config.yml").write_text("pandockit:\n  metadata: {title: x}\n")
    assert resolve_options(tmp_path)["metadata"] == {}
    assert any("command line" in m for m in logged)


SOURCES = ("site", "metadata", "yaml", "fastpages", "cli")


@pytest.mark.parametrize("top", range(len(SOURCES)))
def test_precedence_later_sources_win_key_by_key(tmp_path: Path, top: int) -> None:
    """Every source sets ``who``; with sources above ``top`` taken away, ``top`` wins. Each
    source also sets a key of its own, which stays whatever wins ``who``."""
    used = SOURCES[: top + 1]
    config = {"pandockit": {"front-matter": {"who": "site", "own-site": 1}}}
    meta = {"jekyll": {"who": "metadata", "own-metadata": 1}} if "metadata" in used else {}
    cells = [
        raw("---\nwho: yaml\nown-yaml: 1\n---") if "yaml" in used else raw(""),
        md("# T\n> s\n- who: fastpages\n- own-fastpages: 1") if "fastpages" in used else md("x"),
    ]
    cli_meta = {"who": "cli", "own-cli": 1} if "cli" in used else None
    nb = save(tmp_path, "2020-01-01-x.ipynb", notebook(*cells, **meta))
    fm, _, _ = post_of(nb, tmp_path / "site", config, cli_meta)
    assert fm["who"] == SOURCES[top]
    assert all(fm[f"own-{s}"] == 1 for s in used)


# --- titles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "name", "title", "body"),
    [
        ([md("# Notes on *things*\n\nText.")], "2020-01-01-n.ipynb", "Notes on things", "Text."),
        ([code("1"), md("# After code\n\nText.")], "2020-01-01-n.ipynb", "After code", None),
        ([md("Prose first."), md("# Section")], "my_note-book.ipynb", "my note book", None),
        ([md("## Level two\n\nText.")], "2020-01-01-level-two.ipynb", "level two", None),
        ([md("Text.")], "2022-07-24-Tensor-Products.ipynb", "Tensor Products", "Text."),
    ],
)
def test_title_rules(tmp_path: Path, cells, name: str, title: str, body) -> None:
    fm, got, _ = post_of(save(tmp_path, name, notebook(*cells)), tmp_path / "site")
    assert fm["title"] == title
    if body is not None:
        assert got.strip() == body
    if "Section" in str(cells) or "Level two" in str(cells):
        assert "Section" in got or "Level two" in got


# --- names and dates ----------------------------------------------------------------------


def test_a_dated_name_is_zero_padded(tmp_path: Path) -> None:
    _, _, post = post_of(save(tmp_path, "2020-10-4-My Post.ipynb", notebook(md("x"))),
                         tmp_path / "site")
    assert post.name == "2020-10-04-My Post.md"


def test_a_dated_name_that_is_no_real_day_writes_nothing(tmp_path: Path, capsys) -> None:
    nb = save(tmp_path, "2020-02-30-x.ipynb", notebook(md("x")))
    status, _, err = run_cli(capsys, "convert", str(nb), "--site", str(tmp_path / "site"))
    assert status == 1 and "2020-02-30-x.ipynb" in err and "not a real day" in err
    assert not (tmp_path / "site" / "_posts").exists()


def test_an_undated_name_takes_the_front_matter_date(tmp_path: Path) -> None:
    node = notebook(md("---\ndate: 2019-05-06 10:30:00 +02:00\n---\nBody."))
    fm, _, post = post_of(save(tmp_path, "Über uns!.ipynb", node), tmp_path / "site")
    assert post.name == "2019-05-06-Uber-uns.md"
    assert fm["date"] == datetime(2019, 5, 6, 10, 30, tzinfo=timezone(timedelta(hours=2)))


def test_slug_option_unicode(tmp_path: Path) -> None:
    node = notebook(md("x"), jekyll={"date": "2019-05-06"})
    _, _, post = post_of(save(tmp_path, "Über uns!.ipynb", node), tmp_path / "site",
                         {"pandockit": {"slug": "unicode"}})
    assert post.name == "2019-05-06-Über-uns.md"


def git(folder: Path, *args: str, when: str | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


@pytest.mark.parametrize(
    ("timezone_name", "day"),
    [("", None), ("UTC", "2018-03-04"), ("Asia/Tokyo", "2018-03-05"),
     ("America/New_York", "2018-03-04")],
)
def test_an_undated_name_in_git_takes_its_last_commit_day(tmp_path, timezone_name, day) -> None:
    repo = tmp_path / "repo"
    nb = save(repo / "_notebooks", "my-post.ipynb", notebook(md("x")))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "one", when="2018-03-04T23:30:00+00:00")
    os.utime(nb, (0, datetime(2001, 1, 1, 12).timestamp()))  # the commit wins over mtime
    config = {"timezone": timezone_name} if timezone_name else {}
    _, _, post = post_of(nb, tmp_path / "site", config)
    if day is None:  # no site timezone: the machine's local day of that moment
        commit = datetime(2018, 3, 4, 23, 30, tzinfo=timezone.utc)
        day = commit.astimezone().date().isoformat()
    assert post.name == f"{day}-my-post.md"


def test_an_undated_name_outside_git_takes_its_modification_day(tmp_path: Path) -> None:
    nb = save(tmp_path / "plain", "my-post.ipynb", notebook(md("x")))
    stamp = datetime(2017, 1, 2, 12, 0, tzinfo=timezone.utc).timestamp()
    os.utime(nb, (stamp, stamp))
    _, _, post = post_of(nb, tmp_path / "site", {"timezone": "UTC"})
    assert post.name == "2017-01-02-my-post.md"


@pytest.mark.parametrize(
    ("value", "warned"), [("last-modified", False), ("today", False), ("someday", True)]
)
def test_a_date_jekyll_cannot_read_is_left_out(tmp_path, logged, value, warned) -> None:
    nb = save(tmp_path, "2020-01-01-x.ipynb", notebook(raw(f"---\ndate: {value}\n---")))
    fm, _, post = post_of(nb, tmp_path / "site")
    assert "date" not in fm and post.name == "2020-01-01-x.md"
    assert any("someday" in m and "2020-01-01-x.ipynb" in m for m in logged) == warned


# --- the future-date warning --------------------------------------------------------------


def test_a_future_date_is_warned_of_naming_the_file(tmp_path, logged) -> None:
    nb = save(tmp_path, "2999-01-01-later.ipynb", notebook(md("x")))
    post_of(nb, tmp_path / "site", {"timezone": "Europe/Paris"})
    assert len(logged) == 1
    message = logged[0]
    assert "2999-01-01-later.ipynb" in message and "dated 2999-01-01" in message
    assert "Europe/Paris" in message and "future: true" in message


def test_no_future_warning_when_the_site_publishes_future_posts(tmp_path, logged) -> None:
    nb = save(tmp_path, "2999-01-01-later.ipynb", notebook(md("x")))
    post_of(nb, tmp_path / "site", {"future": True})
    assert logged == []


def test_no_future_warning_for_today_or_the_past(tmp_path, logged) -> None:
    today = datetime.now(timezone.utc).date() - timedelta(days=1)  # in every zone, not future
    nb = save(tmp_path, f"{today.isoformat()}-now.ipynb", notebook(md("x")))
    post_of(nb, tmp_path / "site", {"timezone": "Pacific/Kiritimati"})
    assert logged == []


def test_a_front_matter_time_later_today_is_future(tmp_path, logged) -> None:
    """Jekyll compares the front matter time, not just the day of the file name."""
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    stamp = later.strftime("%Y-%m-%d %H:%M:%S +0000")
    day = later.date().isoformat()
    nb = save(tmp_path, f"{day}-soon.ipynb", notebook(md("x"), jekyll={"date": stamp}))
    post_of(nb, tmp_path / "site", {"timezone": "UTC"})
    assert len(logged) == 1 and f"{day}-soon.ipynb" in logged[0]


def test_the_timezone_decides_what_is_future(tmp_path, logged) -> None:
    """Tomorrow in Kiritimati (UTC+14) can be today there; it is always future in UTC-11."""
    now = datetime.now(timezone.utc)
    kiritimati = (now + timedelta(hours=14)).date()
    nb = save(tmp_path, f"{kiritimati.isoformat()}-edge.ipynb", notebook(md("x")))
    post_of(nb, tmp_path / "s1", {"timezone": "Pacific/Kiritimati"})
    assert logged == []
    post_of(nb, tmp_path / "s2", {"timezone": "Pacific/Pago_Pago"})
    assert len(logged) == 1 and "Pacific/Pago_Pago" in logged[0]


# --- collisions and the overwrite guard ---------------------------------------------------


def test_two_notebooks_mapping_to_one_post_is_an_error_before_any_write(tmp_path, capsys):
    a = save(tmp_path / "a", "2020-01-01-x.ipynb", notebook(md("A")))
    b = save(tmp_path / "b", "x.ipynb", notebook(md("B"), jekyll={"date": "2020-01-01"}))
    c = save(tmp_path / "c", "2021-01-01-fine.ipynb", notebook(md("C")))
    site = tmp_path / "site"
    status, out, err = run_cli(capsys, "convert", str(c), str(a), str(b), "--site", str(site))
    assert status == 1 and out == ""
    assert str(a) in err and str(b) in err and "2020-01-01-x.md" in err
    assert not site.exists()  # not even the notebook without a clash was written


def test_one_notebook_named_twice_is_no_collision(tmp_path: Path, capsys) -> None:
    nb = save(tmp_path / "nb", "2020-01-01-x.ipynb", notebook(md("A")))
    other = tmp_path / "nb" / ".." / "nb" / nb.name
    status, _, err = run_cli(capsys, "convert", str(nb), str(other), "--site",
                             str(tmp_path / "site"))
    assert status == 0, err


def test_convert_refuses_to_overwrite_a_post_it_did_not_write(tmp_path, capsys) -> None:
    site = tmp_path / "site"
    mine = site / "_posts" / "2020-01-01-x.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\ntitle: Hand-written\n---\nMy words.\n", encoding="utf-8")
    nb = save(tmp_path, "2020-01-01-x.ipynb", notebook(md("Notebook words.")))
    status, _, err = run_cli(capsys, "convert", str(nb), "--site", str(site))
    assert status == 1 and str(mine) in err and "--force" in err
    assert mine.read_text(encoding="utf-8") == "---\ntitle: Hand-written\n---\nMy words.\n"
    assert not (site / "assets").exists()
    status, out, err = run_cli(capsys, "convert", str(nb), "--site", str(site), "--force")
    assert status == 0, err
    assert "Notebook words." in mine.read_text(encoding="utf-8")
    assert is_pandockit_post(mine)
    status, _, err = run_cli(capsys, "convert", str(nb), "--site", str(site))  # its own: fine
    assert status == 0, err


@pytest.mark.parametrize(
    ("text", "ours"),
    [
        ("---\nlayout: post\ngenerator: pandockit\n---\nx", True),
        ("---\r\ngenerator: pandockit\r\n...\r\nx", True),
        ("---\ngenerator: jekyll\n---\n", False),
        ("---\ntitle: [unclosed\ngenerator: pandockit\n---\n", False),
        ("no front matter, generator: pandockit", False),
        ("---\ngenerator: pandockit\n", False),  # never closed: Jekyll reads no front matter
        ("---\n- generator: pandockit\n---\n", False),
        ("", False),
    ],
)
def test_is_pandockit_post(tmp_path: Path, text: str, ours: bool) -> None:
    path = tmp_path / "p.md"
    path.write_bytes(text.encode("utf-8"))
    assert is_pandockit_post(path) is ours
    assert is_pandockit_post(tmp_path / "missing.md") is False


# --- old formats ------------------------------------------------------------------------------


@corpus.mark
@pytest.mark.parametrize(
    ("name", "title"),
    [("test2.ipynb", "An introduction to the Jupyter notebook"),
     ("test3.ipynb", "nbconvert latex test")],
)
def test_v2_and_v3_notebooks(tmp_path: Path, name: str, title: str) -> None:
    nb = corpus.copy(CORPUS / "nbformat" / name, tmp_path / f"2020-01-01-{name}")
    fm, body, _ = post_of(Path(nb), tmp_path / "site")
    assert fm["title"] == title
    assert title not in body.split("\n\n")[0]
