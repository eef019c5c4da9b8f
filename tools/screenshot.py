"""``make screenshot``: docs/screenshot.png, a post of the demo site as Chromium shows it.

Opens the starter post of the site ``make demo`` built (math typeset by MathJax, a DataFrame,
a plot, the toggles open), with the CDNs served from the tests' npm packages.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import Browser, serve  # noqa: E402  (test support, found through sys.path)


def main(site: Path, out: Path) -> int:
    built = site / "_site"
    page = next(p for p in built.rglob("*.html") if "A first notebook post" in
                p.read_text(encoding="utf-8", errors="replace")[:3000])
    browser = Browser()
    try:
        with serve(built) as base:
            result, tab = browser.open(f"{base}/{page.relative_to(built).as_posix()}")
            tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            tab.wait_for_timeout(300)
            out.parent.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(out), full_page=True)
    finally:
        browser.close()
    print(f"{out}: {result.facts['formulas']} formulas typeset, {result.facts['errors']} errors")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
