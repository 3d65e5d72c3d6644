"""The only SQL the pipeline uses: registry, campaigns, the send ledger, messages, logs."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, Update, bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from mailprobe.correlate import Match, ProbeKey
from mailprobe.errors import Busy, InputError
from mailprobe.model import (
    DUE_STATES,
    CampaignState,
    Mailbox,
    SendOutcome,
    SendState,
    Unit,
    Verdict,
)
from mailprobe.store.schema import (
    AddressChangeRow,
    CampaignRow,
    FolderStateRow,
    MailboxRow,
    MatchRow,
    MessageRow,
    OverrideRow,
    ProbeRow,
    RunLockRow,
    RunSummaryRow,
    ScoreRunRow,
    UnitRow,
    VerdictRow,
)
from mailprobe.variants import Slot, assign_templates

# ---------------------------------------------------------------- registry


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int
    address_changes: int


def import_units(session: Session, units: Sequence[Unit], source: str,
                 now: datetime) -> ImportSummary:
    """Insert or update ``units``; every changed address is kept in ``address_change``."""
    existing = {row.unit_id: row for row in session.scalars(select(UnitRow))}
    boxes: dict[tuple[int, str], MailboxRow] = {
        (m.unit_pk, m.type): m for m in session.scalars(select(MailboxRow))}
    # New units go in with one batched INSERT (their ids are needed for their mailboxes);
    # a flush per unit and per mailbox made a 100,000-row import take 42 s.
    new = {u.unit_id: UnitRow(unit_id=u.unit_id, name=u.name, category=u.category,
                              updated_at=now)
           for u in units if u.unit_id not in existing}
    session.add_all(new.values())
    session.flush()
    updated = unchanged = changes = 0
    for unit in units:
        row = existing.get(unit.unit_id) or new[unit.unit_id]
        is_changed = (row.name, row.category) != (unit.name, unit.category)
        row.name, row.category = unit.name, unit.category
        for mailbox in unit.mailboxes:
            moved = _upsert_mailbox(session, boxes, row.id, mailbox, source, now)
            changes += moved
            is_changed = is_changed or bool(moved)
        if unit.unit_id in existing:
            if is_changed:
                row.updated_at = now
                updated += 1
            else:
                unchanged += 1
    return ImportSummary(len(new), updated, unchanged, changes)


def _upsert_mailbox(session: Session, boxes: dict[tuple[int, str], MailboxRow], unit_pk: int,
                    mailbox: Mailbox, source: str, now: datetime) -> int:
    row = boxes.get((unit_pk, mailbox.type))
    if row is None:
        row = MailboxRow(unit_pk=unit_pk, type=mailbox.type, address=mailbox.address,
                         channel=mailbox.channel, form_url=mailbox.form_url)
        session.add(row)  # inserted with the others at the next flush
        boxes[(unit_pk, mailbox.type)] = row
        return 0
    if (row.address, row.form_url) == (mailbox.address, mailbox.form_url):
        return 0
    # The history keeps what is probed: the address, or the form of a role without one.
    old, new = row.address or row.form_url, mailbox.address or mailbox.form_url
    row.address, row.form_url, row.channel = mailbox.address, mailbox.form_url, mailbox.channel
    if old == new:
        return 0
    session.add(AddressChangeRow(mailbox_id=row.id, old_address=old, new_address=new,
                                 changed_at=now, source=source))
    return 1


def list_units(session: Session) -> list[Unit]:
    """Every unit with its mailboxes, ordered by category then unit id."""
    by_unit: dict[int, list[Mailbox]] = {}
    for box in session.scalars(select(MailboxRow).order_by(MailboxRow.type)):
        by_unit.setdefault(box.unit_pk, []).append(Mailbox(box.type, box.address, box.form_url))
    rows = session.scalars(select(UnitRow).order_by(UnitRow.category, UnitRow.unit_id))
    return [Unit(r.unit_id, r.name, r.category, tuple(by_unit.get(r.id, ()))) for r in rows]


def address_history(session: Session) -> list[tuple[str, str, str | None, str | None, datetime]]:
    """(unit_id, mailbox type, old, new, when) for every recorded address change."""
    stmt = (select(UnitRow.unit_id, MailboxRow.type, AddressChangeRow.old_address,
                   AddressChangeRow.new_address, AddressChangeRow.changed_at)
            .join(MailboxRow, MailboxRow.id == AddressChangeRow.mailbox_id)
            .join(UnitRow, UnitRow.id == MailboxRow.unit_pk)
            .order_by(AddressChangeRow.changed_at, AddressChangeRow.id))
    return [tuple(r) for r in session.execute(stmt)]  # type: ignore[misc]


# ---------------------------------------------------------------- campaigns


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


# ---------------------------------------------------------------- the send ledger


def recover_interrupted(session: Session, campaign_id: int, now: datetime) -> int:
    """Probes left ``sending`` by a killed run may have been delivered: mark them uncertain."""
    result = session.execute(
        update(ProbeRow).where(ProbeRow.campaign_id == campaign_id,
                               ProbeRow.state == SendState.SENDING)
        .values(state=SendState.UNCERTAIN, updated_at=now,
                reply_text="interrupted during the SMTP transaction; not resent"))
    return int(result.rowcount)  # type: ignore[attr-defined]


def due_probe_ids(session: Session, campaign_id: int, now: datetime, max_attempts: int,
                  limit: int | None) -> list[int]:
    stmt = (select(ProbeRow.id).where(
        ProbeRow.campaign_id == campaign_id,
        (ProbeRow.state == SendState.PENDING)
        | ((ProbeRow.state == SendState.DEFERRED) & (ProbeRow.attempts < max_attempts)
           & ((ProbeRow.next_attempt_at.is_(None)) | (ProbeRow.next_attempt_at <= now))),
        ProbeRow.not_before.is_(None) | (ProbeRow.not_before <= now))
        .order_by(ProbeRow.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def mark_sending(session: Session, probe_ids: Sequence[int], now: datetime,
                 hold: Mapping[int, Sequence[int]] | None = None,
                 hold_until: datetime | None = None) -> set[int]:
    """Claim the probes still due among ``probe_ids`` and return their ids; the caller
    commits before any SMTP (a crash never resends) and sends only the returned ones.

    The UPDATE moves only rows still ``pending`` or ``deferred``, so a probe another run
    claimed, or that a cancel stopped, since it was read is never sent: "never twice" does
    not rest on the run lock alone. ``hold`` maps a probe to its unit's other unsent probes,
    which wait until ``hold_until`` once it is claimed (the unit spacing)."""
    claimed = {pk for (pk,) in session.execute(
        _claim_update(), {"b_ids": list(probe_ids), "b_now": now})}
    held = [other for pk in claimed for other in (hold or {}).get(pk, ())]
    if held and hold_until is not None:
        session.execute(_hold_update(), {"b_ids": held, "b_until": hold_until})
    return claimed


@functools.cache
def _claim_update() -> Update:
    # A Core statement built once: the ORM form (synchronize_session, a fresh IN clause per
    # call) cost ~1.3 ms per chunk, a tenth of a 16-probe chunk's SMTP time.
    table = ProbeRow.__table__
    return (update(table)  # type: ignore[arg-type]
            .where(table.c.id.in_(bindparam("b_ids", expanding=True)),
                   table.c.state.in_([str(s) for s in DUE_STATES]))
            .values(state=str(SendState.SENDING), updated_at=bindparam("b_now"),
                    attempts=table.c.attempts + 1)
            .returning(table.c.id))


@functools.cache
def _hold_update() -> Update:
    table = ProbeRow.__table__
    return (update(table)  # type: ignore[arg-type]
            .where(table.c.id.in_(bindparam("b_ids", expanding=True)),
                   table.c.state.in_([str(s) for s in DUE_STATES]))
            .values(not_before=bindparam("b_until")))


@dataclass(frozen=True)
class OutcomeRecord:
    """What became of one probe's SMTP transaction, to store in the ledger."""

    probe_id: int
    outcome: SendOutcome
    retry_at: datetime | None
    subject: str


_OUTCOME_COLUMNS = ("state", "reply_code", "reply_text", "updated_at", "next_attempt_at",
                    "subject")
_ACCEPTED_COLUMNS = (*_OUTCOME_COLUMNS, "accepted_at", "queue_id")


def record_outcomes(session: Session, records: Sequence[OutcomeRecord], now: datetime) -> None:
    """Store a chunk's outcomes: one executemany for the accepted, one for the rest.

    One UPDATE statement per probe cost ~1.4 ms each under SQLAlchemy (compile + execute),
    as much as the SMTP transaction itself (benchmarks/send_bench.py)."""
    accepted: list[dict[str, object]] = []
    others: list[dict[str, object]] = []
    for r in records:
        params: dict[str, object] = {
            "b_id": r.probe_id, "b_state": str(r.outcome.state), "b_reply_code": r.outcome.code,
            "b_reply_text": r.outcome.reply[:2000], "b_updated_at": now,
            "b_next_attempt_at": r.retry_at, "b_subject": r.subject}
        if r.outcome.state == SendState.ACCEPTED:
            params.update(b_accepted_at=now, b_queue_id=r.outcome.queue_id)
            accepted.append(params)
        else:
            others.append(params)
    for rows, columns in ((accepted, _ACCEPTED_COLUMNS), (others, _OUTCOME_COLUMNS)):
        if rows:
            session.execute(_outcome_update(columns), rows)


@functools.cache
def _outcome_update(columns: tuple[str, ...]) -> Update:
    # On the Table, not the ORM entity: a list of parameters is then a plain executemany
    # (the ORM would treat it as a bulk update by primary key and load its own machinery).
    table = ProbeRow.__table__
    return (update(table).where(table.c.id == bindparam("b_id"))  # type: ignore[arg-type]
            .values({name: bindparam(f"b_{name}") for name in columns}))


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


# ---------------------------------------------------------------- messages and verdicts


@dataclass(frozen=True)
class NewMessage:
    """A fetched or ingested message to keep, with where and when it came from."""

    raw: bytes
    source: str
    received_at: datetime
    fetched_at: datetime
    folder: str | None = None
    uidvalidity: int | None = None
    uid: int | None = None


HASH_LOOKUP_CHUNK = 500  # hashes per SELECT .. IN (..): well inside every bind-parameter limit


def store_messages(session: Session, messages: Sequence[NewMessage]) -> list[tuple[int, bool]]:
    """Keep the raw bytes of a batch, deduplicated by SHA-256 (against the store and within
    the batch); return (message pk, is_new) per message, in order.

    One SELECT per 500 hashes and one multi-row INSERT for the new ones, instead of a
    SELECT and an INSERT round trip per message."""
    digests = [hashlib.sha256(m.raw).hexdigest() for m in messages]
    unique = list(dict.fromkeys(digests))
    known: dict[str, int] = {}
    for start in range(0, len(unique), HASH_LOOKUP_CHUNK):
        chunk = unique[start:start + HASH_LOOKUP_CHUNK]
        stmt = select(MessageRow.sha256, MessageRow.id).where(MessageRow.sha256.in_(chunk))
        known.update((digest, pk) for digest, pk in session.execute(stmt))
    added: dict[str, MessageRow] = {}
    for m, digest in zip(messages, digests, strict=True):
        if digest not in known and digest not in added:
            added[digest] = MessageRow(
                sha256=digest, raw=m.raw, size=len(m.raw), source=m.source, folder=m.folder,
                uidvalidity=m.uidvalidity, uid=m.uid, received_at=m.received_at,
                fetched_at=m.fetched_at)
    if added:
        session.add_all(added.values())
        session.flush()
    result: list[tuple[int, bool]] = []
    for digest in digests:
        if digest in known:
            result.append((known[digest], False))
        else:
            result.append((added[digest].id, True))
            known[digest] = added[digest].id  # a repeat later in the batch is a duplicate
    return result


def store_message(session: Session, raw: bytes, source: str, received_at: datetime,
                  now: datetime, folder: str | None = None, uidvalidity: int | None = None,
                  uid: int | None = None) -> tuple[int, bool]:
    """Keep the raw bytes (deduplicated by SHA-256); return (message pk, is_new)."""
    return store_messages(session, [NewMessage(raw, source, received_at, now, folder,
                                               uidvalidity, uid)])[0]


def unclassified_message_ids(session: Session) -> list[int]:
    has_verdict = select(VerdictRow.message_pk).where(VerdictRow.is_current)
    return list(session.scalars(select(MessageRow.id).where(MessageRow.id.not_in(has_verdict),
                                                            MessageRow.channel == "email")
                                .order_by(MessageRow.id)))


def message_raws(session: Session, message_pks: Sequence[int]
                 ) -> list[tuple[int, bytes, datetime]]:
    """(pk, raw bytes, received_at) of the given messages, in one query."""
    stmt = (select(MessageRow.id, MessageRow.raw, MessageRow.received_at)
            .where(MessageRow.id.in_(list(message_pks))).order_by(MessageRow.id))
    return [(pk, raw, when) for pk, raw, when in session.execute(stmt)]


def save_verdicts(session: Session, verdicts: Sequence[tuple[int, Verdict, dict[str, object]]],
                  now: datetime) -> None:
    """Append one verdict per message; earlier ones stay as history, no longer current."""
    pks = [pk for pk, _, _ in verdicts]
    session.execute(update(VerdictRow).where(VerdictRow.message_pk.in_(pks))
                    .values(is_current=False))
    session.add_all(_verdict_row(pk, verdict, detail, now) for pk, verdict, detail in verdicts)


def save_verdict(session: Session, message_pk: int, verdict: Verdict, detail: dict[str, object],
                 now: datetime) -> None:
    save_verdicts(session, [(message_pk, verdict, detail)], now)


def _verdict_row(message_pk: int, verdict: Verdict, detail: dict[str, object],
                 now: datetime) -> VerdictRow:
    first = verdict.recipients[0] if verdict.recipients else None
    return VerdictRow(
        message_pk=message_pk, is_current=True, created_at=now, kind=verdict.kind,
        subkind=verdict.subkind, detector=verdict.detector,
        reason=first.reason if first else None, status=first.status if first else None,
        is_hard=first.hard if first else None,
        is_sender_side=any(r.sender_side for r in verdict.recipients),
        is_substantive=verdict.substantive, sender=verdict.sender,
        subject=verdict.subject[:1000], evidence=verdict.evidence[:2000],
        detail_json=json.dumps(detail, ensure_ascii=False))


def save_matches(session: Session, matches: Sequence[tuple[int, Match]], now: datetime,
                 matched_by: str = "auto") -> None:
    """Record each message's match, its confidence and review reason (one row a message)."""
    pks = [pk for pk, _ in matches]
    existing = {m.message_pk: m for m in session.scalars(
        select(MatchRow).where(MatchRow.message_pk.in_(pks)))}
    for pk, match in matches:
        row = existing.get(pk)
        if row is None:
            row = MatchRow(message_pk=pk, matched_by=matched_by)
            session.add(row)
        # Staff decisions come from the override log, applied before every save
        # (mailprobe/decisions.py), and arrive as evidence "staff".
        row.matched_by = "staff" if match.evidence == "staff" else matched_by
        row.probe_id, row.evidence, row.updated_at = match.probe_id, match.evidence, now
        row.confidence, row.review, row.note = match.confidence, match.review, match.note


def save_match(session: Session, message_pk: int, match: Match, now: datetime,
               matched_by: str = "auto") -> None:
    save_matches(session, [(message_pk, match)], now, matched_by)


@dataclass(frozen=True)
class VerdictEntry:
    """One stored classification of a message (reclassify appends; one is current)."""

    created_at: datetime
    is_current: bool
    kind: str
    detector: str
    reason: str | None
    status: str | None
    evidence: str
    detail_json: str


def verdict_history(session: Session, message_pk: int) -> list[VerdictEntry]:
    rows = session.scalars(select(VerdictRow).where(VerdictRow.message_pk == message_pk)
                           .order_by(VerdictRow.id))
    return [VerdictEntry(v.created_at, v.is_current, v.kind, v.detector, v.reason, v.status,
                         v.evidence, v.detail_json) for v in rows]


def messages_with_verdicts(session: Session, campaign_id: int | None = None,
                           unmatched_only: bool = False
                           ) -> list[tuple[MessageRow, VerdictRow, MatchRow | None]]:
    stmt = (select(MessageRow, VerdictRow, MatchRow)
            .join(VerdictRow, (VerdictRow.message_pk == MessageRow.id) & VerdictRow.is_current)
            .outerjoin(MatchRow, MatchRow.message_pk == MessageRow.id)
            .order_by(MessageRow.received_at, MessageRow.id))
    if unmatched_only:
        stmt = stmt.where(MatchRow.probe_id.is_(None))
    if campaign_id is not None:
        stmt = stmt.join(ProbeRow, ProbeRow.id == MatchRow.probe_id).where(
            ProbeRow.campaign_id == campaign_id)
    return [tuple(r) for r in session.execute(stmt)]  # type: ignore[misc]


def all_message_ids(session: Session, campaign_id: int | None = None) -> list[int]:
    # Web answers (query pages, staff records) are not mail: the classifier never re-reads them.
    stmt = select(MessageRow.id).where(MessageRow.channel == "email").order_by(MessageRow.id)
    if campaign_id is not None:
        stmt = (stmt.join(MatchRow, MatchRow.message_pk == MessageRow.id)
                .join(ProbeRow, ProbeRow.id == MatchRow.probe_id)
                .where(ProbeRow.campaign_id == campaign_id))
    return list(session.scalars(stmt))


# ---------------------------------------------------------------- IMAP folder marks


def folder_mark(session: Session, account: str, folder: str) -> tuple[int, int] | None:
    row = session.scalar(select(FolderStateRow).where(FolderStateRow.account == account,
                                                      FolderStateRow.folder == folder))
    return None if row is None else (row.uidvalidity, row.last_uid)


def set_folder_mark(session: Session, account: str, folder: str, uidvalidity: int,
                    last_uid: int, now: datetime) -> None:
    row = session.scalar(select(FolderStateRow).where(FolderStateRow.account == account,
                                                      FolderStateRow.folder == folder))
    if row is None:
        session.add(FolderStateRow(account=account, folder=folder, uidvalidity=uidvalidity,
                                   last_uid=last_uid, polled_at=now))
    else:
        row.uidvalidity, row.last_uid, row.polled_at = uidvalidity, last_uid, now


# ---------------------------------------------------------------- overrides, scores, lock


@dataclass(frozen=True)
class Override:
    """One entry of the append-only log of staff decisions."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    value: str
    reason: str


def _override(row: OverrideRow) -> Override:
    return Override(row.id, row.at, row.actor, row.action, row.target, row.value, row.reason)


def add_override(session: Session, now: datetime, actor: str, action: str, target: str,
                 value: str, reason: str) -> Override:
    row = OverrideRow(at=now, actor=actor, action=action, target=target, value=value,
                      reason=reason)
    session.add(row)
    session.flush()
    return _override(row)


def overrides(session: Session) -> list[Override]:
    return [_override(row) for row in
            session.scalars(select(OverrideRow).order_by(OverrideRow.id))]


def unit_exists(session: Session, unit_id: str) -> bool:
    return session.scalar(select(UnitRow.id).where(UnitRow.unit_id == unit_id)) is not None


def save_score(session: Session, campaign_id: int, now: datetime, is_provisional: bool,
               rubric: dict[str, object], result: dict[str, object]) -> None:
    session.add(ScoreRunRow(campaign_id=campaign_id, at=now, is_provisional=is_provisional,
                            rubric_json=json.dumps(rubric, ensure_ascii=False),
                            result_json=json.dumps(result, ensure_ascii=False, default=str)))


def acquire_lock(session: Session, name: str, holder: str, now: datetime, ttl: timedelta,
                 holder_is_gone: Callable[[str], bool] = lambda _: False) -> None:
    """Take the named lock or raise Busy.

    A lock past its expiry, or whose holder ``holder_is_gone`` says no longer runs (a
    sender killed by SIGKILL or a reboot), is taken over."""
    session.execute(RunLockRow.__table__.delete().where(  # type: ignore[attr-defined]
        RunLockRow.name == name, RunLockRow.expires_at < now))
    if _insert_lock(session, name, holder, now, ttl):
        return
    current = session.get(RunLockRow, name)
    if current is not None and holder_is_gone(current.holder):
        # Deleting by the stale holder's name: if another run took it over first, we lose.
        release_lock(session, name, current.holder)
        session.expunge(current)
        if _insert_lock(session, name, holder, now, ttl):
            return
        current = session.get(RunLockRow, name)
    who = f"{current.holder} since {current.acquired_at:%Y-%m-%d %H:%M}" if current else "?"
    raise Busy(f"another mailprobe run holds the lock ({who}); this run does nothing")


def renew_lock(session: Session, name: str, holder: str, now: datetime,
               ttl: timedelta) -> bool:
    """Extend ``holder``'s lease; False when the lock is no longer its own."""
    result = session.execute(
        update(RunLockRow).where(RunLockRow.name == name, RunLockRow.holder == holder)
        .values(renewed_at=now, expires_at=now + ttl))
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


def _insert_lock(session: Session, name: str, holder: str, now: datetime,
                 ttl: timedelta) -> bool:
    values = {"name": name, "holder": holder, "acquired_at": now, "renewed_at": now,
              "expires_at": now + ttl}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # INSERT .. ON CONFLICT DO NOTHING is atomic on both backends: exactly one run wins.
    result = session.execute(insert(RunLockRow).values(**values)
                             .on_conflict_do_nothing(index_elements=["name"])
                             .returning(RunLockRow.name))
    return result.first() is not None


def release_lock(session: Session, name: str, holder: str) -> None:
    session.execute(RunLockRow.__table__.delete().where(  # type: ignore[attr-defined]
        RunLockRow.name == name, RunLockRow.holder == holder))


@dataclass(frozen=True)
class RunRecord:
    """What one `mailprobe run` did (the console shows the last ones)."""

    started_at: datetime
    ended_at: datetime
    holder: str
    sent: int
    polled: int | None
    classified: int
    closed: int
    scored: int
    errors: int
    exit_code: int
    detail: dict[str, object]


def record_run(session: Session, run: RunRecord) -> None:
    session.add(RunSummaryRow(
        started_at=run.started_at, ended_at=run.ended_at, holder=run.holder, sent=run.sent,
        polled=run.polled, classified=run.classified, closed=run.closed, scored=run.scored,
        errors=run.errors, exit_code=run.exit_code,
        detail_json=json.dumps(run.detail, ensure_ascii=False, default=str)))


def recent_runs(session: Session, limit: int = 20) -> list[RunRecord]:
    """The newest runs first."""
    rows = session.scalars(select(RunSummaryRow)
                           .order_by(RunSummaryRow.started_at.desc(), RunSummaryRow.id.desc())
                           .limit(limit))
    return [RunRecord(r.started_at, r.ended_at, r.holder, r.sent, r.polled, r.classified,
                      r.closed, r.scored, r.errors, r.exit_code, json.loads(r.detail_json))
            for r in rows]


def probe_attempts(session: Session, probe_id: int) -> int:
    return int(session.scalar(select(ProbeRow.attempts).where(ProbeRow.id == probe_id)) or 0)


def reply_counts(session: Session, campaign_id: int) -> dict[str, int]:
    """Matched messages of a campaign by current verdict kind."""
    stmt = (select(VerdictRow.kind, func.count())
            .join(MatchRow, MatchRow.message_pk == VerdictRow.message_pk)
            .join(ProbeRow, ProbeRow.id == MatchRow.probe_id)
            .where(VerdictRow.is_current, ProbeRow.campaign_id == campaign_id,
                   MatchRow.review.is_(None))  # items awaiting review count for no probe
            .group_by(VerdictRow.kind))
    return {kind: n for kind, n in session.execute(stmt)}


def current_kinds(session: Session, message_ids: Sequence[int]) -> list[tuple[int, str]]:
    stmt = select(VerdictRow.message_pk, VerdictRow.kind).where(
        VerdictRow.is_current, VerdictRow.message_pk.in_(list(message_ids)))
    return [(pk, kind) for pk, kind in session.execute(stmt)]


# ---------------------------------------------------------------- scoring inputs


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


def close_campaign(session: Session, name: str, now: datetime) -> None:
    """The window is over: a launched campaign becomes closed (a cancelled one stays so)."""
    row = _campaign_row(session, name)
    row.closed_at = now
    if row.state == CampaignState.LAUNCHED:
        row.state = CampaignState.CLOSED


# --- channels dead by DNS (mailprobe/channels.py) ------------------------------------------


def pending_addresses(session: Session, campaign_id: int) -> list[tuple[int, str]]:
    """(probe id, address) of every probe not yet sent in a campaign."""
    stmt = (select(ProbeRow.id, ProbeRow.address)
            .where(ProbeRow.campaign_id == campaign_id, ProbeRow.state == SendState.PENDING)
            .order_by(ProbeRow.id))
    return [(pid, address) for pid, address in session.execute(stmt)]


def mark_unusable(session: Session, causes: dict[int, str], now: datetime) -> int:
    """Record probes whose channel cannot take them; only rows still pending move."""
    moved = 0
    for probe_id, cause in causes.items():
        result = session.execute(
            update(ProbeRow)
            .where(ProbeRow.id == probe_id, ProbeRow.state == SendState.PENDING)
            .values(state=str(SendState.UNUSABLE), reply_text=cause, updated_at=now))
        moved += result.rowcount  # type: ignore[attr-defined]
    return moved


# ---------------------------------------------------------------- web channels


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
