"""Per-filter sample/expected pairs (the lua-filters habit): tests/filters/<step>/<case>/.

Each case holds ``input.ipynb`` (a small crafted notebook), an optional ``options.yml`` (as the
CLI would take them), an optional ``post-urls.yml`` (the URLs of the posts it links to), an
optional ``site/`` folder (files of its site: ``_config.yml``, ``_layouts/``; the notebook is
then converted from the site's ``_notebooks/``) and ``expected.md``: the document after the
pipeline has run up to and including ``<step>``, as pandoc's Markdown writer writes it (cell
and output Divs show as ``:::`` fences, so what a step leaves for the next one is visible),
followed by the metadata the step itself set or changed (its ``pandockit-done`` record left
out). Each step's folder has a ``README.md`` saying what its cases show.

Shared by tests/test_filter_cases.py and ``make goldens`` (tests/regen_goldens.py), which
regenerates the expected files on purpose; a missing expected file fails the test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import panflute as pf
import pypandoc
import yaml
from converting import load_doc
from goldens import options_of

from pandockit.config import resolve_options
from pandockit.job import attach
from pandockit.keys import DONE_KEY
from pandockit.pipeline import PIPELINE
from pandockit.plan import plan_post, with_read

FILTERS = Path(__file__).parent / "filters"
INPUT = "input.ipynb"
EXPECTED = "expected.md"
#: Optional: the post URLs of the notebooks the case links to, as gathered before the pipeline
#: (:func:`pandockit.post_urls.gather`; baseurl marker as ``{baseurl}``).
POST_URLS = "post-urls.yml"
#: Optional: files of the site the case's notebook is converted in (``_config.yml``,
#: ``_layouts/``), copied into the case's otherwise empty site.
SITE = "site"
#: The day a case's post is dated (a case's file name holds none; its mtime would churn).
SOURCE_DAY = "2024-01-02"


def step_names() -> list[str]:
    return [step.name for step in PIPELINE]


def case_dirs() -> list[Path]:
    """Every case, in pipeline order of its step."""
    return [case for name in step_names() if (FILTERS / name).is_dir()
            for case in sorted(p for p in (FILTERS / name).iterdir() if p.is_dir())]


def run_to(case: Path) -> str:
    """The case's notebook through the pipeline up to and including its step, written."""
    step = case.parent.name
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        source = case / INPUT
        if (case / SITE).is_dir():  # the notebook in the site's _notebooks/, as a blog has it
            shutil.copytree(case / SITE, site, dirs_exist_ok=True)
            (site / "_notebooks").mkdir(exist_ok=True)
            source = Path(shutil.copy(source, site / "_notebooks" / INPUT))
        options = resolve_options(site, options_of(case))
        urls = case / POST_URLS
        post_urls = yaml.safe_load(urls.read_text(encoding="utf-8")) if urls.is_file() else {}
        job = plan_post(source, options, site, source_day=SOURCE_DAY, links=post_urls)
        doc = load_doc(job.notebook)
        attach(doc, with_read(job, doc))
        for each in PIPELINE:
            before = doc.get_metadata()
            doc = each.main(doc)
            if each.name == step:
                break
        else:
            raise AssertionError(f"{case}: no pipeline step named {step!r}")
        after = doc.get_metadata()
    return _markdown(doc) + _metadata_set(before, after)


def _markdown(doc: pf.Doc) -> str:
    body = pf.Doc(*doc.content, api_version=doc.api_version)
    return subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "json", "-t", "markdown"],
        input=json.dumps(body.to_json()), capture_output=True, text=True, check=True,
    ).stdout


def _metadata_set(before: dict, after: dict) -> str:
    changed = {key: value for key, value in after.items()
               if key != DONE_KEY and before.get(key) != value}
    if not changed:
        return ""
    text = yaml.dump(changed, Dumper=_Dumper, sort_keys=True, allow_unicode=True, width=88)
    return "\n<!-- metadata this step set -->\n\n```yaml\n" + text + "```\n"


class _Dumper(yaml.SafeDumper):
    """Text of several lines (the front matter, kept as YAML text) as a ``|`` block."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)
