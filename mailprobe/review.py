"""Review and staff decisions: what waits for staff, deciding in one step, and why a
message was matched as it was. Returns plain dataclasses (the CLI and a console share them).

A message waits for review with one reason (docs/design.md §3): ``unmatched`` (nothing
ties it to a probe), ``low_confidence`` (only the unit's domain does), ``unknown_kind``
(the classifier could not say what it is) or ``conflict`` (a human reply and a hard
bounce for the same probe). Staff decide with override actions, appended to the log:
``link`` (to a probe, by its code), ``unlink`` (to no probe), ``kind``, ``substantive``,
``exclude`` (a unit). A decision already in force is not logged twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailprobe.correlate import CONFLICT, SHARED_DOMAINS
from mailprobe.decisions import (
    EXCLUDE,
    KIND,
    KINDS,
    LINK,
    NOT_A_REPLY,
    SUBSTANTIVE,
    UNLINK,
    Credited,
    Decisions,
    LogEntry,
    settle,
    token_of,
)
from mailprobe.errors import InputError
from mailprobe.model import Kind
from mailprobe.pipeline import rematch_messages
from mailprobe.store import Database, Session
from mailprobe.store import review as stored
from mailprobe.store.messages import verdict_history
from mailprobe.store.overrides import add_override, overrides
from mailprobe.store.units import list_units
from mailprobe.token import code, is_token, normalise_code

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ReviewItem:
    """A message waiting for staff, with the probe it may belong to (if any)."""

    message: int
    reason: str  # unmatched | low_confidence | unknown_kind | conflict
    received_at: datetime
    kind: str
    detector: str
    sender: str | None
    subject: str
    source: str
    candidate: str | None  # the candidate probe's code MP-XXXXX-XXXXX
    unit_id: str | None
    unit_name: str | None
    campaign: str | None
    evidence: str  # what tied it (or failed to), in words
    conflict_with: tuple[int, ...] = ()  # the other messages of a conflict


def review_items(factory: Database) -> list[ReviewItem]:
    """Every message waiting for staff, oldest first."""
    with factory() as session:
        decisions = Decisions.from_log(overrides(session))
        messages = stored.matched_messages(session)
        conflicts = _conflicts(messages, decisions)
        waiting = [m for m in messages if m.review is not None or m.message in conflicts]
        refs = stored.probe_refs(session, [m.probe_id for m in waiting if m.probe_id])
    return [_item(m, refs.get(m.probe_id) if m.probe_id else None, conflicts.get(m.message))
            for m in waiting]


def _conflicts(messages: list[stored.MatchedMessage],
               decisions: Decisions) -> dict[int, tuple[int, ...]]:
    """Message -> all messages of its conflict, for conflicts no staff decision covers."""
    credited = [Credited(m.message, m.probe_id, decisions.kinds.get(m.message, m.kind),
                         bool(m.is_hard), decisions.is_decided(m.message))
                for m in messages if m.review is None and m.probe_id is not None]
    settlement = settle(credited)
    return {m: group for group in settlement.conflicts.values() for m in group}


def _item(m: stored.MatchedMessage, probe: stored.ProbeRef | None,
          conflict: tuple[int, ...] | None) -> ReviewItem:
    reason = m.review or CONFLICT
    evidence = m.note
    if conflict:
        evidence = ("a human reply and a hard bounce for the same probe: messages "
                    + ", ".join(f"#{n}" for n in conflict))
    return ReviewItem(
        m.message, reason, m.received_at, m.kind, m.detector, m.sender, m.subject, m.source,
        code(probe.token) if probe else None, probe.unit_id if probe else None,
        probe.unit_name if probe else None, probe.campaign if probe else None, evidence,
        tuple(n for n in conflict or () if n != m.message))


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Logged:
    """One decision: the log entry in force, and whether this call added it."""

    entry: int
    at: datetime
    actor: str
    action: str
    target: str
    value: str  # as shown: a link shows the probe's code
    reason: str
    added: bool  # False: the same decision was already in force; nothing was appended


@dataclass(frozen=True)
class Resolution:
    """What a one-step decision on a review item logged, and where the message stands."""

    message: int
    logged: tuple[Logged, ...]
    probe: str | None  # code of the probe the message now counts for
    review: str | None  # the reason it still waits for staff, if it does


def decide(factory: Database, clock: Clock, action: str, target: str, value: str, *,
           actor: str, reason: str,
           shared_domains: Iterable[str] = SHARED_DOMAINS) -> Logged:
    """Log one staff decision (refused when it does not fit) and apply it at once."""
    _require_who_and_why(actor, reason)
    with factory() as session, session.begin():
        logged = _decide(session, clock(), action, target, value, actor, reason)
    if action != EXCLUDE:
        rematch_messages(factory, clock, [int(target)], shared_domains)
    return logged


def resolve(factory: Database, clock: Clock, message: int, *, accept: bool = False,
            link: str | None = None, unlink: bool = False, kind: str | None = None,
            substantive: str | None = None, actor: str, reason: str,
            shared_domains: Iterable[str] = SHARED_DOMAINS) -> Resolution:
    """Decide a review item in one step: its kind, its probe (the candidate with
    ``accept``, another by code with ``link``, none with ``unlink``), its substance."""
    _require_who_and_why(actor, reason)
    if sum((accept, link is not None, unlink)) > 1:
        raise InputError("give one of --accept, --link CODE, --unlink")
    if not (accept or link or unlink or kind or substantive):
        raise InputError("say what to decide: --accept, --link CODE, --unlink, --kind KIND "
                         "or --substantive yes|no")
    steps: list[tuple[str, str]] = []
    if kind is not None:
        steps.append((KIND, kind))
    if unlink:
        steps.append((UNLINK, ""))
    with factory() as session, session.begin():
        if accept:
            steps.append((LINK, _candidate(session, message)))
        elif link is not None:
            steps.append((LINK, link))
        if substantive is not None:
            steps.append((SUBSTANTIVE, substantive))
        now = clock()
        logged = tuple(_decide(session, now, action, str(message), value, actor, reason)
                       for action, value in steps)
    credited = [m.credited for m in rematch_messages(factory, clock, [message], shared_domains)]
    waiting = {i.message: i.reason for i in review_items(factory)}
    with factory() as session:
        probes = stored.probe_refs(session, [p for p in credited if p is not None])
    probe = next(iter(probes.values()), None)
    return Resolution(message, logged, code(probe.token) if probe else None,
                      waiting.get(message))


def _require_who_and_why(actor: str, reason: str) -> None:
    if not actor.strip():
        raise InputError("say who decides: --actor NAME ($USER is not set); "
                         "the log keeps who decided what")
    if not reason.strip():
        raise InputError("--reason is required: reports cite every override")


def _candidate(session: Session, message: int) -> str:
    found = _stored_message(session, message)
    if found.probe_id is None:
        raise InputError(f"message {message} has no candidate probe; link it by code "
                         f"(--link MP-XXXXX-XXXXX) or --unlink it")
    probe = stored.probe_refs(session, [found.probe_id])[found.probe_id]
    return code(probe.token)


def _decide(session: Session, now: datetime, action: str, target: str, value: str,
            actor: str, reason: str) -> Logged:
    value = _checked(session, action, target, value)
    log = overrides(session)
    decisions = Decisions.from_log(log)
    if decisions.in_force(action, target, value):
        same = [e for e in log if e.target == target and _same(e, action, value)]
        return _logged(same[-1], added=False)
    entry = add_override(session, now, actor.strip(), action, target, value, reason)
    return _logged(entry, added=True)


def _same(entry: LogEntry, action: str, value: str) -> bool:
    if entry.action != action:
        return False
    return token_of(entry.value) == token_of(value) if action == LINK else entry.value == value


def _checked(session: Session, action: str, target: str, value: str) -> str:
    """The value to log, or InputError when the decision does not fit its target."""
    if action == EXCLUDE:
        if not any(u.unit_id == target for u in list_units(session)):
            raise InputError(f"no unit {target}; see `mailprobe units list`")
        return value
    if not target.isdigit():
        raise InputError(f"{action} takes a stored message number, not {target!r}")
    message = _stored_message(session, int(target))
    if action == LINK:
        return _probe_code(session, value)
    if action == KIND and value not in KINDS:
        raise InputError(f"kind {value!r} is not one of {', '.join(KINDS)}")
    if action == SUBSTANTIVE:
        return _checked_substantive(session, message, value)
    if action not in (UNLINK, KIND):
        raise InputError(f"unknown override action {action!r}")
    return value


def _stored_message(session: Session, message: int) -> stored.MatchedMessage:
    found = stored.matched_messages(session, message_pks=[message])
    if not found:
        raise InputError(f"no stored message {message}; see `mailprobe review`")
    return found[0]


def _probe_code(session: Session, typed: str) -> str:
    token = normalise_code(typed)
    probe = stored.probe_by_token(session, token) if token else None
    if probe is None:
        raise InputError(f"no probe with code {typed!r}; the code is in the probe's subject, "
                         "e.g. MP-B4Y25-EQMC3 (see `mailprobe campaign preview`)")
    return code(probe.token)


def _checked_substantive(session: Session, message: stored.MatchedMessage,
                         value: str) -> str:
    if value not in ("yes", "no"):
        raise InputError("substantive takes yes or no")
    decisions = Decisions.from_log(overrides(session))
    kind = decisions.kinds.get(message.message, message.kind)
    if kind != Kind.HUMAN_REPLY:
        shown = "not a reply" if kind == NOT_A_REPLY else kind
        raise InputError(
            f"message {message.message} is {shown}, not a human reply; only a human reply "
            f"can be substantive (if it is one: mailprobe override kind {message.message} "
            "human_reply)")
    return value


def _logged(entry: LogEntry, *, added: bool) -> Logged:
    return Logged(entry.id, entry.at, entry.actor, entry.action, entry.target,
                  shown_value(entry), entry.reason, added)


def shown_value(entry: LogEntry) -> str:
    """A link shows the probe's code (older logs kept the bare token)."""
    if entry.action == LINK and is_token(token_of(entry.value)):
        return code(token_of(entry.value))
    return entry.value


def decision_log(factory: Database) -> list[Logged]:
    """The whole append-only log, oldest first."""
    with factory() as session:
        return [_logged(e, added=True) for e in overrides(session)]


# ---------------------------------------------------------------- explain


@dataclass(frozen=True)
class Explanation:
    """Why a message was classified and matched as it was."""

    message: int
    verdicts: list[dict[str, Any]]  # oldest first; the last one is current
    match: dict[str, Any] | None  # probe, code, unit, evidence, confidence, review, by
    decisions: tuple[Logged, ...]  # the staff decisions about this message

    @property
    def web_answer(self) -> dict[str, Any] | None:
        """The evidence of a web answer (URL, fetched at, text, basis; docs/web.md)."""
        detail: dict[str, Any] = self.verdicts[-1]["detail"]
        return detail if detail.get("channel") == "web" else None


def explain(factory: Database, message: int) -> Explanation:
    with factory() as session:
        history = verdict_history(session, message)
        if not history:
            raise InputError(f"no stored message {message}; see `mailprobe review`")
        found = _stored_message(session, message)
        probe = (stored.probe_refs(session, [found.probe_id]).get(found.probe_id)
                 if found.probe_id is not None else None)
        decided = tuple(_logged(e, added=True) for e in overrides(session)
                        if e.target == str(message) and e.action != EXCLUDE)
    verdicts = [{"at": v.created_at.isoformat(), "current": v.is_current, "kind": v.kind,
                 "detector": v.detector, "reason": v.reason, "status": v.status,
                 "evidence": v.evidence, "detail": json.loads(v.detail_json)}
                for v in history]
    return Explanation(message, verdicts, _match_view(found, probe), decided)


def _match_view(found: stored.MatchedMessage,
                probe: stored.ProbeRef | None) -> dict[str, Any] | None:
    if found.correlation is None:
        return None
    return {"probe": probe.probe_id if probe else None,
            "code": code(probe.token) if probe else None,
            "token": probe.token if probe else None,
            "address": probe.address if probe else None,
            "unit_id": probe.unit_id if probe else None,
            "campaign": probe.campaign if probe else None,
            "evidence": found.correlation, "confidence": found.confidence,
            "review": found.review, "note": found.note,
            "credited": found.review is None and probe is not None,
            "by": found.matched_by}

