"""Reclassify: re-run the classifier over stored raw messages (review and explain: review.py)."""

from __future__ import annotations

from dataclasses import dataclass

from mailprobe.config import Settings
from mailprobe.pipeline import process_messages
from mailprobe.service import Clock, open_db, utcnow
from mailprobe.store.campaigns import get_campaign
from mailprobe.store.messages import all_message_ids, current_kinds

__all__ = ["Reclassified", "reclassify"]


@dataclass(frozen=True)
class Reclassified:
    reclassified: int
    changed: list[int]
    by_kind: dict[str, int]


def reclassify(settings: Settings, campaign: str | None, clock: Clock = utcnow) -> Reclassified:
    """Re-run classification over stored raw messages; earlier verdicts stay as history."""
    factory = open_db(settings)
    with factory() as session:
        campaign_id = get_campaign(session, campaign).id if campaign else None
        ids = all_message_ids(session, campaign_id)
        before = dict(current_kinds(session, ids))
    summary = process_messages(factory, clock, ids, settings.correlate.all_shared_domains())
    with factory() as session:
        changed = [pk for pk, kind in current_kinds(session, ids)
                   if before.get(pk) != kind]
    return Reclassified(summary.classified, changed, summary.by_kind)
