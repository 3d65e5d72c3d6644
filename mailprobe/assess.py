"""Turn stored campaigns into scoring inputs, and keep staff overrides in force.

The store knows probes, messages, verdicts and matches; the scoring stage wants one
``ProbeFacts`` per campaign mailbox. This module decides, per probe, which returned
message counts: the decisive bounce (hard over soft, then the latest), the first
auto-reply and the first human reply, with the staff decisions of the override log
applied (mailprobe/decisions.py). Messages awaiting review count for no probe; they are
counted per probe (pending, low-confidence, conflict) so that reports can say so.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from mailprobe.classify.reasons import SENDER_SIDE, is_hard, reason_for
from mailprobe.config import Settings
from mailprobe.correlate import CONFLICT, LOW_CONFIDENCE
from mailprobe.decisions import LINK, Credited, Decisions, LogEntry, settle, token_of
from mailprobe.model import Kind
from mailprobe.pipeline import CORRELATION_HORIZON
from mailprobe.score import (
    CampaignScore,
    Rubric,
    WorkCalendar,
    rubric_from_settings,
    score_campaign,
)
from mailprobe.score.deadlines import deadline_rule
from mailprobe.score.types import (
    BounceFacts,
    CampaignInput,
    ExcludedUnit,
    MessageFacts,
    OverrideEntry,
    ProbeFacts,
)
from mailprobe.store import Database, Session
from mailprobe.store import review as stored
from mailprobe.store.campaigns import Campaign, get_campaign
from mailprobe.store.overrides import overrides
from mailprobe.store.probes import Probe, ProbeRecord, campaign_mailboxes
from mailprobe.store.runs import save_score
from mailprobe.token import code, is_token

_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")


def override_entry(entry: LogEntry) -> OverrideEntry:
    """A log line as reports cite it; a link shows the probe's code, as staff typed it."""
    value = entry.value
    if entry.action == LINK and is_token(token_of(value)):
        value = code(token_of(value))
    return OverrideEntry(entry.at, entry.actor, f"{entry.action}={value}", entry.target,
                         entry.reason)


def rejection_bounce(reply: str, reply_code: int | None) -> BounceFacts:
    """A probe refused at SMTP time is a bounce, judged by the same reason rules."""
    found = _STATUS.search(reply)
    status = found.group(1) if found else None
    reason = reason_for(reply, status, str(reply_code) if reply_code else None)
    return BounceFacts(hard=is_hard(reason, status), reason=reason,
                       sender_side=reason in SENDER_SIDE, status=status, detector="smtp")


@dataclass
class _Review:
    """Per probe: messages awaiting staff, low-confidence ones among them, a conflict."""

    pending: Counter[int] = field(default_factory=Counter)
    low: Counter[int] = field(default_factory=Counter)
    conflicts: set[int] = field(default_factory=set)  # probes
    conflicting: set[int] = field(default_factory=set)  # their messages


def campaign_input(session: Session, campaign: Campaign, rubric: Rubric,
                   categories: tuple[str, ...], as_of: datetime | None = None,
                   deadlines: dict[str, Any] | None = None) -> CampaignInput:
    """Everything scoring needs about ``campaign``, staff decisions and review applied; with
    ``as_of``, only what was known at that moment (later messages, decisions, sends left out)."""
    log = [e for e in overrides(session) if as_of is None or e.at <= as_of]
    decisions = Decisions.from_log(log)
    matched = [m for m in stored.matched_messages(session, campaign_id=campaign.id)
               if as_of is None or m.received_at <= as_of]
    credited, review = _credit(matched, decisions)
    by_probe: dict[int, list[_Seen]] = defaultdict(list)
    for seen in credited:
        by_probe[seen.probe_id].append(seen)
    messages = [_message_facts(m, decisions, review) for m in matched]
    probes: list[ProbeFacts] = []
    excluded: list[ExcludedUnit] = []
    for record in campaign_mailboxes(session, campaign):
        if record.unit_id in decisions.excluded:
            if not any(e.unit_id == record.unit_id for e in excluded):
                excluded.append(ExcludedUnit(record.unit_id, record.unit_name,
                                             decisions.excluded[record.unit_id],
                                             record.category))
            continue
        facts = _probe_facts(campaign.name, record, by_probe, decisions, review)
        if as_of is not None and record.probe is not None and _sent_after(record.probe, as_of):
            facts = replace(facts, send_state="pending", accepted_at=None, bounce=None)
        probes.append(facts)
    return CampaignInput(campaign.name, campaign.window_days, rubric, probes, messages,
                         tuple(override_entry(e) for e in log), excluded, categories,
                         _unmatched_in_window(session, probes),
                         deadline_rule(deadlines, campaign.deadline_days))


@dataclass(frozen=True)
class _Seen:
    """A message credited to a probe, as scoring reads it (staff kind applied)."""

    message: int
    probe_id: int
    kind: str
    is_hard: bool
    reason: str | None
    status: str | None
    sender_side: bool
    detector: str
    substantive: bool | None
    received_at: datetime
    web_basis: str | None  # how a web answer's time was found (webparse.answer_time)


def _credit(matched: list[stored.MatchedMessage], decisions: Decisions
            ) -> tuple[list[_Seen], _Review]:
    """The messages that count for their probe, and what waits for review (docs/scoring.md,
    "Review and conflicts"): review items and undecided conflicts count for no probe."""
    review = _Review()
    seen: list[_Seen] = []
    for m in matched:
        if m.probe_id is None:
            continue
        if m.review is not None:
            review.pending[m.probe_id] += 1
            review.low[m.probe_id] += m.review == LOW_CONFIDENCE
            continue
        seen.append(_seen(m, decisions))
    settlement = settle([Credited(s.message, s.probe_id, s.kind, s.is_hard,
                                  decisions.is_decided(s.message)) for s in seen])
    for probe_id, conflicting in settlement.conflicts.items():
        review.conflicts.add(probe_id)
        review.conflicting.update(conflicting)
        review.pending[probe_id] += len(conflicting)
    waiting = settlement.pending() | settlement.set_aside
    return [s for s in seen if s.message not in waiting], review


def _seen(m: stored.MatchedMessage, decisions: Decisions) -> _Seen:
    kind = decisions.kinds.get(m.message, m.kind)
    staff_bounce = kind == Kind.BOUNCE and m.kind != Kind.BOUNCE
    assert m.probe_id is not None
    return _Seen(m.message, m.probe_id, kind,
                 True if staff_bounce else bool(m.is_hard),  # staff judged it a failure
                 None if staff_bounce else m.reason, None if staff_bounce else m.status,
                 m.is_sender_side and not staff_bounce,
                 "staff" if staff_bounce else m.detector,
                 decisions.substantive.get(m.message, m.is_substantive), m.received_at,
                 m.web_basis)


def _message_facts(m: stored.MatchedMessage, decisions: Decisions,
                   review: _Review) -> MessageFacts:
    waiting = m.review or (CONFLICT if m.message in review.conflicting else None)
    return MessageFacts(
        m.message, m.received_at, m.sender or "", m.subject,
        decisions.kinds.get(m.message, m.kind), m.subkind, m.reason, m.detector, m.evidence,
        None, None if waiting else m.probe_id, m.correlation, m.confidence, waiting)


def _unmatched_in_window(session: Session, probes: list[ProbeFacts]) -> int:
    """Messages tied to no probe, received while replies to the campaign still count
    (from its first send to the correlation horizon after its last)."""
    sent = [p.accepted_at for p in probes if p.accepted_at is not None]
    if not sent:
        return 0
    return stored.unmatched_received(session, min(sent), max(sent) + CORRELATION_HORIZON)


def _probe_facts(campaign: str, record: ProbeRecord,
                 by_probe: dict[int, list[_Seen]], decisions: Decisions,
                 review: _Review) -> ProbeFacts:
    probe = record.probe
    base = ProbeFacts(0, campaign, record.unit_id, record.unit_name, record.category,
                      record.mailbox_type, record.address)  # type: ignore[arg-type]
    if probe is None:
        return base
    seen = sorted(by_probe.get(probe.id, []), key=lambda s: s.received_at)
    bounce = _decisive_bounce([s for s in seen if s.kind == Kind.BOUNCE])
    if probe.state == "rejected":
        bounce = rejection_bounce(probe.reply_text, probe.reply_code)
    autos = [s.received_at for s in seen if s.kind == Kind.AUTO_REPLY]
    humans = [s for s in seen if s.kind == Kind.HUMAN_REPLY]
    return ProbeFacts(
        probe.id, campaign, record.unit_id, record.unit_name, record.category,
        record.mailbox_type, record.address, True, probe.state,  # type: ignore[arg-type]
        probe.accepted_at, bounce, any(s.kind == Kind.DELAY for s in seen),
        autos[0] if autos else None, humans[0].received_at if humans else None,
        humans[0].substantive if humans else None, probe.token, code(probe.token),
        pending_review=review.pending[probe.id], low_confidence_matches=review.low[probe.id],
        conflict=probe.id in review.conflicts, channel=record.channel,
        latency_at_first_seen=bool(humans) and humans[0].web_basis == "first_seen")


def _sent_after(probe: Probe, as_of: datetime) -> bool:
    """True if ``probe`` had not been sent (or refused) yet at ``as_of``."""
    if probe.state == "pending":
        return False
    return (probe.accepted_at or probe.updated_at) > as_of


def _decisive_bounce(bounces: list[_Seen]) -> BounceFacts | None:
    if not bounces:
        return None
    hard = [b for b in bounces if b.is_hard]
    pick = (hard or bounces)[-1]
    return BounceFacts(hard=pick.is_hard, reason=pick.reason or "undefined",
                       sender_side=pick.sender_side, status=pick.status,
                       detector=pick.detector)


def score_stored(factory: Database, name: str, settings: Settings, calendar: WorkCalendar,
                 now: datetime, *, save: bool = True,
                 as_of: datetime | None = None) -> CampaignScore:
    """Score campaign ``name`` as stored now and keep the result with its rubric; with
    ``as_of``, as it stood at that moment (reproducible, not kept)."""
    rubric = rubric_from_settings(settings.scoring)
    with factory() as session, session.begin():
        campaign = get_campaign(session, name)
        inp = campaign_input(session, campaign, rubric, settings.campaign.categories, as_of,
                             settings.scoring.get("deadlines"))
        result = score_campaign(inp, as_of or now, calendar)
        if save and as_of is None:
            save_score(session, campaign.id, now, result.is_provisional,
                       result.rubric, {"units": [
                           {"unit_id": u.unit_id, "score": u.score, "rank": u.rank,
                            "category": u.category} for u in result.units]})
    return result
