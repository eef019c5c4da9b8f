"""Configuration: every CLI option settable in _config.yml, warnings, type errors, ``config``."""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pandockit import cli
from pandockit.config import DEFAULTS, describe, resolve_options
from pandockit.errors import PandockitError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "_notebooks"

#: ``build`` switches that describe one run, not the site: no ``_config.yml`` key for them.
PER_RUN = {"help", "site", "notebook_dir", "quiet", "verbose", "force", "dry_run", "watch",
           "no_wait"}


def write_config(site: Path, data: dict) -> None:
    site.mkdir(parents=True, exist_ok=True)
    (site / "_config.yml").write_text(yaml.safe_dump(data, sort_keys=False))


def subparser(name: str) -> argparse.ArgumentParser:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


def test_every_build_option_has_a_config_key() -> None:
    dests = {a.dest for a in subparser("build")._actions} - PER_RUN
    assert dests, "the build command has options"
    missing = {d for d in dests if d.replace("_", "-") not in DEFAULTS}
    assert missing == set()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("posts-dir", "blog/_posts"),
        ("assets-dir", "img/nb"),
        ("math", "dollars"),
        ("output-style", "fenced"),
        ("liquid", "off"),
        ("html", "drop"),
        ("notebooks-dir", "notebooks"),
        ("jobs", 3),
        ("clean", True),
        ("front-matter", {"author": "Ann", "comments": True}),
    ],
)
def test_config_sets_option_and_cli_overrides(tmp_path: Path, key: str, value) -> None:
    write_config(tmp_path, {"pandockit": {key: value}})
    opts = resolve_options(tmp_path)
    assert opts[key] == value and opts.sources[key] == "_config.yml"
    if not isinstance(value, dict):
        default = DEFAULTS[key][0]
        opts = resolve_options(tmp_path, {key: default})
        assert opts[key] == default and opts.sources[key] == "cli"


def test_snake_case_keys_are_accepted(tmp_path: Path) -> None:
    write_config(tmp_path, {"pandockit": {"posts_dir": "p", "notebooks_dir": "n"}})
    opts = resolve_options(tmp_path)
    assert (opts["posts-dir"], opts["notebooks-dir"]) == ("p", "n")


def test_jekyll_keys_are_read_from_the_top_level(tmp_path: Path) -> None:
    write_config(tmp_path, {"baseurl": "/blog", "timezone": "Europe/Paris", "pandockit": {}})
    opts = resolve_options(tmp_path)
    assert (opts["baseurl"], opts["timezone"]) == ("/blog", "Europe/Paris")


def test_unknown_keys_are_warned_of_by_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_config(tmp_path, {"pandockit": {"post-dir": "x", "colour": "blue", "math": "dollars"}})
    with caplog.at_level(logging.WARNING, logger="pandockit"):
        opts = resolve_options(tmp_path)
    messages = [r.getMessage() for r in caplog.records]
    assert any("unknown pandockit option 'post-dir'" in m and "'posts-dir'" in m for m in messages)
    assert any("unknown pandockit option 'colour'" in m for m in messages)
    assert opts["math"] == "dollars"  # the known keys still apply


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"jobs": "four"}, "option 'jobs' must be a whole number >= 0"),
        ({"jobs": -2}, "option 'jobs' must be a whole number >= 0"),
        ({"clean": "yes please"}, "option 'clean' must be true or false"),
        ({"math": "latex"}, "option 'math' must be one of kramdown, dollars"),
        ({"posts-dir": ["a"]}, "option 'posts-dir' must be text"),
        ({"front-matter": "author: me"}, "option 'front-matter' must be a mapping"),
    ],
)
def test_wrong_types_are_one_line_errors(tmp_path: Path, section: dict, message: str) -> None:
    write_config(tmp_path, {"pandockit": section})
    with pytest.raises(PandockitError) as exc:
        resolve_options(tmp_path)
    assert message in str(exc.value)
    assert str(exc.value).startswith(str(tmp_path / "_config.yml"))
    assert "\n" not in str(exc.value)


def test_wrong_type_through_the_cli_exits_1_without_traceback(tmp_path: Path) -> None:
    write_config(tmp_path, {"pandockit": {"jobs": "many"}})
    (tmp_path / "_notebooks").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "pandockit", "build", "--site", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "option 'jobs' must be a whole number" in proc.stderr


def test_config_command_prints_values_and_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    write_config(
        tmp_path,
        {"baseurl": "/blog", "pandockit": {"math": "dollars", "front-matter": {"author": "A"}}},
    )
    assert cli.main(["config", "--site", str(tmp_path), "--posts-dir", "posts", "-j", "2"]) == 0
    out = capsys.readouterr().out
    lines = {line.split(":", 1)[0]: line for line in out.splitlines()}
    assert set(lines) == set(DEFAULTS)
    cfg = str(tmp_path / "_config.yml")
    assert lines["math"].endswith(f"# {cfg}")
    assert lines["baseurl"].endswith(f"# {cfg}")
    assert lines["posts-dir"].endswith("# command line")
    assert lines["jobs"].endswith("# command line")
    assert lines["output-style"].endswith("# default")
    values = yaml.safe_load(out)  # the output is YAML: the comments name the sources
    assert values["front-matter"] == {"author": "A"}
    assert values["posts-dir"] == "posts" and values["jobs"] == 2 and values["math"] == "dollars"


def test_describe_round_trips_every_default(tmp_path: Path) -> None:
    opts = resolve_options(tmp_path)
    assert yaml.safe_load(describe(opts, tmp_path)) == {k: v for k, (v, _) in DEFAULTS.items()}


def test_config_command_reports_a_bad_config(tmp_path: Path, capsys) -> None:
    (tmp_path / "_config.yml").write_text("pandockit: [1, 2]\n")
    assert cli.main(["config", "--site", str(tmp_path)]) == 1
    assert "'pandockit:' must be a mapping" in capsys.readouterr().err


def test_build_uses_configured_folders(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_config(site, {"pandockit": {"notebooks-dir": "nb", "posts-dir": "blog/_posts",
                                      "assets-dir": "media"}})
    (site / "nb").mkdir()
    shutil.copy(EXAMPLES / "2022-07-24-Tensor-Products-and-Gradients.ipynb", site / "nb")
    assert cli.main(["build", "--site", str(site), "-q"]) == 0
    stem = "2022-07-24-Tensor-Products-and-Gradients"
    assert (site / "blog/_posts" / f"{stem}.md").is_file()
    assert (site / "media" / stem / "output_1_0.png").is_file()
