"""Wiring of the receive side: store raw mail, classify it, tie it to probes.

Raw bytes are committed first, in their own transaction, so a classifier bug or a crash
can never lose a fetched message; classification and correlation follow and can be re-run
at any time (`mailprobe reclassify`).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from mailprobe.classify import classify
from mailprobe.config import ImapSettings
from mailprobe.correlate import SHARED_DOMAINS, Match, ProbeIndex, correlate
from mailprobe.decisions import Decisions, decided_match, effective_verdict
from mailprobe.errors import AuthError, ServerUnreachable
from mailprobe.ingest import FoundMessage
from mailprobe.model import Kind, Recipient, Ref, RefKind, Verdict
from mailprobe.store import Database, Session
from mailprobe.store import review as stored
from mailprobe.store.messages import (
    NewMessage,
    folder_mark,
    message_raws,
    save_matches,
    save_verdicts,
    set_folder_mark,
    store_messages,
    unclassified_message_ids,
)
from mailprobe.store.overrides import overrides
from mailprobe.store.probes import probe_id_by_token, probe_keys

if TYPE_CHECKING:
    from mailprobe.poll import FetchBatch

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)
CORRELATION_HORIZON = timedelta(days=60)  # replies after two months still count (3-month flag)


@dataclass
class ProcessSummary:
    classified: int = 0
    matched: int = 0
    review: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def store_found(factory: Database, found: Iterable[FoundMessage],
                clock: Clock) -> tuple[int, int]:
    """Store ingested messages (one transaction per 200); return (new, duplicates)."""
    new = dup = 0
    batch: list[FoundMessage] = []
    for message in found:
        batch.append(message)
        if len(batch) >= 200:
            n, d = _store_batch(factory, batch, clock)
            new, dup, batch = new + n, dup + d, []
    n, d = _store_batch(factory, batch, clock)
    return new + n, dup + d


def _store_batch(factory: Database, batch: list[FoundMessage],
                 clock: Clock) -> tuple[int, int]:
    if not batch:
        return 0, 0
    now = clock()
    found = [NewMessage(m.raw, f"file:{m.source}", m.received_at or now, now)
             for m in batch]
    with factory() as session, session.begin():
        new = sum(is_new for _, is_new in store_messages(session, found))
    return new, len(batch) - new


def verdict_detail(verdict: Verdict) -> dict[str, object]:
    """The whole verdict as JSON-ready data, kept with each stored verdict."""
    return dataclasses.asdict(verdict)


def verdict_from_detail(detail: dict[str, Any]) -> Verdict:
    """The verdict back from its stored detail (the inverse of :func:`verdict_detail`)."""
    fields = {f.name for f in dataclasses.fields(Verdict)}
    values = {k: v for k, v in detail.items() if k in fields}
    values["kind"] = Kind(values["kind"])
    values["recipients"] = tuple(Recipient(**r) for r in values.get("recipients", ()))
    values["refs"] = tuple(Ref(RefKind(r["kind"]), r["value"]) for r in values.get("refs", ()))
    return Verdict(**values)


@dataclass(frozen=True)
class Matcher:
    """Correlation with the staff decisions in force (they survive every re-run)."""

    index: ProbeIndex
    decisions: Decisions
    linked_probes: dict[str, int]  # token -> probe id, for every staff link in force

    @classmethod
    def load(cls, session: Session, shared_domains: Iterable[str]) -> Matcher:
        index = ProbeIndex.build(probe_keys(session, CORRELATION_HORIZON),
                                 shared_domains)
        decisions = Decisions.from_log(overrides(session))
        linked = {link.token: probe_id for link in decisions.links.values() if link.token
                  for probe_id in [probe_id_by_token(session, link.token)]
                  if probe_id is not None}
        return cls(index, decisions, linked)

    def match(self, message: int, verdict: Verdict, received_at: datetime) -> Match:
        effective = effective_verdict(message, verdict, self.decisions)
        automatic = correlate(effective, received_at, self.index)
        return decided_match(message, automatic, self.linked_probes, self.decisions)


def process_messages(factory: Database, clock: Clock, message_ids: list[int] | None = None,
                     shared_domains: Iterable[str] = SHARED_DOMAINS) -> ProcessSummary:
    """Classify and correlate ``message_ids`` (default: those without a verdict yet)."""
    summary = ProcessSummary()
    with factory() as session:
        ids = unclassified_message_ids(session) if message_ids is None else message_ids
        matcher = Matcher.load(session, shared_domains)
    for start in range(0, len(ids), 200):
        with factory() as session, session.begin():
            _process_chunk(session, ids[start:start + 200], matcher, clock(), summary)
    return summary


def rematch_messages(factory: Database, clock: Clock, message_ids: list[int],
                     shared_domains: Iterable[str] = SHARED_DOMAINS) -> list[Match]:
    """Correlate stored verdicts again (after a staff decision), without reclassifying."""
    with factory() as session, session.begin():
        matcher = Matcher.load(session, shared_domains)
        matches = [(pk, matcher.match(pk, verdict_from_detail(detail), received_at))
                   for pk, detail, received_at in stored.current_details(session, message_ids)]
        save_matches(session, matches, clock())
    return [m for _, m in matches]


def _process_chunk(session: Session, ids: list[int], matcher: Matcher, now: datetime,
                   summary: ProcessSummary) -> None:
    verdicts = []
    matches = []
    for pk, raw, received_at in message_raws(session, ids):
        verdict = classify(raw)
        match = matcher.match(pk, verdict, received_at)
        verdicts.append((pk, verdict, verdict_detail(verdict)))
        matches.append((pk, match))
        summary.classified += 1
        summary.by_kind[verdict.kind.value] = summary.by_kind.get(verdict.kind.value, 0) + 1
        if match.review is not None:
            summary.review += 1
        elif match.probe_id is not None:
            summary.matched += 1
    save_verdicts(session, verdicts, now)
    save_matches(session, matches, now)


@dataclass
class PollSummary:
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    folders: dict[str, int] = field(default_factory=dict)
    skipped_folders: list[str] = field(default_factory=list)


def poll_once(factory: Database, settings: ImapSettings, clock: Clock) -> PollSummary:
    """Fetch what arrived since the stored high-water marks; each batch is committed with
    its new mark, so a dropped connection loses nothing and repeats nothing."""
    from mailprobe.poll import FolderMark, ImapPoller, folders_to_read  # imapclient: lazily

    summary = PollSummary()
    account = _account(settings)
    with ImapPoller(settings) as poller:
        for folder in folders_to_read(settings.folders, poller.junk_folders()):
            if not poller.has_folder(folder):
                summary.skipped_folders.append(folder)
                continue
            with factory() as session:
                mark = folder_mark(session, account, folder)
            start = FolderMark(*mark) if mark else None
            for batch in poller.fetch_new(folder, start, settings.batch):
                _store_fetched(factory, account, batch, clock, summary)
    return summary


def _account(settings: ImapSettings) -> str:
    return f"{settings.username}@{settings.host}:{settings.port}"


def _store_fetched(factory: Database, account: str, batch: FetchBatch,
                   clock: Clock, summary: PollSummary) -> None:
    source = f"imap:{account}/{batch.folder}"
    fetched = [NewMessage(m.raw, source, m.internaldate, clock(), batch.folder,
                          batch.uidvalidity, m.uid) for m in batch.messages]
    # One transaction: the batch's raw bytes and the mark that covers them (no mail lost).
    with factory() as session, session.begin():
        for _, is_new in store_messages(session, fetched):
            summary.new += is_new
            summary.duplicates += not is_new
        set_folder_mark(session, account, batch.folder, batch.mark.uidvalidity,
                        batch.mark.last_uid, clock())
    summary.fetched += len(batch.messages)
    summary.folders[batch.folder] = summary.folders.get(batch.folder, 0) + len(batch.messages)


def watch_loop(factory: Database, settings: ImapSettings, clock: Clock, *,
               max_seconds: float | None = None,
               on_cycle: Callable[[PollSummary, ProcessSummary], None] | None = None,
               max_backoff: float = 300.0,
               shared_domains: Iterable[str] = SHARED_DOMAINS) -> None:
    """Poll, then wait for new mail (IDLE where offered), forever or for ``max_seconds``.

    A lost connection is retried with exponential back-off (1 s doubling to
    ``max_backoff``); a refused login is not retried (AuthError propagates)."""
    from mailprobe.poll import ImapPoller

    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    backoff = 1.0
    while deadline is None or time.monotonic() < deadline:
        try:
            polled = poll_once(factory, settings, clock)
            processed = process_messages(factory, clock, shared_domains=shared_domains)
            if on_cycle is not None:
                on_cycle(polled, processed)
            backoff = 1.0
            with factory() as session:
                mark = folder_mark(session, _account(settings), settings.folders[0])
            with ImapPoller(settings) as poller:
                poller.idle_wait(settings.folders[0], _remaining(deadline, settings.idle_seconds),
                                 known_uid=mark[1] if mark else None)
        except AuthError:
            raise
        except ServerUnreachable as error:
            log.warning("IMAP connection lost (%s); retrying in %.0f s", error, backoff)
            time.sleep(min(backoff, _remaining(deadline, backoff)))
            backoff = min(backoff * 2, max_backoff)


def _remaining(deadline: float | None, cap: float) -> float:
    if deadline is None:
        return cap
    return max(0.0, min(cap, deadline - time.monotonic()))
