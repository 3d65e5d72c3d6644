"""Pure inputs of the scoring stage: the facts the store knows about probes and messages.

The lead's store code converts database rows into these frozen dataclasses; nothing here
reads the clock, the database or a file. Every ``*_at`` value is an aware datetime (UTC by
convention); latency starts at ``accepted_at`` (our SMTP server's ``250``) and ends at the
reply's IMAP INTERNALDATE (docs/scoring.md, "Working time").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mailprobe.score.deadlines import DeadlineRule
    from mailprobe.score.rubric import Rubric

MailboxType = Literal["public", "leader"]
SendStateName = Literal["pending", "sending", "accepted", "deferred", "rejected", "uncertain",
                        "manual", "submitted", "unusable"]


@dataclass(frozen=True)
class BounceFacts:
    """The bounce that decided a probe's delivery (the lead picks the final one)."""

    hard: bool
    reason: str  # Sisimai vocabulary: userunknown, mailboxfull, blocked, spamdetected, ...
    sender_side: bool = False  # classify/ judged it our sender's fault
    status: str | None = None  # enhanced status code as found, e.g. "5.1.1"
    detector: str = ""


@dataclass(frozen=True)
class ProbeFacts:
    """One probe: one message to one mailbox of one unit, with what came back."""

    probe_id: int
    campaign: str
    unit_id: str
    unit_name: str
    category: str
    mailbox_type: MailboxType
    address: str | None  # None: the unit publishes no mailbox of this type
    address_valid: bool = True
    send_state: SendStateName = "pending"
    accepted_at: datetime | None = None
    bounce: BounceFacts | None = None
    delayed: bool = False  # a "still trying" notice came back; never charged
    first_auto_reply_at: datetime | None = None
    first_human_reply_at: datetime | None = None
    human_substantive: bool | None = None  # staff overrides already applied
    token: str = ""
    code: str = ""
    # Messages for this probe awaiting staff review (credited to no probe meanwhile), the
    # low-confidence matches among them, and a human reply + hard bounce conflict.
    pending_review: int = 0
    low_confidence_matches: int = 0
    conflict: bool = False
    channel: str = "email"  # "form": a web form submitted by staff
    latency_at_first_seen: bool = False  # web answer without a published time (flagged)


@dataclass(frozen=True)
class MessageFacts:
    """One received message, for the evidence list of the reports."""

    message_id: int | str
    received_at: datetime
    sender: str
    subject: str
    kind: str  # model.Kind value
    subkind: str | None = None
    reason: str | None = None
    detector: str = ""
    evidence: str = ""
    probe_token: str | None = None
    probe_id: int | None = None
    correlation: str | None = None  # model.RefKind value that tied it to the probe
    confidence: str | None = None  # high | low (None: tied to no probe)
    review: str | None = None  # why it awaits staff review (None: decided or credited)


@dataclass(frozen=True)
class OverrideEntry:
    """One line of the append-only log of staff decisions."""

    at: datetime
    who: str
    action: str
    target: str
    reason: str


@dataclass(frozen=True)
class ExcludedUnit:
    """A unit left out of this campaign, and why (e.g. merged, no consultation channel)."""

    unit_id: str
    name: str
    reason: str
    category: str = ""


@dataclass(frozen=True)
class CampaignInput:
    """Everything score_campaign needs about one campaign (one round)."""

    name: str
    window_days: int
    rubric: Rubric
    probes: Sequence[ProbeFacts]
    messages: Sequence[MessageFacts] = ()
    overrides: Sequence[OverrideEntry] = ()
    excluded_units: Sequence[ExcludedUnit] = ()
    categories: Sequence[str] = field(default=())  # report order; others follow sorted
    unmatched_review: int = 0  # messages tied to no probe, received since the first send
    deadline_rule: DeadlineRule | None = None  # None: the defaults
