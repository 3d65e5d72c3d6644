"""Units and their mailboxes: the registry import and its address history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailprobe.model import Mailbox, Unit
from mailprobe.store.schema import AddressChangeRow, MailboxRow, UnitRow


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
