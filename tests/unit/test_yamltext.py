"""yamltext.dump gives the same text whether a mapping is dumped whole or extended from the
dump of its first keys (what the front matter's three steps do in turn)."""

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
    yamltext._RECENT_DUMPS.clear()
    return yamltext._dump_whole(data)


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
