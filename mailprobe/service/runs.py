"""`mailprobe run` under the run lock."""

from __future__ import annotations

from mailprobe.config import Settings
from mailprobe.run import RunSummary, run_due
from mailprobe.score import WorkCalendar
from mailprobe.service import Clock, open_db, utcnow
from mailprobe.service.lock import run_lock


def run(settings: Settings, calendar: WorkCalendar, clock: Clock = utcnow) -> RunSummary:
    """Everything due, once; another run holding the lock makes this one exit (Busy)."""
    factory = open_db(settings)
    with run_lock(factory, "run", clock):
        return run_due(factory, settings, calendar, clock)
