"""Stage 6, pure: outcomes, mailbox and unit scores, rankings and campaign statistics.

One entry point, :func:`score_campaign`; ``now`` and the calendar are parameters, so the
same inputs always give the same score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from mailprobe.score.deadlines import DeadlineRule, summarise_deadlines
from mailprobe.score.metrics import group_stats, score_probe, score_unit
from mailprobe.score.outcome import Outcome
from mailprobe.score.rank import Comparison, compare_rounds, order_categories, rank_units
from mailprobe.score.result import CampaignScore, GroupStats, ProbeScore, UnitScore
from mailprobe.score.rubric import Rubric, rubric_from_settings
from mailprobe.score.types import (
    BounceFacts,
    CampaignInput,
    ExcludedUnit,
    MessageFacts,
    OverrideEntry,
    ProbeFacts,
)
from mailprobe.score.workcal import WorkCalendar, WorkSpan, load_calendar

__all__ = [
    "BounceFacts", "CampaignInput", "CampaignScore", "Comparison", "ExcludedUnit",
    "MessageFacts", "Outcome", "OverrideEntry", "ProbeFacts", "ProbeScore", "Rubric",
    "UnitScore", "WorkCalendar", "WorkSpan", "campaign_window", "compare_rounds",
    "load_calendar", "rubric_from_settings", "score_campaign",
]

# Deferred probes are not "in flight": after the window closes they are soft bounces.
_IN_FLIGHT = frozenset({"pending", "sending", "manual"})  # manual: a form not yet submitted


def campaign_window(inp: CampaignInput, now: datetime,
                    calendar: WorkCalendar) -> tuple[datetime | None, bool]:
    """(latest window close over accepted probes, is the window still open at ``now``)."""
    closes = [calendar.add_working_days(p.accepted_at, inp.window_days)
              for p in inp.probes if p.accepted_at is not None]
    close = max(closes) if closes else None
    in_flight = any(p.send_state in _IN_FLIGHT and p.address is not None and p.address_valid
                    for p in inp.probes)
    is_open = close is None or now < close or in_flight
    return close, is_open


def score_campaign(inp: CampaignInput, now: datetime, calendar: WorkCalendar) -> CampaignScore:
    """Score every probe and unit of one campaign at ``now``; provisional while open."""
    close, is_open = campaign_window(inp, now, calendar)
    rubric = inp.rubric
    probes = [score_probe(p, rubric, calendar, now, inp.window_days, is_open)
              for p in inp.probes]
    by_unit: dict[str, list[ProbeScore]] = defaultdict(list)
    for p in probes:
        by_unit[p.unit_id].append(p)
    review = _review_by_unit(inp.probes)
    units = [_with_review(score_unit(ps, rubric, now), *review.get(unit_id, (0, 0, 0)))
             for unit_id, ps in by_unit.items()]
    if is_open:  # ranks can still move while any window is open
        units = [replace(u, is_provisional=True) for u in units]
    categories = order_categories((u.category for u in units), inp.categories)
    ranked: list[UnitScore] = []
    for cat in categories:
        ranked.extend(rank_units(u for u in units if u.category == cat))
    cat_stats = tuple(
        _group_review(group_stats(cat, [p for p in probes if p.category == cat],
                                  [u for u in ranked if u.category == cat], rubric, calendar,
                                  now), [u for u in ranked if u.category == cat])
        for cat in categories)
    stats = _group_review(group_stats("all", probes, ranked, rubric, calendar, now), ranked)
    stats = replace(stats, pending_review=stats.pending_review + inp.unmatched_review)
    years = {d.year for p in inp.probes for d in (p.accepted_at, p.first_human_reply_at,
                                                  p.first_auto_reply_at) if d is not None}
    return CampaignScore(
        campaign=inp.name, generated_at=now, window_days=inp.window_days,
        window_closes_at=close, is_provisional=is_open,
        calendar=calendar.describe(years | {now.year}), rubric=rubric.to_dict(),
        categories=categories,
        stats=stats,
        category_stats=cat_stats, units=tuple(ranked), probes=tuple(probes),
        messages=tuple(sorted(inp.messages, key=lambda m: m.received_at)),
        overrides=tuple(inp.overrides), excluded_units=tuple(inp.excluded_units),
        deadlines=summarise_deadlines(probes, ranked, categories,
                                      inp.deadline_rule or DeadlineRule(), now))


def _review_by_unit(facts: Sequence[ProbeFacts]) -> dict[str, tuple[int, int, int]]:
    """Per unit: (messages awaiting review, low-confidence matches, conflicts)."""
    counts: dict[str, tuple[int, int, int]] = {}
    for p in facts:
        pending, low, conflicts = counts.get(p.unit_id, (0, 0, 0))
        counts[p.unit_id] = (pending + p.pending_review, low + p.low_confidence_matches,
                             conflicts + p.conflict)
    return counts


def _with_review(unit: UnitScore, pending: int, low: int, conflicts: int) -> UnitScore:
    return replace(unit, pending_review=pending, low_confidence_matches=low,
                   conflicts=conflicts)


def _group_review(stats: GroupStats, units: Sequence[UnitScore]) -> GroupStats:
    return replace(stats, pending_review=sum(u.pending_review for u in units),
                   low_confidence_matches=sum(u.low_confidence_matches for u in units),
                   conflicts=sum(u.conflicts for u in units))
