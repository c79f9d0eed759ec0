"""Small inline-SVG plots for the HTML report (no JavaScript, no external files, no fonts).

Each function returns one ``<svg>`` element as a string, sized in CSS pixels, with text escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

VERDICT_COLORS = {
    "genuine": "#1a7f37",
    "mixed": "#b7791f",
    "suspicious": "#cf222e",
    "insufficient data": "#6e7781",
}
KIND_COLORS = {"substantive": "#1a7f37", "generic": "#8c959f", "flagged": "#cf222e"}
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'


def _num(value: float) -> str:
    return f"{value:.1f}"


def _finite(value: float | None, default: float = 0.0) -> float:
    if value is None or not math.isfinite(value):
        return default
    return float(value)


@dataclass(frozen=True)
class ScoreRow:
    label: str
    score: float
    low: float
    high: float
    verdict: str
    anchor: str = ""


def forest(
    rows: Sequence[ScoreRow], *, width: int = 760, thresholds: tuple[float, float] = (40, 70)
) -> str:
    """Authenticity score (dot) and its interval (line) per creator, best first."""
    left, right, row_h, top = 190, 20, 22, 28
    plot_w = width - left - right
    height = top + row_h * len(rows) + 28
    out = [
        f'<svg class="plot" width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="12" role="img" aria-label="authenticity scores with intervals">'
    ]
    zones = (
        (0.0, thresholds[0], "#ffebe9", "suspicious"),
        (thresholds[0], thresholds[1], "#fff8c5", "mixed"),
        (thresholds[1], 100.0, "#dafbe1", "genuine"),
    )
    for lo, hi, fill, name in zones:
        x0, x1 = left + plot_w * lo / 100, left + plot_w * hi / 100
        out.append(
            f'<rect x="{_num(x0)}" y="{top - 4}" width="{_num(x1 - x0)}" height="{height - top - 20}" fill="{fill}"/>'
        )
        out.append(
            f'<text x="{_num((x0 + x1) / 2)}" y="{top - 9}" text-anchor="middle" fill="#57606a">{name}</text>'
        )
    for k in range(0, 101, 20):
        x = left + plot_w * k / 100
        out.append(
            f'<text x="{_num(x)}" y="{height - 8}" text-anchor="middle" fill="#57606a">{k}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * row_h + row_h / 2
        color = VERDICT_COLORS.get(row.verdict, "#57606a")
        label = escape(row.label if len(row.label) <= 26 else row.label[:25] + "…")
        text = f'<text x="{left - 8}" y="{_num(y + 4)}" text-anchor="end" fill="#24292f">{label}</text>'
        if row.anchor:
            text = f'<a href="#{escape(row.anchor)}">{text}</a>'
        out.append(text)
        if math.isfinite(row.score):
            x0 = left + plot_w * _finite(row.low) / 100
            x1 = left + plot_w * _finite(row.high, 100) / 100
            xs = left + plot_w * row.score / 100
            out.append(
                f'<line x1="{_num(x0)}" y1="{_num(y)}" x2="{_num(x1)}" y2="{_num(y)}" stroke="{color}" stroke-width="3" stroke-linecap="round" opacity="0.45"/>'
            )
            out.append(
                f'<circle cx="{_num(xs)}" cy="{_num(y)}" r="5" fill="{color}"><title>{label}: {row.score:.0f} ({_finite(row.low):.0f}-{_finite(row.high):.0f}), {escape(row.verdict)}</title></circle>'
            )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class RateRow:
    label: str
    raw: float
    genuine: float
    verdict: str


def dumbbell(rows: Sequence[RateRow], *, width: int = 760, unit: str = "comments per post") -> str:
    """Raw vs genuine engagement per creator on one axis: the gap is the inflation."""
    left, right, row_h, top = 190, 70, 22, 26
    plot_w = width - left - right
    top_value = max([_finite(r.raw) for r in rows] + [1.0])
    scale = plot_w / top_value
    height = top + row_h * len(rows) + 30
    out = [
        f'<svg class="plot" width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="12" role="img" aria-label="raw versus genuine {escape(unit)}">'
    ]
    out.append(
        f'<circle cx="{left}" cy="10" r="5" fill="#1a7f37"/><text x="{left + 9}" y="14" fill="#24292f">genuine</text>'
    )
    out.append(
        f'<circle cx="{left + 80}" cy="10" r="5" fill="#8c959f"/><text x="{left + 89}" y="14" fill="#24292f">raw ({escape(unit)})</text>'
    )
    for i, row in enumerate(rows):
        y = top + i * row_h + row_h / 2
        raw, genuine = _finite(row.raw), _finite(row.genuine)
        label = escape(row.label if len(row.label) <= 26 else row.label[:25] + "…")
        out.append(
            f'<text x="{left - 8}" y="{_num(y + 4)}" text-anchor="end" fill="#24292f">{label}</text>'
        )
        out.append(
            f'<line x1="{_num(left + genuine * scale)}" y1="{_num(y)}" x2="{_num(left + raw * scale)}" y2="{_num(y)}" stroke="#d0d7de" stroke-width="4"/>'
        )
        out.append(
            f'<circle cx="{_num(left + raw * scale)}" cy="{_num(y)}" r="5" fill="#8c959f"><title>raw {raw:.2f}</title></circle>'
        )
        out.append(
            f'<circle cx="{_num(left + genuine * scale)}" cy="{_num(y)}" r="5" fill="#1a7f37"><title>genuine {genuine:.2f}</title></circle>'
        )
        ratio = f"×{raw / genuine:.1f}" if genuine > 0 else "-"
        out.append(
            f'<text x="{_num(left + raw * scale + 10)}" y="{_num(y + 4)}" fill="#57606a">{ratio}</text>'
        )
    ticks = _ticks(top_value)
    for t in ticks:
        x = left + t * scale
        out.append(
            f'<text x="{_num(x)}" y="{height - 8}" text-anchor="middle" fill="#57606a">{t:g}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _ticks(maximum: float, count: int = 5) -> list[float]:
    if maximum <= 0:
        return [0.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = min((m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw), default=power)
    return [round(k * step, 10) for k in range(int(maximum / step) + 1)]


def share_bar(
    share: float, low: float, high: float, norm: float, floor: float, *, width: int = 320
) -> str:
    """A 0-100% bar: the substantive share, its interval, the platform norm and the far-below line."""
    height, pad = 34, 6
    plot_w = width - 2 * pad

    def x(value: float) -> float:
        return pad + plot_w * min(max(_finite(value), 0.0), 1.0)

    out = [
        f'<svg class="plot" width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="10" role="img" aria-label="substantive share">'
    ]
    out.append(f'<rect x="{pad}" y="8" width="{plot_w}" height="10" rx="3" fill="#eaeef2"/>')
    out.append(
        f'<rect x="{pad}" y="8" width="{_num(x(floor) - pad)}" height="10" rx="3" fill="#ffebe9"/>'
    )
    out.append(
        f'<rect x="{_num(x(low))}" y="8" width="{_num(max(x(high) - x(low), 1))}" height="10" fill="#1a7f37" opacity="0.35"/>'
    )
    out.append(
        f'<line x1="{_num(x(share))}" y1="5" x2="{_num(x(share))}" y2="21" stroke="#1a7f37" stroke-width="3"/>'
    )
    out.append(
        f'<line x1="{_num(x(norm))}" y1="4" x2="{_num(x(norm))}" y2="22" stroke="#24292f" stroke-dasharray="2 2"/>'
    )
    out.append(
        f'<text x="{_num(x(norm))}" y="32" text-anchor="middle" fill="#57606a">norm {norm:.0%}</text>'
    )
    out.append(
        f'<text x="{pad}" y="32" fill="#57606a">0%</text><text x="{width - pad}" y="32" text-anchor="end" fill="#57606a">100%</text>'
    )
    out.append("</svg>")
    return "".join(out)


def stacked(parts: Sequence[tuple[str, float, str]], *, width: int = 320) -> str:
    """One horizontal stacked bar with a legend below: (label, value, color) parts."""
    total = sum(max(v, 0.0) for _, v, _ in parts) or 1.0
    legend_rows = math.ceil(len(parts) / 3)
    height = 20 + 16 * legend_rows
    out = [
        f'<svg class="plot" width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="10" role="img" aria-label="comment mix">'
    ]
    x = 0.0
    for label, value, color in parts:
        w = width * max(value, 0.0) / total
        if w > 0:
            out.append(
                f'<rect x="{_num(x)}" y="2" width="{_num(w)}" height="12" fill="{color}"><title>{escape(label)}: {value:.0f} ({value / total:.0%})</title></rect>'
            )
        x += w
    for i, (label, value, color) in enumerate(parts):
        lx, ly = (i % 3) * (width / 3), 28 + 16 * (i // 3)
        out.append(f'<rect x="{_num(lx)}" y="{ly - 8}" width="8" height="8" fill="{color}"/>')
        out.append(
            f'<text x="{_num(lx + 11)}" y="{ly}" fill="#24292f">{escape(label)} {value / total:.0%}</text>'
        )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class TimelinePoint:
    minutes: float  # minutes since the first post of the creator
    lane: str  # "substantive", "generic" or "flagged"


def timeline(
    posts: Sequence[tuple[float, str, bool]], points: Sequence[TimelinePoint], *, width: int = 760
) -> str:
    """Every comment as a tick on a time axis, in three lanes, with the posts as vertical lines.

    ``posts``: (minutes since the first post, label, burst?) Bursts show as dense red ticks right
    after a post line.
    """
    lanes = ("substantive", "generic", "flagged")
    left, right, top, lane_h = 86, 14, 16, 22
    height = top + lane_h * len(lanes) + 34
    span = max([p.minutes for p in points] + [t for t, _, _ in posts] + [60.0])
    plot_w = width - left - right

    def x(minutes: float) -> float:
        return left + plot_w * max(minutes, 0.0) / span

    out = [
        f'<svg class="plot" width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="10" role="img" aria-label="comment timeline">'
    ]
    for i, lane in enumerate(lanes):
        y = top + i * lane_h
        out.append(
            f'<rect x="{left}" y="{y}" width="{plot_w}" height="{lane_h - 4}" fill="#f6f8fa"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" fill="{KIND_COLORS[lane]}">{lane}</text>'
        )
    bottom = top + lane_h * len(lanes)
    for minutes, label, burst in posts:
        px = x(minutes)
        color = "#cf222e" if burst else "#57606a"
        out.append(
            f'<line x1="{_num(px)}" y1="{top - 4}" x2="{_num(px)}" y2="{bottom}" stroke="{color}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{_num(px)}" y="{bottom + 12}" text-anchor="middle" fill="{color}">{escape(label)}</text>'
        )
    for point in points:
        row = lanes.index(point.lane) if point.lane in lanes else 1
        y = top + row * lane_h
        px = x(point.minutes)
        out.append(
            f'<line x1="{_num(px)}" y1="{y + 2}" x2="{_num(px)}" y2="{y + lane_h - 6}" stroke="{KIND_COLORS[lanes[row]]}" stroke-opacity="0.55"/>'
        )
    days = span / 1440
    step = max(1, math.ceil(days / 8))
    for d in range(0, int(days) + 1, step):
        out.append(
            f'<text x="{_num(x(d * 1440))}" y="{bottom + 26}" text-anchor="middle" fill="#8c959f">day {d}</text>'
        )
    out.append("</svg>")
    return "".join(out)


# --- brand economics ----------------------------------------------------------------------------

TIER_PALETTE = ("#8250df", "#0969da", "#1b7c83", "#bc4c00", "#9a6700", "#57606a")


@dataclass(frozen=True)
class ScatterPoint:
    label: str
    x: float
    y: float
    y_low: float
    y_high: float
    group: str  # the color key (a tier)
    highlight: bool = False  # ringed (a budget pick)


def _log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 ticks from ``low`` to ``high`` (positive), at most ~8."""
    ticks: list[float] = []
    start = math.floor(math.log10(low))
    for decade in range(start, math.ceil(math.log10(high)) + 1):
        for m in (1, 2, 5):
            value = m * 10.0**decade
            if low <= value <= high:
                ticks.append(value)
    while len(ticks) > 8:
        ticks = ticks[::2]
    return ticks


def _short(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def scatter(
    points: Sequence[ScatterPoint],
    colors: dict[str, str],
    *,
    x_label: str,
    y_label: str,
    width: int = 640,
    height: int = 380,
) -> str:
    """Log-log scatter with vertical error bars (the 95% interval of y), a color per group and
    a ring around highlighted points; every point carries its label."""
    shown = [p for p in points if p.x > 0 and p.y > 0 and math.isfinite(p.x * p.y)]
    left, right, top, bottom = 64, 16, 14, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    out = [
        f'<svg class="plot" width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="11" role="img" aria-label="{escape(y_label)} against {escape(x_label)}">'
    ]
    if not shown:
        out.append(f'<text x="{left}" y="{top + 20}" fill="#57606a">nothing to plot</text></svg>')
        return "".join(out)
    xs = [p.x for p in shown]
    ys = [v for p in shown for v in (p.y, p.y_low, p.y_high) if v > 0 and math.isfinite(v)]
    x0, x1 = min(xs) / 1.6, max(xs) * 1.6
    y0, y1 = min(ys) / 1.6, max(ys) * 1.6

    def px(value: float) -> float:
        return left + plot_w * (math.log10(value) - math.log10(x0)) / math.log10(x1 / x0)

    def py(value: float) -> float:
        value = min(max(value, y0), y1)
        return top + plot_h * (1 - (math.log10(value) - math.log10(y0)) / math.log10(y1 / y0))

    out.append(
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#d0d7de"/>'
    )
    for tick in _log_ticks(x0, x1):
        x = px(tick)
        out.append(
            f'<line x1="{_num(x)}" y1="{top}" x2="{_num(x)}" y2="{top + plot_h}" stroke="#eaeef2"/>'
            f'<text x="{_num(x)}" y="{top + plot_h + 14}" text-anchor="middle" fill="#57606a">{_short(tick)}</text>'
        )
    for tick in _log_ticks(y0, y1):
        y = py(tick)
        out.append(
            f'<line x1="{left}" y1="{_num(y)}" x2="{left + plot_w}" y2="{_num(y)}" stroke="#eaeef2"/>'
            f'<text x="{left - 6}" y="{_num(y + 4)}" text-anchor="end" fill="#57606a">{_short(tick)}</text>'
        )
    out.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="#24292f">{escape(x_label)}</text>'
        f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" fill="#24292f" transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(y_label)}</text>'
    )
    for p in sorted(shown, key=lambda p: p.highlight):
        color = colors.get(p.group, "#57606a")
        x, y = px(p.x), py(p.y)
        label = escape(p.label if len(p.label) <= 22 else p.label[:21] + "…")
        if math.isfinite(p.y_low) and math.isfinite(p.y_high) and p.y_high > 0:
            out.append(
                f'<line x1="{_num(x)}" y1="{_num(py(max(p.y_low, y0)))}" x2="{_num(x)}" y2="{_num(py(p.y_high))}" stroke="{color}" stroke-width="2" opacity="0.6"/>'
            )
        if p.highlight:
            out.append(
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="9" fill="none" stroke="#1a7f37" stroke-width="2.5"/>'
            )
        out.append(
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="5" fill="{color}"><title>{label} ({escape(p.group)}): {p.y:,.0f} ({_finite(p.y_low):,.0f}-{_finite(p.y_high):,.0f}) at {p.x:,.0f}</title></circle>'
            + (
                f'<text x="{_num(x - 8)}" y="{_num(y - 6)}" text-anchor="end" fill="#24292f" font-size="10">{label}</text>'
                if x > left + 0.75 * plot_w
                else f'<text x="{_num(x + 8)}" y="{_num(y - 6)}" fill="#24292f" font-size="10">{label}</text>'
            )
        )
    return "".join(out) + "</svg>"


@dataclass(frozen=True)
class DiffRow:
    label: str
    value: float
    low: float
    high: float


def diverging(
    rows: Sequence[DiffRow], *, width: int = 560, limit: float = 1.0, unit: str = "points"
) -> str:
    """A value with its interval per row on an axis from -limit to +limit around 0 (ends beyond
    the axis are cut and marked with an arrow). Positive (right, red) = a drop."""
    left, right, row_h, top = 170, 24, 22, 24
    plot_w = width - left - right
    height = top + row_h * len(rows) + 26
    mid = left + plot_w / 2

    def x(value: float) -> float:
        return mid + plot_w / 2 * max(-1.0, min(1.0, value / limit))

    out = [
        f'<svg class="plot" width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="11" role="img" aria-label="drop on sponsored posts">',
        f'<rect x="{_num(mid)}" y="{top - 6}" width="{_num(plot_w / 2)}" height="{row_h * len(rows) + 6}" fill="#ffebe9" opacity="0.5"/>',
        f'<text x="{_num(mid + 6)}" y="{top - 10}" fill="#a40e26">lower on sponsored posts →</text>',
        f'<text x="{_num(mid - 6)}" y="{top - 10}" text-anchor="end" fill="#116329">← higher</text>',
        f'<line x1="{_num(mid)}" y1="{top - 6}" x2="{_num(mid)}" y2="{top + row_h * len(rows)}" stroke="#24292f"/>',
    ]
    for i, row in enumerate(rows):
        y = top + i * row_h + row_h / 2
        label = escape(row.label if len(row.label) <= 24 else row.label[:23] + "…")
        out.append(
            f'<text x="{left - 8}" y="{_num(y + 4)}" text-anchor="end" fill="#24292f">{label}</text>'
        )
        if not math.isfinite(row.value):
            continue
        color = "#cf222e" if _finite(row.low, -1) > 0 else "#57606a"
        if math.isfinite(row.low) and math.isfinite(row.high):
            out.append(
                f'<line x1="{_num(x(row.low))}" y1="{_num(y)}" x2="{_num(x(row.high))}" y2="{_num(y)}" stroke="{color}" stroke-width="3" opacity="0.45"/>'
            )
            for end, sign in ((row.low, -1), (row.high, 1)):
                if abs(end) > limit:
                    tip = x(end)
                    out.append(
                        f'<path d="M{_num(tip)},{_num(y)} l{-6 * sign},-4 l0,8 z" fill="{color}" opacity="0.6"/>'
                    )
        out.append(
            f'<circle cx="{_num(x(row.value))}" cy="{_num(y)}" r="5" fill="{color}"><title>{label}: {row.value:+.2f} ({_finite(row.low, math.nan):+.2f} to {_finite(row.high, math.nan):+.2f}) {escape(unit)}</title></circle>'
        )
    for k in (-1.0, -0.5, 0.0, 0.5, 1.0):
        value = k * limit
        out.append(
            f'<text x="{_num(x(value))}" y="{height - 8}" text-anchor="middle" fill="#57606a">{value:+g}</text>'
        )
    return "".join(out) + "</svg>"
