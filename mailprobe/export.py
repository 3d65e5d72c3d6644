"""A research table, one row per probe, for analysis outside mailprobe (docs/export.md).

The rows are built from a campaign's score (pure :func:`export_rows`); the writers add CSV
(always) or Parquet (needs pyarrow: ``pip install 'mailprobe[export]'``). Survival-style
columns: ``latency_working_hours`` is the time to the first human reply, or, when
``censored`` is 1, the working time observed without one (to the window's end or to now).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from mailprobe.errors import InputError
from mailprobe.score import CampaignScore, ProbeScore, WorkCalendar
from mailprobe.score.outcome import DELIVERED, HUMAN, Outcome

FORMATS = ("csv", "parquet")


@dataclass(frozen=True)
class ExportRow:
    """One probe; the codebook in docs/export.md describes every column."""

    campaign: str
    probe_id: int
    code: str
    unit_id: str
    unit_name: str
    category: str
    channel: str
    role: str
    variant: str
    sent_at: str
    delivered: int
    first_auto_reply_at: str
    first_human_reply_at: str
    any_reply: int
    substantive: int | None
    latency_working_hours: float | None
    censored: int
    outcome: str
    reason: str


def _iso(at: datetime | None) -> str:
    return "" if at is None else at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _observed_hours(p: ProbeScore, calendar: WorkCalendar, now: datetime) -> float | None:
    """Time to the reply, or time observed without one (right-censored)."""
    if p.accepted_at is None:
        return None
    if p.human_latency is not None:
        return round(p.human_latency.working_hours, 4)
    end = min(now, p.deadline_at) if p.deadline_at is not None else now
    return round(calendar.working_time(p.accepted_at, end).working_hours, 4)


def export_rows(score: CampaignScore, details: Mapping[int, tuple[str, str]],
                calendar: WorkCalendar, now: datetime) -> list[ExportRow]:
    """Rows for every probe of the campaign (mailboxes never probed are left out).

    ``details`` maps a probe id to (template used, the ledger's reply text)."""
    rows = []
    for p in score.probes:
        if p.probe_id == 0 or p.probe_id not in details:
            continue
        variant, ledger_reply = details[p.probe_id]
        is_human = p.outcome in HUMAN
        reason = p.bounce_reason or (ledger_reply if p.outcome == Outcome.CHANNEL_UNUSABLE else "")
        rows.append(ExportRow(
            score.campaign, p.probe_id, p.code, p.unit_id, p.unit_name, p.category, p.channel,
            p.mailbox_type, variant, _iso(p.accepted_at), int(p.outcome in DELIVERED),
            _iso(p.first_auto_reply_at), _iso(p.first_human_reply_at), int(is_human),
            int(p.outcome == Outcome.HUMAN_SUBSTANTIVE) if is_human else None,
            _observed_hours(p, calendar, now), int(not is_human and p.accepted_at is not None),
            p.outcome.value, reason[:500]))
    return rows


def write_csv(rows: Sequence[ExportRow], path: Path) -> Path:
    """UTF-8 with BOM, so Excel and WPS open the Chinese names correctly."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f.name for f in fields(ExportRow)])
        for row in rows:
            writer.writerow(["" if v is None else v for v in asdict(row).values()])
    return path


def write_parquet(rows: Sequence[ExportRow], path: Path) -> Path:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("Parquet needs pyarrow: pip install 'mailprobe[export]' "
                         "(or use --format csv)") from None
    columns = {f.name: [getattr(r, f.name) for r in rows] for f in fields(ExportRow)}
    pq.write_table(pa.table(columns), path)
    return path
