"""Staff decisions in force, read from the append-only override log, and the conflict rule.
Pure.

The log keeps every entry; per message and subject the latest entry wins: the probe it
belongs to (``link`` / ``unlink``), what it is (``kind``), whether a human reply is
substantive (``substantive``); per unit, ``exclude``. Decisions are applied after every
classification and correlation, so they survive ``mailprobe reclassify`` (docs/design.md §3).

A conflict is a probe with a human reply and a hard bounce that no staff decision covers
(docs/scoring.md, "Conflicts"): both messages wait for review and neither counts. Once
staff decide on one of them (link it or state its kind), the decided messages count and
the undecided ones of that conflict are set aside.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from mailprobe.correlate import HIGH, STAFF, Match
from mailprobe.model import Kind, Verdict

LINK, UNLINK, KIND, SUBSTANTIVE, EXCLUDE = "link", "unlink", "kind", "substantive", "exclude"
ACTIONS = (LINK, UNLINK, KIND, SUBSTANTIVE, EXCLUDE)
NOT_A_REPLY = "not_a_reply"
KINDS = (Kind.BOUNCE.value, Kind.AUTO_REPLY.value, Kind.HUMAN_REPLY.value, NOT_A_REPLY)


class LogEntry(Protocol):
    """One override log entry as the store returns it."""

    @property
    def id(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def reason(self) -> str: ...


@dataclass(frozen=True)
class Link:
    """A staff link in force: the probe's token (None: the message belongs to no probe)."""

    token: str | None
    entry: int  # the log entry that decided it


@dataclass(frozen=True)
class Decisions:
    """The staff decisions in force, by message number and by unit."""

    links: dict[int, Link]
    kinds: dict[int, str]  # message -> bounce | auto_reply | human_reply | not_a_reply
    substantive: dict[int, bool]
    excluded: dict[str, str]  # unit id -> reason

    @classmethod
    def from_log(cls, entries: Iterable[LogEntry]) -> Decisions:
        links: dict[int, Link] = {}
        kinds: dict[int, str] = {}
        substantive: dict[int, bool] = {}
        excluded: dict[str, str] = {}
        for e in entries:
            message = int(e.target) if e.target.isdigit() else None
            if e.action == EXCLUDE:
                if e.value == "no":
                    excluded.pop(e.target, None)
                else:
                    excluded[e.target] = e.reason
            elif message is None:
                continue
            elif e.action in (LINK, UNLINK):
                links[message] = Link(token_of(e.value) if e.action == LINK else None, e.id)
            elif e.action == KIND:
                kinds[message] = e.value
            elif e.action == SUBSTANTIVE:
                substantive[message] = e.value == "yes"
        return cls(links, kinds, substantive, excluded)

    def is_decided(self, message: int) -> bool:
        """Staff said which probe this message belongs to, or what it is."""
        return message in self.links or message in self.kinds

    def in_force(self, action: str, target: str, value: str) -> bool:
        """True when this exact decision is already the one in force (so not logged again)."""
        message = int(target) if target.isdigit() else None
        if action == EXCLUDE:
            return (target in self.excluded) == (value != "no")
        if message is None:
            return False
        if action == LINK:
            link = self.links.get(message)
            return link is not None and link.token == token_of(value)
        if action == UNLINK:
            link = self.links.get(message)
            return link is not None and link.token is None
        if action == KIND:
            return self.kinds.get(message) == value
        if action == SUBSTANTIVE:
            return self.substantive.get(message) == (value == "yes")
        return False


def token_of(value: str) -> str:
    """The token behind a logged link value (the code ``MP-XXXXX-XXXXX`` or a bare token)."""
    return value.replace("MP-", "").replace("-", "").lower()


def effective_verdict(message: int, verdict: Verdict, decisions: Decisions) -> Verdict:
    """The verdict with a staff ``kind`` applied (``not_a_reply`` keeps the classifier's)."""
    kind = decisions.kinds.get(message)
    if kind is None or kind == NOT_A_REPLY:
        return verdict
    return dataclasses.replace(verdict, kind=Kind(kind))


def decided_match(message: int, automatic: Match, probe_by_token: dict[str, int],
                  decisions: Decisions) -> Match:
    """The automatic match, overruled by a staff link, unlink or ``not_a_reply``."""
    link = decisions.links.get(message)
    if decisions.kinds.get(message) == NOT_A_REPLY:
        return Match(None, STAFF, HIGH, None, "staff: not a reply to any probe")
    if link is None:
        return automatic
    if link.token is None:
        return Match(None, STAFF, HIGH, None,
                     f"staff: belongs to no probe (override #{link.entry})")
    probe_id = probe_by_token.get(link.token)
    if probe_id is None:
        return automatic  # the probe is gone from the index (outside the horizon): keep auto
    return Match(probe_id, STAFF, HIGH, None, f"staff: linked by override #{link.entry}")


@dataclass(frozen=True)
class Credited:
    """One message credited (or waiting to be) to a probe, for the conflict rule."""

    message: int
    probe_id: int
    kind: str
    is_hard: bool
    decided: bool


@dataclass(frozen=True)
class Settlement:
    """Conflicts awaiting staff (probe -> its conflicting messages), and set-aside messages."""

    conflicts: dict[int, tuple[int, ...]]
    set_aside: frozenset[int]

    def pending(self) -> frozenset[int]:
        return frozenset(m for ms in self.conflicts.values() for m in ms)


def settle(items: Sequence[Credited]) -> Settlement:
    """Apply the conflict rule to the messages credited to each probe."""
    by_probe: dict[int, list[Credited]] = defaultdict(list)
    for item in items:
        by_probe[item.probe_id].append(item)
    conflicts: dict[int, tuple[int, ...]] = {}
    set_aside: set[int] = set()
    for probe_id, group in by_probe.items():
        humans = [i for i in group if i.kind == Kind.HUMAN_REPLY]
        hard = [i for i in group if i.kind == Kind.BOUNCE and i.is_hard]
        if not humans or not hard:
            continue
        involved = humans + hard
        if any(i.decided for i in involved):
            set_aside.update(i.message for i in involved if not i.decided)
        else:
            conflicts[probe_id] = tuple(sorted(i.message for i in involved))
    return Settlement(conflicts, frozenset(set_aside))
