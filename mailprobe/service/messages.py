"""The receive side that staff look at: the review list, explain, reclassify."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mailprobe.config import Settings
from mailprobe.errors import InputError
from mailprobe.pipeline import process_messages
from mailprobe.service import Clock, open_db, utcnow
from mailprobe.store import queries
from mailprobe.store.queries import ReviewItem

__all__ = ["Explained", "Reclassified", "ReviewItem", "explain", "reclassify", "review"]


def review(settings: Settings) -> list[ReviewItem]:
    """Messages no probe claims (staff link them with `override link`)."""
    with open_db(settings)() as session:
        return queries.unmatched_messages(session)


@dataclass(frozen=True)
class Explained:
    message: int
    verdicts: list[dict[str, Any]]  # oldest first; the last one is current
    match: dict[str, object] | None

    @property
    def web_answer(self) -> dict[str, Any] | None:
        """The evidence of a web answer (URL, fetched at, text, basis; docs/web.md)."""
        detail: dict[str, Any] = self.verdicts[-1]["detail"]
        return detail if detail.get("channel") == "web" else None


def explain(settings: Settings, message: int) -> Explained:
    """Why a message was classified and matched as it was, with its verdict history."""
    with open_db(settings)() as session:
        history = queries.verdict_history(session, message)
        if not history:
            raise InputError(f"no stored message {message}; see `mailprobe review`")
        match = queries.message_match(session, message)
    verdicts = [{"at": v.created_at.isoformat(), "current": v.is_current, "kind": v.kind,
                 "detector": v.detector, "reason": v.reason, "status": v.status,
                 "evidence": v.evidence, "detail": json.loads(v.detail_json)}
                for v in history]
    return Explained(message, verdicts, match)


@dataclass(frozen=True)
class Reclassified:
    reclassified: int
    changed: list[int]
    by_kind: dict[str, int]


def reclassify(settings: Settings, campaign: str | None, clock: Clock = utcnow) -> Reclassified:
    """Re-run classification over stored raw messages; earlier verdicts stay as history."""
    factory = open_db(settings)
    with factory() as session:
        campaign_id = queries.get_campaign(session, campaign).id if campaign else None
        ids = queries.all_message_ids(session, campaign_id)
        before = dict(queries.current_kinds(session, ids))
    summary = process_messages(factory, clock, ids)
    with factory() as session:
        changed = [pk for pk, kind in queries.current_kinds(session, ids)
                   if before.get(pk) != kind]
    return Reclassified(summary.classified, changed, summary.by_kind)
