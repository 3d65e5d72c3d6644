"""Web-form channels: form probes staff submit, query pages polled, answers kept."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from mailprobe.model import CampaignState, SendState
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
class WebProbe:
    """A probe of a web form (or any probe looked up by staff), with its campaign."""

    probe_id: int
    token: str
    campaign: str
    unit_id: str
    role: str
    url: str
    channel: str
    state: str
    query_code: str | None
    submitted_at: datetime | None
    campaign_state: str = CampaignState.LAUNCHED


def _web_probe_stmt() -> Select[ProbeRow, str, str, str, str]:
    return (select(ProbeRow, CampaignRow.name, UnitRow.unit_id, MailboxRow.type,
                   CampaignRow.state)
            .join(CampaignRow, CampaignRow.id == ProbeRow.campaign_id)
            .join(MailboxRow, MailboxRow.id == ProbeRow.mailbox_id)
            .join(UnitRow, UnitRow.id == MailboxRow.unit_pk))


def _web_probe(p: ProbeRow, campaign: str, unit_id: str, role: str, state: str) -> WebProbe:
    return WebProbe(p.id, p.token, campaign, unit_id, role, p.address, p.channel, p.state,
                    p.query_code, p.accepted_at, state)


def web_probe(session: Session, token: str) -> WebProbe | None:
    found = session.execute(_web_probe_stmt().where(ProbeRow.token == token)).first()
    return None if found is None else _web_probe(*found)


def set_probe_state(session: Session, probe_id: int, state: SendState, now: datetime, *,
                    started_at: datetime | None = None, query_code: str | None = None,
                    reply_text: str | None = None) -> None:
    """Record what staff did with a web probe (submitted: latency starts at ``started_at``)."""
    probe = session.get(ProbeRow, probe_id)
    assert probe is not None
    probe.state, probe.updated_at = state, now
    if started_at is not None:
        probe.accepted_at = started_at
    if query_code is not None:
        probe.query_code = query_code
    if reply_text is not None:
        probe.reply_text = reply_text[:2000]


def pollable_web_probes(session: Session) -> list[WebProbe]:
    """Submitted form probes with a query code and no web answer yet."""
    answered = (select(MatchRow.probe_id).join(MessageRow, MessageRow.id == MatchRow.message_pk)
                .where(MessageRow.channel == "web", MatchRow.probe_id.is_not(None)))
    stmt = (_web_probe_stmt().where(ProbeRow.channel == "form",
                                    ProbeRow.state == SendState.SUBMITTED,
                                    ProbeRow.query_code.is_not(None),
                                    ProbeRow.id.not_in(answered))
            .order_by(ProbeRow.id))
    return [_web_probe(*r) for r in session.execute(stmt)]


def form_mailboxes(session: Session) -> list[tuple[str, str, str]]:
    """(unit_id, role, form URL) of every published form, for `web check`."""
    stmt = (select(UnitRow.unit_id, MailboxRow.type, MailboxRow.form_url)
            .join(UnitRow, UnitRow.id == MailboxRow.unit_pk)
            .where(MailboxRow.form_url.is_not(None)).order_by(UnitRow.unit_id, MailboxRow.type))
    return [(u, t, url) for u, t, url in session.execute(stmt) if url is not None]


@dataclass(frozen=True)
class WebAnswer:
    """An answer read on a query page or recorded by staff, with its evidence."""

    probe_id: int
    token: str
    raw: bytes  # the page's HTML, or the text staff gave
    source: str  # the URL fetched, or "staff:<file>"
    fetched_at: datetime
    answered_at: datetime  # latency ends here
    detector: str  # "web_page" | "staff"
    evidence: str
    substantive: bool | None
    detail: dict[str, object]


def store_web_answer(session: Session, answer: WebAnswer, now: datetime) -> int:
    """Keep a web answer as a message (channel web) with its verdict and its match."""
    # The token is part of the hash: two probes answered with the same words stay apart.
    digest = hashlib.sha256(b"web\0" + answer.token.encode() + b"\0" + answer.raw).hexdigest()
    known = session.scalar(select(MessageRow.id).where(MessageRow.sha256 == digest))
    if known is not None:
        return int(known)
    message = MessageRow(sha256=digest, raw=answer.raw, size=len(answer.raw),
                         source=answer.source[:512], received_at=answer.answered_at,
                         fetched_at=answer.fetched_at, channel="web")
    session.add(message)
    session.flush()
    session.add(VerdictRow(
        message_pk=message.id, is_current=True, created_at=now, kind="human_reply",
        subkind="web", detector=answer.detector, is_substantive=answer.substantive,
        subject="", evidence=answer.evidence[:2000],
        detail_json=json.dumps(answer.detail, ensure_ascii=False, default=str)))
    session.add(MatchRow(message_pk=message.id, probe_id=answer.probe_id,
                         evidence="query_code" if answer.detector == "web_page" else "staff",
                         matched_by="web" if answer.detector == "web_page" else "staff",
                         confidence="high", updated_at=now))
    return message.id
