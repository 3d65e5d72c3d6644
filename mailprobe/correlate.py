"""Tie a classified message to the probe it answers, by evidence in a fixed order. Pure.

Order (Mailman's, VERP first; DOMAIN.md): token in our return address → token or
Message-ID inside the returned original → In-Reply-To/References → the code in subject
or body → the sender (or a bounce's failed recipient) within the campaign window →
otherwise the review list. The evidence used is returned with every match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mailprobe.model import Kind, RefKind, Verdict

REVIEW = "review"
RECIPIENT_WINDOW = "recipient+window"


@dataclass(frozen=True)
class ProbeKey:
    """What correlation needs to know of one sent probe."""

    probe_id: int
    token: str
    message_id: str  # without angle brackets, lower case
    address: str  # lower case
    sent_at: datetime | None
    window_ends_at: datetime | None


@dataclass
class ProbeIndex:
    """Lookup tables over the probes that replies may still belong to."""

    by_token: dict[str, ProbeKey] = field(default_factory=dict)
    by_message_id: dict[str, ProbeKey] = field(default_factory=dict)
    by_address: dict[str, list[ProbeKey]] = field(default_factory=lambda: defaultdict(list))
    by_domain: dict[str, list[ProbeKey]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, probes: list[ProbeKey]) -> ProbeIndex:
        index = cls()
        for probe in probes:
            index.by_token[probe.token] = probe
            index.by_message_id[probe.message_id] = probe
            index.by_address[probe.address].append(probe)
            index.by_domain[probe.address.rpartition("@")[2]].append(probe)
        return index


@dataclass(frozen=True)
class Match:
    probe_id: int | None
    evidence: str  # a RefKind value, RECIPIENT_WINDOW, or REVIEW


_REF_ORDER = (RefKind.RETURN_PATH, RefKind.RETURNED_ORIGINAL, RefKind.IN_REPLY_TO, RefKind.CODE)


def correlate(verdict: Verdict, received_at: datetime, index: ProbeIndex) -> Match:
    """Return the probe ``verdict`` belongs to, or a review entry when nothing ties it."""
    for ref_kind in _REF_ORDER:
        for ref in verdict.refs:
            if ref.kind != ref_kind:
                continue
            probe = index.by_token.get(ref.value.lower()) or index.by_message_id.get(
                ref.value.strip("<>").lower())
            if probe is not None:
                return Match(probe.probe_id, ref_kind.value)
    return _match_by_address(verdict, received_at, index)


def _match_by_address(verdict: Verdict, received_at: datetime, index: ProbeIndex) -> Match:
    if verdict.kind in (Kind.BOUNCE, Kind.DELAY):
        for recipient in verdict.recipients:
            probe = _one_in_window(index.by_address.get(recipient.address.lower(), []),
                                   received_at)
            if probe is not None:
                return Match(probe.probe_id, RECIPIENT_WINDOW)
        return Match(None, REVIEW)
    sender = (verdict.sender or "").lower()
    if not sender or verdict.kind in (Kind.UNPARSEABLE, Kind.FEEDBACK_REPORT):
        return Match(None, REVIEW)
    probe = _one_in_window(index.by_address.get(sender, []), received_at)
    if probe is None:
        # Replies often come from a colleague's address at the same unit domain; only
        # a domain with a single probe in the window is unambiguous.
        probe = _one_in_window(index.by_domain.get(sender.rpartition("@")[2], []), received_at)
    if probe is None:
        return Match(None, REVIEW)
    return Match(probe.probe_id, RefKind.SENDER_WINDOW.value)


def _one_in_window(candidates: list[ProbeKey], received_at: datetime) -> ProbeKey | None:
    live = [p for p in candidates if _in_window(p, received_at)]
    return live[0] if len(live) == 1 else None


def _in_window(probe: ProbeKey, received_at: datetime) -> bool:
    if probe.sent_at is None or received_at < probe.sent_at - timedelta(minutes=5):
        return False
    return probe.window_ends_at is None or received_at <= probe.window_ends_at
