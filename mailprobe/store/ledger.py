"""The send ledger's state changes: claim due probes, record SMTP outcomes, recover
interrupted sends, set aside probes whose channel is dead."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Update, bindparam, select, update
from sqlalchemy.orm import Session

from mailprobe.model import DUE_STATES, SendOutcome, SendState
from mailprobe.store.schema import ProbeRow


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
    return (_update_still_due()
            .values(state=str(SendState.SENDING), updated_at=bindparam("b_now"),
                    attempts=table.c.attempts + 1)
            .returning(table.c.id))


@functools.cache
def _hold_update() -> Update:
    return _update_still_due().values(not_before=bindparam("b_until"))


def _update_still_due() -> Update:
    """UPDATE of the probes named in ``b_ids`` that are still due: one another run claimed,
    or a cancel stopped, since they were read is left alone."""
    table = ProbeRow.__table__
    return (update(table)  # type: ignore[arg-type]
            .where(table.c.id.in_(bindparam("b_ids", expanding=True)),
                   table.c.state.in_([str(s) for s in DUE_STATES])))


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
