"""Small inline SVG charts, made on the server: horizontal bars, stacked bars, a donut, a monthly line.

Why our own: the reports must open on an air-gapped workstation, so no charting library from a CDN; and
a chart drawn on the server is in the page before any script runs, prints, and is read by screen readers.
Every chart is `role="img"` with a <title> and a <desc> named by `aria-labelledby`; the page shows the
table of the same numbers next to it (the text alternative of record). Charts are language-neutral: the
caller passes every text already formatted (labels, value texts, tick formatter). Every text is escaped
here, since labels come from spreadsheets (a buyer called `<script>` stays text).

Colours: a palette whose every colour has a contrast of at least 3:1 against white (WCAG 1.4.11,
non-text contrast; tested), and text in near-black.

Text has to fit the viewBox, or the browser cuts it (a long buyer's name lost its first letters on the
left, the last month's label its last digits on the right): `text_width` estimates a text's width from
DejaVu Sans's advance widths (the system font of Debian's Chromium, and wider than the usual ones of
other systems), labels are clipped to the room they have, and margins grow to their texts. The
separator between a label and its value in a tooltip (`colon`) and the share format are the caller's:
French wants a non-breaking space before the colon, English none.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

PALETTE = ("#1f4e79", "#b35806", "#1b7837", "#762a83", "#a50026", "#0b6e7f", "#6b5a00", "#5e5e5e")
STATUS_COLOURS = {"pass": "#1b7837", "fail": "#a50026", "insufficient_data": "#8a5a00", "not_applicable": "#6b6b6b",
                  "waived": "#5b2a86"}
TEXT = "#1a1a1a"
GRID = "#c8c8c8"
FONT = 'font-family="system-ui, sans-serif" font-size="13"'
TOOLTIP = 160  # characters of a label in a tooltip: 10 KB buyer names made a 100 KB chart
LINE_WIDTH = 1160.0  # widest line chart drawn at full size on the page (it is scaled down to fit beyond)
LABEL_SPACE = 56.0  # x spacing a month label needs at font-size 13 ("09/2026", "T3 2026")
SIZE = 13.0  # font-size of every text
COLON = "\u00a0: "  # label-value separator of the tooltips, French by default (the caller's: `colon`)
# Advance widths of DejaVu Sans, in thousandths of an em, of the characters 32 to 126 (measured in
# Chromium). Another character takes its unaccented letter's width, else a whole em (wide: safe).
_ASCII = (318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636,
          636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
          295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
          500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
          392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838)
_OTHER = {"\u00a0": 318, "\u202f": 200, "€": 636, "«": 612, "»": 612, "’": 318, "·": 318, "–": 500, "œ": 1023,
          "æ": 982, "Œ": 1070, "Æ": 1070}


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _char_width(c: str) -> int:
    code = ord(c)
    if 32 <= code < 127:
        return _ASCII[code - 32]
    known = _OTHER.get(c)
    if known is not None:
        return known
    base = unicodedata.normalize("NFD", c)[:1]
    return _ASCII[ord(base) - 32] if base and 32 <= ord(base) < 127 else 1000


def text_width(text: str, size: float = SIZE, bold: bool = False) -> float:
    """Estimated width in px of `text` at `size` (5 % more than DejaVu Sans's advances; 12 % more in bold)."""
    return sum(map(_char_width, text)) * size / 1000 * (1.12 if bold else 1.05)


def clip(label: str, n: int = 34) -> str:
    """The first n characters of a label, the last one an ellipsis when it was longer."""
    return label if len(label) <= n else label[: n - 1] + "…"


def fit(label: str, room: float, size: float = SIZE) -> str:
    """The longest head of `label` that fits `room` px, with an ellipsis when it was cut."""
    label = clip(label, TOOLTIP)
    if text_width(label, size) <= room:
        return label
    limit, used, out = room - text_width("…", size), 0.0, []
    for c in label:
        used += _char_width(c) * size / 1000 * 1.05
        if used > limit:
            break
        out.append(c)
    return "".join(out).rstrip() + "…"


def _widest(texts: Sequence[str]) -> float:
    return max((text_width(t) for t in texts), default=0.0)


def _open(chart_id: str, width: float, height: float, title: str, desc: str) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_fmt(width)} {_fmt(height)}" '
        f'width="{_fmt(width)}" height="{_fmt(height)}" role="img" aria-labelledby="{cid}-t {cid}-d" '
        f'focusable="false" {FONT}>',
        f'<title id="{cid}-t">{escape(title)}</title>',
        f'<desc id="{cid}-d">{escape(desc)}</desc>',
    ]


def _close(parts: list[str]) -> Markup:
    parts.append("</svg>")
    return Markup("\n".join(parts))  # every text above went through escape()


def bar_chart(rows: Sequence[tuple[str, float, str]], *, title: str, desc: str, chart_id: str,
              max_value: float | None = None, target: float | None = None, target_label: str = "",
              colour: str = PALETTE[0], label_width: int = 230, bar_width: int = 330, colon: str = COLON) -> Markup:
    """Horizontal bars: rows of (label, value, value text). `target` draws a dashed marker line, and a value
    text starts past it (the line crossed the texts of the bars short of it)."""
    row_h, top = 26, 8 + (16 if target is not None else 0)
    height = top + row_h * max(1, len(rows)) + 8
    width = label_width + bar_width + max(150.0, _widest([r[2] for r in rows]) + 16)
    top_value = max([max_value or 0.0, target or 0.0, *(r[1] for r in rows)]) or 1.0
    marker = 0.0 if target is None else max(0.0, target) / top_value * bar_width
    parts = _open(chart_id, width, height, title, desc)
    for i, (label, value, text) in enumerate(rows):
        y = top + i * row_h
        w = max(0.0, value) / top_value * bar_width
        parts.append(f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end" fill="{TEXT}">'
                     f'{escape(fit(label, label_width - 10))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{_fmt(w)}" height="{row_h - 8}" fill="{colour}">'
                     f'<title>{escape(clip(label, TOOLTIP))}{colon}{escape(text)}</title></rect>')
        parts.append(f'<text x="{_fmt(label_width + max(w, marker) + 6)}" y="{y + 17}" fill="{TEXT}">'
                     f'{escape(text)}</text>')
    if target is not None:
        x = label_width + target / top_value * bar_width
        parts.append(f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{top - 4}" y2="{height - 4}" stroke="{TEXT}" '
                     f'stroke-width="2" stroke-dasharray="5 3"/>')
        parts.append(f'<text x="{_fmt(x)}" y="{top - 8}" text-anchor="middle" fill="{TEXT}">'
                     f'{escape(target_label)}</text>')
    return _close(parts)


def stacked_bars(rows: Sequence[tuple[str, Sequence[float], str]], series: Sequence[tuple[str, str]], *,
                 title: str, desc: str, chart_id: str, label_width: int = 230, bar_width: int = 380,
                 colon: str = COLON, share_format: Callable[[float], str] | None = None,
                 common_total: float | None = None) -> Markup:
    """Horizontal stacked bars, each row scaled to its own total (100 %), or to `common_total` when given
    (a row of fewer is shorter, its shares of that total): rows of (label, values, total text); series of
    (name, colour), one per value. `share_format` writes a part's share (0-100) in its tooltip."""
    row_h, legend_h = 26, 24
    height = legend_h + row_h * max(1, len(rows)) + 8
    legend = sum(26 + text_width(name) for name, _ in series)
    width = max(label_width + bar_width + max(150.0, _widest([r[2] for r in rows]) + 16), legend)
    share = share_format or (lambda v: f"{_fmt(v)}\u202f%")
    parts = _open(chart_id, width, height, title, desc)
    x = 0.0
    for name, colour in series:
        parts.append(f'<rect x="{_fmt(x)}" y="4" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{_fmt(x + 16)}" y="15" fill="{TEXT}">{escape(name)}</text>')
        x += 26 + text_width(name)
    for i, (label, values, total_text) in enumerate(rows):
        y = legend_h + i * row_h
        total = common_total or sum(v for v in values if v > 0)
        parts.append(f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end" fill="{TEXT}">'
                     f'{escape(fit(label, label_width - 10))}</text>')
        left = float(label_width)
        for (name, colour), value in zip(series, values, strict=True):
            if value <= 0 or not total:
                continue
            w = value / total * bar_width
            parts.append(f'<rect x="{_fmt(left)}" y="{y + 4}" width="{_fmt(w)}" height="{row_h - 8}" '
                         f'fill="{colour}" stroke="#ffffff" stroke-width="1"><title>{escape(clip(label, TOOLTIP))} · '
                         f'{escape(name)}{colon}{escape(share(100 * value / total))}</title></rect>')
            left += w
        parts.append(f'<text x="{label_width + bar_width + 6}" y="{y + 17}" fill="{TEXT}">{escape(total_text)}</text>')
    return _close(parts)


def donut(parts_in: Sequence[tuple[str, float, str]], *, title: str, desc: str, chart_id: str,
          centre: str = "", colours: Sequence[str] = PALETTE, colon: str = COLON) -> Markup:
    """A donut of (label, value, value text) with its legend; values <= 0 are left out of the ring."""
    r, stroke, cx, cy = 70.0, 34.0, 100.0, 100.0
    height = max(200.0, 24.0 + 22 * len(parts_in))
    legends = [f"{fit(label, 360)} — {text}" for label, _, text in parts_in]
    parts = _open(chart_id, max(720.0, 250 + _widest(legends)), height, title, desc)
    total = sum(v for _, v, _ in parts_in if v > 0)
    circumference = 2 * math.pi * r
    offset = 0.0
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#eeeeee" stroke-width="{stroke}"/>')
    for i, (label, value, text) in enumerate(parts_in):
        colour = colours[i % len(colours)]
        if value > 0 and total:
            length = value / total * circumference
            parts.append(
                f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{colour}" stroke-width="{stroke}" '
                f'stroke-dasharray="{_fmt(length)} {_fmt(circumference - length)}" '
                f'stroke-dashoffset="{_fmt(-offset)}" transform="rotate(-90 {cx} {cy})">'
                f'<title>{escape(clip(label, TOOLTIP))}{colon}{escape(text)}</title></circle>')
            offset += length
        y = 14 + 22 * i
        parts.append(f'<rect x="220" y="{y}" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="240" y="{y + 12}" fill="{TEXT}">{escape(legends[i])}</text>')
    if centre:
        parts.append(f'<text x="{cx}" y="{cy + 5}" text-anchor="middle" font-weight="bold" fill="{TEXT}">'
                     f'{escape(centre)}</text>')
    return _close(parts)


def tick_step(top: float) -> float:
    """The step of a line chart's four intervals: the smallest round step (1, 1.5, 2, 2.5, 3, 4, 5, 6 or
    8 × 10^k, whole, since amounts are shown to the euro) that reaches `top` in four. `top` / 4 made ticks
    of « 14 688 732 € », and « 0 €, 0 €, 0 €, 1 €, 1 € » when no order had an amount."""
    raw = max(top, 0.0) / 4
    if raw <= 1:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        step = factor * power
        if step >= raw and step == int(step):
            return step
    return 10.0 * power


def line_chart(points: Sequence[tuple[str, float]], *, title: str, desc: str, chart_id: str,
               y_format: Callable[[float], str], value_texts: Sequence[str] | None = None,
               colour: str = PALETTE[0], colon: str = COLON, empty: Sequence[bool] | None = None) -> Markup:
    """A line over ordered categories (months): points of (x label, value); y ticks via `y_format`, at
    round steps (`tick_step`).
    `empty` marks the periods without any order: drawn as hollow points at zero.

    Past LINE_WIDTH the points come closer and only every k-th label is written, the others staying in
    each point's tooltip: the page scales a wider chart down, text included (41 points once made 6 px
    labels). The margins grow to the widest tick and to half the last label, which is centred on the
    last point."""
    top_value = 4 * tick_step(max([p[1] for p in points] + [0.0]))  # round ticks (tick_step)
    ticks = [y_format(top_value * k / 4) for k in range(5)]
    left = max(110.0, _widest(ticks) + 12)
    right = max(20.0, text_width(points[-1][0]) / 2 + 2 if points else 0.0)
    top, bottom = 16.0, 46.0
    slot = min(56.0, max(8.0, (LINE_WIDTH - left - right) / max(1, len(points))))
    every = math.ceil(LABEL_SPACE / slot)
    width = max(420.0, left + right + slot * len(points))
    height = 260.0
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = _open(chart_id, width, height, title, desc)
    for k in range(5):
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{_fmt(left)}" x2="{_fmt(width - right)}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
                     f'stroke="{GRID}"/>')
        parts.append(f'<text x="{_fmt(left - 6)}" y="{_fmt(y + 4)}" text-anchor="end" fill="{TEXT}">'
                     f'{escape(ticks[k])}</text>')
    step = plot_w / max(1, len(points) - 1) if len(points) > 1 else 0.0
    coords = []
    for i, (label, value) in enumerate(points):
        x = left + (step * i if len(points) > 1 else plot_w / 2)
        y = top + plot_h - max(0.0, value) / top_value * plot_h
        coords.append((x, y))
        if i % every == 0:
            parts.append(f'<text x="{_fmt(x)}" y="{_fmt(height - bottom + 18)}" text-anchor="middle" fill="{TEXT}">'
                         f'{escape(label)}</text>')
    if len(coords) > 1:
        path = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
    texts = value_texts or [y_format(v) for _, v in points]
    hollow = empty or [False] * len(points)
    for (x, y), (label, _), text, none in zip(coords, points, texts, hollow, strict=True):
        fill = f'fill="#ffffff" stroke="{colour}" stroke-width="2"' if none else f'fill="{colour}"'
        parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="4" {fill}>'
                     f'<title>{escape(label)}{colon}{escape(text)}</title></circle>')
    return _close(parts)


def contrast_ratio(hex_a: str, hex_b: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def lum(h: str) -> float:
        channels = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((lum(hex_a), lum(hex_b)), reverse=True)
    return (a + 0.05) / (b + 0.05)
