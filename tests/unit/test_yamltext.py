"""yamltext.dump gives the text PyYAML's emitter gives, whether a mapping is dumped whole or
extended from the dump of its first keys (what the front matter's three steps do in turn), and
whether its keys are written directly (simple values) or by PyYAML."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from pandockit import yamltext

#: Characters YAML quotes, folds or ends documents on.
_TEXT = st.text("ab :#-'\"\n\t |>&*!%@`?{}[],.~\\\u00e9\u2028\x85" + "\U0001f600", max_size=12)
scalars = st.one_of(
    _TEXT, st.sampled_from(["---", "...", "x\n\n", "yes", "1,000", ":name", "", " a", "a "]),
    st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(_TEXT, inner, max_size=3)),
    max_leaves=6)
mappings = st.dictionaries(st.one_of(_TEXT, st.sampled_from(["title", "tags", "image"])), values,
                           min_size=2, max_size=6)


def _whole(data: dict) -> str:
    """What PyYAML's emitter writes for ``data``, all of it (the text ``dump`` must give)."""
    yamltext._RECENT_DUMPS.clear()
    return yamltext._pyyaml_dump(data)


@settings(max_examples=400, deadline=None)
@given(mappings, st.data())
def test_extending_a_dump_is_dumping_whole(data: dict, draw: st.DataObject) -> None:
    end = draw.draw(st.integers(1, len(data) - 1))
    head = dict(list(data.items())[:end])
    expected = _whole(data)
    yamltext.dump(head)  # remembered
    assert yamltext.dump(data) == expected


def test_a_dump_is_extended_only_from_plain_data() -> None:
    shared = ["a", "b"]
    day = datetime.date(2024, 1, 2)
    for data in ({"x": shared, "y": shared}, {"x": day, "y": 1}, {"x": 1.5, "y": float("nan")}):
        assert yamltext._signatures(data) is None
    assert yamltext._signatures({"x": 1, "y": True}) != yamltext._signatures({"x": True, "y": 1})


def test_the_second_dump_reuses_the_first() -> None:
    yamltext._RECENT_DUMPS.clear()
    first = yamltext.dump({"title": "A post", "tags": ["x"]})
    second = yamltext.dump({"title": "A post", "tags": ["x"], "description": "Words."})
    assert second == first + "description: Words.\n"
    assert len(yamltext._RECENT_DUMPS) == 2


#: Pieces of front matter text that decide a string's YAML style: indicators, ``: ``, `` #``,
#: spaces, words YAML 1.1 or Psych read as other types, unicode on both sides of the printable
#: ranges, tabs and line breaks, and the prose of descriptions.
_PIECES = [
    *"#,[]{}&*!|>'\"%@`-?:.~=+_$^\\/<;", " ", ": ", " #", " :", "# ", "  ", "\t", "\n", "\r",
    "\x85", "\u2028", "\u2029", "\ufeff", "\x00", "\x07", "\x1b", "\x7f", "\x9f", "\xa0", "é",
    "\ud7ff", "\ud800", "\ue000", "\ufefe", "\uff00", "\ufffd", "\ufffe", "\U00010000",
    "\U0001f600", "\U0010fffe", "\U0010ffff", "yes", "No", "on", "OFF", "y", "~", "null",
    "Null", "true", "False", "1", "0", "-1", "+1", "0x1F", "0o7", "0b1", "1_000", "1,000",
    "e5", "1e5", ".5", "+.5", ".inf", "-.Inf", ".nan", "12:30", "2024-01-02", "2024-1-1",
    "2024-01-02T10:00:00Z", "<<", "=", ":sym", "---", "...", "&#95;", "<p>", "</p>", "\\in",
    "{2}", "^n", "x^{n}", "$x$", "word", "a b", "Title", "post",
]
#: Pieces written plain, so that many strings are plain or one piece away from it.
_WORDS = st.sampled_from(["word", " ", "post", "Title", "x", "é", "😀", "&#95;", "<p>", "{2}",
                          "^n", "\\in", "`code`", "/assets/a.png", "2", ", ", "-", "!"])
_PROSE = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)
_SENTENCES = st.lists(st.one_of(_WORDS, _WORDS, _WORDS, st.sampled_from(_PIECES)),
                      min_size=1, max_size=10).map("".join)
_STRINGS = st.one_of(_SENTENCES, _SENTENCES, _PROSE, st.text(max_size=6),
                     st.sampled_from(["", "x\n\n", "a\n"]))
_NAMES = st.sampled_from(["layout", "title", "author", "tags", "description", "excerpt", "image",
                          "date", "pandockit", "math", "k" * 100, "k" * 101, "k" * 122, "k" * 123])
_KEYS = st.one_of(_STRINGS, _NAMES, _NAMES, st.lists(_WORDS, min_size=1, max_size=3).map("".join))
_SCALARS = st.one_of(
    _STRINGS, _STRINGS, st.integers(), st.integers(-(10**30), 10**30), st.booleans(), st.none(),
    st.floats(), st.dates(), st.datetimes())
_VALUES = st.one_of(
    _SCALARS, _SCALARS, st.lists(_SCALARS, max_size=3),
    st.dictionaries(_KEYS, _SCALARS, max_size=3),
    st.recursive(
        _SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(st.one_of(_KEYS, st.integers()), inner, max_size=3)),
        max_leaves=5))
_FRONT_MATTERS = st.dictionaries(_KEYS, _VALUES, max_size=6)


@settings(max_examples=2000, deadline=None)
@given(_FRONT_MATTERS)
def test_writing_simple_keys_directly_is_what_pyyaml_writes(data: dict) -> None:
    assert yamltext._dump_whole(data) == _whole(data)


@settings(max_examples=1000, deadline=None)
@given(_STRINGS)
def test_one_string_is_written_as_pyyaml_writes_it(text: str) -> None:
    # Each place a string can take: a value, a list item, a nested key and value, a key.
    data = {"a": text, "b": [text, 1], "c": {text: text}, text: None}
    assert yamltext._dump_whole(data) == _whole(data)


def test_a_typical_front_matter_is_written_without_pyyaml(monkeypatch) -> None:
    calls: list[dict] = []
    pyyaml_dump = yamltext._pyyaml_dump

    def counted(data: dict) -> str:
        calls.append(data)
        return pyyaml_dump(data)

    monkeypatch.setattr(yamltext, "_pyyaml_dump", counted)
    prose = "We compute &#95;x&#95; for $x \\in S$, as x^n grows like {2} in `numpy`."
    data = {"layout": "post", "author": "pandockit demo", "title": "Benchmark notebook 1000",
            "tags": ["bench", "python"], "generator": "pandockit", "description": prose,
            "excerpt": f"<p>{prose}</p>", "image": "/assets/nb_files/x/output_5_1.png",
            "comments": True, "order": 3, "note": "To be continued...",
            "pandockit": {"math": "kramdown"}}
    yamltext._RECENT_DUMPS.clear()
    text = yamltext.dump(data)
    assert calls == []
    assert text == (
        "layout: post\nauthor: pandockit demo\ntitle: Benchmark notebook 1000\n"
        f"tags:\n- bench\n- python\ngenerator: pandockit\ndescription: {prose}\n"
        f"excerpt: <p>{prose}</p>\nimage: /assets/nb_files/x/output_5_1.png\n"
        "comments: true\norder: 3\nnote: To be continued...\npandockit:\n  math: kramdown\n")
    # A date, a quoted title: only those keys go through PyYAML.
    data = {"layout": "post", "date": datetime.date(2024, 1, 2), "title": "Part 1: setup"}
    yamltext._RECENT_DUMPS.clear()
    assert yamltext.dump(data) == "layout: post\ndate: 2024-01-02\ntitle: 'Part 1: setup'\n"
    assert calls == [{"date": datetime.date(2024, 1, 2), "title": "Part 1: setup"}]


def test_anchors_and_ended_documents_are_dumped_whole() -> None:
    shared = ["a", "b"]
    day = datetime.date(2024, 1, 2)
    for data in ({"x": shared, "y": 1, "z": shared}, {"x": day, "y": 1, "z": [day]},
                 {"x": "x\n\n", "y": 1}, {"x": [shared, shared], "y": 1},
                 {"x": (1, 2), "y": 1}, {"x": {"a", "b"}, "y": 1}):
        assert yamltext._dump_whole(data) == _whole(data)
    assert yamltext._dump_whole({"x": shared, "y": 1, "z": shared}) == (
        "x: &id001\n- a\n- b\ny: 1\nz: *id001\n")
    assert yamltext._dump_whole({"x": "x\n\n", "y": 1}) == "x: |+\n  x\n\ny: 1\n"


def _code_points() -> list[int]:
    """Every code point below U+0800, those around each edge of YAML's printable ranges and
    of the class ``_PLAIN`` writes them as, and every 127th of the others."""
    edges = [0x85, 0xA0, 0x2028, 0x2029, 0xD800, 0xDFFF, 0xE000, 0xFEFF, 0xFFFD, 0xFFFF,
             0x10000, 0x10FFFF]
    near = {e + d for e in edges for d in range(-3, 4) if 0 <= e + d <= 0x10FFFF}
    return sorted(set(range(0x800)) | near | set(range(0x800, 0x110000, 127)))


def test_each_character_is_written_plain_or_quoted_as_pyyaml_writes_it() -> None:
    """The printable class of ``_PLAIN`` (written as what is not printable: it compiles
    faster) is PyYAML's, character by character: the value ``xCy`` is written as PyYAML
    writes it, directly where the direct writer takes it, for each character C."""
    direct = 0
    for cp in _code_points():
        data = {"a": f"x{chr(cp)}y"}
        assert yamltext._dump_whole(data) == _whole(data), hex(cp)
        direct += yamltext._direct("a", data["a"]) is not None
    assert direct > 9_000  # most characters are printable: written without PyYAML
