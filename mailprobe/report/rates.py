"""Pure: every rate of a CampaignScore as a :class:`Rate` with its numerator, denominator and base.

The scoring stage keeps shares as floats; the reports show them through these objects, so
each figure is rounded once (numbers.py) and always says what it is a share of.
"""

from __future__ import annotations

from typing import Any

from mailprobe.report.numbers import Rate
from mailprobe.score.deadlines import DeadlineSummary, ReplyRates
from mailprobe.score.result import GroupStats, TypeStats, UnitScore

# rate field -> (numerator field, denominator field, base)
GROUP_RATES: dict[str, tuple[str, str, str]] = {
    "hard_bounce_rate": ("hard_bounces", "sent", "sent"),
    "soft_bounce_rate": ("soft_bounces", "sent", "sent"),
    "sender_side_rate": ("sender_side", "sent", "sent"),
    "delivery_rate": ("delivered", "sent", "sent"),
    "auto_ack_rate": ("auto_ack_any", "sent", "sent"),
    "human_reply_rate_sent": ("human_replies", "sent", "sent"),
    "human_reply_rate_delivered": ("human_replies", "delivered", "delivered"),
    "substantive_rate": ("substantive", "sent", "sent"),
}


def group_rate(g: GroupStats, key: str) -> Rate:
    """One of the group's rates, e.g. ``group_rate(stats, "delivery_rate")``."""
    num, den, base = GROUP_RATES[key]
    return Rate(int(getattr(g, num)), int(getattr(g, den)), base)


def within_rate(g: GroupStats, days: str) -> Rate:
    """Share of delivered probes with a first human reply within ``days`` working days."""
    share = g.within_days.get(days)
    # The score keeps k/n as a float; k is recovered exactly (n is small, k/n*n rounds back).
    answered = round(share * g.delivered) if share is not None else 0
    return Rate(answered, g.delivered, "delivered")


def unit_rate(u: UnitScore) -> Rate:
    """A unit's human-reply rate over its charged probes to published mailboxes."""
    return Rate(u.human_replies, u.probes, "charged")


def type_dead_or_silent(t: TypeStats) -> Rate:
    return Rate(t.dead + t.silent, t.charged, "charged")


# deadline rate field -> numerator field. The base of all five is the charged probes that
# went out (sent or submitted) plus the channels found unusable (score/deadlines.py).
DEADLINE_RATES: dict[str, str] = {
    "any_response_rate": "any_response",
    "any_reply_rate": "any_reply",
    "substantive_rate": "substantive",
    "on_time_rate": "on_time",
    "on_time_substantive_rate": "on_time_substantive",
}
DEADLINE_BASE = "charged"


def deadline_rate(r: ReplyRates, key: str) -> Rate:
    """A side-by-side deadline rate, e.g. ``deadline_rate(dl.overall, "on_time_rate")``."""
    return Rate(int(getattr(r, DEADLINE_RATES[key])), r.base, DEADLINE_BASE)


def _deadline_rates(rdoc: dict[str, Any], r: ReplyRates) -> None:
    for key in DEADLINE_RATES:
        rdoc[key] = deadline_rate(r, key).to_dict()


def schema2_deadlines(ddoc: dict[str, Any], dl: DeadlineSummary) -> None:
    """The deadline block's shares as rate objects: overall, per category, per unit."""
    _deadline_rates(ddoc["overall"], dl.overall)
    for cdoc, c in zip(ddoc["categories"], dl.categories, strict=True):
        _deadline_rates(cdoc, c)
    for udoc, u in zip(ddoc["units"], dl.units, strict=True):
        _deadline_rates(udoc["rates"], u.rates)


def schema2_rates(doc: dict[str, Any], groups: list[GroupStats],
                  units: list[UnitScore], deadlines: DeadlineSummary | None = None) -> None:
    """Replace the plain shares of ``score.to_dict()`` by schema 2's rate objects, in place."""
    if deadlines is not None:
        schema2_deadlines(doc["deadlines"], deadlines)
    group_docs = [doc["stats"], *doc["category_stats"]]
    for gdoc, g in zip(group_docs, groups, strict=True):
        for key in GROUP_RATES:
            gdoc[key] = group_rate(g, key).to_dict()
        gdoc["within_days"] = {d: within_rate(g, d).to_dict() for d in g.within_days}
        for tdoc, t in zip(gdoc["by_type"], g.by_type, strict=True):
            tdoc["dead_or_silent_share"] = type_dead_or_silent(t).to_dict()
    for udoc, u in zip(doc["units"], units, strict=True):
        udoc["reply_rate"] = unit_rate(u).to_dict()
