"""``make demo``: the README's quick start on a stock Jekyll site, then the page to open.

Makes ``SITE`` with ``jekyll new`` (minima; the Gemfile removed: Debian's gems are used, no
network), copies the example notebooks in, runs ``pandockit init --example`` and
``pandockit build``, builds the site with Jekyll and prints the path of a post to open.
Run again, it reuses the site: nothing is converted twice.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PANDOCKIT = Path(sys.executable).parent / "pandockit"


def run(*cmd: str | Path) -> None:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True)


def main(site: Path) -> int:
    if not (site / "_config.yml").is_file():
        run("jekyll", "new", "--skip-bundle", site)
        for name in ("Gemfile", "Gemfile.lock"):
            (site / name).unlink(missing_ok=True)
    notebooks = site / "_notebooks"
    notebooks.mkdir(exist_ok=True)
    for nb in sorted((ROOT / "examples" / "_notebooks").glob("*.ipynb")):
        if not (notebooks / nb.name).exists():
            shutil.copy2(nb, notebooks / nb.name)
    run(PANDOCKIT, "init", "--site", site, "--example")
    run(PANDOCKIT, "build", "--site", site)
    run("jekyll", "build", "--quiet", "--source", site, "--destination", site / "_site")
    pages = [p for p in (site / "_site").rglob("*.html") if "A first notebook post" in
             p.read_text(encoding="utf-8", errors="replace")[:3000]]
    print()
    print(f"The site is built in {site / '_site'}. Open a post:")
    for page in pages[:1]:
        print(f"  {page.resolve()}")
        rel = page.relative_to(site / "_site").as_posix()
        print(f"or serve it: cd {site} && jekyll serve   then http://127.0.0.1:4000/{rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "demo-site")))
