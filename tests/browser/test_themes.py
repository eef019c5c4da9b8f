"""``pandockit init`` and ``build`` on themes shaped like the popular ones (``tests/themes/``):
the layout the site gives posts, the theme's own head hook, one math library per page.

Each fixture is used as a forked theme is (its files in the site), or, for ``underscore-hook``,
as a theme gem on ``GEM_PATH``. The site is wired by ``pandockit init`` alone, built by
``pandockit build`` and the real ``jekyll``, and each post page is opened in Chromium: themed,
every formula typeset as written, no raw TeX, no JavaScript error, pandockit's stylesheet
linked, exactly one MathJax.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import corpus
import pytest
from browser import Browser, raw_tex, serve
from conftest import CORPUS
from math_oracle import page_dollar_formulas, page_formulas
from stock_site import install_theme_gem, jekyll_build, pandockit, tree_digest

TESTS = Path(__file__).resolve().parents[1]
THEMES = TESTS / "themes"
LINE = "{%- include pandockit-head.html -%}"
#: A math-heavy real notebook (when the corpus is here: it is not the project's to carry) and
#: the project's own example.
NOTEBOOKS = [
    *([CORPUS / "nbclassic" / "Typesetting_Equations.ipynb"] if corpus.available() else []),
    TESTS.parent / "examples" / "_notebooks" / "2023-01-15-Linear-Algebra-Notes.ipynb",
]
GEM = "underscoretheme"


def install_gem(fixture: Path, home: Path) -> dict[str, str]:
    """``fixture`` as the installed theme gem ``underscoretheme``: the environment to find it."""
    return install_theme_gem(home, GEM, fixture, "a theme whose head hook is head_custom.html")


def make_site(name: str, tmp: Path) -> tuple[Path, dict[str, str]]:
    """A site forked from fixture ``name`` (``underscore-hook``: a site using it as a gem)."""
    site = tmp / name
    if name == "underscore-hook":
        env = install_gem(THEMES / name, tmp / "gemhome")
        site.mkdir()
        (site / "_config.yml").write_text(f"title: A gem theme\ntheme: {GEM}\n")
        return site, env
    shutil.copytree(THEMES / name, site)
    return site, {}


def init(site: Path, env: dict[str, str]) -> list[str]:
    proc = pandockit("init", "--site", site, env=env)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout.splitlines()


def build(site: Path, env: dict[str, str]) -> None:
    (site / "_notebooks").mkdir(exist_ok=True)
    for nb in NOTEBOOKS:
        shutil.copy(nb, site / "_notebooks" / nb.name)
    proc = pandockit("build", "--site", site, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr, proc.stderr
    jekyll = jekyll_build(site, env)
    assert "Build Warning" not in jekyll.stdout + jekyll.stderr


#: What init says on each fixture: the layout line, the hook it fills, what it says of math.
EXPECTED = {
    "defaults-single": [
        "changes _includes/head/custom.html: your head hook, every line kept, plus the include "
        "of pandockit-head.html",
        "posts get the layout 'single', from _config.yml's defaults",
    ],
    "default-only": [
        "changes _includes/head-custom.html: your head hook, every line kept, plus the include "
        "of pandockit-head.html",
        "posts get the layout 'default', the site's _layouts/default.html (there is no post "
        "layout)",
    ],
    "underscore-hook": [
        f"writes _includes/head_custom.html: {GEM}'s head hook, filled with pandockit's include",
        f"posts get the layout 'post', the theme {GEM}'s _layouts/post.html",
    ],
    "own-mathjax": [
        "changes _includes/metadata-hook.html: your head hook, every line kept, plus the include "
        "of pandockit-head.html",
        "changes _config.yml: notebook sources are not published ('*.ipynb' excluded); the "
        "theme's MathJax reads $..$: literal dollars escaped for it (pandockit: options)",
        "posts get the layout 'post', from _config.yml's defaults",
        "the theme loads MathJax itself (_includes/js-selector.html): pandockit's head include "
        "loads none",
        "posts with math get 'math: true', which turns it on",
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_init_wires_the_theme_by_its_own_hook_and_a_second_run_changes_nothing(
    name: str, tmp_path: Path
) -> None:
    site, env = make_site(name, tmp_path)
    hooks = {p.relative_to(site).as_posix(): p.read_text() for p in site.rglob("*custom*.html")}
    hooks.update({p.relative_to(site).as_posix(): p.read_text()
                  for p in site.rglob("metadata-hook.html")})
    lines = init(site, env)
    for line in EXPECTED[name]:
        assert line in lines
    assert not any(line.startswith("to do") for line in lines), lines
    for rel, before in hooks.items():  # every line of the hook kept, one line added
        after = (site / rel).read_text()
        if LINE in after:
            assert after == before + LINE + "\n"
    layouts = {p.name: p.read_text() for p in (site / "_layouts").glob("*")} \
        if (site / "_layouts").is_dir() else {}
    snapshot = tree_digest(site)
    assert init(site, env) == [f"nothing to change: {site} is set up for notebook posts"]
    assert tree_digest(site) == snapshot
    assert all((site / "_layouts" / n).read_text() == t for n, t in layouts.items())


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_post_is_themed_and_every_formula_typeset_by_one_mathjax(
    name: str, tmp_path: Path, browser: Browser
) -> None:
    site, env = make_site(name, tmp_path)
    init(site, env)
    build(site, env)
    posts = sorted((site / "_site").rglob("*.html"))
    pages = [p for p in posts if "pandockit.css" in p.read_text(encoding="utf-8")]
    assert len(pages) == len(NOTEBOOKS)
    dollars = name == "own-mathjax"
    with serve(site / "_site") as base:
        for file in pages:
            built = file.read_text(encoding="utf-8")
            assert f'<meta name="theme-fixture" content="{name}">' in built  # the theme's head
            assert built.count("<article>") == 1  # the theme's post layout
            assert built.count('id="MathJax-script"') == 1
            result, page = browser.open(base + "/" + file.relative_to(site / "_site").as_posix())
            page.close()
            facts = result.facts
            assert result.console_errors == [], result.console_errors
            assert any(s.endswith("/assets/css/pandockit.css") for s in _links(built))
            bundles = [s for s in facts["scripts"] if s.rsplit("/", 1)[-1].startswith("tex-")]
            assert len(bundles) == 1, facts["scripts"]  # one MathJax, the theme's or ours
            assert facts["version"] and facts["version"].startswith("3.")
            assert facts["errors"] == 0
            handed = page_dollar_formulas(built) if dollars else page_formulas(built)
            typeset = [("display" if m["display"] else "inline", m["tex"].strip() if dollars
                        else m["tex"]) for m in facts["typeset"]]
            assert typeset == handed and typeset, file.name
            assert raw_tex(facts["text"]) == [], file.name


def _links(page: str) -> list[str]:
    import re

    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)


def test_build_warns_once_about_a_layout_the_site_and_its_theme_lack(tmp_path: Path) -> None:
    site, env = make_site("default-only", tmp_path)
    init(site, env)
    with (site / "_config.yml").open("a") as config:
        config.write("pandockit:\n  front-matter:\n    layout: post\n")
    (site / "_notebooks").mkdir(exist_ok=True)
    examples = sorted((TESTS.parent / "examples" / "_notebooks").glob("*.ipynb"))[:2]
    for nb in examples:
        shutil.copy(nb, site / "_notebooks" / nb.name)
    proc = pandockit("build", "--site", site, env=env)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "layout" in line]
    assert len(examples) == 2 and warnings == [
        f"pandockit: warning: {site}: 2 posts name the layout 'post', which neither the site "
        "nor its theme has (it has: default): Jekyll shows such a post without its theme; set "
        "another 'layout' (or none) in the notebook or in 'pandockit: front-matter:'"
    ]
    jekyll = jekyll_build(site, env)  # Jekyll's own warning, which this one foretells
    assert "Layout 'post' requested" in jekyll.stdout + jekyll.stderr
