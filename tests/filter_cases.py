"""Per-filter sample/expected pairs (the lua-filters habit): tests/filters/<step>/<case>/.

Each case holds ``input.ipynb`` (a small crafted notebook: the source of truth), an optional
``options.yml`` (as the CLI would take them), an optional ``post-urls.yml`` (the URLs of the
posts it links to), an optional ``site/`` folder (files of its site: ``_config.yml``,
``_layouts/``; the notebook is then converted from the site's ``_notebooks/``), and what
``make goldens`` generates from them:

- ``input.json``: the sample, the document given to ``<step>``: the notebook through the
  preparation and the pipeline's steps before ``<step>`` (pandoc's JSON AST, exact, so the
  step runs on it without pandoc); ``input.md``, the same as pandoc's Markdown writer writes it,
  for reviewers;
- ``expected.json``: what ``<step>`` alone makes of the sample; ``expected.md``, the same in
  Markdown (cell and output Divs show as ``:::`` fences), followed by the metadata the step
  itself set or changed (its ``pandockit-done`` record left out). ``diff -u input.md
  expected.md`` shows the step's work and nothing else.

The test (tests/filters/test_filter_cases.py) runs only ``<step>`` on ``input.json`` and
compares with ``expected.json`` (no pandoc); a difference is shown as a unified diff of the
Markdown. Regenerating is explicit (``make goldens``: tests/regen_goldens.py); a missing
expected file fails the test. Each step's folder has a ``README.md`` saying what its cases show.
"""

from __future__ import annotations

import io
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
from pandockit.job import Job, attach
from pandockit.keys import DONE_KEY, NOTEBOOK_KEY
from pandockit.pipeline import PIPELINE, Step
from pandockit.plan import plan_post, with_read

FILTERS = Path(__file__).parent / "filters"
INPUT = "input.ipynb"
#: The sample (the document given to the step) and what the step alone makes of it: exact
#: JSON, and its Markdown rendering for reviewers (and for the diff of a failure).
SAMPLE, SAMPLE_MD = "input.json", "input.md"
EXPECTED_JSON, EXPECTED = "expected.json", "expected.md"
#: Every file ``make goldens`` writes in a case.
GENERATED = (SAMPLE, SAMPLE_MD, EXPECTED_JSON, EXPECTED)
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


def step_of(case: Path) -> Step:
    """The pipeline step a case is a sample of (its folder's name)."""
    for step in PIPELINE:
        if step.name == case.parent.name:
            return step
    raise AssertionError(f"{case}: no pipeline step named {case.parent.name!r}")


def _source(case: Path, site: Path) -> Path:
    """The case's notebook, in ``site``'s ``_notebooks/`` when the case has site files."""
    if not (case / SITE).is_dir():
        return case / INPUT
    shutil.copytree(case / SITE, site, dirs_exist_ok=True)
    (site / "_notebooks").mkdir(exist_ok=True)
    return Path(shutil.copy(case / INPUT, site / "_notebooks" / INPUT))


def _plan(case: Path, site: Path) -> Job:
    """The case's job, planned in ``site`` as ``pandockit convert`` plans it (its options, its
    post URLs, the fixed source day)."""
    source = _source(case, site)
    options = resolve_options(site, options_of(case))
    urls = case / POST_URLS
    post_urls = yaml.safe_load(urls.read_text(encoding="utf-8")) if urls.is_file() else {}
    return plan_post(source, options, site, source_day=SOURCE_DAY, links=post_urls)


def make_sample(case: Path) -> pf.Doc:
    """The document given to the case's step: its notebook through the preparation and the
    pipeline's steps before that step (``make goldens`` only: it runs pandoc)."""
    step = step_of(case)
    with tempfile.TemporaryDirectory() as tmp:
        job = _plan(case, Path(tmp))
        doc = load_doc(job.notebook)
        attach(doc, with_read(job, doc))
        for each in PIPELINE:
            if each.name == step.name:
                return doc
            doc = each.main(doc)
    raise AssertionError(f"{case}: no pipeline step named {step.name!r}")


def run_step(case: Path, doc: pf.Doc) -> pf.Doc:
    """The case's step, alone, on ``doc`` (a sample read back from its JSON): the one place
    that says how a step runs on a document outside the pipeline. Its job is planned again and
    given what the step reads of the document, as the ``pandoc --filter`` route gives a step
    in the middle of a chain (:func:`pandockit.filter_route.job_from_metadata`)."""
    step = step_of(case)
    with tempfile.TemporaryDirectory() as tmp:
        job = _plan(case, Path(tmp))
        attach(doc, with_read(job, doc, [step.name]))
        return step.main(doc)


def portable(doc: pf.Doc) -> dict:
    """``doc`` as pandoc's JSON, the notebook's path (a temporary or this checkout's) named by
    the case's file name alone, so the files are the same on every machine."""
    data = json.loads(json.dumps(doc.to_json()))  # plain lists (panflute gives some tuples)
    meta = data.get("meta", {})
    if NOTEBOOK_KEY in meta:
        meta[NOTEBOOK_KEY] = {"t": "MetaString", "c": INPUT}
    return data


def dump(data: dict) -> str:
    """A document's JSON as the case files hold it (one key a line: readable diffs)."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def load_sample(case: Path) -> pf.Doc:
    return pf.load(io.StringIO((case / SAMPLE).read_text(encoding="utf-8")))


def rendered(data: dict, before: dict | None = None) -> str:
    """A document's JSON as pandoc's Markdown writer writes it; with ``before`` (the sample's
    metadata), followed by the metadata the step set or changed."""
    doc = pf.load(io.StringIO(json.dumps(data)))
    text = _markdown(doc)
    if before is not None:
        text += _metadata_set(before, doc.get_metadata())
    return text


def write_case(case: Path) -> str:
    """Regenerate the case's four files (``make goldens``); the expected output is the step
    run alone on the sample as written, exactly as the test runs it."""
    sample = dump(portable(make_sample(case)))
    (case / SAMPLE).write_text(sample, encoding="utf-8")
    data = json.loads(sample)
    (case / SAMPLE_MD).write_text(rendered(data), encoding="utf-8")
    before = load_sample(case).get_metadata()
    out = portable(run_step(case, load_sample(case)))
    (case / EXPECTED_JSON).write_text(dump(out), encoding="utf-8")
    text = rendered(out, before)
    (case / EXPECTED).write_text(text, encoding="utf-8")
    return text


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
