"""Frozen dataclasses and enums that flow between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

MAILBOX_TYPES: tuple[str, ...] = ("public", "leader")
CHANNELS: tuple[str, ...] = ("email", "form")  # how a mailbox takes a probe
DEFAULT_CATEGORIES: tuple[str, ...] = ("county_district", "city_department")


@dataclass(frozen=True)
class Mailbox:
    """One published mailbox of a unit; ``address`` is None when the unit publishes none.

    ``form_url`` is the role's web form (领导信箱 published as a form); a mailbox with a form
    and no address is probed through the form (``channel`` "form")."""

    type: str  # one of MAILBOX_TYPES
    address: str | None
    form_url: str | None = None

    @property
    def channel(self) -> str:
        return "form" if self.address is None and self.form_url is not None else "email"


@dataclass(frozen=True)
class Unit:
    """A unit under assessment, as read from the registry."""

    unit_id: str
    name: str
    category: str
    mailboxes: tuple[Mailbox, ...]
    line: int = 0  # registry line, for messages

    def mailbox(self, type_: str) -> Mailbox | None:
        return next((m for m in self.mailboxes if m.type == type_), None)


@dataclass(frozen=True)
class RowError:
    """A registry row that could not be read; rendered as ``path:line: column "c": problem``."""

    path: str
    line: int
    column: str | None
    problem: str

    def __str__(self) -> str:
        where = f'column "{self.column}": ' if self.column else ""
        fix = "fix the file" if self.problem.startswith("the file") else "fix the row"
        return f"{self.path}:{self.line}: {where}{self.problem}; {fix}"


class Kind(StrEnum):
    """What a returned message is. The values are the ``classify --json`` contract."""

    BOUNCE = "bounce"
    DELAY = "delay"
    AUTO_REPLY = "auto_reply"
    HUMAN_REPLY = "human_reply"
    FEEDBACK_REPORT = "feedback_report"
    UNKNOWN = "unknown"
    UNPARSEABLE = "unparseable"


class RefKind(StrEnum):
    """Evidence that ties a message to a probe, strongest first (correlate.py tries in order)."""

    RETURN_PATH = "return_path"  # token in our VERP address (To / Delivered-To / X-Original-To)
    RETURNED_ORIGINAL = "returned_original"  # token / Message-ID inside the returned original
    IN_REPLY_TO = "in_reply_to"  # In-Reply-To / References names a probe Message-ID
    CODE = "code"  # the human-readable probe code in subject or body
    SENDER_WINDOW = "sender+window"  # sender address or domain within the window (no ref needed)


@dataclass(frozen=True)
class Ref:
    """One piece of probe evidence found in a message: a token or a Message-ID."""

    kind: RefKind
    value: str  # a probe token (lower case) or a Message-ID without angle brackets


@dataclass(frozen=True)
class Recipient:
    """One failed (or delayed) recipient reported by a bounce."""

    address: str
    status: str | None = None  # enhanced status found in the message, never invented
    reason: str | None = None  # Sisimai reason name
    hard: bool | None = None
    diagnostic: str = ""
    sender_side: bool = False  # the reason points at our sender, not the unit


@dataclass(frozen=True)
class Verdict:
    """The classifier's judgement of one message, with the evidence that decided it."""

    kind: Kind
    detector: str
    recipients: tuple[Recipient, ...] = ()
    refs: tuple[Ref, ...] = ()
    # auto_reply: "out_of_office" | "acknowledgement"; unknown: "delivered" | "read_receipt"
    subkind: str | None = None
    evidence: str = ""  # the matched phrase or header, for `mailprobe explain`
    reply_text: str | None = None  # human replies: the new text without the quoted probe
    substantive: bool | None = None  # human replies: False for bare acknowledgements
    error: str | None = None  # unparseable: why
    sender: str | None = None  # From address, lower case
    subject: str = ""
    message_id: str | None = None
    # bounces: the Message-ID of the returned original (lower case, no brackets), if returned
    original_message_id: str | None = None
    # unknown: the kinds the evidence pointed at (e.g. ("bounce",)), kept for review
    candidates: tuple[str, ...] = ()

    @property
    def probe_refs(self) -> list[str]:
        return [r.value for r in self.refs]


class SendState(StrEnum):
    """Ledger state of one probe. The values are the ``campaign status --json`` contract."""

    PENDING = "pending"
    SENDING = "sending"
    ACCEPTED = "accepted"
    DEFERRED = "deferred"
    REJECTED = "rejected"
    UNCERTAIN = "uncertain"
    MANUAL = "manual"  # a web form waiting for staff to submit it by hand
    SUBMITTED = "submitted"  # a web form submitted by staff; latency starts then
    UNUSABLE = "unusable"  # the channel cannot take a probe (docs/design.md §2)
    CANCELLED = "cancelled"  # the campaign was cancelled before this probe was sent


# Probe states a send may claim (store.ledger.mark_sending); any other state is never sent.
DUE_STATES: tuple[str, ...] = (SendState.PENDING, SendState.DEFERRED)


class CampaignState(StrEnum):
    """docs/design.md §1: draft -> launched -> closed, or cancelled."""

    DRAFT = "draft"
    LAUNCHED = "launched"
    CLOSED = "closed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class SendOutcome:
    """What one SMTP transaction ended in."""

    state: SendState  # ACCEPTED, DEFERRED, REJECTED or UNCERTAIN
    code: int | None = None
    reply: str = ""
    queue_id: str | None = None
    at: datetime | None = None  # aware UTC time of the server's final reply
    recipient_refused: bool = False  # 5xx at RCPT (vs after DATA)
    extra: dict[str, str] = field(default_factory=dict)
