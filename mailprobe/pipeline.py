"""Wiring of the receive side: store raw mail, classify it, tie it to probes.

Raw bytes are committed first, in their own transaction, so a classifier bug or a crash
can never lose a fetched message; classification and correlation follow and can be re-run
at any time (`mailprobe reclassify`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from mailprobe.classify import classify
from mailprobe.correlate import REVIEW, ProbeIndex, correlate
from mailprobe.ingest import FoundMessage
from mailprobe.model import Verdict
from mailprobe.store import queries

Clock = Callable[[], datetime]
CORRELATION_HORIZON = timedelta(days=60)  # replies after two months still count (3-month flag)


@dataclass
class ProcessSummary:
    classified: int = 0
    matched: int = 0
    review: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def store_found(factory: sessionmaker[Session], found: Iterable[FoundMessage],
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


def _store_batch(factory: sessionmaker[Session], batch: list[FoundMessage],
                 clock: Clock) -> tuple[int, int]:
    new = 0
    with factory() as session, session.begin():
        for m in batch:
            _, is_new = queries.store_message(session, m.raw, f"file:{m.source}",
                                              m.received_at, clock())
            new += is_new
    return new, len(batch) - new


def verdict_detail(verdict: Verdict) -> dict[str, object]:
    """The whole verdict as JSON-ready data, kept with each stored verdict."""
    return dataclasses.asdict(verdict)


def process_messages(factory: sessionmaker[Session], clock: Clock,
                     message_ids: list[int] | None = None) -> ProcessSummary:
    """Classify and correlate ``message_ids`` (default: those without a verdict yet)."""
    summary = ProcessSummary()
    with factory() as session:
        ids = queries.unclassified_message_ids(session) if message_ids is None else message_ids
        index = ProbeIndex.build(queries.probe_keys(session, CORRELATION_HORIZON))
    for start in range(0, len(ids), 200):
        with factory() as session, session.begin():
            for pk in ids[start:start + 200]:
                _process_one(session, pk, index, clock(), summary)
    return summary


def _process_one(session: Session, pk: int, index: ProbeIndex, now: datetime,
                 summary: ProcessSummary) -> None:
    raw, received_at = queries.message_raw(session, pk)
    verdict = classify(raw)
    queries.save_verdict(session, pk, verdict, verdict_detail(verdict), now)
    match = correlate(verdict, received_at, index)
    queries.save_match(session, pk, match, now)
    summary.classified += 1
    summary.by_kind[verdict.kind.value] = summary.by_kind.get(verdict.kind.value, 0) + 1
    if match.evidence == REVIEW:
        summary.review += 1
    else:
        summary.matched += 1
