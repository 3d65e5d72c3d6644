"""Queries behind review, staff decisions and match evidence; they return dataclasses."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailprobe.store.schema import (
    CampaignRow,
    MailboxRow,
    MatchRow,
    MessageRow,
    ProbeRow,
    UnitRow,
    VerdictRow,
)


@dataclass(frozen=True)
class ProbeRef:
    """A probe as staff name it: its code, unit and campaign."""

    probe_id: int
    token: str
    address: str
    unit_id: str
    unit_name: str
    campaign: str
    campaign_id: int


@dataclass(frozen=True)
class MatchedMessage:
    """A classified message: its current verdict and its match (if correlated)."""

    message: int
    received_at: datetime
    source: str
    kind: str
    subkind: str | None
    detector: str
    reason: str | None
    status: str | None
    is_hard: bool | None
    is_sender_side: bool
    is_substantive: bool | None
    sender: str | None
    subject: str
    evidence: str  # the classifier's: the phrase or header that decided the kind
    probe_id: int | None  # the probe, or for an item awaiting review its candidate
    correlation: str | None  # the match's evidence: a RefKind value, staff, review, ...
    confidence: str | None
    review: str | None
    note: str
    matched_by: str | None
    web_basis: str | None = None  # a web answer: how its time was found (webparse)


def current_details(session: Session, message_pks: Sequence[int]
                    ) -> list[tuple[int, dict[str, Any], datetime]]:
    """(message, stored verdict detail, received_at) of each message's current verdict."""
    stmt = (select(MessageRow.id, VerdictRow.detail_json, MessageRow.received_at)
            .join(VerdictRow, (VerdictRow.message_pk == MessageRow.id) & VerdictRow.is_current)
            .where(MessageRow.id.in_(list(message_pks))).order_by(MessageRow.id))
    return [(pk, json.loads(detail), at) for pk, detail, at in session.execute(stmt)]


def matched_messages(session: Session, *, campaign_id: int | None = None,
                     message_pks: Sequence[int] | None = None,
                     awaiting_review: bool = False) -> list[MatchedMessage]:
    """Messages with their current verdict and match; filters combine."""
    stmt = (select(MessageRow, VerdictRow, MatchRow)
            .join(VerdictRow, (VerdictRow.message_pk == MessageRow.id) & VerdictRow.is_current)
            .outerjoin(MatchRow, MatchRow.message_pk == MessageRow.id)
            .order_by(MessageRow.received_at, MessageRow.id))
    if campaign_id is not None:
        stmt = stmt.join(ProbeRow, ProbeRow.id == MatchRow.probe_id).where(
            ProbeRow.campaign_id == campaign_id)
    if message_pks is not None:
        stmt = stmt.where(MessageRow.id.in_(list(message_pks)))
    if awaiting_review:
        stmt = stmt.where(MatchRow.review.is_not(None))
    return [_matched(m, v, match) for m, v, match in session.execute(stmt)]


def _matched(m: MessageRow, v: VerdictRow, match: MatchRow | None) -> MatchedMessage:
    return MatchedMessage(
        m.id, m.received_at, m.source, v.kind, v.subkind, v.detector, v.reason, v.status,
        v.is_hard, v.is_sender_side, v.is_substantive, v.sender, v.subject, v.evidence,
        match.probe_id if match else None, match.evidence if match else None,
        match.confidence if match else None, match.review if match else None,
        match.note if match else "", match.matched_by if match else None, _web_basis(v))


def _web_basis(v: VerdictRow) -> str | None:
    if v.subkind != "web":
        return None
    basis = json.loads(v.detail_json).get("basis")
    return None if basis is None else str(basis)


def probe_refs(session: Session, probe_ids: Sequence[int]) -> dict[int, ProbeRef]:
    """Code, unit and campaign of each probe."""
    stmt = (select(ProbeRow, UnitRow, CampaignRow)
            .join(MailboxRow, MailboxRow.id == ProbeRow.mailbox_id)
            .join(UnitRow, UnitRow.id == MailboxRow.unit_pk)
            .join(CampaignRow, CampaignRow.id == ProbeRow.campaign_id)
            .where(ProbeRow.id.in_(list(probe_ids))))
    return {p.id: ProbeRef(p.id, p.token, p.address, u.unit_id, u.name, c.name, c.id)
            for p, u, c in session.execute(stmt)}


def probe_by_token(session: Session, token: str) -> ProbeRef | None:
    probe_id = session.scalar(select(ProbeRow.id).where(ProbeRow.token == token))
    return probe_refs(session, [probe_id]).get(probe_id) if probe_id is not None else None


def unmatched_received(session: Session, start: datetime, end: datetime | None) -> int:
    """Messages tied to no probe and awaiting review, received in [start, end]."""
    stmt = (select(func.count()).select_from(MessageRow)
            .join(MatchRow, MatchRow.message_pk == MessageRow.id)
            .where(MatchRow.review == "unmatched", MessageRow.received_at >= start))
    if end is not None:
        stmt = stmt.where(MessageRow.received_at <= end)
    return int(session.scalar(stmt) or 0)
