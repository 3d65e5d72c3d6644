"""`mailprobe run`: everything that is due, in one pass, for a scheduler.

Order: send due probes of every launched campaign → poll IMAP (when configured) → read the
query pages of submitted web forms (when ``[web.sites]`` are configured) → classify and
match → close campaigns whose window has ended → score. One failing step does not stop the
others; the summary says what failed and the exit code follows the worst of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from mailprobe.assess import score_stored
from mailprobe.campaign import send_campaign
from mailprobe.config import Settings
from mailprobe.errors import ExitCode, MailprobeError
from mailprobe.model import CampaignState
from mailprobe.pipeline import poll_once, process_messages
from mailprobe.score import WorkCalendar
from mailprobe.store import Database
from mailprobe.store.campaigns import close_campaign, list_campaigns

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class StepError:
    step: str
    error: str
    exit_code: ExitCode


@dataclass
class RunSummary:
    sent: dict[str, dict[str, int]] = field(default_factory=dict)  # state counts after
    attempted: int = 0  # SMTP transactions this run (accepted, deferred, rejected, ...)
    polled: int | None = None  # None: IMAP not configured
    web_answered: int | None = None  # None: no [web.sites] configured
    classified: int = 0
    matched: int = 0
    review: int = 0
    closed: list[str] = field(default_factory=list)
    scored: dict[str, bool] = field(default_factory=dict)  # campaign -> provisional
    failures: list[str] = field(default_factory=list)  # per-item problems (exit 4)
    errors: list[StepError] = field(default_factory=list)  # whole steps that failed

    def exit_code(self) -> ExitCode:
        if self.errors:
            return max(e.exit_code for e in self.errors)
        return ExitCode.PARTIAL if self.failures else ExitCode.OK


def run_due(factory: Database, settings: Settings, calendar: WorkCalendar,
            clock: Clock) -> RunSummary:
    """Do one scheduler pass; the caller holds the run lock."""
    summary = RunSummary()
    with factory() as session:
        open_names = [c.name for c in list_campaigns(session)
                      if c.state == CampaignState.LAUNCHED]
    for name in open_names:
        _step(summary, f"send {name}", partial(_send, factory, name, settings, clock, summary))
    if settings.imap.username:
        _step(summary, "poll", lambda: _poll(factory, settings, clock, summary))
    if settings.web.get("sites"):
        _step(summary, "web poll",
              lambda: _web_poll(factory, settings, calendar, clock, summary))
    processed = process_messages(factory, clock,
                                 shared_domains=settings.correlate.all_shared_domains())
    summary.classified, summary.matched = processed.classified, processed.matched
    summary.review = processed.review
    for name in open_names:
        _step(summary, f"score {name}",
              partial(_score_and_close, factory, name, settings, calendar, clock, summary))
    return summary


def _step(summary: RunSummary, what: str, action: Callable[[], None]) -> None:
    try:
        action()
    except MailprobeError as err:
        summary.errors.append(StepError(what, str(err), err.exit_code))


def _send(factory: Database, name: str, settings: Settings, clock: Clock,
          summary: RunSummary) -> None:
    sent = send_campaign(factory, name, settings, clock)
    summary.sent[name] = sent.counts
    summary.attempted += sent.planned - sent.taken_elsewhere
    summary.failures += [f"{name}: {f['state']} {f['address']}" for f in sent.failed]


def _poll(factory: Database, settings: Settings, clock: Clock, summary: RunSummary) -> None:
    summary.polled = poll_once(factory, settings.imap, clock).new


def _web_poll(factory: Database, settings: Settings, calendar: WorkCalendar, clock: Clock,
              summary: RunSummary) -> None:
    from mailprobe.service.web import poll_answers

    polled = poll_answers(settings, calendar.tz, clock, factory=factory)
    summary.web_answered = len(polled.answered)
    summary.failures += [f"web poll {e['code']}: {e['error']}" for e in polled.errors]


def _score_and_close(factory: Database, name: str, settings: Settings,
                     calendar: WorkCalendar, clock: Clock, summary: RunSummary) -> None:
    now = clock()
    result = score_stored(factory, name, settings, calendar, now)
    summary.scored[name] = result.is_provisional
    if not result.is_provisional:
        with factory() as session, session.begin():
            close_campaign(session, name, now)
        summary.closed.append(name)

