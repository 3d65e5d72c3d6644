"""The research export: score a campaign as stored now and write one row per probe."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mailprobe.assess import score_stored
from mailprobe.config import Settings
from mailprobe.errors import InputError
from mailprobe.export import FORMATS, export_rows, write_csv, write_parquet
from mailprobe.score import WorkCalendar
from mailprobe.service import open_db
from mailprobe.store.campaigns import get_campaign
from mailprobe.store.probes import probe_rows


def export_campaign(settings: Settings, name: str, calendar: WorkCalendar, now: datetime,
                    fmt: str, path: Path) -> tuple[Path, int]:
    """Score campaign ``name`` as stored now (not saved) and write its research table."""
    if fmt not in FORMATS:
        raise InputError(f"--format takes {' or '.join(FORMATS)}; got {fmt!r}")
    factory = open_db(settings)
    score = score_stored(factory, name, settings, calendar, now, save=False)
    with factory() as session:
        campaign = get_campaign(session, name)
        details = {p.id: (p.template, p.reply_text) for p in probe_rows(session,
                                                                       campaign.id)}
    rows = export_rows(score, details, calendar, now)
    writer = write_csv if fmt == "csv" else write_parquet
    return writer(rows, path), len(rows)
