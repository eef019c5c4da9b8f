"""A self-hosted site's libraries (``self-host: true``): each pinned npm tarball fetched once
into a cache, checked against the lock's sha512, and the files of the versions its posts use
copied under ``assets/pandockit/lib/``; versions no post uses any more are removed.

Which versions a site uses is read from its posts, the record that outlives every build: a
post loads a library's copy by its URL (:func:`pandockit.libraries.used`), and its front matter
says which MathJax its page loads (``pandockit: math``, ``mathjax: 2``). The tarballs come from
the npm registry (``PANDOCKIT_NPM_REGISTRY``, else npm's ``npm_config_registry``, else
registry.npmjs.org) and are kept in ``PANDOCKIT_CACHE`` (default ``~/.cache/pandockit``), so a
site builds offline once each version was fetched; ``pandockit fetch-libs`` fetches them all.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tarfile
import tempfile
from fnmatch import fnmatchcase
from pathlib import Path

import yaml

from pandockit.errors import PandockitError
from pandockit.libraries import LIB_DIR, Library, external_urls, lock, resolver, used

log = logging.getLogger("pandockit")

#: The file in a library's copy that records the tarball it came from (its integrity).
STAMP = ".pandockit-integrity"
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_FOLDER = re.compile(r"^[A-Za-z0-9._-]+@\d[\w.+-]*$")


def cache_dir() -> Path:
    """Where fetched tarballs are kept."""
    if os.environ.get("PANDOCKIT_CACHE"):
        return Path(os.environ["PANDOCKIT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pandockit"


def registry() -> str:
    url = (os.environ.get("PANDOCKIT_NPM_REGISTRY") or os.environ.get("npm_config_registry")
           or "https://registry.npmjs.org/")
    return url.rstrip("/") + "/"


def verify(data: bytes, integrity: str) -> bool:
    """True when ``data`` has the npm ``integrity`` (``sha512-<base64>``)."""
    algo, _, digest = integrity.partition("-")
    if algo not in ("sha512", "sha384", "sha256"):
        return False
    return base64.b64encode(hashlib.new(algo, data).digest()).decode() == digest


def tarball(library: Library) -> bytes:
    """The library's npm tarball, from the cache or the registry, checked against the lock."""
    path = cache_dir() / "npm" / f"{library.folder}.tgz"
    if path.is_file():
        data = path.read_bytes()
        if verify(data, library.integrity):
            return data
        log.warning("%s: does not match the pinned checksum: fetched again", path)
    url = registry() + library.tarball
    # Imported here: only a build that lacks a tarball needs the network code.
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            data = answer.read()
    except (urllib.error.URLError, OSError) as exc:
        raise PandockitError(url, f"cannot fetch {library.name} (self-host needs the npm "
                                  f"registry once per version, or PANDOCKIT_CACHE): {exc}") from exc
    if not verify(data, library.integrity):
        raise PandockitError(url, f"does not match the pinned {library.integrity[:19]}...: "
                                  "refused")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return data


def _wanted(library: Library, rel: str) -> bool:
    for pattern in library.files:
        if pattern.endswith("/") and rel.startswith(pattern):
            return True
        if fnmatchcase(rel, pattern) and rel.count("/") == pattern.count("/"):
            return True
    return False


def extract(library: Library, data: bytes, dest: Path) -> int:
    """Write the library's files from its tarball ``data`` under ``dest``; their bytes."""
    size = 0
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = member.name.split("/", 1)[-1] if "/" in member.name else ""
            if not member.isfile() or not name or ".." in name.split("/"):
                continue
            if not _wanted(library, name):
                continue
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            content = _patched(library, name, tar.extractfile(member).read())
            target.write_bytes(content)
            size += len(content)
    (dest / STAMP).write_text(_stamp(library), encoding="utf-8")
    return size


def _stamp(library: Library) -> str:
    """What a copy records of its making: the tarball's integrity and the lock's file list and
    patches (a copy made under another lock is made again)."""
    made = json.dumps([library.files, library.patches], sort_keys=True).encode()
    return f"{library.integrity} {hashlib.sha256(made).hexdigest()[:16]}\n"


def _patched(library: Library, name: str, content: bytes) -> bytes:
    """``content`` of file ``name`` with the lock's patches for it applied."""
    for file, old, new in library.patches:
        if file != name:
            continue
        if content.count(old.encode()) != 1:
            raise PandockitError(f"{library.folder}/{name}", f"patch text not found once: {old}")
        content = content.replace(old.encode(), new.encode())
    return content


def installed(folder: Path, library: Library) -> bool:
    stamp = folder / STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == _stamp(library)


def install(site: Path, library: Library) -> None:
    """Copy ``library``'s files into the site (unless its copy is there), atomically."""
    root = site / LIB_DIR
    folder = root / library.folder
    if installed(folder, library):
        return
    data = tarball(library)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{library.folder}.", dir=root))
    try:
        extract(library, data, tmp)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _post_files(site: Path, posts_dir: str) -> list[Path]:
    folder = site / posts_dir
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".md", ".markdown", ".html"))


def _mathjax(text: str) -> str | None:
    m = _FRONT_MATTER.match(text)
    if not m:
        return None
    try:
        front = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return None
    page = front.get("pandockit") if isinstance(front, dict) else None
    if not isinstance(page, dict):
        return None
    if str(page.get("mathjax", "")) == "2":
        return "mathjax2"
    return "mathjax3" if page.get("math") else None


def needed(site: Path, posts_dir: str) -> set[str]:
    """Names of the libraries the site's posts use."""
    names: set[str] = set()
    for path in _post_files(site, posts_dir):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        names |= used(text)
        mathjax = _mathjax(text)
        if mathjax:
            names.add(mathjax)
    return names


def sync(site: Path, posts_dir: str) -> tuple[list[str], list[str]]:
    """Make ``assets/pandockit/lib`` hold the versions the posts use, and only those (folders
    named ``package@version``: nothing else there is touched). Returns (added, removed)."""
    libs = lock()
    names = needed(site, posts_dir)
    root = site / LIB_DIR
    added = []
    for name in sorted(names):
        library = libs[name]
        if not installed(root / library.folder, library):
            install(site, library)
            added.append(library.folder)
    keep = {libs[n].folder for n in names}
    removed = []
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            if folder.is_dir() and _FOLDER.match(folder.name) and folder.name not in keep:
                shutil.rmtree(folder)
                removed.append(folder.name)
    return added, removed


def fetch_all() -> list[str]:
    """Fetch the pinned tarballs into the cache (for offline builds); their folders. Of a
    library pinned at many versions (bokehjs: whichever an output names) only the newest: a
    build fetches the others it needs."""
    newest: dict[str, Library] = {}
    for name, library in lock().items():
        family = name.split("@", 1)[0]
        old = newest.get(family)
        if old is None or _version(library.version) > _version(old.version):
            newest[family] = library
    folders = []
    for library in newest.values():
        tarball(library)
        folders.append(library.folder)
    return folders


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def head_cdn_urls(site: Path) -> list[str]:
    """Library CDN URLs that the site's pandockit head include still loads."""
    head = site / "_includes" / "pandockit-head.html"
    try:
        text = head.read_text(encoding="utf-8")
    except OSError:
        return []
    src = resolver("")
    return [url for url in external_urls(text) if src(url) != url]
