"""`mailprobe run` under the run lock, leaving a summary of what it did."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from mailprobe.config import Settings
from mailprobe.run import RunSummary, run_due
from mailprobe.score import WorkCalendar
from mailprobe.service import Clock, open_db, utcnow
from mailprobe.service.lock import run_lock, this_holder
from mailprobe.store import runs as run_store
from mailprobe.store.runs import RunRecord

__all__ = ["RunRecord", "recent_runs", "run"]


def run(settings: Settings, calendar: WorkCalendar, clock: Clock = utcnow) -> RunSummary:
    """Everything due, once; another run holding the lock makes this one exit (Busy)."""
    factory = open_db(settings)
    with run_lock(factory, "run", clock):
        started = clock()
        summary = run_due(factory, settings, calendar, clock)
        with factory() as session, session.begin():
            run_store.record_run(session, _record(summary, started, clock()))
    return summary


def _record(summary: RunSummary, started: datetime, ended: datetime) -> RunRecord:
    return RunRecord(
        started_at=started, ended_at=ended, holder=this_holder(), sent=summary.attempted,
        polled=summary.polled, classified=summary.classified, closed=len(summary.closed),
        scored=len(summary.scored), errors=len(summary.errors),
        exit_code=int(summary.exit_code()), detail=dataclasses.asdict(summary))


def recent_runs(settings: Settings, limit: int = 20) -> list[RunRecord]:
    """The last runs, newest first."""
    with open_db(settings)() as session:
        return run_store.recent_runs(session, limit)
