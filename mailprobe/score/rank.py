"""Ranking within a category, and the comparison of two rounds.

Order: unit score (high first); ties broken by human-reply rate (high first), then median
latency of the first human reply in working hours (short first; none = last). Units still
equal on all three share a rank, standard competition style (1, 2, 2, 4). A unit without a
score (a published mailbox type still awaits a chargeable probe) is listed unranked.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from mailprobe.score.result import CampaignScore, UnitScore, jsonable

DEFAULT_THRESHOLD = 10.0  # points of unit score (0-100): smaller moves are "unchanged"


def rank_key(unit: UnitScore) -> tuple[float, float, float]:
    """Sort key: smaller sorts first (score desc, reply rate desc, median latency asc)."""
    score = unit.score if unit.score is not None else -math.inf
    rate = unit.reply_rate if unit.reply_rate is not None else 0.0
    latency = unit.median_latency_hours
    return (-round(score, 9), -round(rate, 9),
            round(latency, 9) if latency is not None else math.inf)


def rank_units(units: Iterable[UnitScore]) -> list[UnitScore]:
    """Units of one category in rank order with ``rank`` set (1224); unranked at the end."""
    units = list(units)
    scored = sorted((u for u in units if u.score is not None),
                    key=lambda u: (rank_key(u), u.unit_id))
    ranked: list[UnitScore] = []
    for i, unit in enumerate(scored):
        same = ranked and rank_key(ranked[-1]) == rank_key(unit)
        rank = ranked[-1].rank if same else i + 1
        ranked.append(replace(unit, rank=rank))
    unscored = sorted((u for u in units if u.score is None), key=lambda u: u.unit_id)
    return ranked + [replace(u, rank=None) for u in unscored]


def order_categories(present: Iterable[str], preferred: Sequence[str]) -> tuple[str, ...]:
    """Categories in the configured order, then any others sorted."""
    seen = set(present)
    first = [c for c in preferred if c in seen]
    return tuple(first + sorted(seen - set(first)))


@dataclass(frozen=True)
class UnitChange:
    """One unit's score and rank in the previous and the current round."""

    unit_id: str
    name: str
    category: str
    status: str  # both | new | dropped
    score_before: float | None
    score_after: float | None
    score_change: float | None
    rank_before: int | None
    rank_after: int | None
    rank_change: int | None  # positive: moved up
    trend: str | None = None  # better | worse | unchanged (units scored in both rounds)


@dataclass(frozen=True)
class Comparison:
    """The current round against a previous one, units matched by unit_id."""

    previous: str
    current: str
    units: tuple[UnitChange, ...]
    threshold: float = DEFAULT_THRESHOLD  # points of unit score that make a change count

    def trend_counts(self) -> dict[str, int]:
        """Units in both rounds by trend: better, worse, unchanged."""
        counts = {"better": 0, "worse": 0, "unchanged": 0}
        for c in self.units:
            if c.trend is not None:
                counts[c.trend] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        out = jsonable(self)
        assert isinstance(out, dict)
        return out

    def by_unit(self) -> dict[str, UnitChange]:
        return {c.unit_id: c for c in self.units}


def trend(change: float | None, threshold: float) -> str | None:
    """better / worse when the unit score moved by at least ``threshold`` points."""
    if change is None:
        return None
    if change >= threshold:
        return "better"
    return "worse" if change <= -threshold else "unchanged"


def compare_rounds(previous: CampaignScore, current: CampaignScore,
                   threshold: float = DEFAULT_THRESHOLD) -> Comparison:
    """Per-unit change in score and rank between two scored campaigns.

    Units are matched by unit_id; only units in both rounds get a trend, so a round that
    added or dropped units compares like with like (new and dropped are listed apart)."""
    before = {u.unit_id: u for u in previous.units}
    after = {u.unit_id: u for u in current.units}
    rows: list[UnitChange] = []
    for unit_id in [*after, *(k for k in before if k not in after)]:
        b, a = before.get(unit_id), after.get(unit_id)
        ref = a or b
        assert ref is not None
        status = "both" if a and b else ("new" if a else "dropped")
        sb, sa = (b.score if b else None), (a.score if a else None)
        rb, ra = (b.rank if b else None), (a.rank if a else None)
        change = sa - sb if sa is not None and sb is not None else None
        rows.append(UnitChange(
            unit_id=unit_id, name=ref.name, category=ref.category, status=status,
            score_before=sb, score_after=sa, score_change=change,
            rank_before=rb, rank_after=ra,
            rank_change=rb - ra if rb is not None and ra is not None else None,
            trend=trend(change, threshold)))
    return Comparison(previous.campaign, current.campaign, tuple(rows), threshold)
