"""The append-only log of staff decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailprobe.store.schema import OverrideRow


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
