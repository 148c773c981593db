"""Figures as inline SVG, made in Python: no JavaScript, no CDN, they work offline and print.

Every figure is a ``<svg role="img">`` with a ``<title>``; cells, bars and shapes carry their
own ``<title>`` so a pointer shows the value. Scores use one colour scale everywhere (blue is
good, red is bad: it reads without red-green vision).

Example:
    >>> "<svg" in histogram([("0", 3), ("1-7", 5)], "Demora", "días")
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from ciudadana.quality.html.topo import Shapes

SCALE = [  # (lowest score, colour, label)
    (0.99, "#2c7bb6", "≥ 99 %"),
    (0.95, "#abd9e9", "95–99 %"),
    (0.90, "#ffffbf", "90–95 %"),
    (0.80, "#fdae61", "80–90 %"),
    (0.0, "#d7191c", "< 80 %"),
]
EMPTY = "#e6e6e6"
SERIES = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#8C6D00",
    "#000000",
]  # Okabe-Ito
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def score_color(value: float | None) -> str:
    if value is None:
        return EMPTY
    return next(colour for low, colour, _ in SCALE if value >= low)


def share_color(value: float | None) -> str:
    """Sequential blues for a share in [0, 1] (coverage)."""
    if value is None:
        return EMPTY
    steps = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
    return steps[min(int(value * len(steps)), len(steps) - 1)]


def _svg(width: int, height: int, title: str, body: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="figure" {FONT}>'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def legend(entries: Sequence[tuple[str, str]], x: int, y: int) -> str:
    parts = []
    for colour, label in entries:
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}" '
            f'stroke="#999" stroke-width="0.5"/><text x="{x + 16}" y="{y + 10}">'
            f"{escape(label)}</text>"
        )
        x += 30 + int(6.2 * len(label))
    return "".join(parts)


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: dict[tuple[str, str], float | None],
    title: str,
    column_labels: Sequence[str] | None = None,
) -> Markup:
    """Rows (fields) x columns (months); each cell coloured by its score."""
    cell, top = 12, 46
    left = 16 + min(max((len(r) for r in rows), default=8), 40) * 7
    width = left + cell * len(columns) + 40
    height = top + cell * len(rows) + 34
    labels = column_labels or columns
    body = []
    for j, label in enumerate(labels):
        if j % 3 == 0:
            x = left + j * cell + 8
            body.append(
                f'<text x="{x}" y="{top - 4}" transform="rotate(-60 {x} {top - 4})">'
                f"{escape(label)}</text>"
            )
    for i, row in enumerate(rows):
        y = top + i * cell
        label = row if len(row) <= 40 else "…" + row[-39:]
        body.append(f'<text x="{left - 6}" y="{y + 10}" text-anchor="end">{escape(label)}</text>')
        for j, column in enumerate(columns):
            value = values.get((row, column))
            shown = "—" if value is None else f"{value:.1%}"
            body.append(
                f'<rect x="{left + j * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" '
                f'fill="{score_color(value)}"><title>{escape(row)}, {escape(labels[j])}: '
                f"{shown}</title></rect>"
            )
    entries = [(c, label) for _, c, label in SCALE] + [(EMPTY, "sin datos")]
    body.append(legend(entries, 10, height - 18))
    return _svg(width, height, title, "".join(body))


def choropleth(
    shapes: Shapes,
    prefix: str,
    values: dict[str, float | None],
    title: str,
    highlight: set[str] | None = None,
    legend_entries: Sequence[tuple[str, str]] = (),
    outline: str | None = None,
) -> Markup:
    """Territories coloured by ``values`` (shares in [0, 1]); ``highlight`` outlined in red.
    Shapes are drawn once in the page (see :func:`shape_defs`) and reused by ``<use>``."""
    body = []
    for code, name in shapes.names.items():
        value = values.get(code)
        shown = "sin registros" if value is None else f"{value:.0%}"
        body.append(
            f'<use href="#{prefix}{code}" fill="{share_color(value)}" stroke="#888" '
            f'stroke-width="0.3"><title>{escape(name)} ({code}): {shown}</title></use>'
        )
    if outline:
        body.append(f'<use href="#{outline}" fill="none" stroke="#333" stroke-width="0.8"/>')
    for code in sorted(highlight or ()):
        if code in shapes.paths:
            body.append(
                f'<use href="#{prefix}{code}" fill="none" stroke="#d7191c" stroke-width="1.6"/>'
            )
    body.append(legend(legend_entries, 8, shapes.height + 8))
    return _svg(shapes.width, shapes.height + 28, title, "".join(body))


def shape_defs(shapes: Shapes, prefix: str, outline_id: str, outline: Shapes | None) -> Markup:
    """The boundaries, once, in a hidden SVG whose paths the maps reuse."""
    paths = "".join(f'<path id="{prefix}{c}" d="{d}"/>' for c, d in shapes.paths.items())
    if outline is not None:
        paths += f'<path id="{outline_id}" d="{"".join(outline.paths.values())}"/>'
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" '
        f'style="position:absolute" aria-hidden="true"><defs>{paths}</defs></svg>'
    )


def histogram(bins: Sequence[tuple[str, int]], title: str, unit: str) -> Markup:
    """Counts per bin as bars, with each bar's share of the total."""
    width, height, left, bottom = 420, 190, 40, 36
    total = sum(n for _, n in bins) or 1
    top = max((n for _, n in bins), default=0) or 1
    step = (width - left - 10) / max(len(bins), 1)
    body = [f'<text x="{width - 10}" y="{height - 4}" text-anchor="end">{escape(unit)}</text>']
    for i, (label, n) in enumerate(bins):
        h = (height - bottom - 24) * n / top
        x = left + i * step
        y = height - bottom - h
        body.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{step - 4:.1f}" height="{h:.1f}" '
            f'fill="{SERIES[0]}"><title>{escape(label)}: {n:,} ({n / total:.1%})</title></rect>'
            f'<text x="{x + step / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
            f"{escape(label)}</text>"
            f'<text x="{x + step / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
            f'fill="#444">{n / total:.0%}</text>'
        )
    return _svg(width, height, title, "".join(body))


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    title: str,
    flagged: Sequence[int] = (),
) -> Markup:
    """Horizontal bars, one group per category (department), one bar per series (source);
    ``flagged[i]`` (months with a significant gap) is written beside each group."""
    row, bar, left = 10 * len(series) + 8, 10, 150
    width, height = 560, 40 + row * len(categories)
    top = max((v for _, values in series for v in values), default=0) or 1
    body = [legend([(SERIES[k], name) for k, (name, _) in enumerate(series)], 8, 4)]
    for i, category in enumerate(categories):
        y = 26 + i * row
        body.append(
            f'<text x="{left - 6}" y="{y + 10}" text-anchor="end">{escape(category)}</text>'
        )
        for k, (name, values) in enumerate(series):
            w = (width - left - 110) * values[i] / top
            body.append(
                f'<rect x="{left}" y="{y + k * bar}" width="{w:.1f}" height="{bar - 1}" '
                f'fill="{SERIES[k % len(SERIES)]}"><title>{escape(category)}, {escape(name)}: '
                f"{values[i]:,.0f}</title></rect>"
                f'<text x="{left + w + 3:.1f}" y="{y + k * bar + 8}" font-size="9" '
                f'fill="#444">{values[i]:,.0f}</text>'
            )
        if flagged and flagged[i]:
            body.append(
                f'<text x="{width - 58}" y="{y + 10}" fill="#d7191c">{flagged[i]} mes(es)</text>'
            )
    return _svg(width, height, title, "".join(body))


def lines(labels: Sequence[str], series: dict[str, Sequence[float | None]], title: str) -> Markup:
    """Scores across deliveries (x: loads in order), one line per dimension."""
    width, height, left, bottom = 520, 200, 40, 40
    n = max(len(labels), 2)
    step = (width - left - 130) / (n - 1)

    def y(v: float) -> float:
        return 10 + (height - bottom - 10) * (1 - v)

    body = [
        f'<line x1="{left}" x2="{width - 130}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#ddd"/>'
        f'<text x="{left - 4}" y="{y(t) + 4:.1f}" text-anchor="end">{t:.0%}</text>'
        for t in (0.0, 0.5, 1.0)
    ]
    for i, label in enumerate(labels):
        body.append(
            f'<text x="{left + i * step:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for k, (name, values) in enumerate(series.items()):
        colour = SERIES[k % len(SERIES)]
        points = [(left + i * step, y(v)) for i, v in enumerate(values) if v is not None]
        if points:
            path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
            body.append(
                f'<text x="{width - 125}" y="{14 + 14 * k}" fill="{colour}">{escape(name)}</text>'
            )
    return _svg(width, height, title, "".join(body))
