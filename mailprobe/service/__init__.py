"""Orchestration shared by the CLI and a console: each function opens what it needs, does one
command's work and returns plain dataclasses. Only these modules (and the pipeline stages
they call) touch mailprobe.store; cli.py parses, calls one of them and prints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from mailprobe.config import Settings
from mailprobe.store import Database
from mailprobe.store.session import open_database, safe_url

Clock = Callable[[], datetime]

__all__ = ["Clock", "Database", "open_db", "safe_db_url", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def open_db(settings: Settings) -> Database:
    """The session factory of the configured database, migrated to the newest schema."""
    return open_database(settings.database.url)


def safe_db_url(settings: Settings) -> str:
    """The database URL with any password masked, for messages."""
    return safe_url(settings.database.url)
