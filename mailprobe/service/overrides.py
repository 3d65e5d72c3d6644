"""Staff decisions, appended to the override log that scoring and reports read."""

from __future__ import annotations

from collections.abc import Callable

from mailprobe import token as tokens
from mailprobe.config import Settings
from mailprobe.correlate import Match
from mailprobe.errors import InputError
from mailprobe.service import Clock, open_db, utcnow
from mailprobe.store import Session, queries
from mailprobe.store.queries import Override

__all__ = ["Override", "exclude", "link", "list_overrides", "substantive"]


def _log(settings: Settings, action: str, target: str, value: str, actor: str, reason: str,
         clock: Clock, apply: Callable[[Session], None]) -> Override:
    if not reason.strip():
        raise InputError("--reason is required: reports cite every override")
    with open_db(settings)() as session, session.begin():
        apply(session)
        return queries.add_override(session, clock(), actor or "unknown", action, target,
                                    value, reason)


def _require_message(session: Session, message: int) -> None:
    if not queries.verdict_history(session, message):
        raise InputError(f"no stored message {message}; see `mailprobe review`")


def substantive(settings: Settings, message: int, value: str, actor: str, reason: str,
                clock: Clock = utcnow) -> Override:
    """Mark a human reply substantive (yes) or not (no)."""
    if value not in ("yes", "no"):
        raise InputError("VALUE must be yes or no")
    return _log(settings, "substantive", str(message), value, actor, reason, clock,
                lambda session: _require_message(session, message))


def link(settings: Settings, message: int, probe_code: str, actor: str, reason: str,
         clock: Clock = utcnow) -> Override:
    """Tie an unmatched message to a probe by hand."""
    found = (tokens.tokens_in_codes(probe_code) or [probe_code.lower()])[0]

    def apply(session: Session) -> None:
        probe_id = queries.probe_id_by_token(session, found)
        if probe_id is None:
            raise InputError(f"no probe with code or token {probe_code}")
        _require_message(session, message)
        queries.save_match(session, message, Match(probe_id, "staff"), clock(), "staff")

    return _log(settings, "link", str(message), found, actor, reason, clock, apply)


def exclude(settings: Settings, unit: str, actor: str, reason: str, *, undo: bool = False,
            clock: Clock = utcnow) -> Override:
    """Leave a unit out of scoring and rankings, or (undo) include it again."""

    def apply(session: Session) -> None:
        if not queries.unit_exists(session, unit):
            raise InputError(f"no unit {unit}; see `mailprobe units list`")

    return _log(settings, "exclude", unit, "no" if undo else "yes", actor, reason, clock, apply)


def list_overrides(settings: Settings) -> list[Override]:
    with open_db(settings)() as session:
        return queries.overrides(session)
