"""Small builders for scoring inputs, shared by tests/score and tests/report."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from mailprobe.score import CampaignInput, ProbeFacts, Rubric
from mailprobe.score.workcal import WorkCalendar, load_calendar

CST = ZoneInfo("Asia/Shanghai")
_CAL: list[WorkCalendar] = []


def cst(*args: int) -> datetime:
    """An aware datetime given in Beijing time, returned in UTC."""
    return datetime(*args, tzinfo=CST).astimezone(UTC)  # type: ignore[misc]


def calendar() -> WorkCalendar:
    if not _CAL:
        _CAL.append(load_calendar())
    return _CAL[0]


def probe(probe_id: int = 1, unit: str = "U1", mtype: str = "public", **kw: Any) -> ProbeFacts:
    base = ProbeFacts(
        probe_id=probe_id, campaign="2025-H1", unit_id=unit, unit_name=f"单位{unit}",
        category=kw.pop("category", "city_department"), mailbox_type=mtype,  # type: ignore[arg-type]
        address=f"{mtype}@{unit.lower()}.gov.cn", send_state="accepted",
        accepted_at=cst(2025, 3, 3, 9, 0), token=f"tok{probe_id}", code=f"C{probe_id:04d}")
    return replace(base, **kw)


def campaign(probes: list[ProbeFacts], **kw: Any) -> CampaignInput:
    return CampaignInput(name=kw.pop("name", "2025-H1"), window_days=kw.pop("window_days", 20),
                         rubric=kw.pop("rubric", Rubric()), probes=probes, **kw)
