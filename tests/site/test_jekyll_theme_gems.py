"""What ``pandockit init`` says of a theme Ruby cannot find, and how a site keeps the theme Ruby
found (the gem looked up by the real ``ruby``; the sites' other shapes, which need no program:
tests/unit/test_jekyll_theme.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from test_jekyll_theme import LINE, write

from pandockit import jekyll_theme
from pandockit.site.init import InitOptions, init


def test_a_theme_not_installed_is_said_plainly(tmp_path: Path) -> None:
    site = write(tmp_path, {"_config.yml": "theme: jekyll-theme-nowhere\n"})
    lines = init(site, InitOptions()).lines(site, False)
    assert ("to do: the theme 'jekyll-theme-nowhere' is not installed here (no gem found): "
            f"install it and run 'pandockit init' again, or add {LINE} inside the <head> of "
            "the layout 'post'") in lines
    assert "posts get the layout 'post' (the theme jekyll-theme-nowhere is not installed here)" \
        in lines


def test_the_theme_ruby_finds_is_kept_in_the_site(tmp_path: Path, monkeypatch) -> None:
    """Ruby's answer (40 ms a run) is kept in ``.pandockit/themes.json`` by a run that writes
    the site, used by the next run without Ruby, and asked again once a gem is installed or
    removed on Ruby's gem path; a run not asked to keep it writes nothing."""
    site = write(tmp_path, {"_config.yml": "theme: minima\n"})
    jekyll_theme._ask_ruby.cache_clear()
    found = jekyll_theme.theme_root("minima", site)
    assert found is not None and (found / "_layouts").is_dir()  # minima, from Debian
    assert not (site / ".pandockit").exists()  # not asked to remember: nothing written
    jekyll_theme._ask_ruby.cache_clear()
    assert jekyll_theme.theme_root("minima", site, remember=True) == found
    kept = json.loads((site / jekyll_theme.THEMES_FILE).read_text(encoding="utf-8"))
    assert kept["minima"]["root"] == str(found)
    assert any(v is not None for v in kept["minima"]["specifications"].values())

    asked: list[list[str]] = []
    real_run = jekyll_theme.subprocess.run

    def counted(argv: list[str], **kwargs: object) -> object:
        asked.append(argv)
        return real_run(argv, **kwargs)

    monkeypatch.setattr(jekyll_theme.subprocess, "run", counted)
    jekyll_theme._ask_ruby.cache_clear()
    assert jekyll_theme.theme_root("minima", site) == found
    assert asked == []  # the next run: no Ruby
    folder = next(iter(kept["minima"]["specifications"]))
    kept["minima"]["specifications"][folder] = 1  # as after a gem install there
    (site / jekyll_theme.THEMES_FILE).write_text(json.dumps(kept), encoding="utf-8")
    jekyll_theme._ask_ruby.cache_clear()
    assert jekyll_theme.theme_root("minima", site) == found
    assert len(asked) == 1  # asked again


def test_convert_keeps_the_theme_a_dry_run_build_does_not(tmp_path: Path) -> None:
    from pandockit import cli

    notebook = Path(__file__).resolve().parents[2] / "examples" / "_notebooks"
    for name, dry in (("a", True), ("b", False)):
        site = write(tmp_path / name, {"_config.yml": "theme: minima\n"})
        shutil.copytree(notebook, site / "_notebooks")
        argv = ["build", "--site", str(site), "-q", *(["--dry-run"] if dry else [])]
        jekyll_theme._ask_ruby.cache_clear()
        assert cli.main(argv) == 0
        assert (site / jekyll_theme.THEMES_FILE).is_file() is not dry
    site = write(tmp_path / "c", {"_config.yml": "theme: minima\n"})
    nb = next(notebook.glob("*.ipynb"))
    assert cli.main(["convert", "-q", "--site", str(site), str(nb)]) == 0
    assert (site / jekyll_theme.THEMES_FILE).is_file()


def test_a_state_folder_leading_out_of_the_site_gets_no_theme(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    site = write(tmp_path / "site", {"_config.yml": "theme: minima\n"})
    (site / ".pandockit").symlink_to(outside)
    jekyll_theme._ask_ruby.cache_clear()
    assert jekyll_theme.theme_root("minima", site, remember=True) is not None
    assert list(outside.iterdir()) == []  # nothing written outside the site
