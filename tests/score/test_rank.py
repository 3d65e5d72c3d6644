"""Ranking within a category (1224) with documented tie-breaks, and round comparison."""

from __future__ import annotations

from dataclasses import replace

from mailprobe.score import score_campaign
from mailprobe.score.rank import compare_rounds, rank_units
from mailprobe.score.result import UnitScore
from tests.score.factories import calendar, campaign, cst, probe


def unit(uid: str, score: float | None, rate: float = 0.5,
         latency: float | None = 10.0) -> UnitScore:
    return UnitScore(unit_id=uid, name=uid, category="c", public_score=score,
                     leader_score=score, public_outcomes=(), leader_outcomes=(), score=score,
                     points=None, rank=None, probes=2, human_replies=1, reply_rate=rate,
                     reply_low=None, reply_high=None, evidence_class="insufficient_evidence",
                     median_latency_hours=latency, flags=(), is_provisional=False)


def ranks(units: list[UnitScore]) -> list[tuple[str, int | None]]:
    return [(u.unit_id, u.rank) for u in rank_units(units)]


def test_standard_competition_ranking_1224() -> None:
    units = [unit("a", 90), unit("b", 80), unit("c", 80), unit("d", 70)]
    assert ranks(units) == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_ties_broken_by_reply_rate_then_latency() -> None:
    units = [unit("a", 80, 0.5, 5), unit("b", 80, 1.0, 50), unit("c", 80, 0.5, 2),
             unit("d", 80, 0.5, None), unit("e", 80, 0.5, 2)]
    assert ranks(units) == [("b", 1), ("c", 2), ("e", 2), ("a", 4), ("d", 5)]


def test_unscored_units_are_listed_unranked_last() -> None:
    assert ranks([unit("z", None), unit("a", 10)]) == [("a", 1), ("z", None)]


def test_compare_rounds_matches_by_unit_id() -> None:
    cal, now = calendar(), cst(2025, 9, 1)
    reply = dict(first_human_reply_at=cst(2025, 3, 4, 9), human_substantive=True)
    first = score_campaign(campaign([probe(1, "A"), probe(2, "B", **reply), probe(3, "C")],
                                    name="r1"), now, cal)
    second = score_campaign(campaign([probe(1, "A", **reply), probe(2, "B"), probe(4, "D")],
                                     name="r2"), now, cal)
    changes = compare_rounds(first, second).by_unit()
    assert (changes["A"].rank_before, changes["A"].rank_after, changes["A"].rank_change) == \
        (2, 1, 1)
    # public only, leader unpublished (0): 0.5 x 30 = 15 -> 0.5 x 100 = 50
    assert (changes["A"].score_before, changes["A"].score_after) == (15, 50)
    assert changes["A"].score_change == 35
    assert changes["D"].status == "new" and changes["C"].status == "dropped"


def test_rank_ignores_input_order() -> None:
    units = [unit("b", 80), unit("a", 80)]
    assert ranks(units) == ranks(list(reversed(units))) == [("a", 1), ("b", 1)]
    assert replace(units[0], rank=3).rank == 3
