"""A notebook read by pandoc with its output images stood in for (:mod:`pandockit.image_stand_ins`)
gives, once their names are restored, the AST pandoc makes of the notebook itself."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import corpus
import pytest
from goldens import available_notebooks

from pandockit import pandoc
from pandockit.image_stand_ins import restore, stand_ins
from pandockit.notebook import read_notebook

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "_notebooks").glob("*.ipynb"))


def _same_read(path: Path) -> bool:
    """Whether the notebook has images to stand in for; asserts the two reads agree."""
    notebook = read_notebook(path)
    stood = stand_ins(notebook.node)
    if stood is None:
        return False
    text, names = stood
    own = json.loads(pandoc.run_pandoc(pandoc.READ_ARGS, notebook.pandoc_input))
    read = json.loads(restore(pandoc.run_pandoc(pandoc.READ_ARGS, text), names))
    assert read == own
    return True


def test_examples_and_golden_cases() -> None:
    paths = EXAMPLES + available_notebooks()
    assert sum(_same_read(p) for p in paths) >= 3


@pytest.mark.parametrize("path", corpus.params(
    corpus.all_notebooks(),
    ids=lambda p: str(p.relative_to(corpus.CORPUS))))
def test_real_notebooks(path: Path) -> None:
    _same_read(path)


def _notebook(outputs: list[dict]) -> dict:
    return {"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "x",
                       "outputs": outputs}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_equal_images_share_a_name_and_broken_ones_stay(tmp_path: Path) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(200))).decode()
    outputs = [{"output_type": "display_data", "metadata": {},
                "data": {"image/png": png, "text/plain": "<Figure>"}}] * 2
    outputs.append({"output_type": "display_data", "metadata": {},
                    "data": {"image/png": "not base64!"}})  # alone: kept, and reported
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(_notebook(outputs)))
    text, names = stand_ins(read_notebook(path).node)
    assert len(names) == 2 and len(set(names.values())) == 1  # two stand-ins, one image
    assert b"not base64!" in text  # left for pandoc (and the images filter) as it was
    assert _same_read(path)


def test_many_images_are_named_in_one_pass(tmp_path: Path) -> None:
    """Past a few images the names are restored by one regular-expression pass: the same."""
    pngs = [base64.b64encode(b"\x89PNG" + bytes([i]) * 50).decode() for i in range(12)]
    outputs = [{"output_type": "display_data", "metadata": {}, "data": {"image/png": png}}
               for png in pngs]
    path = tmp_path / "many.ipynb"
    path.write_text(json.dumps(_notebook(outputs)))
    assert len(stand_ins(read_notebook(path).node)[1]) == 12
    assert _same_read(path)


def test_no_images_no_stand_ins() -> None:
    assert stand_ins(_notebook([{"output_type": "stream", "name": "stdout", "text": "hi"}])) is None
    assert restore("[]", {}) == "[]"
