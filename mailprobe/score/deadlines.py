"""Official reply deadlines and the "互动回应差" veto: on-time rates and a flag, pure.

``[scoring.deadlines]``: ``on_time_working_days`` (default 5: one province flags simple
questions answered after 5 working days; cities set 3, 7 or 10, per campaign with
``campaign create --deadline-days N``) and ``veto_calendar_days`` (default 90: the State
Council's 2019 inspection indicators fail a site outright when a valid consultation stays
unanswered for more than 3 months). The veto is a flag with the rule quoted: it changes no
score and no rank.

Four rates side by side, as the field experiments report them: "any response" (an
auto-acknowledgement counts), "any reply" (a human reply of any kind), "substantive", and
"on-time substantive". Their base is the charged probes that went out (sent or submitted)
plus the channels found unusable: a dead channel is a consultation nobody answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mailprobe.errors import InputError
from mailprobe.score.outcome import DELIVERED, HUMAN, SENT_STATES, Outcome
from mailprobe.score.result import ProbeScore, UnitScore

VETO_RULE_ZH = ("单项否决指标“互动回应差”：未提供有效的咨询渠道，或对网民的有效咨询留言超过3个月"
                "未予回应（国务院办公厅秘书局《政府网站与政务新媒体检查指标》，国办秘函〔2019〕19号）")
VETO_RULE_EN = ("One-strike veto \"poor interaction and response\": no effective consultation "
                "channel, or a valid consultation left unanswered for more than 3 months "
                "(State Council General Office, government website inspection indicators, 2019)")
_KEYS = {"on_time_working_days", "veto_calendar_days"}


@dataclass(frozen=True)
class DeadlineRule:
    """The deadlines a campaign is judged by, and where the on-time rule came from."""

    on_time_working_days: int = 5
    veto_calendar_days: int = 90
    source: str = "default"  # default | config | campaign


def deadline_rule(conf: Mapping[str, Any] | None, campaign_days: int | None) -> DeadlineRule:
    """``[scoring.deadlines]``, with a campaign's ``--deadline-days`` taking precedence."""
    conf = dict(conf or {})
    unknown = set(conf) - _KEYS
    if unknown:
        raise InputError(f"[scoring.deadlines] has no key {sorted(unknown)[0]!r}; known keys: "
                         f"{', '.join(sorted(_KEYS))}")
    d = DeadlineRule()
    try:
        days = int(conf.get("on_time_working_days", d.on_time_working_days))
        veto = int(conf.get("veto_calendar_days", d.veto_calendar_days))
    except (TypeError, ValueError):
        raise InputError("[scoring.deadlines]: on_time_working_days and veto_calendar_days "
                         "are whole numbers of days") from None
    if days < 1 or veto < 1:
        raise InputError("[scoring.deadlines]: deadlines are at least 1 day")
    source = "config" if "on_time_working_days" in conf else "default"
    if campaign_days is not None:
        days, source = campaign_days, "campaign"
    return DeadlineRule(days, veto, source)


@dataclass(frozen=True)
class ReplyRates:
    """One group's replies against the deadline (rates are shares 0-1, None on base 0)."""

    label: str
    base: int  # charged probes sent or submitted
    any_response: int
    any_reply: int
    substantive: int
    on_time: int  # first human reply within the rule's working days
    on_time_substantive: int
    any_response_rate: float | None
    any_reply_rate: float | None
    substantive_rate: float | None
    on_time_rate: float | None
    on_time_substantive_rate: float | None


@dataclass(frozen=True)
class UnitDeadline:
    """One unit's rates and its veto flag (a flag only: scores and ranks do not change)."""

    unit_id: str
    name: str
    category: str
    rates: ReplyRates
    is_veto: bool
    veto_reasons: tuple[str, ...]  # no_effective_channel | unanswered_over_<N>_days:<type>


@dataclass(frozen=True)
class DeadlineSummary:
    """Deadline figures of a campaign: overall, per category, per unit, with the rules."""

    on_time_working_days: int
    veto_calendar_days: int
    rule_source: str
    veto_rule: str
    veto_rule_en: str
    veto_observable: bool  # some probe has been out for veto_calendar_days already
    overall: ReplyRates
    categories: tuple[ReplyRates, ...]
    units: tuple[UnitDeadline, ...]
    veto_units: tuple[str, ...]


def is_on_time(p: ProbeScore, days: int) -> bool:
    """A human reply within ``days`` working days of the send (or the form's submission)."""
    return (p.outcome in HUMAN and p.human_latency is not None
            and p.human_latency.working_days <= days)


def reply_rates(label: str, probes: Iterable[ProbeScore], days: int) -> ReplyRates:
    # A dead channel is a consultation that got no answer: it stays in the base.
    base = [p for p in probes if p.is_charged
            and (p.send_state in SENT_STATES or p.outcome == Outcome.CHANNEL_UNUSABLE)]
    counts = (
        sum(p.outcome in HUMAN or p.outcome == Outcome.AUTO_ACK for p in base),
        sum(p.outcome in HUMAN for p in base),
        sum(p.outcome == Outcome.HUMAN_SUBSTANTIVE for p in base),
        sum(is_on_time(p, days) for p in base),
        sum(is_on_time(p, days) and p.outcome == Outcome.HUMAN_SUBSTANTIVE for p in base),
    )
    rates = tuple(n / len(base) if base else None for n in counts)
    return ReplyRates(label, len(base), *counts, *rates)


def _veto_reasons(unit: UnitScore, probes: Sequence[ProbeScore], rule: DeadlineRule,
                  now: datetime) -> tuple[str, ...]:
    reasons = ["no_effective_channel"] if "NO_EFFECTIVE_CHANNEL" in unit.flags else []
    limit = timedelta(days=rule.veto_calendar_days)
    for p in probes:
        if p.outcome not in DELIVERED or p.accepted_at is None:
            continue
        due = p.accepted_at + limit
        reply = p.first_human_reply_at
        if (reply is None and now >= due) or (reply is not None and reply > due):
            reasons.append(f"unanswered_over_{rule.veto_calendar_days}_days:{p.mailbox_type}")
    return tuple(reasons)


def summarise_deadlines(probes: Sequence[ProbeScore], units: Sequence[UnitScore],
                        categories: Sequence[str], rule: DeadlineRule,
                        now: datetime) -> DeadlineSummary:
    """On-time rates overall, per category and per unit; the veto flag per unit."""
    days = rule.on_time_working_days
    per_unit: list[UnitDeadline] = []
    for unit in units:
        mine = [p for p in probes if p.unit_id == unit.unit_id]
        reasons = _veto_reasons(unit, mine, rule, now)
        per_unit.append(UnitDeadline(unit.unit_id, unit.name, unit.category,
                                     reply_rates(unit.unit_id, mine, days), bool(reasons),
                                     reasons))
    observable = any(p.accepted_at is not None
                     and now >= p.accepted_at + timedelta(days=rule.veto_calendar_days)
                     for p in probes)
    return DeadlineSummary(
        days, rule.veto_calendar_days, rule.source, VETO_RULE_ZH, VETO_RULE_EN, observable,
        reply_rates("all", probes, days),
        tuple(reply_rates(c, [p for p in probes if p.category == c], days) for c in categories),
        tuple(per_unit), tuple(u.unit_id for u in per_unit if u.is_veto))
