"""Draft 通报 (notice) in Markdown, shaped like an official notice; every number is computed.

Sections: 基本情况, rankings per category, 主要成绩, 存在的问题, 工作建议 (templates
``notice.zh.md.j2`` / ``notice.en.md.j2``). The numbers come from :func:`notice_context`
(pure); the template only words them. Names are Markdown-escaped, so a unit name cannot
inject markup into a document that may later be rendered.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from mailprobe.report import templates_dir
from mailprobe.report.rows import category_label, status_line, when
from mailprobe.score.metrics import leader_never_answered
from mailprobe.score.outcome import HUMAN
from mailprobe.score.rank import Comparison
from mailprobe.score.result import CampaignScore

FULL_RANKING_MAX = 60  # longer categories list the first and last 20; the XLSX has them all
# Inline specials only: names never start a line in the templates.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md(text: object) -> str:
    """Escape Markdown and HTML specials in one line of text."""
    plain = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", plain).replace("<", "&lt;")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def notice_context(score: CampaignScore, lang: str = "zh",
                   compare: Comparison | None = None) -> dict[str, Any]:
    """Every figure the notice states."""
    s = score.stats
    public = next(t for t in s.by_type if t.mailbox_type == "public")
    leader = next(t for t in s.by_type if t.mailbox_type == "leader")
    charged = public.charged + leader.charged
    dead, silent = public.dead + leader.dead, public.silent + leader.silent
    answered = [u for u in score.units if u.rank is not None and u.human_replies]
    fastest = sorted((u for u in answered if u.median_latency_hours is not None),
                     key=lambda u: (u.median_latency_hours, u.unit_id))[:5]
    best_rate = sorted(answered, key=lambda u: (-(u.reply_rate or 0), u.rank or 0,
                                                u.unit_id))[:5]
    return {
        "score": score, "s": s, "lang": lang, "status": status_line(score, lang),
        "when": when, "cat": lambda c: category_label(c, lang),
        "public": public, "leader": leader,
        "mailboxes": public.published + leader.published,
        "working": public.delivered + leader.delivered,
        "answering": public.human_replies + leader.human_replies,
        "dead": dead, "silent": silent, "charged": charged,
        "dead_share": dead / charged if charged else None,
        "silent_share": silent / charged if charged else None,
        "dead_or_silent_share": (dead + silent) / charged if charged else None,
        "by_category": [(c, score.category_units(c), st)
                        for c, st in zip(score.categories, score.category_stats, strict=True)],
        "full_max": FULL_RANKING_MAX,
        "fastest": fastest, "best_rate": best_rate,
        "all_within_3": _all_within(score, {u.unit_id for u in answered}, 3),
        "no_channel": [u for u in score.units if "NO_EFFECTIVE_CHANNEL" in u.flags],
        "leader_silent": leader_never_answered(score.units),
        "overdue": [u for u in score.units if "OVERDUE_3_MONTHS" in u.flags],
        "missing_leader": [u for u in score.units if "CHANNEL_MISSING:leader" in u.flags],
        "reprobe": sum("REPROBE" in p.flags for p in score.probes),
        "compare": compare,
        "dl": score.deadlines,
        "veto_units": [u for u in score.deadlines.units if u.is_veto] if score.deadlines else [],
        "improved": sorted((c for c in compare.units if (c.score_change or 0) > 0),
                           key=lambda c: -(c.score_change or 0))[:5] if compare else [],
    }


def _all_within(score: CampaignScore, unit_ids: set[str], days: int) -> list[str]:
    """Units (of ``unit_ids``) whose every charged, published probe got a human reply in time."""
    ok: dict[str, bool] = {}
    for p in score.probes:
        if p.unit_id not in unit_ids or not p.is_charged or p.address is None:
            continue
        in_time = (p.outcome in HUMAN and p.human_latency is not None
                   and p.human_latency.working_days <= days)
        ok[p.unit_id] = ok.get(p.unit_id, True) and in_time
    return sorted(u for u, good in ok.items() if good)


def render_notice(score: CampaignScore, lang: str = "zh",
                  compare: Comparison | None = None) -> str:
    """The draft notice as Markdown text (pure)."""
    env = Environment(loader=FileSystemLoader(templates_dir() / "report"), autoescape=False,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(md=md, pct=_pct, num=_num)
    template = env.get_template(f"notice.{lang}.md.j2")
    return template.render(**notice_context(score, lang, compare))


def write_notice(score: CampaignScore, path: Path, lang: str = "zh",
                 compare: Comparison | None = None) -> Path:
    """Write the draft notice (Markdown, UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_notice(score, lang, compare), encoding="utf-8")
    return path
