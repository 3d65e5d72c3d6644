"""Mailbox and unit scores, flags, Wilson intervals, latency quantiles and Kaplan-Meier.

Mailbox score = delivery weight x delivered + response weight x response credit + timeliness
weight x timeliness credit (30/40/30 by default, docs/scoring.md). Unit score = public weight x
mean(public) + leader weight x mean(leader); an unpublished type scores 0 and flags
CHANNEL_MISSING:<type>. docs/scoring.md works examples by hand.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from mailprobe.score.outcome import (
    DELIVERED,
    DELIVERY_FAILED,
    HUMAN,
    NOT_CHARGED,
    SENT_STATES,
    Outcome,
    decide_outcome,
)
from mailprobe.score.result import (
    GroupStats,
    KMPoint,
    ProbeScore,
    Quantiles,
    TypeStats,
    UnitScore,
)
from mailprobe.score.rubric import Rubric
from mailprobe.score.types import ProbeFacts
from mailprobe.score.workcal import WorkCalendar, WorkSpan

MAILBOX_TYPES = ("public", "leader")


def score_probe(p: ProbeFacts, rubric: Rubric, cal: WorkCalendar, now: datetime,
                window_days: int, campaign_open: bool) -> ProbeScore:
    """Outcome, score components and latencies of one probe at time ``now``."""
    deadline = cal.add_working_days(p.accepted_at, window_days) if p.accepted_at else None
    window_open = now < deadline if deadline is not None else campaign_open
    outcome = decide_outcome(p, window_open, rubric.unreviewed_human == "substantive")
    human = _span(cal, p.accepted_at, p.first_human_reply_at)
    auto = _span(cal, p.accepted_at, p.first_auto_reply_at)
    charged = outcome not in NOT_CHARGED
    delivery = 1.0 if outcome in DELIVERED else 0.0
    response = _response_credit(outcome, rubric)
    timeliness = rubric.timeliness_credit(human.working_days) if human and delivery else 0.0
    score = (rubric.delivery_weight * delivery + rubric.response_weight * response
             + rubric.timeliness_weight * timeliness) if charged else None
    censored = outcome in (Outcome.NO_REPLY, Outcome.AUTO_ACK) and window_open
    flags = _probe_flags(p, outcome, human, auto, censored, rubric, cal, now)
    bounce = p.bounce
    return ProbeScore(
        probe_id=p.probe_id, unit_id=p.unit_id, unit_name=p.unit_name, category=p.category,
        mailbox_type=p.mailbox_type, address=p.address, send_state=p.send_state,
        token=p.token, code=p.code, accepted_at=p.accepted_at, outcome=outcome,
        is_charged=charged, is_censored=censored, delivery=delivery, response=response,
        timeliness=timeliness, score=score,
        bounce_reason=bounce.reason if bounce else None,
        bounce_status=bounce.status if bounce else None,
        bounce_detector=bounce.detector if bounce else None,
        first_auto_reply_at=p.first_auto_reply_at, first_human_reply_at=p.first_human_reply_at,
        human_latency=human, auto_latency=auto, deadline_at=deadline, flags=flags,
        channel=p.channel)


def _span(cal: WorkCalendar, start: datetime | None, end: datetime | None) -> WorkSpan | None:
    return cal.working_time(start, end) if start is not None and end is not None else None


def _response_credit(outcome: Outcome, rubric: Rubric) -> float:
    return {Outcome.HUMAN_SUBSTANTIVE: rubric.credit_substantive,
            Outcome.HUMAN_NON_SUBSTANTIVE: rubric.credit_non_substantive,
            Outcome.AUTO_ACK: rubric.credit_auto_ack}.get(outcome, 0.0)


def _probe_flags(p: ProbeFacts, outcome: Outcome, human: WorkSpan | None,
                 auto: WorkSpan | None,
                 censored: bool, rubric: Rubric, cal: WorkCalendar,
                 now: datetime) -> tuple[str, ...]:
    flags: list[str] = []
    if censored:
        flags.append("CENSORED")
    if outcome in NOT_CHARGED and outcome != Outcome.NOT_SENT:
        flags.append("REPROBE")
    if outcome in DELIVERED and p.accepted_at is not None:
        limit = cal.add_calendar_months(p.accepted_at, rubric.overdue_months)
        reply = p.first_human_reply_at
        if (reply is None and now >= limit) or (reply is not None and reply >= limit):
            flags.append("OVERDUE_3_MONTHS")
    if outcome in HUMAN and p.accepted_at is None:
        flags.append("LATENCY_UNKNOWN")
    if outcome in HUMAN and p.latency_at_first_seen:
        flags.append("LATENCY_AT_FIRST_SEEN")  # a query page gave no date: the poll's time
    if outcome in HUMAN and p.human_substantive is None:
        flags.append("SUBSTANCE_UNREVIEWED")
    if p.bounce is not None and outcome in DELIVERED:
        flags.append("BOUNCE_THEN_REPLY")
    if p.delayed:
        flags.append("DELAY_NOTICE")
    if p.conflict:
        flags.append("REVIEW_CONFLICT")
    elif p.pending_review:
        flags.append("REVIEW_PENDING")
    if any(s is not None and s.estimated for s in (human, auto)):
        flags.append("ESTIMATED_CALENDAR")
    return tuple(flags)


# --- units ----------------------------------------------------------------------------


def score_unit(probes: Sequence[ProbeScore], rubric: Rubric, now: datetime) -> UnitScore:
    """Combine one unit's probes into its score, Wilson interval, class and flags."""
    first = probes[0]
    flags: list[str] = []
    type_scores: dict[str, float | None] = {}
    outcomes: dict[str, tuple[Outcome, ...]] = {}
    for mtype in MAILBOX_TYPES:
        mine = [p for p in probes if p.mailbox_type == mtype]
        outcomes[mtype] = tuple(p.outcome for p in mine)
        type_scores[mtype] = _type_score(mine, mtype, flags)
    published = [p for p in probes if p.outcome != Outcome.NOT_PUBLISHED]
    charged = [p for p in published if p.is_charged]
    if _no_effective_channel(published):
        flags.insert(0, "NO_EFFECTIVE_CHANNEL")
    if any("OVERDUE_3_MONTHS" in p.flags for p in probes):
        flags.append("OVERDUE_3_MONTHS")
    public, leader = type_scores["public"], type_scores["leader"]
    score = None if public is None or leader is None else (
        rubric.public_weight * public + rubric.leader_weight * leader)
    replies = sum(p.outcome in HUMAN for p in charged)
    low, high = wilson(replies, len(charged), rubric.wilson_z)
    latencies = [p.human_latency.working_hours for p in charged if p.human_latency]
    provisional = any(p.is_censored or p.outcome == Outcome.NOT_SENT for p in probes)
    return UnitScore(
        unit_id=first.unit_id, name=first.unit_name, category=first.category,
        public_score=public, leader_score=leader, public_outcomes=outcomes["public"],
        leader_outcomes=outcomes["leader"], score=score,
        points=None if score is None else score / 100 * rubric.points_budget, rank=None,
        probes=len(charged), human_replies=replies,
        reply_rate=replies / len(charged) if charged else None, reply_low=low,
        reply_high=high, evidence_class=evidence_class(replies, len(charged), rubric),
        median_latency_hours=quantile(sorted(latencies), 0.5), flags=tuple(flags),
        is_provisional=provisional)


def _type_score(mine: list[ProbeScore], mtype: str, flags: list[str]) -> float | None:
    published = [p for p in mine if p.outcome != Outcome.NOT_PUBLISHED]
    if not published:
        flags.append(f"CHANNEL_MISSING:{mtype}")
        return 0.0
    scores = [p.score for p in published if p.score is not None]
    if not scores:
        flags.append(f"REPROBE:{mtype}")
        return None
    return sum(scores) / len(scores)


def _no_effective_channel(published: list[ProbeScore]) -> bool:
    """Every published mailbox fails delivery (charged), or none is published."""
    return all(p.outcome in DELIVERY_FAILED for p in published)


def wilson(k: int, n: int, z: float) -> tuple[float | None, float | None]:
    """Wilson score interval for k successes in n trials (None, None when n = 0)."""
    if n == 0:
        return None, None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def evidence_class(k: int, n: int, rubric: Rubric) -> str:
    """answers / does_not_answer when the Wilson interval clears the cut, else insufficient."""
    low, high = wilson(k, n, rubric.wilson_z)
    if n < rubric.min_probes or low is None or high is None:
        return "insufficient_evidence"
    if low >= rubric.evidence_cut:
        return "answers"
    if high < rubric.evidence_cut:
        return "does_not_answer"
    return "insufficient_evidence"


# --- statistics -----------------------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between order statistics (R type 7) of sorted ``values``."""
    if not values:
        return None
    pos = (len(values) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def quantiles(values: Iterable[float]) -> Quantiles:
    data = sorted(values)
    return Quantiles(len(data), quantile(data, 0.5), quantile(data, 0.75), quantile(data, 0.9))


def kaplan_meier(observations: Iterable[tuple[float, bool]]) -> tuple[KMPoint, ...]:
    """Reply curve from (time, replied) pairs; non-replies are censored at their time."""
    obs = sorted(observations)
    at_risk = len(obs)
    survival = 1.0
    points = [KMPoint(0.0, 0.0, at_risk, 0)]
    i = 0
    while i < len(obs):
        t = obs[i][0]
        events = censored = 0
        while i < len(obs) and obs[i][0] == t:
            events += obs[i][1]
            censored += not obs[i][1]
            i += 1
        if events:
            survival *= 1 - events / at_risk
            points.append(KMPoint(t, 1 - survival, at_risk, events))
        at_risk -= events + censored
    return tuple(points)


def group_stats(label: str, probes: Sequence[ProbeScore], units: Sequence[UnitScore],
                rubric: Rubric, cal: WorkCalendar, now: datetime) -> GroupStats:
    """Campaign statistics over ``probes`` (all, or one category's)."""
    counts = Counter(p.outcome for p in probes)
    sent = sum(p.send_state in SENT_STATES for p in probes)
    delivered = [p for p in probes if p.outcome in DELIVERED]
    human = [p for p in delivered if p.outcome in HUMAN and p.human_latency is not None]
    hours = [p.human_latency.working_hours for p in human if p.human_latency]
    days = [p.human_latency.working_days for p in human if p.human_latency]
    auto_hours = [p.auto_latency.working_hours for p in delivered if p.auto_latency]
    n_human = counts[Outcome.HUMAN_SUBSTANTIVE] + counts[Outcome.HUMAN_NON_SUBSTANTIVE]
    within = {str(d): _share(sum(x <= d for x in days), len(delivered))
              for d in rubric.within_days}
    km = kaplan_meier(_km_observations(delivered, cal, now))
    scored = [u.score for u in units if u.score is not None]
    return GroupStats(
        label=label, units=len(units), probes=len(probes),
        published=sum(p.outcome != Outcome.NOT_PUBLISHED for p in probes), sent=sent,
        delivered=len(delivered), hard_bounces=counts[Outcome.HARD_BOUNCE],
        soft_bounces=counts[Outcome.SOFT_BOUNCE], sender_side=counts[Outcome.SENDER_SIDE],
        uncertain=counts[Outcome.UNCERTAIN], not_sent=counts[Outcome.NOT_SENT],
        auto_ack_any=sum(p.first_auto_reply_at is not None for p in delivered),
        auto_ack_only=counts[Outcome.AUTO_ACK], human_replies=n_human,
        substantive=counts[Outcome.HUMAN_SUBSTANTIVE],
        outcome_counts={o.value: counts[o] for o in Outcome},
        hard_bounce_rate=_share(counts[Outcome.HARD_BOUNCE], sent),
        soft_bounce_rate=_share(counts[Outcome.SOFT_BOUNCE], sent),
        sender_side_rate=_share(counts[Outcome.SENDER_SIDE], sent),
        delivery_rate=_share(len(delivered), sent),
        auto_ack_rate=_share(sum(p.first_auto_reply_at is not None for p in delivered), sent),
        human_reply_rate_sent=_share(n_human, sent),
        human_reply_rate_delivered=_share(n_human, len(delivered)),
        substantive_rate=_share(counts[Outcome.HUMAN_SUBSTANTIVE], sent),
        latency_hours=quantiles(hours), latency_days=quantiles(days),
        auto_latency_hours=quantiles(auto_hours), within_days=within, km=km,
        latency_estimated=any("ESTIMATED_CALENDAR" in p.flags for p in probes),
        units_no_effective_channel=sum("NO_EFFECTIVE_CHANNEL" in u.flags for u in units),
        units_overdue=sum("OVERDUE_3_MONTHS" in u.flags for u in units),
        units_leader_never_answered=len(leader_never_answered(units)),
        units_scored=len(scored),
        mean_unit_score=sum(scored) / len(scored) if scored else None,
        by_type=tuple(_type_stats(t, probes) for t in MAILBOX_TYPES))


def leader_never_answered(units: Iterable[UnitScore]) -> list[UnitScore]:
    """Units with a published leader mailbox, charged, where no leader probe got a human reply."""
    out = []
    for u in units:
        charged = [o for o in u.leader_outcomes
                   if o != Outcome.NOT_PUBLISHED and o not in NOT_CHARGED]
        if charged and not any(o in HUMAN for o in charged):
            out.append(u)
    return out


def _km_observations(delivered: Sequence[ProbeScore], cal: WorkCalendar,
                     now: datetime) -> list[tuple[float, bool]]:
    obs: list[tuple[float, bool]] = []
    for p in delivered:
        if p.outcome in HUMAN and p.human_latency is not None:
            obs.append((p.human_latency.working_hours, True))
        elif p.outcome not in HUMAN and p.accepted_at is not None:
            obs.append((cal.working_time(p.accepted_at, now).working_hours, False))
    return obs


def _type_stats(mtype: str, probes: Sequence[ProbeScore]) -> TypeStats:
    mine = [p for p in probes if p.mailbox_type == mtype and p.outcome != Outcome.NOT_PUBLISHED]
    charged = [p for p in mine if p.is_charged]
    dead = sum(p.outcome in DELIVERY_FAILED for p in charged)
    silent = sum(p.outcome == Outcome.NO_REPLY for p in charged)
    return TypeStats(
        mailbox_type=mtype, published=len(mine), charged=len(charged),
        delivered=sum(p.outcome in DELIVERED for p in charged), dead=dead, silent=silent,
        human_replies=sum(p.outcome in HUMAN for p in charged),
        dead_or_silent_share=_share(dead + silent, len(charged)))


def _share(k: int, n: int) -> float | None:
    return k / n if n else None
