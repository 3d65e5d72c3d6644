"""Draft 通报 (notice) in Markdown, shaped like an official notice; every number is computed.

Sections: 基本情况, rankings per category, 主要成绩, 存在的问题, 工作建议 (templates
``notice.zh.md.j2`` / ``notice.en.md.j2``). The numbers come from :func:`notice_context`
(pure); the template only words them. Names are Markdown-escaped, so a unit name cannot
inject markup into a document that may later be rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from mailprobe.report import templates_dir
from mailprobe.report.numbers import base_label, number, percent
from mailprobe.report.rates import DEADLINE_BASE, deadline_rate
from mailprobe.report.rows import (
    category_label,
    report_tz,
    source_label,
    status_line,
    tz_label,
    when,
)
from mailprobe.score.deadlines import UnitDeadline
from mailprobe.score.metrics import leader_never_answered
from mailprobe.score.outcome import HUMAN, Outcome
from mailprobe.score.rank import Comparison
from mailprobe.score.result import CampaignScore, UnitScore

FULL_RANKING_MAX = 60  # longer categories list the first and last 20; the XLSX has them all
KEEP_ENDS = 20
TOP_N = 5
T = TypeVar("T")
# Inline specials only: names never start a line in the templates.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md(text: object) -> str:
    """Escape Markdown and HTML specials in one line of text."""
    plain = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", plain).replace("<", "&lt;")


_pct = percent
_num = number


def top_with_ties(items: Sequence[T], n: int, key: Callable[[T], object]) -> list[T]:
    """The first ``n`` of ``items`` (already sorted by ``key``), plus every later item tied
    with the n-th: a list that names "the best five" never cuts a tie in two."""
    if len(items) <= n:
        return list(items)
    last = key(items[n - 1])
    end = n
    while end < len(items) and key(items[end]) == last:
        end += 1
    return list(items[:end])


def ranking_rows(ranked: Sequence[UnitScore], full_max: int = FULL_RANKING_MAX,
                 keep: int = KEEP_ENDS) -> list[UnitScore | int]:
    """The ranking as the notice lists it: all units, or the first and last ``keep`` with the
    number left out in between (an int); a cut never falls inside a tie on rank."""
    if len(ranked) <= full_max:
        return list(ranked)
    head = top_with_ties(ranked, keep, lambda u: u.rank)
    tail = top_with_ties(list(reversed(ranked)), keep, lambda u: u.rank)[::-1]
    if len(head) + len(tail) >= len(ranked):
        return list(ranked)
    return [*head, len(ranked) - len(head) - len(tail), *tail]


def notice_context(score: CampaignScore, lang: str = "zh",
                   compare: Comparison | None = None) -> dict[str, Any]:
    """Every figure the notice states."""
    s = score.stats
    public = next(t for t in s.by_type if t.mailbox_type == "public")
    leader = next(t for t in s.by_type if t.mailbox_type == "leader")
    charged = public.charged + leader.charged
    dead, silent = public.dead + leader.dead, public.silent + leader.silent
    answered = [u for u in score.units if u.rank is not None and u.human_replies]
    fastest = top_with_ties(sorted((u for u in answered if u.median_latency_hours is not None),
                                   key=lambda u: (u.median_latency_hours, u.unit_id)),
                            TOP_N, lambda u: number(u.median_latency_hours))
    best_rate = top_with_ties(sorted(answered, key=lambda u: (-(u.reply_rate or 0), u.rank or 0,
                                                              u.unit_id)),
                              TOP_N, lambda u: percent(u.reply_rate))
    no_channel = [u for u in score.units if "NO_EFFECTIVE_CHANNEL" in u.flags]
    tz = report_tz(score)
    return {
        "score": score, "s": s, "lang": lang, "status": status_line(score, lang),
        "when": lambda at: when(at, tz), "zone": tz_label(tz, lang),
        "cat": lambda c: category_label(c, lang),
        "public": public, "leader": leader,
        "mailboxes": public.published + leader.published,
        "working": public.delivered + leader.delivered,
        "answering": public.human_replies + leader.human_replies,
        "dead": dead, "silent": silent, "charged": charged,
        "dead_share": dead / charged if charged else None,
        "silent_share": silent / charged if charged else None,
        "dead_or_silent_share": (dead + silent) / charged if charged else None,
        "by_category": [(c, score.category_units(c), st,
                         ranking_rows([u for u in score.category_units(c) if u.rank]))
                        for c, st in zip(score.categories, score.category_stats, strict=True)],
        "full_max": FULL_RANKING_MAX,
        "fastest": fastest, "best_rate": best_rate,
        "all_within_3": _all_within(score, {u.unit_id for u in answered}, 3),
        "no_channel": no_channel, **veto_groups(no_channel, score.is_provisional),
        "excluded": score.excluded_units,
        "estimated_sources": estimated_sources(score, lang),
        "leader_silent": leader_never_answered(score.units),
        "overdue": [u for u in score.units if "OVERDUE_3_MONTHS" in u.flags],
        "missing_leader": [u for u in score.units if "CHANNEL_MISSING:leader" in u.flags],
        "reprobe": sum("REPROBE" in p.flags for p in score.probes),
        "compare": compare,
        "dl": score.deadlines,
        "dl_rate": deadline_rate, "of_charged": base_label(DEADLINE_BASE, lang),
        "pending": s.pending_review, "conflicts": s.conflicts,
        "review_units": [u for u in score.units if u.pending_review or u.conflicts],
        "veto_units": overdue_veto_units(score),
        "improved": top_with_ties(
            sorted((c for c in compare.units if (c.score_change or 0) > 0),
                   key=lambda c: -(c.score_change or 0)),
            TOP_N, lambda c: number(c.score_change)) if compare else [],
    }


def estimated_sources(score: CampaignScore, lang: str) -> str:
    """The estimated years of the calendar and how each was estimated."""
    sources = score.calendar.get("year_sources", {})
    return ("；" if lang == "zh" else "; ").join(
        f"{y}{'年' if lang == 'zh' else ''}: {source_label(src, lang)}"
        for y, src in sources.items() if str(src).startswith("estimated"))


def overdue_veto_units(score: CampaignScore) -> list[UnitDeadline]:
    """Units under the veto for a consultation left unanswered past the limit. Only a final
    result asserts it; "no effective channel" is stated with the channels (veto_groups)."""
    if score.is_provisional or score.deadlines is None:
        return []
    return [u for u in score.deadlines.units
            if any(r.startswith("unanswered_over_") for r in u.veto_reasons)]


def veto_groups(no_channel: list[UnitScore], is_provisional: bool) -> dict[str, list[UnitScore]]:
    """Which units the 单项否决 rule (no effective consultation channel) applies to.

    It applies only to a final result for a unit that published a mailbox that cannot
    receive mail; a unit that published none may have another channel (a web form), so
    staff confirm it first; while the window is open nothing is asserted.
    """
    if is_provisional:
        return {"veto": [], "no_channel_unconfirmed": list(no_channel)}
    veto = [u for u in no_channel if _published_any(u)]
    return {"veto": veto,
            "no_channel_unconfirmed": [u for u in no_channel if not _published_any(u)]}


def _published_any(unit: UnitScore) -> bool:
    return any(o != Outcome.NOT_PUBLISHED for o in (*unit.public_outcomes,
                                                     *unit.leader_outcomes))


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
    """Write the draft notice twice: Markdown (UTF-8) at ``path`` and Word next to it
    (``notice.md`` and ``notice.docx``); returns the Markdown file."""
    from mailprobe.report.notice_docx import write_notice_docx

    md_path = path.with_suffix(".md") if path.suffix.lower() == ".docx" else path
    md_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.write_text(render_notice(score, lang, compare), encoding="utf-8")
    write_notice_docx(md_path.with_suffix(".docx"), score, lang, compare)
    return md_path
