"""Pure: inline SVG charts for the HTML report (no script, no external font or image).

Every label passes through ``html.escape``; the result is trusted markup for the template.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from mailprobe.report.numbers import percent
from mailprobe.report.rows import category_label, outcome_label
from mailprobe.score.outcome import Outcome
from mailprobe.score.result import CampaignScore, KMPoint

COLOURS = {
    Outcome.NOT_PUBLISHED: "#9e9e9e", Outcome.INVALID_ADDRESS: "#6d4c41",
    Outcome.HARD_BOUNCE: "#c62828", Outcome.CHANNEL_UNUSABLE: "#880e4f",
    Outcome.SOFT_BOUNCE: "#ef6c00",
    Outcome.SENDER_SIDE: "#ab47bc", Outcome.UNCERTAIN: "#bdbdbd", Outcome.NOT_SENT: "#e0e0e0",
    Outcome.NO_REPLY: "#f9a825", Outcome.AUTO_ACK: "#90caf9",
    Outcome.HUMAN_NON_SUBSTANTIVE: "#66bb6a", Outcome.HUMAN_SUBSTANTIVE: "#1b5e20",
}
_FONT = 'font-family="sans-serif" font-size="12"'


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {_FONT}>{escape(text)}</text>'


def reply_rate_chart(score: CampaignScore, lang: str, title: str) -> str:
    """Horizontal bars: human-reply rate (of sent) per category and overall."""
    groups = [*score.category_stats, score.stats]
    width, label_w, bar_h = 640, 170, 22
    body: list[str] = []
    for i, g in enumerate(groups):
        y = 10 + i * (bar_h + 10)
        name = category_label(g.label, lang) if g.label != "all" else (
            "合计" if lang == "zh" else "all")
        rate = g.human_reply_rate_sent or 0.0
        bar = (width - label_w - 70) * rate
        body.append(_text(label_w - 6, y + 15, name, "end"))
        body.append(f'<rect x="{label_w}" y="{y}" width="{bar:.1f}" height="{bar_h}" '
                    'fill="#1565c0"/>')
        body.append(_text(label_w + bar + 6, y + 15, percent(rate)))
    return _svg(width, 20 + len(groups) * (bar_h + 10), title, body)


def outcome_chart(score: CampaignScore, lang: str, title: str) -> str:
    """One 100 % stacked bar of probe outcomes, with a legend of counts."""
    counts = [(Outcome(k), v) for k, v in score.stats.outcome_counts.items() if v]
    total = sum(v for _, v in counts) or 1
    width, bar_w = 640, 600
    body: list[str] = []
    x = 20.0
    for outcome, n in counts:
        w = bar_w * n / total
        body.append(f'<rect x="{x:.2f}" y="10" width="{w:.2f}" height="28" '
                    f'fill="{COLOURS[outcome]}"><title>{escape(outcome_label(outcome, lang))}: '
                    f"{n}</title></rect>")
        x += w
    for i, (outcome, n) in enumerate(counts):
        col, row = i % 2, i // 2
        lx, ly = 20 + col * 310, 58 + row * 20
        body.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" '
                    f'fill="{COLOURS[outcome]}"/>')
        body.append(_text(lx + 18, ly, f"{outcome_label(outcome, lang)}  {n} "
                                       f"({percent(n / total)})"))
    return _svg(width, 70 + ((len(counts) + 1) // 2) * 20, title, body)


def latency_chart(score: CampaignScore, lang: str, title: str) -> str:
    """Columns: first human replies by working days (<=1, <=3, ... , later)."""
    days = sorted(p.human_latency.working_days for p in score.probes if p.human_latency
                  and p.first_human_reply_at is not None and p.outcome.value.startswith("human"))
    cuts = list(score.stats.within_days)
    bins: list[tuple[str, int]] = []
    lower = -1.0
    for c in cuts:
        bins.append((f"≤{c}", sum(lower < d <= float(c) for d in days)))
        lower = float(c)
    bins.append((f">{cuts[-1]}" if cuts else "all", sum(d > lower for d in days)))
    width, height, left, base = 640, 220, 40, 180
    top = max((n for _, n in bins), default=0) or 1
    col_w = (width - left - 20) / len(bins)
    body = [f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#555"/>']
    for i, (label, n) in enumerate(bins):
        h = (base - 20) * n / top
        x = left + i * col_w + 6
        body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{col_w - 12:.1f}" '
                    f'height="{h:.1f}" fill="#2e7d32"/>')
        body.append(_text(x + (col_w - 12) / 2, base - h - 4, str(n), "middle"))
        body.append(_text(x + (col_w - 12) / 2, base + 16, label, "middle"))
    unit = "工作日" if lang == "zh" else "working days"
    body.append(_text(width - 10, height - 4, unit, "end"))
    return _svg(width, height, title, body)


def km_chart(points: Sequence[KMPoint], lang: str, title: str, max_points: int = 400) -> str:
    """Kaplan-Meier step curve: share replied (y) by working hours (x)."""
    width, height, left, base, right = 640, 240, 48, 200, 20
    pts = list(points)
    if len(pts) > max_points:  # keep the shape, drop interior steps evenly
        step = len(pts) / max_points
        pts = [pts[int(i * step)] for i in range(max_points)] + [pts[-1]]
    x_max = max((p.hours for p in pts), default=1.0) or 1.0

    def xy(h: float, s: float) -> tuple[float, float]:
        return left + (width - left - right) * h / x_max, base - (base - 10) * s

    path: list[str] = []
    prev_y = xy(0, 0)[1]
    for p in pts:
        x, y = xy(p.hours, p.reply_share)
        path.append(f"L{x:.1f},{prev_y:.1f} L{x:.1f},{y:.1f}" if path else f"M{x:.1f},{y:.1f}")
        prev_y = y
    body = [f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#555"/>',
            f'<line x1="{left}" y1="10" x2="{left}" y2="{base}" stroke="#555"/>']
    for frac in (0.0, 0.5, 1.0):
        body.append(_text(left - 4, xy(0, frac)[1] + 4, f"{frac * 100:.0f}%", "end"))
    body.append(_text(left, base + 16, "0"))
    body.append(_text(width - right, base + 16, f"{x_max:.0f}", "end"))
    unit = "工作小时" if lang == "zh" else "working hours"
    body.append(_text((left + width) / 2, base + 32, unit, "middle"))
    if path:
        body.append(f'<path d="{" ".join(path)}" fill="none" stroke="#1565c0" '
                    'stroke-width="2"/>')
    return _svg(width, height, title, body)
