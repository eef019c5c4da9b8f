"""Test support: a stock Jekyll site, as ``jekyll new`` makes it, with Debian's gems.

``jekyll new --skip-bundle`` (minima 2.5.1 and jekyll-feed, as Debian packages them), the
Gemfile removed (Bundler would fetch gems: no network), then built by the real ``jekyll``.
Made once per session and copied for each test: ``jekyll new`` takes a second or two.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

PANDOCKIT = Path(sys.executable).parent / "pandockit"
_TEMPLATE: dict[str, Path] = {}


def new_site(path: Path, cache: Path) -> Path:
    """A fresh ``jekyll new`` site at ``path`` (``cache``: where the first one is kept)."""
    template = _TEMPLATE.get("site")
    if template is None or not template.is_dir():
        template = cache / "jekyll-new"
        if not template.is_dir():
            subprocess.run(["jekyll", "new", "--skip-bundle", str(template)], check=True,
                           capture_output=True, text=True)
            for name in ("Gemfile", "Gemfile.lock"):
                (template / name).unlink(missing_ok=True)
        _TEMPLATE["site"] = template
    shutil.copytree(template, path)
    return path


def pandockit(*args: str | Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(PANDOCKIT), *map(str, args)], capture_output=True, text=True,
                          check=False, env={**os.environ, **(env or {})})


def jekyll_build(site: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = ["jekyll", "build", "--source", str(site), "--destination", str(site / "_site")]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` (but the built site and caches) -> SHA-256 of its bytes."""
    skip = ("_site", ".jekyll-cache")
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part in skip for part in p.relative_to(root).parts)
    }


def install_theme_gem(home: Path, name: str, files: dict[str, str] | Path, summary: str
                      ) -> dict[str, str]:
    """A theme gem ``name`` 0.1.0 in the gem folder ``home``, with ``files`` (site path ->
    text, or a folder to copy): the environment (``GEM_PATH``) in which Ruby finds it."""
    gem = home / "gems" / f"{name}-0.1.0"
    if isinstance(files, Path):
        shutil.copytree(files, gem)
    else:
        for rel, text in files.items():
            (gem / rel).parent.mkdir(parents=True, exist_ok=True)
            (gem / rel).write_text(text)
    spec = home / "specifications" / f"{name}-0.1.0.gemspec"
    spec.parent.mkdir(parents=True)
    spec.write_text(
        "Gem::Specification.new do |s|\n"
        f'  s.name = "{name}"\n  s.version = "0.1.0"\n  s.summary = "{summary}"\n'
        '  s.authors = ["pandockit tests"]\n  s.files = []\nend\n'
    )
    paths = subprocess.run(["gem", "env", "gempath"], capture_output=True, text=True,
                           check=True).stdout.strip()
    return {"GEM_PATH": f"{home}:{paths}"}
