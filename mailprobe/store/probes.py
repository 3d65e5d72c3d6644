"""Probes as the rest of mailprobe reads them: ledger rows, send targets, the keys
correlation matches on, and a campaign's mailboxes for scoring."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailprobe.correlate import ProbeKey
from mailprobe.model import Mailbox, SendState, Unit
from mailprobe.store.campaigns import Campaign
from mailprobe.store.schema import MailboxRow, ProbeRow, UnitRow


@dataclass(frozen=True)
class ProbeTarget:
    """A probe with the unit fields its template needs."""

    probe_id: int
    token: str
    address: str
    template: str
    mailbox_type: str
    unit: Unit
    message_id: str  # fixed when the campaign was created; the probe is sent with it
    channel: str = "email"  # "form": ``address`` is the form's URL
    state: str = ""


def probe_targets(session: Session, campaign_id: int, probe_ids: Iterable[int] | None = None,
                  unit_id: str | None = None) -> list[ProbeTarget]:
    stmt = (select(ProbeRow, MailboxRow.type, UnitRow)
            .join(MailboxRow, MailboxRow.id == ProbeRow.mailbox_id)
            .join(UnitRow, UnitRow.id == MailboxRow.unit_pk)
            .where(ProbeRow.campaign_id == campaign_id).order_by(ProbeRow.id))
    if probe_ids is not None:
        stmt = stmt.where(ProbeRow.id.in_(list(probe_ids)))
    if unit_id is not None:
        stmt = stmt.where(UnitRow.unit_id == unit_id)
    return [ProbeTarget(p.id, p.token, p.address, p.template, mtype,
                        Unit(u.unit_id, u.name, u.category, (_probed_mailbox(p, mtype),)),
                        p.message_id, p.channel, p.state)
            for p, mtype, u in session.execute(stmt)]


def _probed_mailbox(probe: ProbeRow, mailbox_type: str) -> Mailbox:
    if probe.channel == "form":
        return Mailbox(mailbox_type, None, probe.address)
    return Mailbox(mailbox_type, probe.address)


@dataclass(frozen=True)
class Probe:
    """One ledger row, as the rest of mailprobe sees it (never the ORM row)."""

    id: int
    campaign_id: int
    mailbox_id: int
    address: str
    token: str
    message_id: str
    template: str
    subject: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    not_before: datetime | None
    reply_code: int | None
    reply_text: str
    queue_id: str | None
    accepted_at: datetime | None
    updated_at: datetime
    channel: str = "email"  # "form": a web form submitted by staff


def probe_rows(session: Session, campaign_id: int) -> list[Probe]:
    rows = session.scalars(select(ProbeRow).where(ProbeRow.campaign_id == campaign_id)
                           .order_by(ProbeRow.id))
    return [Probe(p.id, p.campaign_id, p.mailbox_id, p.address, p.token, p.message_id,
                  p.template, p.subject, p.state, p.attempts, p.next_attempt_at, p.not_before,
                  p.reply_code, p.reply_text, p.queue_id, p.accepted_at, p.updated_at,
                  p.channel)
            for p in rows]


def probe_addresses(session: Session, campaign_id: int, state: str) -> list[str]:
    """The addresses of a campaign's probes in ``state``, in ledger order."""
    return list(session.scalars(select(ProbeRow.address).where(
        ProbeRow.campaign_id == campaign_id, ProbeRow.state == state).order_by(ProbeRow.id)))


def probe_keys(session: Session, horizon: timedelta) -> list[ProbeKey]:
    """Every probe that was handed to a server, for correlation."""
    stmt = (select(ProbeRow, UnitRow.unit_id)
            .join(MailboxRow, MailboxRow.id == ProbeRow.mailbox_id)
            .join(UnitRow, UnitRow.id == MailboxRow.unit_pk)
            .where(ProbeRow.state.in_(
                [SendState.ACCEPTED, SendState.UNCERTAIN, SendState.REJECTED,
                 SendState.DEFERRED, SendState.SENDING, SendState.SUBMITTED])))
    return [ProbeKey(p.id, p.token, p.message_id.strip("<>").lower(), p.address.lower(),
                     p.accepted_at or p.updated_at,
                     (p.accepted_at or p.updated_at) + horizon, p.subject, unit_id)
            for p, unit_id in session.execute(stmt)]


def probe_attempts(session: Session, probe_id: int) -> int:
    return int(session.scalar(select(ProbeRow.attempts).where(ProbeRow.id == probe_id)) or 0)


@dataclass(frozen=True)
class ProbeRecord:
    """A campaign mailbox with its ledger row (None when unpublished), for scoring."""

    unit_id: str
    unit_name: str
    category: str
    mailbox_type: str
    address: str | None
    probe: Probe | None
    channel: str = "email"


def campaign_mailboxes(session: Session, campaign: Campaign) -> list[ProbeRecord]:
    """Every unit's mailbox of the campaign's types: probed ones with their ledger row,
    unpublished ones without (units added after the campaign was created are left out)."""
    types = campaign.mailbox_types.split(",")
    probes = {p.mailbox_id: p for p in probe_rows(session, campaign.id)}
    stmt = (select(MailboxRow, UnitRow).join(UnitRow, UnitRow.id == MailboxRow.unit_pk)
            .where(MailboxRow.type.in_(types)).order_by(UnitRow.unit_id, MailboxRow.type))
    records = []
    for box, unit in session.execute(stmt):
        probe = probes.get(box.id)
        if probe is None and (box.address is not None or box.form_url is not None):
            continue
        records.append(ProbeRecord(unit.unit_id, unit.name, unit.category, box.type,
                                   probe.address if probe else None, probe,
                                   probe.channel if probe else box.channel))
    return records


def probe_id_by_token(session: Session, token: str) -> int | None:
    return session.scalar(select(ProbeRow.id).where(ProbeRow.token == token))
