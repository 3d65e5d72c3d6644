"""Scores and report files: `mailprobe score` and `mailprobe report` (and a console's pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mailprobe.assess import score_stored
from mailprobe.config import Settings
from mailprobe.errors import InputError
from mailprobe.report import write_report
from mailprobe.report.files import report_target
from mailprobe.score import WorkCalendar, compare_rounds
from mailprobe.score.rank import DEFAULT_THRESHOLD, Comparison
from mailprobe.score.result import CampaignScore
from mailprobe.service import Clock, open_db, utcnow


def score(settings: Settings, name: str, calendar: WorkCalendar, *,
          as_of: datetime | None = None, clock: Clock = utcnow) -> CampaignScore:
    """Score and rank a campaign now, or as it stood at ``as_of`` (then nothing is stored)."""
    return score_stored(open_db(settings), name, settings, calendar, clock(), as_of=as_of)


@dataclass(frozen=True)
class Written:
    path: Path
    score: CampaignScore
    comparison: Comparison | None


def write(settings: Settings, name: str, fmt: str, output: Path | None,
          calendar: WorkCalendar, *, lang: str = "zh", force: bool = False,
          as_of: datetime | None = None, compare: str | None = None,
          threshold: float | None = None, clock: Clock = utcnow) -> Written:
    """Score a campaign and write one report file (named after its format unless given);
    an existing file is replaced only with ``force``; ``compare`` names an earlier round."""
    target = report_target(fmt, output, force=force)
    factory, now = open_db(settings), clock()
    result = score_stored(factory, name, settings, calendar, now, as_of=as_of)
    comparison = None
    if compare:
        previous = score_stored(factory, compare, settings, calendar, now, save=False)
        points = threshold if threshold is not None else compare_threshold(settings)
        comparison = compare_rounds(previous, result, points)
    return Written(write_report(result, fmt, target, lang, comparison), result, comparison)


def compare_threshold(settings: Settings) -> float:
    """``[scoring] compare_threshold``: points of unit score for better/worse (default 10)."""
    value = settings.scoring.get("compare_threshold", DEFAULT_THRESHOLD)
    if not isinstance(value, int | float) or value < 0:
        raise InputError("[scoring] compare_threshold is a number of points >= 0")
    return float(value)
