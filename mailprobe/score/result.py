"""What score_campaign returns: a tree of frozen dataclasses with one JSON form (to_dict).

The JSON form is the contract documented in docs/report-schema.json; datetimes become ISO
8601 strings in UTC, enums their values.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from mailprobe.score.outcome import Outcome
from mailprobe.score.types import ExcludedUnit, MessageFacts, OverrideEntry
from mailprobe.score.workcal import WorkSpan

if TYPE_CHECKING:
    from mailprobe.score.deadlines import DeadlineSummary

SCHEMA_VERSION = "mailprobe-report/2"


@dataclass(frozen=True)
class ProbeScore:
    """One probe's outcome, components (0-1), mailbox score (0-100) and latencies."""

    probe_id: int
    unit_id: str
    unit_name: str
    category: str
    mailbox_type: str
    address: str | None
    send_state: str
    token: str
    code: str
    accepted_at: datetime | None
    outcome: Outcome
    is_charged: bool  # False: our side's failure or not sent; listed for re-probe
    is_censored: bool  # no human reply yet while this probe's window is open
    delivery: float
    response: float
    timeliness: float
    score: float | None  # None when not charged
    bounce_reason: str | None
    bounce_status: str | None
    bounce_detector: str | None
    first_auto_reply_at: datetime | None
    first_human_reply_at: datetime | None
    human_latency: WorkSpan | None
    auto_latency: WorkSpan | None
    deadline_at: datetime | None  # end of the reply window (working days after accepted_at)
    flags: tuple[str, ...]
    channel: str = "email"  # "form": a web form submitted by staff


@dataclass(frozen=True)
class UnitScore:
    """One unit: 0.5 public + 0.5 leader (by default), rank within its category, flags."""

    unit_id: str
    name: str
    category: str
    public_score: float | None
    leader_score: float | None
    public_outcomes: tuple[Outcome, ...]
    leader_outcomes: tuple[Outcome, ...]
    score: float | None  # None: a published mailbox type has no chargeable probe yet
    points: float | None
    rank: int | None
    probes: int  # charged probes to published mailboxes (the Wilson n)
    human_replies: int
    reply_rate: float | None
    reply_low: float | None
    reply_high: float | None
    evidence_class: str  # answers | does_not_answer | insufficient_evidence
    median_latency_hours: float | None
    flags: tuple[str, ...]
    is_provisional: bool
    # Schema 2: messages awaiting review (credited to no probe), low-confidence matches
    # among them, and probes with a human reply + hard bounce conflict.
    pending_review: int = 0
    low_confidence_matches: int = 0
    conflicts: int = 0


@dataclass(frozen=True)
class Quantiles:
    """Median / P75 / P90 (linear interpolation between order statistics) over n values."""

    n: int
    median: float | None
    p75: float | None
    p90: float | None


@dataclass(frozen=True)
class KMPoint:
    """A step of the Kaplan-Meier reply curve: share replied by ``hours`` working hours."""

    hours: float
    reply_share: float
    at_risk: int
    events: int


@dataclass(frozen=True)
class TypeStats:
    """Per mailbox type: published, dead (delivery failed), silent (no reply at all), ..."""

    mailbox_type: str
    published: int
    charged: int
    delivered: int
    dead: int
    silent: int
    human_replies: int
    dead_or_silent_share: float | None


@dataclass(frozen=True)
class GroupStats:
    """Campaign statistics for all probes or one category (rates are shares 0-1)."""

    label: str
    units: int
    probes: int
    published: int
    sent: int
    delivered: int
    hard_bounces: int
    soft_bounces: int
    sender_side: int
    uncertain: int
    not_sent: int
    auto_ack_any: int
    auto_ack_only: int
    human_replies: int
    substantive: int
    outcome_counts: dict[str, int]
    hard_bounce_rate: float | None
    soft_bounce_rate: float | None
    sender_side_rate: float | None
    delivery_rate: float | None
    auto_ack_rate: float | None
    human_reply_rate_sent: float | None
    human_reply_rate_delivered: float | None
    substantive_rate: float | None
    latency_hours: Quantiles
    latency_days: Quantiles
    auto_latency_hours: Quantiles
    within_days: dict[str, float | None]  # "3" -> share of delivered answered within 3 days
    km: tuple[KMPoint, ...]
    latency_estimated: bool
    units_no_effective_channel: int
    units_overdue: int
    units_leader_never_answered: int
    units_scored: int
    mean_unit_score: float | None
    by_type: tuple[TypeStats, ...]
    # Schema 2, as for units; "all" adds the messages tied to no probe (unit unknown).
    pending_review: int = 0
    low_confidence_matches: int = 0
    conflicts: int = 0


@dataclass(frozen=True)
class CampaignScore:
    """Everything the reports show about one campaign, provisional while the window is open."""

    campaign: str
    generated_at: datetime
    window_days: int
    window_closes_at: datetime | None
    is_provisional: bool
    calendar: dict[str, Any]
    rubric: dict[str, Any]
    categories: tuple[str, ...]
    stats: GroupStats
    category_stats: tuple[GroupStats, ...]
    units: tuple[UnitScore, ...]  # per category in rank order, unranked last
    probes: tuple[ProbeScore, ...]
    messages: tuple[MessageFacts, ...]
    overrides: tuple[OverrideEntry, ...]
    excluded_units: tuple[ExcludedUnit, ...]
    schema: str = SCHEMA_VERSION
    deadlines: DeadlineSummary | None = None  # on-time rates and veto flags

    def to_dict(self) -> dict[str, Any]:
        """The JSON form described by docs/report-schema.json."""
        out = jsonable(self)
        assert isinstance(out, dict)
        return out

    def category_units(self, category: str) -> list[UnitScore]:
        return [u for u in self.units if u.category == category]


def jsonable(value: Any) -> Any:
    """Dataclasses -> dicts, datetimes -> ISO UTC strings, enums -> values, tuples -> lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    return value
