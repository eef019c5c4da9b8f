"""``pandockit init`` keeps the user's files as they were (issue 20, item 6): CRLF line breaks,
a byte-order mark, the file's mode and symlinks (written through, the link kept), and a
``_config.yml`` that Jekyll reads but PyYAML's own parser refuses gets what to do by hand.

The reproductions, on small sites; one also builds the edited site with the real Jekyll, the
consumer of ``_config.yml``. Random bytes of the same kinds: ``test_fuzz_site.py``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml
from jekyll_site import jekyll_available
from stock_site import jekyll_build, pandockit

from pandockit import yamltext
from pandockit.site.init import InitOptions, init

CONFIG = "title: My blog\r\n# comments stay\r\nexclude:\r\n  - Gemfile\r\n  - vendor\r\n"


def make_site(path: Path, config: bytes) -> Path:
    path.mkdir(parents=True)
    (path / "_config.yml").write_bytes(config)
    return path


def run_init(site: Path) -> list[str]:
    done = pandockit("init", "--site", site)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_crlf_files_stay_crlf(tmp_path: Path) -> None:
    """A CRLF ``_config.yml`` or ``.gitignore`` came back with LF everywhere."""
    site = make_site(tmp_path / "s", CONFIG.encode())
    (site / ".gitignore").write_bytes(b"_site\r\n.sass-cache\r\n")
    run_init(site)
    assert (site / "_config.yml").read_bytes() == CONFIG.replace(
        "  - vendor\r\n", "  - vendor\r\n  - '*.ipynb'\r\n"
    ).encode()
    assert (site / ".gitignore").read_bytes() == b"_site\r\n.sass-cache\r\n.pandockit/\r\n"
    before = {p: p.read_bytes() for p in (site / "_config.yml", site / ".gitignore")}
    again = run_init(site)
    assert not [x for x in again if x.startswith(("writes", "changes", "updates"))], again
    assert {p: p.read_bytes() for p in before} == before


def test_a_byte_order_mark_is_kept(tmp_path: Path) -> None:
    """The mark stays (every byte does); as Jekyll reads only the first key of a
    ``_config.yml`` that has one, a to-do line says to remove it."""
    bom = b"\xef\xbb\xbf"
    site = make_site(tmp_path / "s", bom + b"exclude:\n  - Gemfile\n")
    (site / ".gitignore").write_bytes(bom + b"_site")
    lines = run_init(site)
    assert (site / "_config.yml").read_bytes() == bom + b"exclude:\n  - Gemfile\n  - '*.ipynb'\n"
    assert (site / ".gitignore").read_bytes() == bom + b"_site\n.pandockit/\n"
    assert ("to do: in _config.yml, remove the byte-order mark it starts with: Jekyll reads "
            "only the first key of a file that has one") in lines


def test_the_mode_of_a_file_is_kept(tmp_path: Path) -> None:
    """A mode-600 file became 644."""
    site = make_site(tmp_path / "s", b"title: t\n")
    (site / ".gitignore").write_bytes(b"_site\n")
    os.chmod(site / "_config.yml", 0o600)
    os.chmod(site / ".gitignore", 0o640)
    run_init(site)
    assert stat.S_IMODE((site / "_config.yml").stat().st_mode) == 0o600
    assert stat.S_IMODE((site / ".gitignore").stat().st_mode) == 0o640
    assert b"*.ipynb" in (site / "_config.yml").read_bytes()


def test_a_symlinked_config_is_edited_through_the_link(tmp_path: Path) -> None:
    """A symlinked ``_config.yml`` was replaced by a regular file, its target never edited:
    the target is edited now (a file of the site), and the link stays."""
    site = tmp_path / "s"
    (site / "config").mkdir(parents=True)
    (site / "config" / "jekyll.yml").write_bytes(b"title: t\r\n")
    os.chmod(site / "config" / "jekyll.yml", 0o600)
    (site / "_config.yml").symlink_to("config/jekyll.yml")
    (site / "shared").mkdir()
    (site / "shared" / "ignore").write_bytes(b"_site\n")
    (site / ".gitignore").symlink_to(site / "shared" / "ignore")
    run_init(site)
    assert os.readlink(site / "_config.yml") == "config/jekyll.yml"
    edited = b"title: t\r\nexclude:\r\n  - '*.ipynb'\r\n"
    assert (site / "config" / "jekyll.yml").read_bytes() == edited
    assert stat.S_IMODE((site / "config" / "jekyll.yml").stat().st_mode) == 0o600
    assert (site / ".gitignore").is_symlink()
    assert (site / "shared" / "ignore").read_bytes() == b"_site\n.pandockit/\n"


def test_a_symlink_leading_out_of_the_site_is_left_with_what_to_do(tmp_path: Path) -> None:
    """``init`` writes nothing outside the site: a ``_config.yml`` linking out is left as it
    is, and the line says what to do by hand."""
    shared = tmp_path / "dotfiles" / "jekyll.yml"
    shared.parent.mkdir()
    shared.write_bytes(b"title: t\n")
    site = tmp_path / "s"
    site.mkdir()
    (site / "_config.yml").symlink_to(shared)
    lines = run_init(site)
    assert shared.read_bytes() == b"title: t\n" and (site / "_config.yml").is_symlink()
    (line,) = [x for x in lines if "_config.yml" in x]
    assert line.startswith(f"leaves _config.yml as it is (a link to {shared}, outside the site)")
    assert "'*.ipynb' excluded" in line


def test_a_tab_before_a_comment_is_read_as_jekyll_reads_it(tmp_path: Path) -> None:
    """``title: x<TAB># c``: Jekyll (Psych, libyaml) reads it, PyYAML's own parser does not.
    ``init`` edits it (read with libyaml), and Jekyll builds the result."""
    text = b"title: Tabs\t# a comment\nexclude:\t# mine\n  - Gemfile\n"
    site = make_site(tmp_path / "s", text)
    with pytest.raises(yaml.YAMLError):
        yaml.load(text.decode(), Loader=yaml.SafeLoader)
    run_init(site)
    assert (site / "_config.yml").read_bytes() == text + b"  - '*.ipynb'\n"


def test_without_libyaml_such_a_config_gets_to_do_lines_not_a_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a PyYAML built without libyaml, what Jekyll reads may not parse: ``init`` says what
    to add by hand ("to do:"), writes the rest, and leaves the file's bytes alone."""
    monkeypatch.setattr(yamltext, "_SafeLoader", yaml.SafeLoader)
    text = b"title: Tabs\t# a comment\n"
    site = make_site(tmp_path / "s", text)
    report = init(site, InitOptions())
    lines = report.lines(site, False)
    assert any(x.startswith("to do: in _config.yml, it is not valid YAML") for x in lines)
    assert (site / "_config.yml").read_bytes() == text
    assert (site / "_includes" / "pandockit-head.html").is_file()


@pytest.mark.skipif(not jekyll_available(), reason="needs jekyll")
def test_jekyll_reads_the_edited_crlf_config_and_a_bom_as_the_to_do_says(tmp_path: Path) -> None:
    """The consumer: Jekyll builds the CRLF, tab-commented config ``init`` edited and
    publishes no notebook. With a byte-order mark, Jekyll reads only the first key (the
    notebook is published): as the to-do line says, removing the mark fixes it."""
    site = make_site(tmp_path / "s", CONFIG.replace("title: My blog", "title: Mine\t# t").encode())
    (site / "index.md").write_text("---\n---\nhome\n")
    (site / "stray.ipynb").write_text("{}")
    run_init(site)
    jekyll_build(site)
    assert (site / "_site" / "index.html").is_file()
    assert not list((site / "_site").rglob("*.ipynb"))
    bommed = tmp_path / "b"
    make_site(bommed, b"\xef\xbb\xbftitle: Mine\r\n")
    (bommed / "stray.ipynb").write_text("{}")
    assert any("remove the byte-order mark" in x for x in run_init(bommed))
    jekyll_build(bommed)
    assert (bommed / "_site" / "stray.ipynb").exists()  # Jekyll read no 'exclude'
    (bommed / "_config.yml").write_bytes((bommed / "_config.yml").read_bytes()[3:])
    jekyll_build(bommed)
    assert not (bommed / "_site" / "stray.ipynb").exists()
