"""Send a campaign's due probes: render all first, then deliver at most once each.

Safety rules (DOMAIN.md): every probe is committed ``sending`` before its SMTP
transaction, in chunks no larger than the connections in flight, so a crash leaves at
most that many probes ``uncertain`` and none is ever sent twice. Deferred (4xx) probes are
retried with exponential back-off on later runs; a destination domain that answered 4xx is
left alone for the rest of the run.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mailprobe.config import Settings, template_dir
from mailprobe.model import SendOutcome, SendState
from mailprobe.render import RenderedProbe, render_probe
from mailprobe.send import SmtpClient
from mailprobe.store import Database, Session, queries
from mailprobe.store.queries import ProbeTarget

Clock = Callable[[], datetime]
Progress = Callable[[int], None]


@dataclass
class SendSummary:
    campaign: str
    planned: int = 0
    recovered_uncertain: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    failed: list[dict[str, str]] = field(default_factory=list)
    dry_run: bool = False


def prepare(factory: Database, name: str, settings: Settings, clock: Clock,
            limit: int | None) -> tuple[int, list[tuple[ProbeTarget, RenderedProbe]], int]:
    """Recover interrupted probes, pick the due ones and render every message."""
    with factory() as session, session.begin():
        campaign = queries.get_campaign(session, name)
        recovered = queries.recover_interrupted(session, campaign.id, clock())
        ids = queries.due_probe_ids(session, campaign.id, clock(), settings.smtp.max_attempts,
                                    limit)
        targets = queries.probe_targets(session, campaign.id, ids)
    now = clock()
    rendered = [(t, render_target(t, settings, now)) for t in targets]
    return campaign.id, rendered, recovered


def render_target(target: ProbeTarget, settings: Settings,
                  when: datetime | None = None) -> RenderedProbe:
    """Render one probe; ``when`` fixes its Date header (the campaign's clock)."""
    mailbox = target.unit.mailbox(target.mailbox_type)
    assert mailbox is not None  # probe_targets always attaches the probed mailbox
    return render_probe(target.template, target.unit, mailbox, target.token, settings.probe,
                        when, directory=template_dir(settings.campaign))


def send_campaign(factory: Database, name: str, settings: Settings, clock: Clock,
                  *, limit: int | None = None, dry_run: bool = False,
                  progress: Progress | None = None) -> SendSummary:
    """Send what is due in campaign ``name``; rendering errors stop it before any SMTP."""
    campaign_id, work, recovered = prepare(factory, name, settings, clock, limit)
    summary = SendSummary(name, planned=len(work), recovered_uncertain=recovered,
                          dry_run=dry_run)
    if not dry_run and work:
        asyncio.run(_deliver_all(factory, work, settings, clock, summary, progress))
    with factory() as session:
        summary.counts = queries.state_counts(session, campaign_id)
    return summary


class DomainPacer:
    """At most ``per_minute`` probes per destination domain; 4xx pauses a domain."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = max(1, per_minute)
        self.sent: dict[str, deque[float]] = defaultdict(deque)
        self.paused: set[str] = set()

    def wait_seconds(self, domain: str, now: float) -> float:
        recent = self.sent[domain]
        while recent and now - recent[0] >= 60.0:
            recent.popleft()
        return 0.0 if len(recent) < self.per_minute else 60.0 - (now - recent[0])

    def note(self, domain: str, now: float) -> None:
        self.sent[domain].append(now)


async def _deliver_all(factory: Database,
                       work: list[tuple[ProbeTarget, RenderedProbe]], settings: Settings,
                       clock: Clock, summary: SendSummary, progress: Progress | None) -> None:
    clients = [SmtpClient(settings.smtp) for _ in range(max(1, settings.smtp.concurrency))]
    pacer = DomainPacer(settings.smtp.per_domain_per_minute)
    queue = deque(work)
    try:
        # An unreachable server, bad TLS or bad AUTH stops here, before any probe is claimed.
        await asyncio.gather(*(client.connect() for client in clients))
        while queue:
            chunk = _next_chunk(queue, pacer, len(clients))
            if not chunk:
                await asyncio.sleep(min(_soonest(queue, pacer), 5.0))
                continue
            _claim(factory, chunk, clock)
            outcomes = await asyncio.gather(*(
                client.deliver(rendered.envelope_from, rendered.to, rendered.as_bytes())
                for client, (target, rendered) in zip(clients, chunk, strict=False)))
            _record(factory, chunk, outcomes, settings, clock, summary, pacer)
            if progress is not None:
                progress(len(chunk))
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def _next_chunk(queue: deque[tuple[ProbeTarget, RenderedProbe]], pacer: DomainPacer,
                size: int) -> list[tuple[ProbeTarget, RenderedProbe]]:
    chunk: list[tuple[ProbeTarget, RenderedProbe]] = []
    now = time.monotonic()
    # Stop as soon as the chunk is full: a scan of the whole queue per chunk made sending
    # quadratic in the campaign size (benchmarks/e2e_bench.py). Paced items rotate to the back.
    for _ in range(len(queue)):
        if len(chunk) >= size:
            break
        item = queue.popleft()
        domain = _domain(item[0].address)
        if domain in pacer.paused:
            continue  # left pending/deferred in the ledger for a later run
        if pacer.wait_seconds(domain, now) == 0.0:
            pacer.note(domain, now)
            chunk.append(item)
        else:
            queue.append(item)
    return chunk


def _soonest(queue: deque[tuple[ProbeTarget, RenderedProbe]], pacer: DomainPacer) -> float:
    now = time.monotonic()
    waits = [pacer.wait_seconds(_domain(t.address), now) for t, _ in queue]
    return max(0.05, min(waits, default=0.05))


def _claim(factory: Database, chunk: list[tuple[ProbeTarget, RenderedProbe]],
           clock: Clock) -> None:
    # Commit SENDING before the SMTP call: after a crash we report, never resend.
    with factory() as session, session.begin():
        queries.mark_sending(session, [t.probe_id for t, _ in chunk], clock())


def _record(factory: Database, chunk: list[tuple[ProbeTarget, RenderedProbe]],
            outcomes: list[SendOutcome], settings: Settings, clock: Clock,
            summary: SendSummary, pacer: DomainPacer) -> None:
    now = clock()
    with factory() as session, session.begin():
        for (target, rendered), outcome in zip(chunk, outcomes, strict=True):
            retry_at = None
            if outcome.state == SendState.DEFERRED:
                pacer.paused.add(_domain(target.address))
                retry_at = now + _backoff(settings, session, target.probe_id)
            if outcome.state in (SendState.DEFERRED, SendState.UNCERTAIN):
                summary.failed.append({"address": target.address, "state": outcome.state,
                                       "reply": outcome.reply[:200]})
            queries.record_outcome(session, target.probe_id, outcome, now, retry_at,
                                   rendered.subject)


def _backoff(settings: Settings, session: Session, probe_id: int) -> timedelta:
    attempts = queries.probe_attempts(session, probe_id)
    return timedelta(seconds=settings.smtp.retry_base_seconds * 2 ** max(0, attempts - 1))

