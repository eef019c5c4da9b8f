"""The filters' shared walk does what panflute's walk does, only faster; depth limits hold.

Each filter runs through :func:`pandockit.filters.base.walk`; these tests hold it to
panflute's own ``Element.walk`` on small documents and, filter by filter, on real notebooks.
"""

from __future__ import annotations

import json
from pathlib import Path

import corpus
import panflute as pf
import pytest
from converting import prepared
from panflute.containers import ListContainer
from panflute.elements import from_json

from pandockit import pandoc, tree
from pandockit.config import default_options
from pandockit.filters import base
from pandockit.notebook import read_notebook
from pandockit.pipeline import PIPELINE

ROOT = Path(__file__).resolve().parents[2]

MARKDOWN = """\
# Title

Some *emphasis*, `code` and $x^2$ in a [link](http://x.org).

- one
- two with **bold**

| a | b |
|---|---|
| $y$ | z |

> quoted text

$$E = mc^2$$
"""


def parse(text: str, fmt: str = "markdown") -> pf.Doc:
    out = pandoc.run_pandoc(["-f", fmt, "-t", "json"], text.encode())
    return json.loads(out, object_hook=from_json)


def both(action) -> tuple[dict, dict]:
    """The document after panflute's walk and after ours, as JSON."""
    ours, theirs = parse(MARKDOWN), parse(MARKDOWN)
    theirs = theirs.walk(action, theirs)
    ours = base.walk(ours, action, ours)
    return theirs.to_json(), ours.to_json()


def test_delete_splice_replace_like_panflute() -> None:
    def action(elem: pf.Element, doc: pf.Doc):
        if isinstance(elem, pf.Emph):
            return []  # delete
        if isinstance(elem, pf.Strong):
            return [pf.Str("x"), pf.Space(), pf.Str("y")]  # splice
        if isinstance(elem, pf.Math):
            return pf.Str(elem.text)  # replace
        if isinstance(elem, pf.BlockQuote):
            return list(elem.content)  # unwrap a block
        return None

    theirs, ours = both(action)
    assert ours == theirs
    assert "Emph" not in json.dumps(ours) and "BlockQuote" not in json.dumps(ours)


def test_no_change_keeps_document() -> None:
    before = parse(MARKDOWN).to_json()
    theirs, ours = both(lambda e, d: None)
    assert ours == theirs == before


def test_parent_and_index_inside_action_like_panflute() -> None:
    def record(seen: list):
        def action(elem: pf.Element, doc: pf.Doc) -> None:
            parent = type(elem.parent).__name__ if elem.parent is not None else None
            seen.append((type(elem).__name__, parent, getattr(elem, "index", None)))

        return action

    theirs_seen: list = []
    ours_seen: list = []
    doc = parse(MARKDOWN)
    doc.walk(record(theirs_seen), doc)
    doc = parse(MARKDOWN)
    base.walk(doc, record(ours_seen), doc)
    assert ours_seen == theirs_seen
    assert ("Header", "Doc", 0) in ours_seen


def test_depth_limits_the_walk() -> None:
    seen: list[str] = []
    doc = parse(MARKDOWN)
    base.walk(doc, lambda e, d: seen.append(type(e).__name__), doc, depth=base.CELLS)
    top = [type(b).__name__ for b in doc.content]
    assert seen == ["MetaMap", *top, "Doc"]
    visited: list[pf.Element] = []
    base.walk(doc, lambda e, d: visited.append(e), doc, depth=base.CELL_BLOCKS)
    inner = [e for e in visited if e is not doc and e.parent is not doc]
    assert inner and all(e.parent.parent is doc for e in inner)  # two levels, no deeper
    assert any(isinstance(e, pf.Emph) for e in inner)  # a Para's inline, but not its words:
    assert not any(isinstance(e, pf.Str) and e.text == "emphasis" for e in visited)


def test_type_errors_like_panflute() -> None:
    doc = parse(MARKDOWN)
    with pytest.raises(TypeError):
        base.walk(doc, lambda e, d: pf.Str("x") if isinstance(e, pf.Header) else None, doc)


NOTEBOOKS = corpus.params(corpus.notebooks()[::4]) + [
    pytest.param(p, id=p.stem) for p in sorted((ROOT / "examples").rglob("*.ipynb"))]


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_every_filter_same_as_panflute_walk(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Filter by filter, in pipeline order: the document after our walk (with each filter's
    depth limit) is the document after panflute's full walk."""
    notebook = read_notebook(path)
    raw = pandoc.run_pandoc(pandoc.READ_ARGS, notebook.pandoc_input)

    def load() -> pf.Doc:
        doc = json.loads(raw, object_hook=from_json)
        doc.format = "markdown"
        return prepared(doc, notebook, default_options())

    ours, theirs = load(), load()
    fast = base.walk
    for step in PIPELINE:
        monkeypatch.setattr(base, "walk", fast)
        ours = step.main(ours)
        monkeypatch.setattr(base, "walk", lambda e, a, d, depth=None, skip=None: e.walk(a, d))
        theirs = step.main(theirs)
        assert ours.to_json() == theirs.to_json(), f"{step.name} differs on {path.name}"


def _same_tree(ours: object, theirs: object) -> None:
    """The same panflute objects: types, attributes, containers, and parents set alike."""
    assert type(ours) is type(theirs)
    if isinstance(ours, pf.Element):
        assert ours == theirs
        for slot in ("parent", "location", "index"):
            assert (getattr(ours, slot) is None) is (getattr(theirs, slot) is None), slot
        for name in ours._children:
            _same_tree(getattr(ours, name), getattr(theirs, name))
    elif isinstance(ours, ListContainer):
        assert (ours.oktypes, ours.location) == (theirs.oktypes, theirs.location)
        assert type(ours.parent) is type(theirs.parent)
        assert isinstance(ours.list, list) and len(ours.list) == len(theirs.list)
        for a, b in zip(ours.list, theirs.list):
            _same_tree(a, b)


LOADED = NOTEBOOKS + [pytest.param(p, id=p.stem)
                      for p in sorted((ROOT / "tests" / "cases").rglob("*.ipynb"))]


@pytest.mark.parametrize("path", LOADED)
def test_json_hook_makes_what_panflute_makes(path: Path) -> None:
    """:func:`pandockit.tree.from_json` (words, spaces and paragraphs made in place) gives the
    objects panflute's own hook gives, on real notebooks: equal trees, the same JSON back."""
    (parts,) = pandoc.read([read_notebook(path).pandoc_input]).results()
    for text in parts:  # one notebook read in parts: each a document
        ours = json.loads(text, object_hook=tree.from_json)
        theirs = json.loads(text, object_hook=from_json)
        assert ours.to_json() == theirs.to_json()
        _same_tree(ours, theirs)
    for name in ("Str", "Para", "Plain"):  # what it makes here, a wrong item refused alike
        bad = {"t": name, "c": 3 if name == "Str" else [{"x": 1}]}
        with pytest.raises(TypeError) as theirs_error:
            from_json(bad)
        with pytest.raises(TypeError) as ours_error:
            tree.from_json(bad)
        assert str(ours_error.value) == str(theirs_error.value)


#: Every kind :func:`pandockit.tree.to_json` makes itself, and kinds it leaves to panflute.
ALL_KINDS = MARKDOWN + """
Some ~~struck~~ ^sup^ ~sub~ [small]{.smallcaps} [span]{#i .c k=v} "quoted" 'single' text,\\
a hard break, a note[^1], a ![picture](a.png "title"){#p .q} and <b>raw</b>.

[^1]: The note, *emphasised*.

::: {#d .warning key="v"}
1. first
2. second

Term
: definition
:::

```{.python #c startFrom="2"}
print(1)
```

```{=html}
<p>raw block</p>
```

a soft
break

* * *

| table | $m$ |
|:--|--:|
| `c` | [l](u) |
"""


@pytest.mark.parametrize("path", LOADED)
def test_body_json_is_panflute_json(path: Path) -> None:
    """:func:`pandockit.tree.body_json` is panflute's ``Doc.to_json`` without the metadata, on
    real notebooks as pandoc reads them and as the pipeline leaves them."""
    notebook = read_notebook(path)
    raw = pandoc.run_pandoc(pandoc.READ_ARGS, notebook.pandoc_input)
    doc = json.loads(raw, object_hook=from_json)
    assert tree.body_json(doc) == {**doc.to_json(), "meta": {}}
    doc.format = "markdown"
    doc = prepared(doc, notebook, default_options())
    for step in PIPELINE:
        doc = step.main(doc)
    assert tree.body_json(doc) == {**doc.to_json(), "meta": {}}


def test_to_json_of_every_kind_is_panflutes() -> None:
    doc = parse(ALL_KINDS)
    kinds = {type(elem) for elem in _all(doc)}
    assert kinds >= set(tree._TO_JSON) - {pf.Underline}, set(tree._TO_JSON) - kinds
    assert tree.body_json(doc) == {**doc.to_json(), "meta": {}}
    underline = pf.Para(pf.Underline(pf.Str("u")))
    assert tree.to_json(underline) == underline.to_json()


def _all(elem: pf.Element) -> list[pf.Element]:
    found: list[pf.Element] = []
    elem.walk(lambda e, _doc: found.append(e))
    return found
