"""Fuzz what a site gives pandockit (issue 20): the build manifest a repository may carry, and
the bytes of the ``_config.yml`` and ``.gitignore`` that ``init`` adds to (CRLF, LF or both, a
byte-order mark, a tab before a comment, the file's mode, a symlink).

The properties:

- a build, whatever the manifest, either stops with a one-line error naming the manifest and
  touches nothing, or builds; and it removes nothing but posts of ``_posts`` marked
  ``generator: pandockit`` and images listed in a folder of ``assets/nb_files``, and changes
  nothing outside the site;
- ``init`` either refuses a config libyaml (Jekyll's parser) cannot read as a mapping, or only
  inserts lines, each ending as the file's lines end, keeps the mark, the mode and the link,
  makes the config Jekyll reads exclude ``*.ipynb`` (or says what to add by hand), and a
  second run changes no byte.

CI runs ``FUZZ_EXAMPLES`` (default 60; the manifest fuzz, which converts a notebook each time,
half of it) derandomized examples; ``FUZZ_RANDOM=1 FUZZ_EXAMPLES=2000`` explores.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pandockit import builder as bld
from pandockit import yamltext
from pandockit.config import resolve_options
from pandockit.errors import PandockitError
from pandockit.site import edits
from pandockit.site.init import InitOptions, init

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=max(1, examples),
        deadline=None,
        derandomize=not os.environ.get("FUZZ_RANDOM"),
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.function_scoped_fixture],
    )


def digest(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under ``root`` (symlinks as their target's name) -> SHA-256."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(skip):
            continue
        if path.is_symlink():
            found[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


# ------------------------------------------------------------------------------ manifests

NOTEBOOK = json.dumps({"cells": [{"cell_type": "markdown", "id": "a", "metadata": {},
                                  "source": "# A\n\ntext"}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
OURS = "---\ntitle: ours\ngenerator: pandockit\n---\nbody\n"

PATHS = st.one_of(st.sampled_from([
    "../victim.txt", "ABS/victim.txt", "about.markdown", "_posts/2020-01-01-mine.md",
    "_posts/2020-01-01-ours.md", "assets/nb_files", "assets/nb_files/link",
    "assets/nb_files/ours", "images", "", ".", "_posts/../about.markdown",
    "_posts/sub/../../../victim.txt", "C:/victim.txt", "_posts\\..\\about.markdown",
    "_posts", "assets/nb_files/../../images", "_notebooks/a.ipynb", ".pandockit/lock",
]), st.sampled_from(["_posts/2020-01-01-ours.md", "assets/nb_files/ours", "about.markdown",
                     "_posts/2020-01-01-mine.md", "assets/nb_files/link", "images"]),
    st.text(max_size=20))

ENTRY = st.fixed_dictionaries(
    {"key": st.sampled_from(["old", ""]), "post": PATHS},
    optional={"assets": PATHS, "deps": st.dictionaries(PATHS, st.text(max_size=5), max_size=2),
              "media": st.lists(PATHS, max_size=3)},
)

MANIFEST = st.fixed_dictionaries({
    "format": st.sampled_from([1, 2, 2, 2]),
    "notebooks": st.dictionaries(
        st.sampled_from(["_notebooks/a.ipynb", "_notebooks/gone.ipynb", "about.markdown"])
        | st.text(max_size=10),
        ENTRY, max_size=4,
    ),
})


def make_site(root: Path) -> tuple[Path, Path]:
    """A site with a notebook, the user's page and post, a post and an image pandockit wrote,
    and an asset folder linking out of the site; and the folder outside it."""
    site, outside = root / "site", root / "outside"
    files = {
        "_config.yml": "title: t\n",
        "_notebooks/a.ipynb": NOTEBOOK,
        "about.markdown": "---\nlayout: page\n---\nabout\n",
        "_posts/2020-01-01-mine.md": "---\ntitle: mine\n---\nmine\n",
        "_posts/2020-01-01-ours.md": OURS,
        "images/logo.png": "png",
        "images/.pandockit-media.json": '["logo.png"]',
        "assets/nb_files/logo.png": "png",
        "assets/nb_files/.pandockit-media.json": '["logo.png"]',
        "assets/nb_files/ours/x.png": "png",
        "assets/nb_files/ours/.pandockit-media.json": '["x.png"]',
    }
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text)
    outside.mkdir()
    (outside / "victim.txt").write_text("victim")
    (outside / "x.png").write_text("png")
    (outside / ".pandockit-media.json").write_text('["x.png", "victim.txt"]')
    (site / "assets/nb_files/link").symlink_to(outside)
    return site, outside


#: What a build may remove from the site above (pandockit's post, its listed image).
REMOVABLE = {"_posts/2020-01-01-ours.md", "assets/nb_files/ours/x.png",
             "assets/nb_files/ours/.pandockit-media.json"}


@fuzz(EXAMPLES // 2)
@given(data=MANIFEST, clean=st.booleans())
def test_no_manifest_makes_a_build_touch_what_it_may_not(data: dict, clean: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site, outside = make_site(Path(tmp))
        text = json.dumps(data).replace("ABS/", f"{outside}/")
        (site / ".pandockit").mkdir()
        (site / ".pandockit/manifest.json").write_text(text)
        before, before_out = digest(site, skip=(".pandockit",)), digest(outside)
        try:
            summary = bld.build(site, site / "_notebooks", resolve_options(site),
                                bld.Settings(jobs=1, clean=clean), bld.Reporter(-1))
        except PandockitError as exc:
            event("manifest refused")
            message = str(exc)
            assert "\n" not in message and ".pandockit/manifest.json" in message
            assert digest(site, skip=(".pandockit",)) == before
            assert digest(outside) == before_out
            return
        event(f"built, {len(summary.removed)} removed")
        after = digest(site, skip=(".pandockit",))
        assert digest(outside) == before_out
        gone = set(before) - set(after)
        assert gone <= REMOVABLE, gone
        changed = {rel for rel in before if rel in after and after[rel] != before[rel]}
        assert changed <= {"assets/nb_files/ours/.pandockit-media.json"}, changed
        new = set(after) - set(before)
        assert all(rel.startswith(("_posts/", "assets/nb_files/")) for rel in new), new
        assert summary.status == 0 or summary.failed


# ------------------------------------------------------------------- _config.yml bytes

#: Blocks of lines a real config has (any order is YAML, keys may repeat).
_BLOCKS = [
    ["title: My blog"], ["# a comment"], [""], ["  "], ["description: >-", "  folded text"],
    ['baseurl: ""'], ["author: me\t# a tab before a comment"],
    ["exclude:", "  - Gemfile", "  # keep this", "  - vendor"], ["exclude:", "  - '*.ipynb'"],
    ["exclude: [Gemfile, vendor]"], ["exclude:\t# tab", "  - Gemfile"], ["exclude:"],
    ["plugins:", "  - jekyll-feed"], ["pandockit:", "  math: dollars"],
    ["key: 'quoted # not a comment'"], ['url: "http://example.com"  # c'], ["list:\t# tab"],
]
#: Lines Jekyll would refuse (one draw in about twenty).
_JUNK = [["\t"], ["- a top-level item"], ["title: [unclosed"], ["  - stray"], ["a: b: c"]]
CONFIG_LINES = st.sampled_from(_BLOCKS * 4 + _JUNK)

GITIGNORE_LINES = st.sampled_from([
    "_site", ".sass-cache", "*.pyc", "# comment", "", ".pandockit", "/.pandockit/", "  ", "\t",
]).map(lambda line: [line])

NEWLINES = st.sampled_from(["\n", "\r\n"])


@st.composite
def text_file(draw: st.DrawFn, lines: st.SearchStrategy[list[str]]) -> bytes:
    """A file of blocks of ``lines``: LF, CRLF or (one line in ten) each line its own; maybe a
    byte-order mark; maybe no final line break."""
    body = [line for block in draw(st.lists(lines, max_size=8)) for line in block]
    style = draw(st.sampled_from(["\n", "\r\n", "\r\n", "mixed"]))
    ends = [draw(NEWLINES) if style == "mixed" else style for _ in body]
    text = "".join(line + end for line, end in zip(body, ends))
    if body and draw(st.booleans()):
        text = text[: -len(ends[-1])]
    bom = "\ufeff" if draw(st.integers(0, 3)) == 0 else ""
    return (bom + text).encode("utf-8")


def only_insertions(old: str, new: str) -> str:
    """What ``new`` inserts into ``old``, joined; fails if it changes or removes a character."""
    inserted = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        assert op in ("equal", "insert"), (op, old[i1:i2], new[j1:j2])
        if op == "insert":
            inserted.append(new[j1:j2])
    return "".join(inserted)


def lone_lf(text: str) -> int:
    return text.replace("\r\n", "").count("\n")


@fuzz(EXAMPLES)
@given(config=text_file(CONFIG_LINES), ignore=text_file(GITIGNORE_LINES),
       mode=st.sampled_from([0o600, 0o640, 0o644, 0o664]), link=st.booleans())
def test_init_keeps_every_byte_mode_and_link(
    config: bytes, ignore: bytes, mode: int, link: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        real = site / "conf" / "jekyll.yml" if link else site / "_config.yml"
        real.parent.mkdir(parents=True)
        real.write_bytes(config)
        if link:
            (site / "_config.yml").symlink_to("conf/jekyll.yml")
        (site / ".gitignore").write_bytes(ignore)
        for path in (real, site / ".gitignore"):
            os.chmod(path, mode)
        old = config.decode("utf-8")
        body = old.lstrip("\ufeff")
        try:  # as Jekyll's parser reads it (libyaml); blank: no keys
            mapping = (yamltext.safe_load(body) or {}) if body.strip() else {}
        except yaml.YAMLError:
            mapping = None
        try:
            report = init(site, InitOptions())
        except PandockitError as exc:
            event("init refused")
            assert "\n" not in str(exc)
            assert not isinstance(mapping, dict)  # refused: Jekyll would refuse it too
            assert real.read_bytes() == config
            return
        assert isinstance(mapping, dict)
        for path, before in ((real, config), (site / ".gitignore", ignore)):
            after = path.read_bytes()
            assert after.startswith(b"\xef\xbb\xbf") == before.startswith(b"\xef\xbb\xbf")
            text = before.decode("utf-8")
            new_text = after.decode("utf-8")
            only_insertions(text, new_text)
            if edits.newline(text) == "\r\n":  # CRLF (most lines): the additions too
                assert lone_lf(new_text) == lone_lf(text), repr(new_text)
            else:
                assert new_text.count("\r\n") == text.count("\r\n"), repr(new_text)
            assert stat.S_IMODE(path.stat().st_mode) == mode
        assert (site / "_config.yml").is_symlink() == link
        new = edits.load_config(real.read_text(encoding="utf-8"))
        lines = report.lines(site, False)
        event("crlf" if edits.newline(old) == "\r\n" else "lf")
        if "*.ipynb" not in (new.get("exclude") or []):
            event("to do")
            said = ("to do: in _config.yml, ", "leaves _config.yml as it is")
            assert any(x.startswith(said) and "'*.ipynb'" in x for x in lines), lines
        else:
            assert {k: v for k, v in new.items() if k != "exclude"} == {
                k: v for k, v in (mapping or {}).items() if k != "exclude"
            }
        again = digest(site)
        init(site, InitOptions())
        assert digest(site) == again


def test_only_insertions_sees_what_was_inserted() -> None:
    assert only_insertions("a\r\nb\r\n", "a\r\nb\r\nc\r\n") == "c\r\n"
    assert only_insertions("a\nb", "a\nb\nc\n") == "\nc\n"
    with pytest.raises(AssertionError):
        only_insertions("a\r\nb\r\n", "a\nb\n")
