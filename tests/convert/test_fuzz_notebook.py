"""Fuzz the ipynb loading path: mutated notebook bytes and JSON never crash ``read_notebook``.

The fuzz target is :func:`target`: whatever the bytes, ``read_notebook`` either returns a
notebook that pandoc's ipynb reader accepts, or raises PandockitError with a one-line message.
Hypothesis drives it from real notebooks of the corpus, with two kinds of mutation: bytes
(flips, cuts, inserted bytes, spliced files) and JSON structure (a value replaced by any JSON
value, a key removed, a list emptied or extended). CI runs a bounded number of examples
(``FUZZ_EXAMPLES``, default 60 per test, the same ones every run); to fuzz longer:
``FUZZ_RANDOM=1 FUZZ_EXAMPLES=5000 pytest tests/convert/test_fuzz_notebook.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import corpus
import pytest
from conftest import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pandockit import pandoc
from pandockit.errors import PandockitError
from pandockit.notebook import read_notebook

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # CI fuzzes the same examples every run; FUZZ_RANDOM=1 (and more FUZZ_EXAMPLES) explores
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SEEDS = [
    CORPUS / "jekyllnb" / "hello-world.ipynb",
    CORPUS / "myst-nb" / "merge_streams.ipynb",
    CORPUS / "nbformat" / "test3.ipynb",
    CORPUS / "nbconvert" / "exporters__rawtest.ipynb",
    CORPUS / "nbclassic" / "Typesetting_Equations.ipynb",
]


def target(data: bytes, folder: Path) -> None:
    """The fuzz target: read ``data`` as a notebook file; check the outcome is clean."""
    path = folder / "fuzzed.ipynb"
    path.write_bytes(data)
    try:
        nb = read_notebook(path)
    except PandockitError as exc:
        assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
        return
    assert isinstance(nb.node.get("cells"), list)
    # What pandockit hands pandoc must be a notebook pandoc's reader accepts.
    try:
        pandoc.run_pandoc(pandoc.READ_ARGS, nb.pandoc_input)
    except PandockitError as exc:
        raise AssertionError(f"pandoc refused a notebook read_notebook accepted: {exc}") from None


def json_values() -> st.SearchStrategy:
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                     max_size=4),
        max_leaves=12,
    )


def _containers(node, path=()):
    yield path, node
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(
        node, list) else ()
    for key, value in items:
        if isinstance(value, (dict, list)):
            yield from _containers(value, (*path, key))


@st.composite
def json_mutants(draw) -> bytes:
    """A corpus notebook with a few structural mutations, as JSON bytes."""
    seed = draw(st.sampled_from(SEEDS))
    data = json.loads(seed.read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        places = list(_containers(data))
        _, node = draw(st.sampled_from(places))
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        action = draw(st.sampled_from(["replace", "delete", "add", "empty"]))
        if action == "add" or not keys:
            value = draw(json_values())
            if isinstance(node, dict):
                node[draw(st.sampled_from(["source", "metadata", "outputs", "cell_type", "data",
                                           "text", "output_type", "name", "execution_count",
                                           "x"]))] = value
            else:
                node.append(value)
        elif action == "delete":
            del node[draw(st.sampled_from(keys))]
        elif action == "empty":
            node.clear()
        else:
            node[draw(st.sampled_from(keys))] = draw(json_values())
    return json.dumps(data, ensure_ascii=draw(st.booleans())).encode("utf-8")


@st.composite
def byte_mutants(draw) -> bytes:
    """A corpus notebook's bytes, flipped, cut, spliced or with bytes inserted."""
    raw = bytearray(draw(st.sampled_from(SEEDS)).read_bytes())
    for _ in range(draw(st.integers(1, 3))):
        if not raw:
            break
        at = draw(st.integers(0, len(raw) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert", "splice", "escape"]))
        if action == "flip":
            raw[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "cut":
            del raw[at:]
        elif action == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "escape":  # JSON escapes pandoc's parser may not take
            raw[at:at] = draw(st.sampled_from([b"\\ud800", b"\\u0000", b"\\udfff\\ud800", b"\\"]))
        else:
            other = draw(st.sampled_from(SEEDS)).read_bytes()
            raw[at:] = other[draw(st.integers(0, len(other) - 1)):]
    return bytes(raw)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@corpus.mark
@FUZZ
@given(data=json_mutants())
def test_fuzz_json_structure(folder: Path, data: bytes) -> None:
    target(data, folder)


@corpus.mark
@FUZZ
@given(data=byte_mutants())
def test_fuzz_bytes(folder: Path, data: bytes) -> None:
    target(data, folder)


@FUZZ
@given(data=st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_fuzz_arbitrary_bytes(folder: Path, data: bytes) -> None:
    target(data, folder)


@corpus.mark
def test_seeds_are_notebooks(folder: Path) -> None:
    """The seeds themselves read and pass pandoc (else the fuzzing would prove little)."""
    for seed in SEEDS:
        target(seed.read_bytes(), folder)
        assert read_notebook(seed).node["cells"]
