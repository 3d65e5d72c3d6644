"""Campaigns: create, launch, cancel, delete, close, and their counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session

from mailprobe.errors import InputError
from mailprobe.model import DUE_STATES, CampaignState, SendState
from mailprobe.store.schema import (
    CampaignRow,
    MailboxRow,
    MatchRow,
    ProbeRow,
    ScoreRunRow,
    UnitRow,
    VerdictRow,
)
from mailprobe.variants import Slot, assign_templates


def create_campaign(session: Session, name: str, templates: Sequence[str],
                    mailbox_types: Sequence[str], window_days: int, now: datetime,
                    new_token: Callable[[], str], message_id: Callable[[str], str], *,
                    seed: int = 0, unit_spacing_minutes: int = 0,
                    deadline_days: int | None = None) -> Campaign:
    """Create a draft campaign and its ledger: one pending probe per published mailbox
    (``manual`` for a role published only as a web form), its template dealt by
    ``variants.assign_templates`` with ``seed``.

    A campaign with no mailbox to probe is refused and nothing is stored (its name stays
    free)."""
    if session.scalar(select(CampaignRow).where(CampaignRow.name == name)) is not None:
        raise InputError(f'campaign "{name}" exists; choose another name or use it')
    stmt = (select(MailboxRow, UnitRow.unit_id, UnitRow.category)
            .join(UnitRow, UnitRow.id == MailboxRow.unit_pk)
            .where(MailboxRow.type.in_(mailbox_types),
                   MailboxRow.address.is_not(None) | MailboxRow.form_url.is_not(None))
            .order_by(UnitRow.unit_id, MailboxRow.type))
    boxes = [(box, Slot(box.id, unit_id, category, box.type))
             for box, unit_id, category in session.execute(stmt)]
    if not boxes:
        raise InputError(f'campaign "{name}" would have no probe: no unit publishes a '
                         f"{' or '.join(mailbox_types)} mailbox; import the registry first "
                         "(`mailprobe units import`)")
    dealt = assign_templates([slot for _, slot in boxes], templates, seed)
    campaign = CampaignRow(name=name, template=",".join(templates),
                           mailbox_types=",".join(mailbox_types), window_days=window_days,
                           created_at=now, state=CampaignState.DRAFT, seed=seed,
                           deadline_days=deadline_days,
                           unit_spacing_minutes=unit_spacing_minutes)
    session.add(campaign)
    session.flush()
    for box, slot in boxes:
        token = new_token()
        # A role published only as a web form is probed through it by staff: `manual`,
        # never in the send queue (docs/design.md §1).
        is_form = box.address is None
        session.add(ProbeRow(
            campaign_id=campaign.id, mailbox_id=box.id, address=box.address or box.form_url,
            token=token, message_id=message_id(token), template=dealt[slot.key],
            state=SendState.MANUAL if is_form else SendState.PENDING, attempts=0,
            updated_at=now, channel="form" if is_form else "email"))
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Fresh statistics for the ledger just filled: without them the planner, still
        # believing the table empty, answers every claim `UPDATE .. WHERE id IN (..)` of the
        # first send with a sequential scan of all probes (EXPLAIN on a 3,200-probe ledger:
        # 0.65 ms vs 0.37 ms, growing with the campaign) until autovacuum catches up.
        session.execute(text("ANALYZE probe"))
    return _campaign(campaign)


@dataclass(frozen=True)
class Campaign:
    """A campaign as the rest of mailprobe sees it (never the ORM row)."""

    id: int
    name: str
    template: str
    mailbox_types: str
    window_days: int
    created_at: datetime
    closed_at: datetime | None
    state: str = CampaignState.DRAFT
    seed: int | None = None
    launched_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    message_id_domain: str | None = None
    unit_spacing_minutes: int = 0
    deadline_days: int | None = None  # the on-time rule of this campaign (score/deadlines.py)


def _campaign(row: CampaignRow) -> Campaign:
    return Campaign(row.id, row.name, row.template, row.mailbox_types, row.window_days,
                    row.created_at, row.closed_at, row.state, row.seed, row.launched_at,
                    row.cancelled_at, row.cancel_reason, row.message_id_domain,
                    row.unit_spacing_minutes, row.deadline_days)


def _campaign_row(session: Session, name: str) -> CampaignRow:
    row = session.scalar(select(CampaignRow).where(CampaignRow.name == name))
    if row is None:
        names = ", ".join(session.scalars(select(CampaignRow.name))) or "none yet"
        raise InputError(f'no campaign "{name}" (campaigns: {names}); '
                         "create it with `mailprobe campaign create`")
    return row


def get_campaign(session: Session, name: str) -> Campaign:
    return _campaign(_campaign_row(session, name))


def list_campaigns(session: Session) -> list[Campaign]:
    rows = session.scalars(select(CampaignRow).order_by(CampaignRow.created_at))
    return [_campaign(row) for row in rows]


def launch_campaign(session: Session, name: str, now: datetime, domain: str,
                    message_id: Callable[[str], str]) -> Campaign:
    """Launch a draft: its Message-ID domain is fixed now and its probes' IDs follow it."""
    row = _campaign_row(session, name)
    if row.state != CampaignState.DRAFT:
        raise InputError(f'campaign "{name}" is {row.state}, not a draft; only a draft '
                         "can be launched")
    row.state, row.launched_at, row.message_id_domain = CampaignState.LAUNCHED, now, domain
    tokens = session.execute(select(ProbeRow.id, ProbeRow.token)
                             .where(ProbeRow.campaign_id == row.id))
    params = [{"b_id": pk, "b_message_id": message_id(token)} for pk, token in tokens]
    if params:
        table = ProbeRow.__table__
        session.execute(update(table).where(table.c.id == bindparam("b_id"))  # type: ignore[arg-type]
                        .values(message_id=bindparam("b_message_id")), params)
    return _campaign(row)


@dataclass(frozen=True)
class Overlap:
    """A mailbox of the campaign being launched that an open campaign probes too."""

    address: str
    campaign: str


def overlapping_mailboxes(session: Session, campaign_id: int) -> list[Overlap]:
    """Addresses this campaign shares with other open (launched) campaigns."""
    other = ProbeRow.__table__.alias("other")
    stmt = (select(ProbeRow.address, CampaignRow.name)
            .join(other, func.lower(other.c.address) == func.lower(ProbeRow.address))
            .join(CampaignRow, CampaignRow.id == other.c.campaign_id)
            .where(ProbeRow.campaign_id == campaign_id, CampaignRow.id != campaign_id,
                   CampaignRow.state == CampaignState.LAUNCHED)
            .order_by(ProbeRow.address, CampaignRow.name))
    return [Overlap(address, name) for address, name in session.execute(stmt)]


def cancel_campaign(session: Session, name: str, now: datetime, reason: str) -> int:
    """Cancel a draft or launched campaign: every unsent probe (pending, deferred, or a
    state no sender claims, such as a form waiting for staff) becomes ``cancelled``.

    Returns how many were cancelled. Probes already handed to a server stay measured."""
    row = _campaign_row(session, name)
    if row.state not in (CampaignState.DRAFT, CampaignState.LAUNCHED):
        raise InputError(f'campaign "{name}" is already {row.state}; nothing to cancel')
    row.state, row.cancelled_at, row.cancel_reason = CampaignState.CANCELLED, now, reason
    unsent = (*DUE_STATES, "manual")
    result = session.execute(
        update(ProbeRow).where(ProbeRow.campaign_id == row.id, ProbeRow.state.in_(unsent))
        .values(state=SendState.CANCELLED, updated_at=now, next_attempt_at=None,
                reply_text=f"campaign cancelled: {reason}"[:2000]))
    return int(result.rowcount)  # type: ignore[attr-defined]


def delete_draft(session: Session, name: str) -> int:
    """Delete a draft campaign and its unsent ledger; returns the probes deleted."""
    row = _campaign_row(session, name)
    if row.state != CampaignState.DRAFT:
        raise InputError(f'campaign "{name}" is {row.state}; only a draft can be deleted '
                         f"(cancel a launched one: `mailprobe campaign cancel {name} "
                         "--reason ...`)")
    session.execute(ScoreRunRow.__table__.delete()  # type: ignore[attr-defined]
                    .where(ScoreRunRow.campaign_id == row.id))
    deleted = session.execute(ProbeRow.__table__.delete()  # type: ignore[attr-defined]
                              .where(ProbeRow.campaign_id == row.id)).rowcount
    session.delete(row)
    return int(deleted)


def template_counts(session: Session, campaign_id: int) -> dict[tuple[str, str], int]:
    """How many probes of each (mailbox type, template) a campaign holds."""
    stmt = (select(MailboxRow.type, ProbeRow.template, func.count())
            .join(MailboxRow, MailboxRow.id == ProbeRow.mailbox_id)
            .where(ProbeRow.campaign_id == campaign_id)
            .group_by(MailboxRow.type, ProbeRow.template))
    return {(mtype, template): n for mtype, template, n in session.execute(stmt)}


def state_counts(session: Session, campaign_id: int) -> dict[str, int]:
    counts = {state.value: 0 for state in SendState}
    stmt = (select(ProbeRow.state, func.count()).where(ProbeRow.campaign_id == campaign_id)
            .group_by(ProbeRow.state))
    for state, n in session.execute(stmt):
        counts[state] = n
    return counts


def reply_counts(session: Session, campaign_id: int) -> dict[str, int]:
    """Matched messages of a campaign by current verdict kind."""
    stmt = (select(VerdictRow.kind, func.count())
            .join(MatchRow, MatchRow.message_pk == VerdictRow.message_pk)
            .join(ProbeRow, ProbeRow.id == MatchRow.probe_id)
            .where(VerdictRow.is_current, ProbeRow.campaign_id == campaign_id,
                   MatchRow.review.is_(None))  # items awaiting review count for no probe
            .group_by(VerdictRow.kind))
    return {kind: n for kind, n in session.execute(stmt)}


def close_campaign(session: Session, name: str, now: datetime) -> None:
    """The window is over: a launched campaign becomes closed (a cancelled one stays so)."""
    row = _campaign_row(session, name)
    row.closed_at = now
    if row.state == CampaignState.LAUNCHED:
        row.state = CampaignState.CLOSED
