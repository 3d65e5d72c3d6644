"""Turn stored campaigns into scoring inputs, and keep staff overrides in force.

The store knows probes, messages, verdicts and matches; the scoring stage wants one
``ProbeFacts`` per campaign mailbox. This module decides, per probe, which returned
message counts: the decisive bounce (hard over soft, then the latest), the first
auto-reply and the first human reply (with a staff override of "substantive" applied).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailprobe.classify.reasons import SENDER_SIDE, is_hard, reason_for
from mailprobe.config import Settings
from mailprobe.model import Kind
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
from mailprobe.store import Database, Session, queries
from mailprobe.store.queries import Campaign, Override
from mailprobe.store.schema import VerdictRow
from mailprobe.token import code

_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")

ACTIONS = ("substantive", "link", "exclude")


@dataclass(frozen=True)
class Overrides:
    """Staff decisions in force: the latest entry per target wins; the log keeps all."""

    substantive: dict[int, bool]  # message pk -> substantive?
    excluded: dict[str, str]  # unit id -> reason
    log: tuple[OverrideEntry, ...]

    @classmethod
    def from_rows(cls, rows: list[Override]) -> Overrides:
        substantive: dict[int, bool] = {}
        excluded: dict[str, str] = {}
        for row in rows:
            if row.action == "substantive" and row.target.isdigit():
                substantive[int(row.target)] = row.value == "yes"
            elif row.action == "exclude":
                if row.value == "no":
                    excluded.pop(row.target, None)
                else:
                    excluded[row.target] = row.reason
        log = tuple(OverrideEntry(r.at, r.actor, f"{r.action}={r.value}", r.target, r.reason)
                    for r in rows)
        return cls(substantive, excluded, log)


def rejection_bounce(reply: str, reply_code: int | None) -> BounceFacts:
    """A probe refused at SMTP time is a bounce, judged by the same reason rules."""
    found = _STATUS.search(reply)
    status = found.group(1) if found else None
    reason = reason_for(reply, status, str(reply_code) if reply_code else None)
    return BounceFacts(hard=is_hard(reason, status), reason=reason,
                       sender_side=reason in SENDER_SIDE, status=status, detector="smtp")


def campaign_input(session: Session, campaign: Campaign, rubric: Rubric,
                   categories: tuple[str, ...],
                   deadlines: dict[str, Any] | None = None) -> CampaignInput:
    """Everything scoring needs about ``campaign``, overrides applied."""
    overrides = Overrides.from_rows(queries.overrides(session))
    by_probe: dict[int, list[tuple[int, VerdictRow, datetime]]] = defaultdict(list)
    messages = []
    for message, verdict, match in queries.messages_with_verdicts(session, campaign.id):
        probe_id = match.probe_id if match else None
        if probe_id is not None:
            by_probe[probe_id].append((message.id, verdict, message.received_at))
        messages.append(MessageFacts(
            message.id, message.received_at, verdict.sender or "", verdict.subject,
            verdict.kind, verdict.subkind, verdict.reason, verdict.detector, verdict.evidence,
            None, probe_id, match.evidence if match else None))
    probes: list[ProbeFacts] = []
    excluded: list[ExcludedUnit] = []
    for record in queries.campaign_mailboxes(session, campaign):
        if record.unit_id in overrides.excluded:
            if not any(e.unit_id == record.unit_id for e in excluded):
                excluded.append(ExcludedUnit(record.unit_id, record.unit_name,
                                             overrides.excluded[record.unit_id],
                                             record.category))
            continue
        probes.append(_probe_facts(campaign.name, record, by_probe, overrides))
    return CampaignInput(campaign.name, campaign.window_days, rubric,
                         probes, messages, overrides.log, excluded, categories,
                         deadline_rule(deadlines, campaign.deadline_days))


def _probe_facts(campaign: str, record: queries.ProbeRecord,
                 by_probe: dict[int, list[tuple[int, VerdictRow, datetime]]],
                 overrides: Overrides) -> ProbeFacts:
    probe = record.probe
    base = ProbeFacts(0, campaign, record.unit_id, record.unit_name, record.category,
                      record.mailbox_type, record.address)  # type: ignore[arg-type]
    if probe is None:
        return base
    seen = sorted(by_probe.get(probe.id, []), key=lambda item: item[2])
    bounces = [v for _, v, _ in seen if v.kind == Kind.BOUNCE]
    autos = [when for _, v, when in seen if v.kind == Kind.AUTO_REPLY]
    humans = [(pk, v, when) for pk, v, when in seen if v.kind == Kind.HUMAN_REPLY]
    bounce = _decisive_bounce(bounces)
    if probe.state == "rejected":
        bounce = rejection_bounce(probe.reply_text, probe.reply_code)
    substantive = None
    if humans:
        pk, verdict, _ = humans[0]
        substantive = overrides.substantive.get(pk, verdict.is_substantive)
    return ProbeFacts(
        probe.id, campaign, record.unit_id, record.unit_name, record.category,
        record.mailbox_type, record.address, True, probe.state,  # type: ignore[arg-type]
        probe.accepted_at, bounce, any(v.kind == Kind.DELAY for _, v, _ in seen),
        autos[0] if autos else None, humans[0][2] if humans else None,
        substantive, probe.token, code(probe.token), record.channel,
        bool(humans) and _web_basis(humans[0][1]) == "first_seen")


def _web_basis(verdict: VerdictRow) -> str | None:
    """How a web answer's time was found (webparse.answer_time); None for mail."""
    if verdict.subkind != "web":
        return None
    basis = json.loads(verdict.detail_json).get("basis")
    return str(basis) if basis is not None else None


def _decisive_bounce(bounces: list[VerdictRow]) -> BounceFacts | None:
    if not bounces:
        return None
    hard = [b for b in bounces if b.is_hard]
    pick = (hard or bounces)[-1]
    return BounceFacts(hard=bool(pick.is_hard), reason=pick.reason or "undefined",
                       sender_side=pick.is_sender_side, status=pick.status,
                       detector=pick.detector)


def score_stored(factory: Database, name: str, settings: Settings, calendar: WorkCalendar,
                 now: datetime, *, save: bool = True) -> CampaignScore:
    """Score campaign ``name`` as stored now; keep the result with its rubric."""
    rubric = rubric_from_settings(settings.scoring)
    with factory() as session, session.begin():
        campaign = queries.get_campaign(session, name)
        inp = campaign_input(session, campaign, rubric, settings.campaign.categories,
                             settings.scoring.get("deadlines"))
        result = score_campaign(inp, now, calendar)
        if save:
            queries.save_score(session, campaign.id, now, result.is_provisional,
                               result.rubric, {"units": [
                                   {"unit_id": u.unit_id, "score": u.score, "rank": u.rank,
                                    "category": u.category} for u in result.units]})
    return result
