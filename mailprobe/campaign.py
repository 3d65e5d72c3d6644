"""Send a campaign's due probes: render all first, then deliver at most once each.

Safety rules (docs/reliability.md §1): every probe is committed ``sending`` before its SMTP
transaction, in chunks no larger than the connections in flight, so a crash leaves at
most that many probes ``uncertain`` and none is ever sent twice. Deferred (4xx) probes are
retried with exponential back-off on later runs; a destination domain that answered 4xx is
left alone for the rest of the run.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from mailprobe.config import Settings, template_dir
from mailprobe.errors import InputError
from mailprobe.model import CampaignState, SendOutcome, SendState
from mailprobe.preflight import check_sender
from mailprobe.render import RenderedProbe, render_probe
from mailprobe.send import SmtpClient
from mailprobe.store import Database, Session
from mailprobe.store.campaigns import Campaign, get_campaign, state_counts
from mailprobe.store.ledger import (
    OutcomeRecord,
    due_probe_ids,
    mark_sending,
    record_outcomes,
    recover_interrupted,
)
from mailprobe.store.probes import ProbeTarget, probe_attempts, probe_targets

Clock = Callable[[], datetime]
Progress = Callable[[int], None]
log = logging.getLogger(__name__)


@dataclass
class SendSummary:
    campaign: str
    planned: int = 0
    recovered_uncertain: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    failed: list[dict[str, str]] = field(default_factory=list)
    dry_run: bool = False
    spaced: int = 0  # due, but held back by [campaign] unit_spacing_minutes for a later run
    taken_elsewhere: int = 0  # claimed by another run (or cancelled) after they were read
    state: str = CampaignState.LAUNCHED  # the campaign's; a dry run also checks a draft


@dataclass(frozen=True)
class Outgoing:
    """A due probe, rendered, with the exact bytes it will be sent as."""

    target: ProbeTarget
    rendered: RenderedProbe
    data: bytes
    siblings: tuple[int, ...] = ()  # the unit's probes held back by the spacing


@dataclass(frozen=True)
class Prepared:
    campaign_id: int
    work: list[Outgoing]
    recovered: int
    spacing: timedelta | None
    spaced: int
    state: str


def prepare(factory: Database, name: str, settings: Settings, clock: Clock,
            limit: int | None, *, dry_run: bool = False) -> Prepared:
    """Recover interrupted probes, pick the due ones and build every message's bytes.

    Only a launched campaign sends (a dry run checks a draft too). With unit spacing, one
    probe per unit goes in a pass; its unit's other probes wait (``not_before``, set when
    it is claimed)."""
    with factory() as session, session.begin():
        campaign = get_campaign(session, name)
        if not (dry_run and campaign.state == CampaignState.DRAFT):
            require_launched(campaign)
        recovered = recover_interrupted(session, campaign.id, clock())
        spacing = timedelta(minutes=campaign.unit_spacing_minutes) or None
        ids = due_probe_ids(session, campaign.id, clock(), settings.smtp.max_attempts,
                            None if spacing and not dry_run else limit)
        targets = probe_targets(session, campaign.id, ids)
    due = len(targets)
    siblings: dict[int, tuple[int, ...]] = {}
    if spacing and not dry_run:  # a dry run renders every due probe
        targets, siblings = _one_per_unit(targets)
        targets = targets[:limit]
    now = clock()
    # The bytes are built here, before the first claim: a message that cannot be built stops
    # the run before any SMTP, and the send loop only writes bytes (benchmarks/send_bench.py).
    work = []
    for target in targets:
        rendered = render_target(target, settings, now)
        work.append(Outgoing(target, rendered, rendered.as_bytes(),
                             siblings.get(target.probe_id, ())))
    spaced = due - len(targets) if spacing else 0
    return Prepared(campaign.id, work, recovered, spacing, spaced, campaign.state)


def require_launched(campaign: Campaign) -> None:
    if campaign.state == CampaignState.DRAFT:
        raise InputError(f'campaign "{campaign.name}" is a draft: nothing is sent before '
                         f"`mailprobe campaign launch {campaign.name}`")
    if campaign.state != CampaignState.LAUNCHED:
        raise InputError(f'campaign "{campaign.name}" is {campaign.state}: nothing more '
                         "is sent")


def _one_per_unit(targets: list[ProbeTarget]
                  ) -> tuple[list[ProbeTarget], dict[int, tuple[int, ...]]]:
    """The first due probe of each unit, and for each of those its unit's other due ones."""
    first: dict[str, ProbeTarget] = {}
    held: dict[int, list[int]] = {}
    for target in targets:
        kept = first.setdefault(target.unit.unit_id, target)
        if kept is not target:
            held.setdefault(kept.probe_id, []).append(target.probe_id)
    return list(first.values()), {pk: tuple(ids) for pk, ids in held.items()}


def render_target(target: ProbeTarget, settings: Settings,
                  when: datetime | None = None) -> RenderedProbe:
    """Render one probe; ``when`` fixes its Date header (the campaign's clock)."""
    mailbox = target.unit.mailbox(target.mailbox_type)
    assert mailbox is not None  # probe_targets always attaches the probed mailbox
    rendered = render_probe(target.template, target.unit, mailbox, target.token,
                            settings.probe, when, directory=template_dir(settings.campaign))
    # The ledger's Message-ID, not one derived from today's [probe] from: a reply's
    # In-Reply-To must match what `campaign create` stored even if the config changed since.
    return replace(rendered, message_id=target.message_id)


def send_campaign(factory: Database, name: str, settings: Settings, clock: Clock,
                  *, limit: int | None = None, dry_run: bool = False,
                  progress: Progress | None = None) -> SendSummary:
    """Send what is due in campaign ``name``; rendering errors stop it before any SMTP."""
    prepared = prepare(factory, name, settings, clock, limit, dry_run=dry_run)
    summary = SendSummary(name, planned=len(prepared.work),
                          recovered_uncertain=prepared.recovered, dry_run=dry_run,
                          spaced=prepared.spaced, state=prepared.state)
    if not dry_run and prepared.work:
        check_sender(settings)
        deliver(factory, prepared.work, settings, clock, summary, progress, prepared.spacing)
    with factory() as session:
        summary.counts = state_counts(session, prepared.campaign_id)
    return summary


def deliver(factory: Database, work: list[Outgoing], settings: Settings, clock: Clock,
            summary: SendSummary, progress: Progress | None = None,
            spacing: timedelta | None = None) -> None:
    """Deliver prepared probes, each at most once, recording every outcome."""
    asyncio.run(_deliver_all(factory, work, settings, clock, summary, progress, spacing))


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


async def _deliver_all(factory: Database, work: list[Outgoing], settings: Settings,
                       clock: Clock, summary: SendSummary, progress: Progress | None,
                       spacing: timedelta | None) -> None:
    clients = [SmtpClient(settings.smtp) for _ in range(max(1, settings.smtp.concurrency))]
    pacer = DomainPacer(settings.smtp.per_domain_per_minute)
    queue = deque(work)
    done: list[tuple[Outgoing, SendOutcome]] = []
    try:
        # An unreachable server, bad TLS or bad AUTH stops here, before any probe is claimed.
        await asyncio.gather(*(client.connect() for client in clients))
        while True:
            chunk = _next_chunk(queue, pacer, len(clients))
            if done or chunk:
                # One commit stores the last chunk's outcomes and claims the next chunk, so
                # at most `concurrency` probes are ever `sending` (uncertain after a crash).
                chunk = _commit(factory, done, chunk, settings, clock, summary, spacing)
                if progress is not None and done:
                    progress(len(done))
                done = []
            if chunk:
                outcomes = await asyncio.gather(*(
                    client.deliver(item.rendered.envelope_from, item.rendered.to, item.data)
                    for client, item in zip(clients, chunk, strict=False)))
                done = list(zip(chunk, outcomes, strict=True))
                _pause_deferred(pacer, done)
            elif queue:
                await asyncio.sleep(min(_soonest(queue, pacer), 5.0))
            else:
                break
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def _next_chunk(queue: deque[Outgoing], pacer: DomainPacer, size: int) -> list[Outgoing]:
    chunk: list[Outgoing] = []
    now = time.monotonic()
    # Stop as soon as the chunk is full: a scan of the whole queue per chunk made sending
    # quadratic in the campaign size (benchmarks/e2e_bench.py). Paced items rotate to the back.
    for _ in range(len(queue)):
        if len(chunk) >= size:
            break
        item = queue.popleft()
        domain = _domain(item.target.address)
        if domain in pacer.paused:
            continue  # left pending/deferred in the ledger for a later run
        if pacer.wait_seconds(domain, now) == 0.0:
            pacer.note(domain, now)
            chunk.append(item)
        else:
            queue.append(item)
    return chunk


def _soonest(queue: deque[Outgoing], pacer: DomainPacer) -> float:
    now = time.monotonic()
    waits = [pacer.wait_seconds(_domain(item.target.address), now) for item in queue]
    return max(0.05, min(waits, default=0.05))


def _pause_deferred(pacer: DomainPacer, done: list[tuple[Outgoing, SendOutcome]]) -> None:
    """A domain that answered 4xx is left alone for the rest of the run."""
    for item, outcome in done:
        if outcome.state == SendState.DEFERRED:
            pacer.paused.add(_domain(item.target.address))


def _commit(factory: Database, done: list[tuple[Outgoing, SendOutcome]],
            chunk: list[Outgoing], settings: Settings, clock: Clock,
            summary: SendSummary, spacing: timedelta | None = None) -> list[Outgoing]:
    """Record ``done``'s outcomes and claim ``chunk`` (``sending``) in one transaction;
    return the part of ``chunk`` this run claimed, the only probes it may send."""
    now = clock()
    with factory() as session, session.begin():
        records = []
        for item, outcome in done:
            retry_at = None
            if outcome.state == SendState.DEFERRED:
                retry_at = now + _backoff(settings, session, item.target.probe_id)
            if outcome.state in (SendState.DEFERRED, SendState.UNCERTAIN):
                summary.failed.append({"address": item.target.address, "state": outcome.state,
                                       "reply": outcome.reply[:200]})
            records.append(OutcomeRecord(item.target.probe_id, outcome, retry_at,
                                         item.rendered.subject))
        record_outcomes(session, records, now)
        if not chunk:
            return []
        # Commit SENDING before the SMTP call: after a crash we report, never resend.
        hold = {item.target.probe_id: item.siblings for item in chunk if item.siblings}
        claimed = mark_sending(session, [item.target.probe_id for item in chunk], now,
                               hold, now + spacing if spacing else None)
    mine = [item for item in chunk if item.target.probe_id in claimed]
    if len(mine) < len(chunk):
        summary.taken_elsewhere += len(chunk) - len(mine)
        log.warning("%d probe(s) were no longer due when claimed (another run sent them or "
                    "the campaign was cancelled); not sent here", len(chunk) - len(mine))
    return mine


def _backoff(settings: Settings, session: Session, probe_id: int) -> timedelta:
    attempts = probe_attempts(session, probe_id)
    return timedelta(seconds=settings.smtp.retry_base_seconds * 2 ** max(0, attempts - 1))

