"""What runs leave behind: the run lock, run summaries, stored scores."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from mailprobe.errors import Busy
from mailprobe.store.schema import RunLockRow, RunSummaryRow, ScoreRunRow


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
