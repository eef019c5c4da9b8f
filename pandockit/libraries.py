"""The JavaScript libraries pages load, pinned: which CDN URL stands for which file of which
npm package, and where a self-hosted site serves that file (no I/O but reading the lock).

The lock is ``pandockit/data/libraries.json``: each library an npm package at one version, the
sha512 integrity of its registry tarball, the files of it a page loads and the CDN URLs
(regular expressions) that stand for them. bokehjs is pinned at every version an output may
ask for (Bokeh's loader names its own), each a library of its own (``bokehjs@3.4.1``). A
self-hosted site (``self-host: true``) serves file ``F`` of a library at
``/assets/pandockit/lib/<package>@<version>/F``; fetching and copying the files is
:mod:`pandockit.selfhost`'s.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

#: Folder of the site, under its source root, that holds the libraries' copies.
LIB_DIR = "assets/pandockit/lib"
#: A URL in text: what :func:`rewrite` considers (quotes, spaces and ``?`` end it).
_URL = re.compile(r"https?://[^\s\"'<>()?`\\]+")


@dataclass(frozen=True)
class Library:
    """One pinned npm package and the CDN URLs it answers."""

    name: str
    package: str
    version: str
    integrity: str
    files: tuple[str, ...]
    urls: tuple[tuple[re.Pattern, str], ...]
    patches: tuple[tuple[str, str, str], ...] = ()  # (file, text, replacement)

    @property
    def folder(self) -> str:
        """Its folder under :data:`LIB_DIR`: ``package@version`` (without the package's scope)."""
        return f"{self.package.rsplit('/', 1)[-1]}@{self.version}"

    @property
    def tarball(self) -> str:
        """The registry path of its tarball (after the registry's base URL)."""
        base = self.package.rsplit("/", 1)[-1]
        return f"{self.package}/-/{base}-{self.version}.tgz"


@functools.lru_cache(maxsize=1)
def lock() -> dict[str, Library]:
    """Every pinned library by name, from the lock."""
    from importlib import resources  # start-up time: only outputs with a library read it

    text = resources.files("pandockit").joinpath("data", "libraries.json").read_text("utf-8")
    out = {}
    for name, entry in json.loads(text)["libraries"].items():
        patches = tuple((f, old, new) for f, pairs in entry.get("patches", {}).items()
                        for old, new in pairs)
        versions = entry.get("versions") or {entry["version"]: entry["integrity"]}
        for version, integrity in versions.items():
            urls = tuple((re.compile(p.replace("{version}", re.escape(version))), f)
                         for p, f in entry["urls"].items())
            key = name if "version" in entry else f"{name}@{version}"
            out[key] = Library(key, entry["package"], version, integrity,
                               tuple(entry["files"]), urls, patches)
    return out


def find(url: str) -> tuple[Library, str] | None:
    """The library and file that the CDN ``url`` (its query ignored) stands for, if any."""
    bare = url.split("?", 1)[0].split("#", 1)[0]
    for library in lock().values():
        for pattern, file in library.urls:
            m = pattern.fullmatch(bare)
            if m:
                return library, file.format(**m.groupdict(default=""))
    return None


def local_url(library: Library, file: str, prefix: str) -> str:
    """Where a self-hosted page loads ``file`` of ``library`` (``prefix``: the site's baseurl,
    or the marker that stands for it)."""
    return f"{prefix}/{LIB_DIR}/{library.folder}/{file}"


def resolver(prefix: str) -> Callable[[str], str]:
    """A map from CDN URLs to the site's own copies (other URLs unchanged), query kept."""

    def src(url: str) -> str:
        found = find(url)
        if found is None:
            return url
        query = url[len(url.split("?", 1)[0]):]
        return local_url(found[0], found[1], prefix) + query

    return src


def rewrite(text: str, src: Callable[[str], str]) -> str:
    """``text`` (HTML or script) with every library CDN URL in it replaced by ``src``'s:
    script tags, and the URLs scripts load later (Altair's ``paths``, Bokeh's ``js_urls``)."""
    return _URL.sub(lambda m: src(m.group(0)), text)


def external_urls(text: str) -> list[str]:
    """The ``http(s)`` URLs in ``text``, in order, each once (queries left off)."""
    return list(dict.fromkeys(m.group(0) for m in _URL.finditer(text)))


#: URLs a page requests as it runs: a tag's ``src`` (script, image, frame), and the ``url`` of a
#: Vega/Vega-Lite spec's data. Other URLs in an output (links, ``$schema``, a loader's unused
#: fallbacks) make no request.
_REQUESTED = re.compile(
    r"\bsrc\s*=\s*[\"']?(?P<src>https?://[^\s\"'<>]+)"
    r'|"url"\s*:\s*"(?P<url>https?://[^"]+)"'
)


#: A script on a CDN, named in a script's strings (a loader's list, such as Bokeh's
#: ``js_urls``): requested as the page runs.
_CDN_SCRIPT = re.compile(
    r"https?://(?:cdn\.bokeh\.org|cdn\.jsdelivr\.net|unpkg\.com|cdn\.plot\.ly|"
    r"cdnjs\.cloudflare\.com)/[^\s\"'<>?]*\.js\b"
)


def outside(text: str) -> list[tuple[str, str]]:
    """``(url, what)`` for each request ``text`` (an output's HTML) makes outside the site:
    ``what`` is ``loads`` (a tag's source, a CDN script) or ``fetches`` (data, at run time)."""
    found = {}
    for m in _REQUESTED.finditer(text):
        url = m.group("src") or m.group("url")
        found.setdefault(url, "loads" if m.group("src") else "fetches")
    for m in _CDN_SCRIPT.finditer(text):
        found.setdefault(m.group(0), "loads")
    return list(found.items())


def used(text: str) -> set[str]:
    """Names of the libraries whose local copies ``text`` (a post) loads."""
    names = set()
    for library in lock().values():
        if f"/{LIB_DIR}/{library.folder}/" in text:
            names.add(library.name)
    return names
