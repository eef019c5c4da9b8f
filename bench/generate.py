"""Generate the benchmark notebooks, byte for byte the same on every run (a seeded generator).

    python bench/generate.py [OUT]          (default: bench/out/notebooks)

writes ``single/2024-01-01-cells-0020.ipynb`` (20 cells, 2 images),
``single/2024-01-01-cells-0200.ipynb`` (200 cells, 20 images),
``single/2024-01-01-cells-2000.ipynb`` (2,000 cells, 200 images) and ``many/`` (100 notebooks
of about 100 KB, 10 MB in all); ``formula_cell`` writes ``cell/2024-01-01-formulas-N.ipynb``, one
Markdown cell of N inline formulas (bench/run.py's ``cell`` case). The cells are what blog
notebooks hold: prose with inline and display math, headings, lists and links; Python code;
stdout text, ``text/plain`` and HTML results; PNG figures (incompressible pixels, about 16 KB
each, as a small plot is). Nothing depends on the clock, the machine or hash seeds, so the
files are the same on every run.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from pngfile import encode_png  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "notebooks"

#: (name, cells, images) of the single-notebook cases.
SINGLES = (("cells-0020", 20, 2), ("cells-0200", 200, 20), ("cells-2000", 2000, 200))
#: The many-notebook case: how many notebooks, cells and images each (about 100 KB each).
MANY = (100, 30, 4)

WORDS = (
    "tensor gradient vector space basis linear map kernel image rank dual product chain rule "
    "matrix norm loss model layer weight bias sample batch epoch optimiser step rate series "
    "limit bound proof lemma example figure result table column value mean variance error"
).split()

FORMULAS = (
    r"\nabla_x f(x) = \sum_{i=1}^{n} \frac{\partial f}{\partial x_i} e_i",
    r"\|A\|_F = \sqrt{\operatorname{tr}(A^\top A)}",
    r"(u \otimes v)_{ij} = u_i v_j",
    r"\mathbb{E}[X] = \int_{-\infty}^{\infty} x\, p(x)\, dx",
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}^{-1} = \frac{1}{ad-bc}"
    r"\begin{pmatrix} d & -b \\ -c & a \end{pmatrix}",
    r"L(\theta) = -\frac{1}{N}\sum_{n} \log p_\theta(y_n \mid x_n)",
)


def png(rng: random.Random, width: int = 96, height: int = 56) -> bytes:
    """A PNG of noise pixels (incompressible, so its size is what a real plot's would be)."""
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    return encode_png(width, height, rows, level=6)


def _lines(text: str) -> list[str]:
    """Notebook multi-line text: a list of lines, each but the last ending in a newline."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def markdown_cell(rng: random.Random, i: int) -> dict:
    parts = []
    if i % 10 == 0:
        parts.append(f"## Section {i // 10 + 1}: {_sentence(rng, 3)[:-1]}")
    parts.append(
        f"{_sentence(rng, 12)} With ${rng.choice('abxyz')}_{{{i}}} \\in \\mathbb{{R}}^n$ "
        f"and `value_{i}` we get {_sentence(rng, 8)} See [the docs](https://example.org/{i})."
    )
    if i % 3 == 0:
        parts.append(f"$$\n{rng.choice(FORMULAS)}\n$$")
    if i % 4 == 0:
        parts.append("\n".join(f"- {_sentence(rng, 5)}" for _ in range(3)))
    if i % 25 == 0:
        parts.append("Liquid-looking text stays literal: {{ page.title }} and {% raw %}.")
    return {
        "cell_type": "markdown",
        "id": f"md-{i:05d}",
        "metadata": {},
        "source": _lines("\n\n".join(parts)),
    }


def code_cell(rng: random.Random, i: int, count: int, image: bytes | None) -> dict:
    name = rng.choice(WORDS)
    source = "\n".join(
        [
            "import numpy as np",
            f"{name} = np.linspace(0, {i + 1}, {rng.randint(10, 99)})",
            f"total = {name}.sum() * {rng.random():.4f}",
            f'print(f"{name}: {{total:.3f}}")',
            "total",
        ]
    )
    outputs: list[dict] = [
        {"name": "stdout", "output_type": "stream", "text": _lines(f"{name}: {rng.random():.3f}\n")}
    ]
    if image is not None:
        outputs.append(
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {
                    "image/png": base64.b64encode(image).decode("ascii") + "\n",
                    "text/plain": ["<Figure size 640x480 with 1 Axes>"],
                },
            }
        )
    elif i % 5 == 0:
        rows = "".join(
            f"<tr><td>{r}</td><td>{rng.random():.4f}</td></tr>" for r in range(4)
        )
        outputs.append(
            {
                "output_type": "execute_result",
                "execution_count": count,
                "metadata": {},
                "data": {
                    "text/html": _lines(f"<table>\n<tr><th>n</th><th>x</th></tr>{rows}\n</table>"),
                    "text/plain": _lines("   n  x\n" + "\n".join(f"{r}  {r}.0" for r in range(4))),
                },
            }
        )
    else:
        outputs.append(
            {
                "output_type": "execute_result",
                "execution_count": count,
                "metadata": {},
                "data": {"text/plain": [f"np.float64({rng.random() * 100:.6f})"]},
            }
        )
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": f"code-{i:05d}",
        "metadata": {},
        "outputs": outputs,
        "source": _lines(source),
    }


def notebook(cells: int, images: int, seed: int) -> dict:
    """A notebook of ``cells`` cells (half markdown, half code) with ``images`` PNG outputs."""
    rng = random.Random(seed)
    code_cells = cells // 2
    every = code_cells // images if images else 0
    out = [
        {
            "cell_type": "markdown",
            "id": "front-matter",
            "metadata": {},
            "source": _lines(f"---\ntitle: Benchmark notebook {seed}\ntags: [bench]\n---"),
        }
    ]
    count = 0
    for i in range(1, cells):
        if i % 2:
            count += 1
            with_image = every and count % every == 0 and count // every <= images
            out.append(code_cell(rng, i, count, png(rng) if with_image else None))
        else:
            out.append(markdown_cell(rng, i))
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


#: The one-cell case: formulas in one Markdown cell; 70,000 make a cell of about 1.1 MB.
FORMULA_CELL = 70_000


def formula_cell_notebook(formulas: int, seed: int = 7) -> dict:
    """A notebook of one Markdown cell holding ``formulas`` inline formulas (``$x_{i}^2$``) among
    words, in paragraphs of 50 formulas (about 16 bytes of source a formula)."""
    rng = random.Random(seed)
    paragraphs = []
    for start in range(0, formulas, 50):
        parts = [f"${rng.choice('abxyz')}_{{{i}}}^2$ {rng.choice(WORDS)}"
                 for i in range(start, min(start + 50, formulas))]
        paragraphs.append(" ".join(parts) + ".")
    cell = {"cell_type": "markdown", "id": "formulas", "metadata": {},
            "source": _lines("\n\n".join(paragraphs))}
    head = {"cell_type": "markdown", "id": "front-matter", "metadata": {},
            "source": _lines(f"---\ntitle: {formulas} formulas in one cell\n---")}
    return {
        "cells": [head, cell],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def formula_cell(out: Path, formulas: int) -> Path:
    """Write the one-cell notebook of ``formulas`` formulas under ``out/cell``; return its path."""
    path = out / "cell" / f"2024-01-01-formulas-{formulas:06d}.ipynb"
    data = dumps(formula_cell_notebook(formulas))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


def dumps(nb: dict) -> bytes:
    """The notebook as Jupyter writes it (one-space indent, sorted keys, final newline)."""
    return (json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def generate(out: Path) -> list[Path]:
    """Write every benchmark notebook under ``out``; return their paths."""
    written = []
    for n, (name, cells, images) in enumerate(SINGLES):
        written.append(_write(out / "single" / f"2024-01-01-{name}.ipynb", cells, images, n))
    many, cells, images = MANY
    for k in range(many):
        path = out / "many" / f"2024-02-{k % 28 + 1:02d}-post-{k:03d}.ipynb"
        written.append(_write(path, cells, images, 1000 + k))
    return written


def _write(path: Path, cells: int, images: int, seed: int) -> Path:
    data = dumps(notebook(cells, images, seed))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the benchmark notebooks.")
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    paths = generate(args.out)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} notebooks, {size / 1e6:.1f} MB in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
