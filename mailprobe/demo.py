"""`mailprobe demo`: the whole pipeline against a simulated world, on loopback only.

An in-process aiosmtpd server stands in for the units' mail servers (it refuses dead
addresses at RCPT and spam-filters a few after DATA, as QQ/Exmail do); the units' answers
are written as real-shaped messages into a local Maildir that mailprobe ingests; a
simulated clock lets the 20-working-day window pass in seconds. Nothing leaves loopback.
"""

from __future__ import annotations

import csv
import random
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from mailprobe.assess import score_stored
from mailprobe.campaign import send_campaign
from mailprobe.config import ProbeSettings, Settings, SmtpSettings
from mailprobe.demo_world import World, answer, make_world
from mailprobe.ingest import iter_messages
from mailprobe.pipeline import process_messages, store_found
from mailprobe.registry import load_registry
from mailprobe.render import list_templates
from mailprobe.report import write_report
from mailprobe.score import CampaignScore, WorkCalendar, load_calendar
from mailprobe.store import Database
from mailprobe.store.campaigns import close_campaign, create_campaign, get_campaign, launch_campaign
from mailprobe.store.probes import probe_rows
from mailprobe.store.session import open_database
from mailprobe.store.units import import_units
from mailprobe.token import message_id, new_token

DEMO_FROM = "consult@mailprobe-demo.test"
DEMO_TEMPLATES = ("consult_office_hours", "elderly_subsidy")
START = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai


class SimClock:
    """Simulated time: moves one second per reading, jumps when the demo says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


class UnitsMailServer:
    """aiosmtpd handler playing every unit's mail server, by the world's behaviours."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.received: list[tuple[str, bytes]] = []

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if self.world.behaviour_of(address).kind == "reject_rcpt":
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        rcpt = envelope.rcpt_tos[0]
        if self.world.behaviour_of(rcpt).kind == "spam_reject":
            return "554 5.7.1 DT:SPM mail content denied as spam"
        content = envelope.original_content or b""
        self.received.append((rcpt, content if isinstance(content, bytes) else content.encode()))
        return f"250 2.0.0 Ok: queued as DEMO{len(self.received):05d}"


@dataclass
class DemoRun:
    out_dir: Path
    campaign: str
    database: Database
    settings: Settings
    clock: SimClock
    world: World
    counts: dict[str, int] = field(default_factory=dict)
    messages: dict[str, Any] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(out_dir: Path, seed: int, *, n_county: int = 13, n_department: int = 142,
            database_url: str | None = None) -> DemoRun:
    """A fresh demo directory, database and registry; the campaign created.

    The world's size and the database (default: ``demo.db`` in ``out_dir``) can be changed
    for benchmarks (benchmarks/e2e_bench.py); ``mailprobe demo`` keeps the defaults."""
    if out_dir.exists():
        for name in ("demo.db", "demo.db-wal", "demo.db-shm", "units.csv"):
            (out_dir / name).unlink(missing_ok=True)
        shutil.rmtree(out_dir / "Maildir", ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = make_world(seed, n_county, n_department)
    write_registry(world, out_dir / "units.csv")
    settings = Settings(
        smtp=SmtpSettings(host="127.0.0.1", port=0, tls="none", concurrency=8,
                          per_domain_per_minute=60, timeout=10.0),
        probe=ProbeSettings(from_=DEMO_FROM, from_name="张明",
                            return_path="probe+{token}@mailprobe-demo.test",
                            allow_placeholder=True))
    settings = replace(settings, database=replace(settings.database,
                                                  url=database_url
                                                  or f"sqlite:///{out_dir / 'demo.db'}"))
    clock = SimClock(START)
    database = open_database(settings.database.url)
    registry = load_registry(out_dir / "units.csv", settings.campaign.categories)
    if registry.errors:  # the generated registry is valid; this guards the generator
        raise RuntimeError(str(registry.errors[0]))
    name = f"demo-{START:%Y%m%d}"
    # Two wordings dealt per mailbox, as a real campaign does, so the report's variant
    # comparison has something to compare.
    templates = [t for t in DEMO_TEMPLATES if t in list_templates()] or list_templates()[:1]
    with database() as session, session.begin():
        import_units(session, registry.units, "units.csv", clock())
        create_campaign(session, name, templates, ["public", "leader"], 20, clock(),
                        new_token, lambda t: message_id(t, "mailprobe-demo.test"), seed=seed)
        launch_campaign(session, name, clock(), "mailprobe-demo.test",
                        lambda t: message_id(t, "mailprobe-demo.test"))
    return DemoRun(out_dir, name, database, settings, clock, world)


def write_registry(world: World, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_id", "name", "category", "public_mailbox", "leader_mailbox"])
        for unit in world.units:
            public, leader = unit.mailbox("public"), unit.mailbox("leader")
            writer.writerow([unit.unit_id, unit.name, unit.category,
                             public.address if public and public.address else "",
                             leader.address if leader and leader.address else ""])


def send_probes(run: DemoRun) -> UnitsMailServer:
    """Send the campaign to the in-process units' server on a loopback port."""
    handler = UnitsMailServer(run.world)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = replace(run.settings, smtp=replace(run.settings.smtp, port=port))
        summary = send_campaign(run.database, run.campaign, settings, run.clock)
    finally:
        controller.stop()
    run.counts = summary.counts
    return handler


def write_answers(run: DemoRun, server: UnitsMailServer,
                  add_hours: Callable[[datetime, float], datetime], seed: int) -> int:
    """Write each unit's answer into the demo Maildir, stamped with its arrival time."""
    maildir = run.out_dir / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    accepted = _accepted_times(run)
    written = 0
    for n, (rcpt, probe) in enumerate(server.received):
        behaviour = run.world.behaviour_of(rcpt)
        arrival = add_hours(accepted[rcpt.lower()], behaviour.delay_hours)
        raw = answer(probe, behaviour, arrival, DEMO_FROM, rng)
        if raw is None:
            continue
        stamp = int(arrival.timestamp())
        (maildir / "new" / f"{stamp}.M{n}P0.mailprobe-demo").write_bytes(raw)
        written += 1
    return written


def _accepted_times(run: DemoRun) -> dict[str, datetime]:
    with run.database() as session:
        campaign = get_campaign(session, run.campaign)
        return {p.address.lower(): p.accepted_at for p in probe_rows(session, campaign.id)
                if p.accepted_at is not None}


def ingest_answers(run: DemoRun) -> None:
    new, _ = store_found(run.database, iter_messages([run.out_dir / "Maildir"]), run.clock)
    processed = process_messages(run.database, run.clock)
    run.messages = {"stored": new, "matched": processed.matched, "review": processed.review,
                    "by_kind": processed.by_kind}


def add_working_hours(calendar: WorkCalendar) -> Callable[[datetime, float], datetime]:
    """``start`` plus ``hours`` of office time on ``calendar`` (bisection over real time)."""
    def add(start: datetime, hours: float) -> datetime:
        lo, hi = start, start + timedelta(days=max(2.0, hours * 2))
        while calendar.working_time(start, hi).working_hours < hours:
            hi += timedelta(days=30)
        while (hi - lo) > timedelta(minutes=1):
            mid = lo + (hi - lo) / 2
            if calendar.working_time(start, mid).working_hours < hours:
                lo = mid
            else:
                hi = mid
        return hi

    return add


REPORTS = (("csv", "report.csv"), ("json", "report.json"), ("xlsx", "report.xlsx"),
           ("html", "report.html"), ("notice", "notice.md"))


def run_demo(out_dir: Path, seed: int,
             progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run the whole demo; return its summary (``text`` is the printed form)."""
    say = progress or (lambda _text: None)
    calendar = load_calendar()
    run = prepare(out_dir, seed)
    say(f"registry: {len(run.world.units)} units; campaign {run.campaign} created")
    server = send_probes(run)
    say("sent: " + ", ".join(f"{n} {state}" for state, n in run.counts.items() if n))
    answered = write_answers(run, server, add_working_hours(calendar), seed)
    say(f"the units answered with {answered} messages; ingesting {out_dir / 'Maildir'}")
    with run.database() as session:
        campaign = get_campaign(session, run.campaign)
        accepted = [p.accepted_at for p in probe_rows(session, campaign.id)
                    if p.accepted_at is not None]
    # Jump the simulated clock past the 20-day window and the latest simulated answer.
    run.clock.now = calendar.add_working_days(max(accepted), 25)
    ingest_answers(run)
    result = score_stored(run.database, run.campaign, run.settings, calendar, run.clock())
    with run.database() as session, session.begin():
        close_campaign(session, run.campaign, run.clock())
    written = [str(write_report(result, fmt, out_dir / name)) for fmt, name in REPORTS]
    written.append(str(out_dir / "notice.docx"))  # written beside notice.md
    return _summary(run, result, written)


def _summary(run: DemoRun, result: CampaignScore, written: list[str]) -> dict[str, Any]:
    stats = result.stats
    best = {c: [u.name for u in result.category_units(c) if u.rank == 1]
            for c in result.categories}
    data: dict[str, Any] = {
        "campaign": run.campaign, "units": len(run.world.units), "send_states": run.counts,
        "messages": run.messages, "sent": stats.sent, "delivery_rate": stats.delivery_rate,
        "hard_bounce_rate": stats.hard_bounce_rate,
        "human_reply_rate_sent": stats.human_reply_rate_sent,
        "auto_ack_rate": stats.auto_ack_rate,
        "median_latency_hours": stats.latency_hours.median,
        "provisional": result.is_provisional, "first_ranked": best, "reports": written}
    data["text"] = "\n".join([
        f"mailprobe demo: campaign {run.campaign} against {len(run.world.units)} simulated units",
        f"  probes: {stats.sent} sent; of sent: delivery {_pct(stats.delivery_rate)}, hard "
        f"bounces {_pct(stats.hard_bounce_rate)}, human replies "
        f"{_pct(stats.human_reply_rate_sent)}, auto-replies {_pct(stats.auto_ack_rate)}",
        f"  messages back: {run.messages.get('stored', 0)} stored, "
        f"{run.messages.get('matched', 0)} matched to probes, "
        f"{run.messages.get('review', 0)} to review",
        f"  median reply latency: {_hours(stats.latency_hours.median)} working hours",
        *[f"  first in {c}: {', '.join(names) or '-'}" for c, names in best.items()],
        f"  reports: {', '.join(written)}"])
    return data


def _pct(value: float | None) -> str:
    from mailprobe.report.numbers import percent

    return percent(value)


def _hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
