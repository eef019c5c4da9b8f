"""Terminal text as Jupyter shows it: carriage returns and backspaces applied, ANSI escapes
removed or turned into coloured HTML spans."""

from __future__ import annotations

import html
import re

#: CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks), charset switches.
_ANSI = re.compile(
    r"\x1b\[([0-9;:?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)

#: Jupyter's terminal palette (jupyterlab's --jp-ansi colours), normal then intense.
PALETTE = (
    "#3e424d", "#e75c58", "#00a250", "#ddb62b", "#208ffb", "#d160c4", "#60c6c8", "#c5c1b4",
    "#282c36", "#b22b31", "#007427", "#b27d12", "#0065ca", "#a03196", "#258f8f", "#a1a6b2",
)


def strip_ansi(text: str) -> str:
    """``text`` without ANSI escape sequences."""
    return _ANSI.sub("", text)


def apply_carriage_returns(text: str) -> str:
    """Each ``\\r`` overwrites its line from the start, as a terminal (and Jupyter) does."""
    text = re.sub(r"\r+\n", "\n", text)
    lines = []
    for line in text.split("\n"):
        if "\r" in line:
            shown = ""
            for part in line.split("\r"):
                shown = part + shown[len(part):]
            line = shown
        lines.append(line)
    return "\n".join(lines)


def apply_backspaces(text: str) -> str:
    """Each ``\\b`` erases the character before it (on the same line)."""
    previous = None
    while "\b" in text and text != previous:
        previous = text
        text = re.sub(r"[^\n\b]\x08", "", text)
    return text.replace("\b", "")


def plain(text: str) -> str:
    """The text a reader of the notebook sees: escapes stripped, rewrites applied."""
    return apply_backspaces(apply_carriage_returns(strip_ansi(text)))


def has_ansi(text: str) -> bool:
    return bool(_ANSI.search(text))


def _colour(n: int) -> str:
    """CSS colour of 256-colour index ``n``."""
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        r, g, b = (n // 36, (n // 6) % 6, n % 6)
        level = [0, 95, 135, 175, 215, 255]
        return f"#{level[r]:02x}{level[g]:02x}{level[b]:02x}"
    grey = 8 + (n - 232) * 10
    return f"#{grey:02x}{grey:02x}{grey:02x}"


class _State:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.fg: str | None = None
        self.bg: str | None = None
        self.bold = self.underline = self.italic = False

    def apply(self, codes: list[int]) -> None:
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c in (22, 23, 24):
                self.bold = self.bold and c != 22
                self.italic = self.italic and c != 23
                self.underline = self.underline and c != 24
            elif 30 <= c <= 37 or 90 <= c <= 97:
                self.fg = PALETTE[c - 30 if c < 90 else c - 90 + 8]
            elif 40 <= c <= 47 or 100 <= c <= 107:
                self.bg = PALETTE[c - 40 if c < 100 else c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                colour, used = _extended(codes[i + 1:])
                if colour:
                    if c == 38:
                        self.fg = colour
                    else:
                        self.bg = colour
                i += used
            i += 1

    def style(self) -> str:
        parts = []
        if self.fg:
            parts.append(f"color:{self.fg}")
        if self.bg:
            parts.append(f"background-color:{self.bg}")
        if self.bold:
            parts.append("font-weight:bold")
        if self.italic:
            parts.append("font-style:italic")
        if self.underline:
            parts.append("text-decoration:underline")
        return ";".join(parts)


def _extended(codes: list[int]) -> tuple[str | None, int]:
    """A ``38;5;n`` / ``38;2;r;g;b`` colour: the colour and how many codes it used."""
    if codes[0] == 5 and len(codes) > 1:
        return _colour(codes[1] % 256), 2
    if codes[0] == 2 and len(codes) > 3:
        r, g, b = (min(255, v) for v in codes[1:4])
        return f"#{r:02x}{g:02x}{b:02x}", 4
    return None, 1


def to_html(text: str) -> str:
    """``text`` (with ANSI escapes) as escaped HTML, coloured parts in ``<span style>``."""
    text = apply_backspaces(apply_carriage_returns(text))
    state = _State()
    out: list[str] = []
    pos = 0
    for m in _ANSI.finditer(text):
        out.append(_span(text[pos:m.start()], state))
        pos = m.end()
        if m.group(2) == "m":
            codes = [int(c) for c in re.split(r"[;:]", m.group(1)) if c.isdigit()] or [0]
            state.apply(codes)
    out.append(_span(text[pos:], state))
    return "".join(out)


def _span(chunk: str, state: _State) -> str:
    if not chunk:
        return ""
    style = state.style()
    escaped = html.escape(chunk, quote=False)
    return f'<span style="{style}">{escaped}</span>' if style else escaped



