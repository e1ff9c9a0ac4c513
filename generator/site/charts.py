"""SVG charts drawn at build time: no script, no chart library, readable on paper.

Each chart is one complete `<svg>` element with `role="img"` and an
`aria-label`; the page places it in a `<figure>` beside a table of the same
numbers, which is its text alternative. Colours are SVG attributes (not CSS),
so a printout keeps them, and every bar carries its value as text, so a
black-and-white printout still reads. Coordinates are rounded to one decimal:
the same numbers always give the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from markupsafe import Markup

from ..domain.text import vn_number

WIDTH = 640
LABEL_CHARS = 90  # longer labels are cut on the chart; the table beside it has them whole
FONT = 'font-family="sans-serif" font-size="13"'
INK = "#1f2328"
# Dark blue, then a light blue with a dark outline: distinct in colour and in grey.
SERIES_FILLS = (("#0b4f8a", "#0b4f8a"), ("#a9cbec", "#0b4f8a"), ("#b3261e", "#b3261e"))

Row = tuple[str, Sequence[float | None]]


def bar_chart(
    label: str,
    rows: Sequence[Row],
    series: Sequence[str],
    *,
    stacked: bool = False,
    maximum: float | None = None,
    value_text: Callable[[float], str] = vn_number,
) -> Markup:
    """Horizontal bars, one block per row: its label above, one bar per series
    (or one bar of stacked segments) below, each with its value at the end."""
    top = _LEGEND_HEIGHT if len(series) > 1 else 0
    bars_per_row = 1 if stacked else len(series)
    block = 18 + bars_per_row * 16 + 8
    height = top + block * len(rows) + 4
    scale = (WIDTH - 70) / (maximum or _largest(rows, stacked) or 1)
    parts = [_legend(series)] if top else []
    for index, (name, values) in enumerate(rows):
        y = top + index * block
        parts.append(_text(0, y + 14, _cut(name)))
        parts.extend(_row_bars(values, y + 20, scale, stacked, value_text))
    return _svg(label, WIDTH, height, parts)


def column_chart(label: str, columns: Sequence[tuple[str, str, float]]) -> Markup:
    """Vertical columns (a time series): `(label under the column, label of its
    group or "", value)`, e.g. `("T3", "2025", 12)`; the value tops each column."""
    step = 40
    width = max(WIDTH, step * len(columns) + 10)
    base, tallest = 150, 120
    scale = tallest / (max((value for _, _, value in columns), default=0) or 1)
    parts = [_line(0, base, width, base)]
    for index, (tick, group, value) in enumerate(columns):
        x = 5 + index * step
        h = value * scale
        parts.append(_rect(x + 6, base - h, step - 12, h, SERIES_FILLS[0]))
        parts.append(_text(x + step / 2, base - h - 4, vn_number(value), anchor="middle"))
        parts.append(_text(x + step / 2, base + 16, tick, anchor="middle"))
        if group:
            parts.append(_text(x + 2, base + 34, group, weight="bold"))
    return _svg(label, width, base + 42, parts)


# ---------------------------------------------------------------- pieces

_LEGEND_HEIGHT = 26


def _legend(series: Sequence[str]) -> str:
    parts, x = [], 0
    for index, name in enumerate(series):
        parts.append(_rect(x, 4, 14, 14, SERIES_FILLS[index % len(SERIES_FILLS)]))
        parts.append(_text(x + 20, 16, name))
        x += 20 + 8 * len(name) + 24
    return "".join(parts)


def _row_bars(values, y: float, scale: float, stacked: bool, value_text) -> list[str]:
    if stacked:
        parts, x = [], 0.0
        for index, value in enumerate(values):
            width = (value or 0) * scale
            if width:
                parts.append(_rect(x, y, width, 14, SERIES_FILLS[index % len(SERIES_FILLS)]))
            x += width
        total = sum(value or 0 for value in values)
        return parts + [_text(x + 6, y + 12, value_text(total))]
    parts = []
    for index, value in enumerate(values):
        top = y + index * 16
        width = (value or 0) * scale
        if width:
            parts.append(_rect(0, top, width, 14, SERIES_FILLS[index % len(SERIES_FILLS)]))
        parts.append(_text(width + 6, top + 12, "–" if value is None else value_text(value)))
    return parts


def _largest(rows: Sequence[Row], stacked: bool) -> float:
    if stacked:
        return max((sum(v or 0 for v in values) for _, values in rows), default=0)
    return max((v or 0 for _, values in rows for v in values), default=0)


def _cut(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _n(value: float) -> str:
    """A coordinate: one decimal at most, no trailing zeros (stable bytes)."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")


def _svg(label: str, width: float, height: float, parts: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dp-chart" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" role="img" aria-label="{_escape(label)}" {FONT} fill="{INK}">'
        + "".join(parts)
        + "</svg>"
    )


def _rect(x: float, y: float, width: float, height: float, fill: tuple[str, str]) -> str:
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" fill="{fill[0]}" stroke="{fill[1]}"/>'


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{INK}"/>'


def _text(x: float, y: float, text: str, anchor: str = "start", weight: str = "normal") -> str:
    extra = (f' text-anchor="{anchor}"' if anchor != "start" else "") + (f' font-weight="{weight}"' if weight != "normal" else "")
    return f'<text x="{_n(x)}" y="{_n(y)}"{extra}>{_escape(text)}</text>'


def _escape(text: str) -> str:
    return html.escape(text, quote=True)
