"""The typed ORM: registry, campaigns, the send ledger, messages, verdicts and the logs."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so normalise here)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; mailprobe keeps aware UTC times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class UnitRow(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    category: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MailboxRow(Base):
    __tablename__ = "mailbox"
    __table_args__ = (UniqueConstraint("unit_pk", "type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_pk: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    type: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(320))
    channel: Mapped[str] = mapped_column(String(8), default="email", server_default="email")
    form_url: Mapped[str | None] = mapped_column(String(320))


class AddressChangeRow(Base):
    """Every change of a published address, so rounds can be compared through history."""

    __tablename__ = "address_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailbox.id"), index=True)
    old_address: Mapped[str | None] = mapped_column(String(320))
    new_address: Mapped[str | None] = mapped_column(String(320))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    source: Mapped[str] = mapped_column(String(512))


class CampaignRow(Base):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    template: Mapped[str] = mapped_column(String(128))
    mailbox_types: Mapped[str] = mapped_column(String(64))
    window_days: Mapped[int] = mapped_column(Integer)
    deadline_days: Mapped[int | None] = mapped_column(Integer)  # on-time rule; None: config
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Lifecycle (docs/design.md §1): draft -> launched -> closed | cancelled.
    state: Mapped[str] = mapped_column(String(16), server_default="draft")
    seed: Mapped[int | None] = mapped_column(BigInteger)  # the variants were dealt with it
    launched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    message_id_domain: Mapped[str | None] = mapped_column(String(255))  # fixed at launch
    unit_spacing_minutes: Mapped[int] = mapped_column(Integer, server_default="0")


class ProbeRow(Base):
    """The send ledger: one row per (campaign, mailbox), committed before any SMTP."""

    __tablename__ = "probe"
    # state and message_id are deliberately not indexed: every send updates them, and no
    # query needs them (db/versions/0002: PostgreSQL's updates then stay heap-only, with the
    # fillfactor of 70 that migration sets).
    __table_args__ = (UniqueConstraint("campaign_id", "mailbox_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailbox.id"), index=True)
    address: Mapped[str] = mapped_column(String(320))
    token: Mapped[str] = mapped_column(String(16), unique=True)
    message_id: Mapped[str] = mapped_column(String(255))
    template: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    not_before: Mapped[datetime | None] = mapped_column(UtcDateTime())  # unit spacing
    reply_code: Mapped[int | None] = mapped_column(Integer)
    reply_text: Mapped[str] = mapped_column(Text, default="")
    queue_id: Mapped[str | None] = mapped_column(String(64))
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # A web-form probe: `address` holds the form URL, `accepted_at` the submission time.
    channel: Mapped[str] = mapped_column(String(8), default="email", server_default="email")
    query_code: Mapped[str | None] = mapped_column(String(128))


class MessageRow(Base):
    """A fetched or ingested message: raw bytes kept, stored before classification."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    raw: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    size: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(512))
    folder: Mapped[str | None] = mapped_column(String(255))
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    uid: Mapped[int | None] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # "web": an answer read on a query page or recorded by staff (raw = the page's HTML or
    # the text given); never re-run through the mail classifier.
    channel: Mapped[str] = mapped_column(String(8), default="email", server_default="email")


class VerdictRow(Base):
    """One classification of a message; reclassify appends, the newest is ``current``."""

    __tablename__ = "verdict"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    subkind: Mapped[str | None] = mapped_column(String(32))
    detector: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(16))
    is_hard: Mapped[bool | None] = mapped_column(Boolean)
    is_sender_side: Mapped[bool] = mapped_column(Boolean, default=False)
    is_substantive: Mapped[bool | None] = mapped_column(Boolean)
    sender: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    detail_json: Mapped[str] = mapped_column(Text, default="{}")


class MatchRow(Base):
    """The probe a message belongs to, and the evidence that tied them (one per message)."""

    __tablename__ = "match"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("message.id"), unique=True)
    probe_id: Mapped[int | None] = mapped_column(ForeignKey("probe.id"), index=True)
    evidence: Mapped[str] = mapped_column(String(32))
    matched_by: Mapped[str] = mapped_column(String(16), default="auto")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # db/versions/0004: high | low (None: unmatched); why it waits for staff (None: credited)
    confidence: Mapped[str | None] = mapped_column(String(8))
    review: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class FolderStateRow(Base):
    """UIDVALIDITY and the UID high-water mark of one IMAP folder."""

    __tablename__ = "folder_state"
    __table_args__ = (UniqueConstraint("account", "folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(320))
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger)
    polled_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OverrideRow(Base):
    """Append-only log of staff decisions; reports cite it."""

    __tablename__ = "override"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(255))
    value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")


class ScoreRunRow(Base):
    """A stored score with the rubric that produced it, so old rankings can be reproduced."""

    __tablename__ = "score_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    is_provisional: Mapped[bool] = mapped_column(Boolean)
    rubric_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)


class RunLockRow(Base):
    """The lock that keeps two overlapping `mailprobe run` apart, on any backend."""

    __tablename__ = "run_lock"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    renewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # the holder's lease


class RunSummaryRow(Base):
    """What one `mailprobe run` did, so that staff (and a console) can see the last runs."""

    __tablename__ = "run_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime())
    holder: Mapped[str] = mapped_column(String(255))
    sent: Mapped[int] = mapped_column(Integer)  # probes accepted by the server in this run
    polled: Mapped[int | None] = mapped_column(Integer)  # None: IMAP not configured
    classified: Mapped[int] = mapped_column(Integer)
    closed: Mapped[int] = mapped_column(Integer)
    scored: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer)
    exit_code: Mapped[int] = mapped_column(Integer)
    detail_json: Mapped[str] = mapped_column(Text)
