"""Fetching and ingesting mail: store, classify, match."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mailprobe.config import Settings
from mailprobe.ingest import iter_messages
from mailprobe.pipeline import (
    PollSummary,
    ProcessSummary,
    poll_once,
    process_messages,
    store_found,
    watch_loop,
)
from mailprobe.service import Clock, open_db, utcnow


@dataclass(frozen=True)
class Polled:
    polled: PollSummary
    processed: ProcessSummary


def poll(settings: Settings, clock: Clock = utcnow) -> Polled:
    """One IMAP pass (read-only), then classify and match what is new."""
    factory = open_db(settings)
    polled = poll_once(factory, settings.imap, clock)
    return Polled(polled, process_messages(factory, clock))


def watch(settings: Settings, max_seconds: float | None,
          on_cycle: Callable[[PollSummary, ProcessSummary], None], clock: Clock = utcnow) -> None:
    """Keep polling (IMAP IDLE or plain polling) with reconnects."""
    watch_loop(open_db(settings), settings.imap, clock, max_seconds=max_seconds,
               on_cycle=on_cycle)


@dataclass(frozen=True)
class Ingested:
    new: int
    duplicates: int
    processed: ProcessSummary


def ingest(settings: Settings, paths: list[Path], clock: Clock = utcnow) -> Ingested:
    """Exported mail through the same store, classify, match path as polled mail."""
    factory = open_db(settings)
    new, dup = store_found(factory, iter_messages(paths), clock)
    return Ingested(new, dup, process_messages(factory, clock))
