"""A real Jekyll site for tests: convert notebooks into it, build it, read the built pages.

Test support only (never shipped in the package). Uses the ``jekyll`` command (Debian's
package, 4.3, kramdown with GFM input) and the site skeleton in ``examples/site``.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SKELETON = ROOT / "examples" / "site"


@dataclass
class Build:
    returncode: int
    output: str


class JekyllSite:
    """A site folder made from the skeleton, with helpers to build it and read its pages."""

    def __init__(self, path: Path, config: dict | None = None) -> None:
        self.path = path
        shutil.copytree(SKELETON, path, dirs_exist_ok=True)
        if config:
            cfg = yaml.safe_load((path / "_config.yml").read_text())
            for key, value in config.items():
                if isinstance(value, dict) and isinstance(cfg.get(key), dict):
                    cfg[key].update(value)
                else:
                    cfg[key] = value
            (path / "_config.yml").write_text(yaml.safe_dump(cfg, sort_keys=False))

    @property
    def dest(self) -> Path:
        return self.path / "_site"

    def add_missing_layouts(self) -> None:
        """Give every layout a post names (jekyllnb's ``notebook``, ...) the post layout, as the
        author's own site would have it."""
        layouts = self.path / "_layouts"
        for post in self.path.glob("**/_posts/*.md"):
            head = re.match(r"---\n(.*?\n)---\n", post.read_text(encoding="utf-8"), re.S)
            fm = yaml.safe_load(head.group(1)) if head else None
            name = fm.get("layout") if isinstance(fm, dict) else None
            if isinstance(name, str) and name and not (layouts / f"{name}.html").exists():
                shutil.copy(layouts / "post.html", layouts / f"{name}.html")

    def build(self, check: bool = True) -> Build:
        self.add_missing_layouts()
        proc = subprocess.run(
            ["jekyll", "build", "--source", str(self.path), "--destination", str(self.dest)],
            capture_output=True,
            text=True,
            check=False,
        )
        result = Build(proc.returncode, proc.stdout + proc.stderr)
        if check and proc.returncode != 0:
            raise AssertionError(f"jekyll build failed:\n{result.output}")
        return result

    def pages(self) -> dict[str, str]:
        """Source path of each built page (``_posts/x.md``) -> its HTML."""
        found = {}
        for page in self.dest.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            m = re.search(r'<meta name="pandockit-source" content="([^"]*)">', text)
            if m:
                found[html.unescape(m.group(1))] = text
        return found

    def post_html(self, post: Path) -> str:
        """The built HTML of the post file ``post`` (a path inside the site)."""
        rel = post.resolve().relative_to(self.path.resolve()).as_posix()
        pages = self.pages()
        assert rel in pages, f"{rel} was not built; built: {sorted(pages)}"
        return pages[rel]

    def url_path(self, url: str) -> Path:
        """The file a site-relative URL of the built site resolves to."""
        baseurl = (yaml.safe_load((self.path / "_config.yml").read_text()) or {}).get("baseurl")
        url = html.unescape(url).split("#")[0].split("?")[0]
        if baseurl and url.startswith(baseurl.rstrip("/") + "/"):
            url = url[len(baseurl.rstrip("/")) :]
        from urllib.parse import unquote

        return self.dest / unquote(url).lstrip("/")


def article(page: str) -> str:
    """The post body of a built page (inside <article>), without the layout."""
    m = re.search(r"<article>(.*)</article>", page, re.S)
    return m.group(1) if m else page


def math_in(page: str) -> list[str]:
    """Every formula of a built page as MathJax receives it (\\(..\\) and \\[..\\], unescaped)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", article(page)))
    found = re.finditer(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", text, re.S)
    return [m.group(1) or m.group(2) for m in found]


def text_of(page: str) -> str:
    """The visible text of a post body: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", article(page)))


def img_srcs(page: str) -> list[str]:
    return [html.unescape(s) for s in re.findall(r'<img[^>]*\ssrc="([^"]*)"', article(page))]


def jekyll_available() -> bool:
    return shutil.which("jekyll") is not None
