"""Received messages: raw bytes kept once, verdicts appended, matches recorded, and where
IMAP polling stopped."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mailprobe.correlate import Match
from mailprobe.model import Verdict
from mailprobe.store.schema import FolderStateRow, MatchRow, MessageRow, ProbeRow, VerdictRow


@dataclass(frozen=True)
class NewMessage:
    """A fetched or ingested message to keep, with where and when it came from."""

    raw: bytes
    source: str
    received_at: datetime
    fetched_at: datetime
    folder: str | None = None
    uidvalidity: int | None = None
    uid: int | None = None


HASH_LOOKUP_CHUNK = 500  # hashes per SELECT .. IN (..): well inside every bind-parameter limit


def store_messages(session: Session, messages: Sequence[NewMessage]) -> list[tuple[int, bool]]:
    """Keep the raw bytes of a batch, deduplicated by SHA-256 (against the store and within
    the batch); return (message pk, is_new) per message, in order.

    One SELECT per 500 hashes and one multi-row INSERT for the new ones, instead of a
    SELECT and an INSERT round trip per message."""
    digests = [hashlib.sha256(m.raw).hexdigest() for m in messages]
    unique = list(dict.fromkeys(digests))
    known: dict[str, int] = {}
    for start in range(0, len(unique), HASH_LOOKUP_CHUNK):
        chunk = unique[start:start + HASH_LOOKUP_CHUNK]
        stmt = select(MessageRow.sha256, MessageRow.id).where(MessageRow.sha256.in_(chunk))
        known.update((digest, pk) for digest, pk in session.execute(stmt))
    added: dict[str, MessageRow] = {}
    for m, digest in zip(messages, digests, strict=True):
        if digest not in known and digest not in added:
            added[digest] = MessageRow(
                sha256=digest, raw=m.raw, size=len(m.raw), source=m.source, folder=m.folder,
                uidvalidity=m.uidvalidity, uid=m.uid, received_at=m.received_at,
                fetched_at=m.fetched_at)
    if added:
        session.add_all(added.values())
        session.flush()
    result: list[tuple[int, bool]] = []
    for digest in digests:
        if digest in known:
            result.append((known[digest], False))
        else:
            result.append((added[digest].id, True))
            known[digest] = added[digest].id  # a repeat later in the batch is a duplicate
    return result


def store_message(session: Session, raw: bytes, source: str, received_at: datetime,
                  now: datetime, folder: str | None = None, uidvalidity: int | None = None,
                  uid: int | None = None) -> tuple[int, bool]:
    """Keep the raw bytes (deduplicated by SHA-256); return (message pk, is_new)."""
    return store_messages(session, [NewMessage(raw, source, received_at, now, folder,
                                               uidvalidity, uid)])[0]


def unclassified_message_ids(session: Session) -> list[int]:
    has_verdict = select(VerdictRow.message_pk).where(VerdictRow.is_current)
    return list(session.scalars(select(MessageRow.id).where(MessageRow.id.not_in(has_verdict),
                                                            MessageRow.channel == "email")
                                .order_by(MessageRow.id)))


def message_raws(session: Session, message_pks: Sequence[int]
                 ) -> list[tuple[int, bytes, datetime]]:
    """(pk, raw bytes, received_at) of the given messages, in one query."""
    stmt = (select(MessageRow.id, MessageRow.raw, MessageRow.received_at)
            .where(MessageRow.id.in_(list(message_pks))).order_by(MessageRow.id))
    return [(pk, raw, when) for pk, raw, when in session.execute(stmt)]


def save_verdicts(session: Session, verdicts: Sequence[tuple[int, Verdict, dict[str, object]]],
                  now: datetime) -> None:
    """Append one verdict per message; earlier ones stay as history, no longer current."""
    pks = [pk for pk, _, _ in verdicts]
    session.execute(update(VerdictRow).where(VerdictRow.message_pk.in_(pks))
                    .values(is_current=False))
    session.add_all(_verdict_row(pk, verdict, detail, now) for pk, verdict, detail in verdicts)


def _verdict_row(message_pk: int, verdict: Verdict, detail: dict[str, object],
                 now: datetime) -> VerdictRow:
    first = verdict.recipients[0] if verdict.recipients else None
    return VerdictRow(
        message_pk=message_pk, is_current=True, created_at=now, kind=verdict.kind,
        subkind=verdict.subkind, detector=verdict.detector,
        reason=first.reason if first else None, status=first.status if first else None,
        is_hard=first.hard if first else None,
        is_sender_side=any(r.sender_side for r in verdict.recipients),
        is_substantive=verdict.substantive, sender=verdict.sender,
        subject=verdict.subject[:1000], evidence=verdict.evidence[:2000],
        detail_json=json.dumps(detail, ensure_ascii=False))


def save_matches(session: Session, matches: Sequence[tuple[int, Match]], now: datetime,
                 matched_by: str = "auto") -> None:
    """Record each message's match, its confidence and review reason (one row a message)."""
    pks = [pk for pk, _ in matches]
    existing = {m.message_pk: m for m in session.scalars(
        select(MatchRow).where(MatchRow.message_pk.in_(pks)))}
    for pk, match in matches:
        row = existing.get(pk)
        if row is None:
            row = MatchRow(message_pk=pk, matched_by=matched_by)
            session.add(row)
        # Staff decisions come from the override log, applied before every save
        # (mailprobe/decisions.py), and arrive as evidence "staff".
        row.matched_by = "staff" if match.evidence == "staff" else matched_by
        row.probe_id, row.evidence, row.updated_at = match.probe_id, match.evidence, now
        row.confidence, row.review, row.note = match.confidence, match.review, match.note


@dataclass(frozen=True)
class VerdictEntry:
    """One stored classification of a message (reclassify appends; one is current)."""

    created_at: datetime
    is_current: bool
    kind: str
    detector: str
    reason: str | None
    status: str | None
    evidence: str
    detail_json: str


def verdict_history(session: Session, message_pk: int) -> list[VerdictEntry]:
    rows = session.scalars(select(VerdictRow).where(VerdictRow.message_pk == message_pk)
                           .order_by(VerdictRow.id))
    return [VerdictEntry(v.created_at, v.is_current, v.kind, v.detector, v.reason, v.status,
                         v.evidence, v.detail_json) for v in rows]


def messages_with_verdicts(session: Session, campaign_id: int | None = None,
                           unmatched_only: bool = False
                           ) -> list[tuple[MessageRow, VerdictRow, MatchRow | None]]:
    stmt = (select(MessageRow, VerdictRow, MatchRow)
            .join(VerdictRow, (VerdictRow.message_pk == MessageRow.id) & VerdictRow.is_current)
            .outerjoin(MatchRow, MatchRow.message_pk == MessageRow.id)
            .order_by(MessageRow.received_at, MessageRow.id))
    if unmatched_only:
        stmt = stmt.where(MatchRow.probe_id.is_(None))
    if campaign_id is not None:
        stmt = stmt.join(ProbeRow, ProbeRow.id == MatchRow.probe_id).where(
            ProbeRow.campaign_id == campaign_id)
    return [tuple(r) for r in session.execute(stmt)]  # type: ignore[misc]


def all_message_ids(session: Session, campaign_id: int | None = None) -> list[int]:
    # Web answers (query pages, staff records) are not mail: the classifier never re-reads them.
    stmt = select(MessageRow.id).where(MessageRow.channel == "email").order_by(MessageRow.id)
    if campaign_id is not None:
        stmt = (stmt.join(MatchRow, MatchRow.message_pk == MessageRow.id)
                .join(ProbeRow, ProbeRow.id == MatchRow.probe_id)
                .where(ProbeRow.campaign_id == campaign_id))
    return list(session.scalars(stmt))


def folder_mark(session: Session, account: str, folder: str) -> tuple[int, int] | None:
    row = session.scalar(select(FolderStateRow).where(FolderStateRow.account == account,
                                                      FolderStateRow.folder == folder))
    return None if row is None else (row.uidvalidity, row.last_uid)


def set_folder_mark(session: Session, account: str, folder: str, uidvalidity: int,
                    last_uid: int, now: datetime) -> None:
    row = session.scalar(select(FolderStateRow).where(FolderStateRow.account == account,
                                                      FolderStateRow.folder == folder))
    if row is None:
        session.add(FolderStateRow(account=account, folder=folder, uidvalidity=uidvalidity,
                                   last_uid=last_uid, polled_at=now))
    else:
        row.uidvalidity, row.last_uid, row.polled_at = uidvalidity, last_uid, now


def current_kinds(session: Session, message_ids: Sequence[int]) -> list[tuple[int, str]]:
    stmt = select(VerdictRow.message_pk, VerdictRow.kind).where(
        VerdictRow.is_current, VerdictRow.message_pk.in_(list(message_ids)))
    return [(pk, kind) for pk, kind in session.execute(stmt)]
