"""Write the example notebooks in examples/_notebooks (run once; the notebooks are committed).

The images are small PNG charts drawn here in pure Python, so the examples need no plotting
library and are reproducible byte for byte.
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pngfile import encode_png

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "_notebooks"
#: The starter notebook ``pandockit init --example`` puts into a site.
STARTER = ROOT / "pandockit" / "data" / "site" / "example.ipynb"


def png(width: int, height: int, pixel) -> bytes:
    """A truecolour PNG whose pixel (x, y) is ``pixel(x, y)`` -> (r, g, b)."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )
    return encode_png(width, height, rows)


def parabola(x: int, y: int) -> tuple[int, int, int]:
    w, h = 120, 80
    fx = ((x - w / 2) / (w / 2)) ** 2
    on_curve = abs((h - 1 - y) / (h - 1) - fx) < 0.03
    return (30, 60, 200) if on_curve else (255, 255, 255)


def bars(x: int, y: int) -> tuple[int, int, int]:
    heights = [30, 55, 20, 70, 45]
    i = x // 24
    return (220, 120, 40) if i < 5 and x % 24 < 18 and 80 - y <= heights[i] else (255, 255, 255)


def image_output(data: bytes, count: int | None = None, **meta) -> dict:
    b64 = base64.b64encode(data).decode("ascii")
    kind = "display_data" if count is None else "execute_result"
    out = new_output(
        kind,
        data={"image/png": b64, "text/plain": "<Figure size 600x400 with 1 Axes>"},
        metadata=meta or {},
    )
    if count is not None:
        out.execution_count = count
    return out


def seed() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
        "language_info": {"name": "python"},
    }
    nb.cells = [
        new_markdown_cell(
            "---\nlayout: post\npermalink: tensor-products-grads\n"
            "title: A Way to Understand Shapes of Matrix Products and Gradients\n---"
        ),
        new_code_cell(
            "#hide_input\nimport matplotlib.pyplot as plt\nxs = [x / 10 for x in range(-10, 11)]\n"
            "plt.plot(xs, [x**2 for x in xs]);",
            outputs=[image_output(png(120, 80, parabola))],
            execution_count=1,
        ),
        new_markdown_cell(
            "Gradients are everywhere in deep learning, but I sometimes get tripped up by their "
            "shapes.\n\nIn this post I hope to clarify some of these by building up from this "
            "basic concept:\n> The derivative $\\frac{dy}{dx}$ tells you how much $y$ changes "
            "when you change $x$ by a little bit.\n\n### Scalar and a scalar\n"
            "Consider the following simple function: $$ y = x^2 $$\nWe know the derivative of "
            "this is:\n\n$$ \\frac{dy}{dx} = 2x $$\n\n### Vector and a scalar\n"
            "Now let's consider a scalar $x$ and a vector $\\mathbf{y}$ like so:\n\n"
            "$$\n\\mathbf{y} = (x^2, x^3, x^4)\n$$\n\n"
            "$$\n\\frac{d\\mathbf{y}}{dx} = (\\frac{d(x^2)}{dx}, \\frac{d(x^3)}{dx}, "
            "\\frac{d(x^4)}{dx})\n$$"
        ),
        new_code_cell("import re", execution_count=2),
        new_code_cell(
            'pattern = "---\\n.*\\n---"\ns = """\n# Tensor Products and Gradients\n\n---\n'
            'layout: post\npermalink: other-url\n---\n# Title\n"""\n'
            "re.search(pattern, s, re.DOTALL).group()",
            outputs=[
                new_output(
                    "execute_result",
                    data={"text/plain": "'---\\nlayout: post\\npermalink: other-url\\n---'"},
                    execution_count=3,
                )
            ],
            execution_count=3,
        ),
        new_code_cell(
            'd = "2022-05-something"\nprint(re.search("[0-9]{4}-[0-9]{2}-", d))\n'
            'print("{{ not liquid }} and {% raw %}")',
            outputs=[
                new_output(
                    "stream",
                    name="stdout",
                    text=(
                        "<re.Match object; span=(0, 8), match='2022-05-'>\n"
                        "{{ not liquid }} and {% raw %}\n"
                    ),
                )
            ],
            execution_count=4,
        ),
    ]
    return nb


def math_heavy() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}
    }
    nb.cells = [
        new_markdown_cell(
            "# Notes on linear algebra\n\nA few identities, written as Jupyter renders them."
        ),
        new_markdown_cell(
            "Euler: $e^{i\\pi} + 1 = 0$, sets $A = \\{ x \\mid x > 0 \\}$, emphasis-like "
            "$a*b*c$ and $x_1 + y_2$, escaped $\\_$ and $\\$5$, percent $50\\%$ "
            "and hash $\\#1$.\n\n"
            "A price of \\$5 and $HOME stay text."
        ),
        new_markdown_cell(
            "\\begin{align}\n\\dot{x} & = \\sigma(y-x) \\\\\n\\dot{y} & = \\rho x - y - xz \\\\\n"
            "\\dot{z} & = -\\beta z + xy\n\\end{align}"
        ),
        new_markdown_cell(
            "A matrix: $$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$$ inside a sentence, "
            "and \\\\(\\alpha\\\\) with \\\\[\\int_0^1 x\\,dx = \\frac{1}{2}\\\\]"
        ),
        new_markdown_cell(
            "| norm | formula |\n|---|---|\n| absolute | $|x|$ |\n| Euclidean | $\\|x\\|_2$ |"
        ),
        new_code_cell(
            "from sympy import symbols, Integral\nx = symbols('x')\nIntegral(x**2, x)",
            outputs=[
                new_output(
                    "execute_result",
                    data={
                        "text/latex": "$\\displaystyle \\int x^{2}\\, dx$",
                        "text/plain": "Integral(x**2, x)",
                    },
                    execution_count=1,
                )
            ],
            execution_count=1,
        ),
    ]
    return nb


def table_and_images() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
        "jekyll": {"title": "Tables: and images", "categories": ["data", "plots"]},
    }
    html_table = (
        "<div>\n<style scoped>\n    .dataframe tbody tr th:only-of-type {\n"
        "        vertical-align: middle;\n    }\n</style>\n"
        '<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n'
        "      <th></th>\n      <th>fruit</th>\n      <th>count</th>\n    </tr>\n  </thead>\n"
        "  <tbody>\n    <tr>\n      <th>0</th>\n      <td>apple</td>\n      <td>3</td>\n"
        "    </tr>\n    <tr>\n      <th>1</th>\n      <td>pear</td>\n      <td>5</td>\n"
        "    </tr>\n  </tbody>\n</table>\n</div>"
    )
    nb.cells = [
        new_markdown_cell("Some fruit, counted with *pandas*, then drawn."),
        new_code_cell(
            "import pandas as pd\n"
            "df = pd.DataFrame({'fruit': ['apple', 'pear'], 'count': [3, 5]})\ndf",
            outputs=[
                new_output(
                    "execute_result",
                    data={
                        "text/html": html_table,
                        "text/plain": "   fruit  count\n0  apple      3\n1   pear      5",
                    },
                    execution_count=1,
                )
            ],
            execution_count=1,
        ),
        new_code_cell(
            "df['count'].plot.bar();",
            outputs=[image_output(png(120, 80, bars), width=360, height=240)],
            execution_count=2,
        ),
        new_markdown_cell("| fruit | count |\n|---|---|\n| apple | 3 |\n| pear | 5 |"),
    ]
    return nb


def wave(x: int, y: int) -> tuple[int, int, int]:
    import math

    w, h = 240, 120
    fy = h / 2 - (h / 2 - 8) * math.sin(2 * math.pi * x / w) * math.exp(-x / w)
    if abs(y - fy) < 1.6:
        return (31, 119, 180)
    if y == h // 2 or x == 0:
        return (160, 160, 160)
    return (255, 255, 255)


def starter() -> nbformat.NotebookNode:
    """What a blog post notebook holds: math, code, a plot, a table, hidden and folded cells."""
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
        "language_info": {"name": "python"},
    }
    columns = [f"x{i}" for i in range(14)]
    head = "".join(f"<th>{c}</th>" for c in columns)
    rows = "".join(
        f"<tr><th>{r}</th>" + "".join(f"<td>{(r + 1) * (i + 1) / 7:.4f}</td>" for i in range(14))
        + "</tr>"
        for r in range(3)
    )
    table = (
        '<div>\n<table border="1" class="dataframe">\n<thead><tr style="text-align: right;">'
        f"<th></th>{head}</tr></thead>\n<tbody>{rows}</tbody>\n</table>\n</div>"
    )
    plain = "   " + "  ".join(columns) + "\n" + "\n".join(
        f"{r}  " + "  ".join(f"{(r + 1) * (i + 1) / 7:.4f}" for i in range(14)) for r in range(3)
    )
    nb.cells = [
        new_markdown_cell(
            "# A first notebook post\n\n"
            "> Math, code, a plot and a table, published by pandockit.\n\n"
            "- categories: [pandockit]"
        ),
        new_markdown_cell(
            "Write prose and math as in Jupyter: inline $e^{i\\pi} + 1 = 0$, a norm "
            "$\\|x\\|_2$, and display math:\n\n"
            "$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$\n\n"
            "\\begin{align}\nf(x) &= \\sum_{n=0}^{\\infty} \\frac{f^{(n)}(0)}{n!} x^n \\\\\n"
            "e^x &= 1 + x + \\frac{x^2}{2} + \\cdots\n\\end{align}"
        ),
        new_code_cell(
            "#hide\nimport warnings\nimport numpy as np\nimport pandas as pd",
            execution_count=1,
        ),
        new_code_cell(
            "xs = np.linspace(0, 1, 5)\nprint(xs.round(2))\n"
            "warnings.warn('a warning goes to stderr')",
            outputs=[
                new_output("stream", name="stdout", text="[0.   0.25 0.5  0.75 1.  ]\n"),
                new_output(
                    "stream", name="stderr",
                    text="<ipython-input-2>:3: UserWarning: a warning goes to stderr\n",
                ),
            ],
            execution_count=2,
        ),
        new_markdown_cell("A plot, saved in the notebook, becomes an image of the post:"),
        new_code_cell(
            "#collapse-hide\nimport matplotlib.pyplot as plt\n"
            "t = np.linspace(0, 1, 200)\n"
            "plt.plot(t, np.sin(2 * np.pi * t) * np.exp(-t));",
            outputs=[image_output(png(240, 120, wave), width=480, height=240)],
            execution_count=3,
        ),
        new_markdown_cell("A wide DataFrame scrolls instead of breaking the page:"),
        new_code_cell(
            "pd.DataFrame([[(r + 1) * (i + 1) / 7 for i in range(14)] for r in range(3)],\n"
            "             columns=[f'x{i}' for i in range(14)])",
            outputs=[
                new_output(
                    "execute_result",
                    data={"text/html": table, "text/plain": plain},
                    execution_count=4,
                )
            ],
            execution_count=4,
        ),
        new_code_cell(
            "1 / 0",
            outputs=[
                new_output(
                    "error", ename="ZeroDivisionError", evalue="division by zero",
                    traceback=[
                        "\x1b[0;31mZeroDivisionError\x1b[0m            Traceback "
                        "(most recent call last)",
                        "Cell \x1b[0;32mIn[5], line 1\x1b[0m\n\x1b[0;32m----> 1\x1b[0m "
                        "\x1b[38;5;241m1\x1b[39m \x1b[38;5;241m/\x1b[39m "
                        "\x1b[38;5;241m0\x1b[39m",
                        "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero",
                    ],
                )
            ],
            execution_count=5,
        ),
        new_markdown_cell(
            "Code in a cell is never Liquid: `{{ site.title }}` shows as written."
        ),
    ]
    return nb


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, nb in (
        ("2022-07-24-Tensor-Products-and-Gradients.ipynb", seed()),
        ("2023-01-15-Linear-Algebra-Notes.ipynb", math_heavy()),
        ("tables-and-images.ipynb", table_and_images()),
    ):
        for i, cell in enumerate(nb.cells):
            cell.id = f"cell-{i}"  # fixed ids: the examples regenerate byte for byte
        nbformat.validate(nb)
        nbformat.write(nb, OUT / name)
    nb = starter()
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    nbformat.validate(nb)
    nbformat.write(nb, STARTER)
    return 0


if __name__ == "__main__":
    sys.exit(main())
