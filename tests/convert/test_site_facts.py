"""What the site says about the top of its posts (pandockit.site_facts), read from real files and
a real git repository; and the warning when badges have no repository to link to."""

from __future__ import annotations

import json
import logging
import subprocess
from pathlib import Path

import pytest
from converting import convert

from pandockit import site_facts
from pandockit.config import resolve_options


def _site(path: Path, config: str = "", layouts: dict[str, str] | None = None) -> Path:
    path.mkdir(parents=True)
    (path / "_config.yml").write_text(config, encoding="utf-8")
    for name, text in (layouts or {}).items():
        (path / "_layouts").mkdir(exist_ok=True)
        (path / "_layouts" / f"{name}.html").write_text(text, encoding="utf-8")
    return path


def test_repository_from_config_else_the_git_remote(tmp_path: Path) -> None:
    site = _site(tmp_path / "a", "repository: octo/notes\nbranch: gh\n")
    assert site_facts.facts(site)["repository"] == "octo/notes"
    assert site_facts.facts(site)["branch"] == "gh"
    site = _site(tmp_path / "b")
    assert site_facts.facts(site)["repository"] == ""
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    subprocess.run(["git", "-C", str(site), "remote", "add", "origin",
                    "git@github.com:octo/blog.git"], check=True)
    facts = site_facts.facts(site)  # read again: the repository's config changed
    assert facts["repository"] == "octo/blog" and facts["branch"] == "HEAD"
    assert Path(facts["git-top"]).resolve() == site.resolve()


def test_layouts_that_render_a_toc_or_badges_through_the_layouts_they_extend(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path / "s", layouts={
        "default": "<html>{{ content }}</html>",
        "post": "---\nlayout: default\n---\n{% if page.badges %}"
                "{% include notebook_colab_link.html %}{% endif %}{{ content | toc }}",
        "notebook": "---\nlayout: post\n---\n{{ content }}",
        "single": "---\nlayout: default\n---\n{% if page.toc %}<aside>{% include toc %}</aside>"
                  "{% endif %}{{ content }}",
        "page": "---\nlayout: default\n---\n{{ content }}",
    })
    facts = site_facts.facts(site)
    assert sorted(facts["toc-layouts"]) == ["notebook", "post", "single"]
    assert sorted(facts["badges-layouts"]) == ["notebook", "post"]


def test_badges_without_a_repository_are_left_out_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = _site(tmp_path / "site")
    nb = tmp_path / "site" / "_notebooks" / "2020-01-01-x.ipynb"
    nb.parent.mkdir()
    cells = [{"cell_type": "markdown", "metadata": {},
              "source": "# X\n> A summary.\n\n- badges: true\n- toc: true"},
             {"cell_type": "markdown", "metadata": {}, "source": "## Part\n\nText here."}]
    nb.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                              "nbformat_minor": 5}), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="pandockit"):
        post = convert(nb, site, resolve_options(site)).post
    text = post.read_text(encoding="utf-8")
    assert "pandockit-badges" not in text and "{:toc}" in text
    warnings = [r.getMessage() for r in caplog.records if "badges" in r.getMessage()]
    assert len(warnings) == 1 and "repository: OWNER/NAME" in warnings[0]
