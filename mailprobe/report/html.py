"""HTML writer: one self-contained file from templates/report/report.html.j2.

Jinja2 autoescape is on, so every received text (subjects, senders, evidence, unit names) is
escaped; the charts are inline SVG built in charts.py; a Content-Security-Policy meta tag
forbids scripts and any fetch. No external script, style, font or image.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from mailprobe.report import charts, templates_dir
from mailprobe.report.labels import (
    flags_text,
    mailbox_label,
    reason_label,
    send_state_label,
)
from mailprobe.report.numbers import number, percent
from mailprobe.report.rates import group_rate, unit_rate
from mailprobe.report.rows import (
    EVIDENCE_LABELS,
    Cell,
    Table,
    calendar_sources,
    categories_table,
    category_label,
    comparison_table,
    deadlines_table,
    evidence_table,
    outcome_label,
    overrides_table,
    report_tz,
    review_note,
    status_line,
    tz_label,
    when,
)
from mailprobe.score.outcome import Outcome
from mailprobe.score.rank import Comparison
from mailprobe.score.result import CampaignScore, UnitScore

TEXT: dict[str, dict[str, str]] = {
    "zh": {"title": "政务信箱测评报告", "provisional": "暂定结果", "summary": "概况",
           "charts": "图表", "reply_rate": "各类别人工回复率（占已发送）",
           "mailbox": "信箱", "outcome": "结果", "reason": "原因", "probe_id": "探测编号",
           "zone": "北京时间",
           "outcomes": "探测结果构成（占全部探测）", "latency": "首次人工回复用时分布",
           "km": "回复时间曲线（占已送达；Kaplan–Meier，未回复按删失处理）", "ranking": "排名",
           "rank": "排名", "unit": "单位", "score": "得分", "public": "公开信箱",
           "leader": "领导信箱", "reply_rate_col": "人工回复率（占计入考核的探测）",
           "interval": "区间",
           "evidence_class": "证据等级", "latency_col": "用时中位数（工作小时）",
           "flags": "标记", "comparison": "与上轮比较", "reprobe": "待重测（不计入考核）",
           "evidence": "证据清单", "overrides": "更正记录", "excluded": "未纳入单位",
           "method": "方法说明", "stats": "分类统计", "none": "无",
           "review": "待复核", "review_col": "待复核（低可信匹配；冲突）",
           "review_row": "待复核邮件（其中低可信匹配）/ 回复与退信冲突"},
    "en": {"title": "Mailbox assessment report", "provisional": "Provisional",
           "summary": "Summary", "charts": "Charts",
           "reply_rate": "Human-reply rate by category (of sent)", "mailbox": "Mailbox",
           "outcome": "Outcome", "reason": "Reason", "probe_id": "Probe", "zone": "Beijing time",
           "outcomes": "Outcomes (of all probes)", "latency": "Time to first human reply",
           "km": "Reply-time curve (of delivered; Kaplan–Meier, non-replies censored)",
           "ranking": "Ranking", "rank": "Rank", "unit": "Unit", "score": "Score",
           "public": "Public mailbox", "leader": "Leader mailbox",
           "reply_rate_col": "Human-reply rate (of charged probes)", "interval": "Interval",
           "evidence_class": "Evidence", "latency_col": "Median latency (working h)",
           "flags": "Flags", "comparison": "Change since the last round",
           "reprobe": "To re-probe (not charged)", "evidence": "Evidence",
           "overrides": "Overrides log", "excluded": "Excluded units", "method": "Method",
           "stats": "Statistics by category", "none": "none",
           "review": "Pending review",
           "review_col": "Pending review (low-confidence; conflicts)",
           "review_row": "Messages pending review (low-confidence) / reply-bounce conflicts"},
}


def environment() -> Environment:
    """The HTML report's Jinja2 environment: autoescape on, undefined names are errors."""
    env = Environment(loader=FileSystemLoader(templates_dir() / "report"),
                      autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = _pct
    env.filters["num"] = _num
    return env


_pct = percent
_num = number


def render_html(score: CampaignScore, lang: str = "zh",
                compare: Comparison | None = None) -> str:
    """The whole report as one HTML string (pure)."""
    return environment().get_template("report.html.j2").render(
        **html_context(score, lang, compare))


def html_context(score: CampaignScore, lang: str,
                 compare: Comparison | None) -> dict[str, Any]:
    t = dict(TEXT[lang])
    tz = report_tz(score)
    t["zone"] = tz_label(tz, lang)
    reprobe = [p for p in score.probes if "REPROBE" in p.flags]
    return {
        "t": t, "lang": lang, "score": score, "status": status_line(score, lang),
        "when": lambda at: when(at, tz), "category_label": lambda c: category_label(c, lang),
        "rate": lambda g, key: group_rate(g, key), "unit_rate": unit_rate,
        "flags": lambda f: flags_text(f, lang), "mailbox": lambda m: mailbox_label(m, lang),
        "reason": lambda r: reason_label(r, lang),
        "send_state": lambda s: send_state_label(s, lang),
        "calendar_sources": calendar_sources(score, lang),
        "outcome_label": lambda o: outcome_label(Outcome(o), lang),
        "evidence_label": lambda e: EVIDENCE_LABELS[e][0 if lang == "zh" else 1],
        "charts": {
            "reply_rate": Markup(charts.reply_rate_chart(score, lang, t["reply_rate"])),
            "outcomes": Markup(charts.outcome_chart(score, lang, t["outcomes"])),
            "latency": Markup(charts.latency_chart(score, lang, t["latency"])),
            "km": Markup(charts.km_chart(score.stats.km, lang, t["km"])),
        },
        "stats_table": _plain(categories_table(score, lang)),
        "comparison": _plain(comparison_table(compare, lang)) if compare else None,
        "deadlines": _plain(deadlines_table(score, lang)) if score.deadlines else None,
        "review_note": review_note(score, lang) if score.stats.pending_review else "",
        "review_cell": lambda u: review_cell(u, lang),
        "reprobe": reprobe,
        "evidence": _plain(evidence_table(score, lang)),
        "overrides": _plain(overrides_table(score, lang)),
    }


def review_cell(u: UnitScore, lang: str) -> str:
    """A unit's review counts in the ranking: "2（低可信匹配 1；冲突 1）", empty when none."""
    if not (u.pending_review or u.conflicts):
        return ""
    zh = lang == "zh"
    parts = [f"{'低可信匹配' if zh else 'low-confidence'} {u.low_confidence_matches}"
             if u.low_confidence_matches else "",
             f"{'冲突' if zh else 'conflicts'} {u.conflicts}" if u.conflicts else ""]
    detail = ("；" if zh else "; ").join(p for p in parts if p)
    if not detail:
        return str(u.pending_review)
    return f"{u.pending_review}（{detail}）" if zh else f"{u.pending_review} ({detail})"


def _plain(table: Table) -> dict[str, Any]:
    """Headers and pre-formatted cell strings for a generic table (still autoescaped)."""
    lang_rows: list[list[tuple[str, str]]] = []
    for i, row in enumerate(table.rows):
        lang_rows.append([(_fmt(v, table.cell_format(i, j)),
                           _css(table.columns[j].key, table.cell_format(i, j)))
                          for j, v in enumerate(row)])
    return {"title": table.title, "headers": [c.zh for c in table.columns],
            "headers_en": [c.en for c in table.columns], "rows": lang_rows}


# Columns holding codes and identifiers: never broken inside (CSS white-space: nowrap).
_CODE_KEYS = frozenset({"code", "token", "status", "unit_id", "probe_id", "message_id"})


def _css(key: str, fmt: str) -> str:
    """A cell's class: "n" numbers and times (right-aligned, unbroken), "c" codes, "" text."""
    if fmt in ("percent", "number", "int", "time"):
        return "n"
    return "c" if key in _CODE_KEYS else ""


def _fmt(value: Cell, fmt: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")  # already in the campaign's zone
    if fmt == "percent" and isinstance(value, int | float):
        return percent(float(value))
    if isinstance(value, float):
        return number(value, 2)
    return str(value)


def write_html(score: CampaignScore, path: Path, lang: str = "zh",
               compare: Comparison | None = None) -> Path:
    """Write the self-contained HTML report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(score, lang, compare), encoding="utf-8")
    return path
