"""Mailbox and unit scores, flags, Wilson, quantiles and Kaplan-Meier, computed by hand."""

from __future__ import annotations

import pytest

from mailprobe.score import score_campaign
from mailprobe.score.metrics import kaplan_meier, quantile, wilson
from mailprobe.score.outcome import Outcome
from mailprobe.score.result import CampaignScore
from mailprobe.score.types import BounceFacts, ProbeFacts
from tests.score.factories import calendar, campaign, cst, probe

NOW = cst(2025, 9, 1, 12, 0)  # long after the 20-working-day window of 2025-03-03
HARD = BounceFacts(hard=True, reason="userunknown", status="5.1.1")


def run(probes: list[ProbeFacts], now: object = NOW) -> CampaignScore:
    return score_campaign(campaign(probes), now, calendar())  # type: ignore[arg-type]


def test_mailbox_scores_by_hand() -> None:
    result = run([
        # Mon 09:00 -> Wed 10:00: 2 working days -> 30 + 40 + 30 x 0.9 = 97
        probe(1, "A", first_human_reply_at=cst(2025, 3, 5, 10), human_substantive=True),
        # Mon -> Fri: 4 working days, non-substantive -> 30 + 24 + 30 x 0.75 = 76.5
        probe(2, "B", first_human_reply_at=cst(2025, 3, 7, 10), human_substantive=False),
        probe(3, "C", first_auto_reply_at=cst(2025, 3, 3, 9, 1)),  # 30 + 10 = 40
        probe(4, "D"),  # delivered, silent: 30
        probe(5, "E", bounce=HARD),  # 0
    ])
    assert [p.score for p in result.probes] == [97, 76.5, 40, 30, 0]


def test_unit_score_unpublished_leader_scores_zero_and_flags() -> None:
    result = run([
        probe(1, "A", first_human_reply_at=cst(2025, 3, 5, 10), human_substantive=True),
        probe(2, "A", "leader", address=None, send_state="pending", accepted_at=None),
    ])
    unit = result.units[0]
    assert (unit.public_score, unit.leader_score, unit.score) == (97, 0, 48.5)
    assert unit.points == pytest.approx(4.85)
    assert "CHANNEL_MISSING:leader" in unit.flags
    assert "NO_EFFECTIVE_CHANNEL" not in unit.flags


def test_mean_over_several_mailboxes_of_a_type() -> None:
    result = run([probe(1, "A"), probe(2, "A", first_auto_reply_at=cst(2025, 3, 3, 10)),
                  probe(3, "A", "leader")])
    assert result.units[0].public_score == 35 and result.units[0].score == 32.5


def test_no_effective_channel_when_every_published_mailbox_fails() -> None:
    result = run([probe(1, "A", bounce=HARD), probe(2, "A", "leader", address_valid=False)])
    assert result.units[0].flags[0] == "NO_EFFECTIVE_CHANNEL"


def test_sender_side_bounce_is_listed_for_reprobe_not_charged() -> None:
    spam = BounceFacts(hard=False, reason="blocked", status="5.7.1")
    result = run([probe(1, "A", bounce=spam), probe(2, "A", "leader")])
    p, unit = result.probes[0], result.units[0]
    assert (p.outcome, p.is_charged, p.score, "REPROBE" in p.flags) == \
        (Outcome.SENDER_SIDE, False, None, True)
    assert unit.score is None and unit.rank is None and "REPROBE:public" in unit.flags
    assert "NO_EFFECTIVE_CHANNEL" not in unit.flags


def test_overdue_three_months_flag() -> None:
    late = probe(2, "B", first_human_reply_at=cst(2025, 6, 10, 9), human_substantive=True)
    result = run([probe(1, "A"), late,
                  probe(3, "C", first_human_reply_at=cst(2025, 3, 4, 9), human_substantive=True)])
    # Mon 2025-03-03 + 3 months = Tue 2025-06-03: A is silent after it, B answered on 06-10.
    assert {u.unit_id: "OVERDUE_3_MONTHS" in u.flags for u in result.units} == \
        {"A": True, "B": True, "C": False}


def test_window_open_makes_everything_provisional_and_censors_silence() -> None:
    result = run([probe(1, "A"), probe(2, "B", first_human_reply_at=cst(2025, 3, 4, 9),
                                       human_substantive=True)], now=cst(2025, 3, 10, 9))
    assert result.is_provisional
    assert [p.is_censored for p in result.probes] == [True, False]
    assert result.units[1].is_provisional  # unit A sorts second: lower score
    # 20 working days after Mon 2025-03-03 is Mon 2025-03-31; the window closes at its end.
    assert result.window_closes_at == cst(2025, 4, 1, 0, 0)


def test_latency_touching_2027_is_flagged_estimated() -> None:
    p = probe(1, "A", accepted_at=cst(2026, 12, 31, 9),
              first_human_reply_at=cst(2027, 1, 5, 9), human_substantive=True)
    result = score_campaign(campaign([p]), cst(2027, 6, 1), calendar())
    assert result.probes[0].human_latency is not None
    assert result.probes[0].human_latency.estimated
    assert "ESTIMATED_CALENDAR" in result.probes[0].flags
    assert result.stats.latency_estimated


def test_wilson_known_values() -> None:
    low, high = wilson(0, 10, 1.959964)
    assert (low, high) == (0.0, pytest.approx(0.2775, abs=1e-4))
    low, high = wilson(1, 2, 1.959964)
    assert (low, high) == (pytest.approx(0.0945, abs=1e-4), pytest.approx(0.9055, abs=1e-4))
    assert wilson(0, 0, 1.96) == (None, None)


def test_evidence_classes_for_two_probes() -> None:
    replied = dict(first_human_reply_at=cst(2025, 3, 4, 9), human_substantive=True)
    result = run([probe(1, "A", **replied), probe(2, "A", "leader", **replied),
                  probe(3, "B", **replied), probe(4, "B", "leader"),
                  probe(5, "C"), probe(6, "C", "leader")])
    assert {u.unit_id: u.evidence_class for u in result.units} == {
        "A": "answers", "B": "insufficient_evidence", "C": "does_not_answer"}


def test_quantile_linear_interpolation() -> None:
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.75) == 3.25
    assert quantile([], 0.5) is None


def test_kaplan_meier_hand_case() -> None:
    # replies at 1, 3, 3; silences censored at 2 and 5: S(1) = 4/5, S(3) = 4/5 x 1/3.
    points = kaplan_meier([(1, True), (2, False), (3, True), (3, True), (5, False)])
    assert [(p.hours, p.at_risk, p.events) for p in points] == [(0, 5, 0), (1, 5, 1), (3, 3, 2)]
    assert points[-1].reply_share == pytest.approx(1 - 0.8 / 3)


def test_campaign_statistics_by_hand() -> None:
    result = run([
        probe(1, "A", first_human_reply_at=cst(2025, 3, 5, 10), human_substantive=True),
        probe(2, "B", first_human_reply_at=cst(2025, 3, 7, 10), human_substantive=False),
        probe(3, "C", first_auto_reply_at=cst(2025, 3, 3, 9, 1)),
        probe(4, "D"),
        probe(5, "E", bounce=HARD),
    ])
    s = result.stats
    assert (s.sent, s.delivered, s.hard_bounces, s.human_replies) == (5, 4, 1, 2)
    assert (s.delivery_rate, s.hard_bounce_rate, s.human_reply_rate_sent) == (0.8, 0.2, 0.4)
    assert s.human_reply_rate_delivered == 0.5
    assert s.auto_ack_rate == 0.2 and s.substantive_rate == 0.2
    # first human replies: Mon 09:00 -> Wed 10:00 = 6 + 6.5 + 1.5 = 14 h (2 working days);
    # -> Fri 10:00 = 6 + 3 x 6.5 + 1.5 = 27 h (4 working days)
    assert (s.latency_hours.median, s.latency_days.median) == (20.5, 3.0)
    assert s.within_days == {"1": 0.0, "3": 0.25, "5": 0.5, "7": 0.5, "15": 0.5, "20": 0.5}
    assert s.auto_latency_hours.median == pytest.approx(1 / 60)


def test_review_counts_add_up_per_unit_category_and_campaign() -> None:
    result = score_campaign(campaign([
        probe(1, "A", pending_review=2, low_confidence_matches=1),
        probe(2, "A", "leader", conflict=True, pending_review=2, bounce=HARD,
              first_human_reply_at=cst(2025, 3, 5, 10), human_substantive=True),
        probe(3, "B", category="county_district"),
    ], unmatched_review=3), NOW, calendar())
    a = next(u for u in result.units if u.unit_id == "A")
    b = next(u for u in result.units if u.unit_id == "B")
    assert (a.pending_review, a.low_confidence_matches, a.conflicts) == (4, 1, 1)
    assert (b.pending_review, b.low_confidence_matches, b.conflicts) == (0, 0, 0)
    city = next(s for s in result.category_stats if s.label == "city_department")
    assert (city.pending_review, city.conflicts) == (4, 1)
    # the campaign adds the 3 messages that no probe claims (their unit is unknown)
    assert (result.stats.pending_review, result.stats.low_confidence_matches,
            result.stats.conflicts) == (7, 1, 1)
    leader = next(p for p in result.probes if p.probe_id == 2)
    assert leader.outcome == Outcome.NO_REPLY and "REVIEW_CONFLICT" in leader.flags
    assert "REVIEW_PENDING" in next(p for p in result.probes if p.probe_id == 1).flags
