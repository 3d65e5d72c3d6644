"""Official deadlines: on-time rates beside any reply / any response / substantive, and the
"互动回应差" veto flag, which changes no score."""

from __future__ import annotations

import pytest

from mailprobe.errors import InputError
from mailprobe.score import score_campaign
from mailprobe.score.deadlines import VETO_RULE_ZH, DeadlineRule, deadline_rule
from tests.score.factories import calendar, campaign, cst, probe

NOW = cst(2025, 7, 1, 9, 0)  # four months after the probes went out on 2025-03-03


def test_rates_side_by_side_on_one_base() -> None:
    probes = [
        probe(1, "U1", "public", first_human_reply_at=cst(2025, 3, 5, 10, 0),
              human_substantive=True),  # 2 working days: on time
        probe(2, "U1", "leader", first_human_reply_at=cst(2025, 3, 14, 10, 0),
              human_substantive=True),  # 9 working days: late
        probe(3, "U2", "public", first_auto_reply_at=cst(2025, 3, 3, 9, 1)),
        probe(4, "U2", "leader", first_human_reply_at=cst(2025, 3, 4, 10, 0),
              human_substantive=False),  # on time, not substantive
    ]
    overall = score_campaign(campaign(probes), NOW, calendar()).deadlines.overall
    assert (overall.base, overall.any_response, overall.any_reply, overall.substantive,
            overall.on_time, overall.on_time_substantive) == (4, 4, 3, 2, 2, 1)
    assert (overall.any_reply_rate, overall.on_time_substantive_rate) == (0.75, 0.25)


def test_a_campaign_deadline_overrides_the_config() -> None:
    probes = [probe(1, first_human_reply_at=cst(2025, 3, 7, 10, 0), human_substantive=True)]
    five = score_campaign(campaign(probes), NOW, calendar()).deadlines
    three = score_campaign(campaign(probes, deadline_rule=deadline_rule(
        {"on_time_working_days": 5}, 3)), NOW, calendar()).deadlines
    assert (five.overall.on_time, five.rule_source) == (1, "default")
    assert (three.overall.on_time, three.rule_source, three.on_time_working_days) == (
        0, "campaign", 3)


def test_veto_flags_a_consultation_unanswered_for_more_than_90_days_without_changing_scores(
) -> None:
    probes = [probe(1, "U1", "public", first_human_reply_at=cst(2025, 3, 4, 10, 0),
                    human_substantive=True),
              probe(2, "U1", "leader"),  # delivered, never answered
              probe(3, "U2", "public", first_human_reply_at=cst(2025, 3, 4, 10, 0),
                    human_substantive=True),
              probe(4, "U2", "leader", first_human_reply_at=cst(2025, 3, 4, 10, 0),
                    human_substantive=True)]
    flagged = score_campaign(campaign(probes), NOW, calendar())
    assert flagged.deadlines.veto_units == ("U1",)
    (u1,) = [u for u in flagged.deadlines.units if u.unit_id == "U1"]
    assert u1.veto_reasons == ("unanswered_over_90_days:leader",)
    assert flagged.deadlines.veto_rule == VETO_RULE_ZH and "超过3个月" in VETO_RULE_ZH
    early = score_campaign(campaign(probes), cst(2025, 4, 30, 9, 0), calendar())
    assert early.deadlines.veto_units == () and not early.deadlines.veto_observable
    assert [u.score for u in flagged.units] == [u.score for u in early.units]


def test_no_effective_channel_is_the_other_veto_condition() -> None:
    probes = [probe(1, "U1", "public", send_state="unusable"),
              probe(2, "U1", "leader", send_state="unusable")]
    result = score_campaign(campaign(probes), NOW, calendar())
    assert result.deadlines.units[0].veto_reasons == ("no_effective_channel",)


def test_deadline_config_is_checked() -> None:
    assert deadline_rule({"veto_calendar_days": 120}, None) == DeadlineRule(5, 120, "default")
    with pytest.raises(InputError, match="no key 'on_time_days'"):
        deadline_rule({"on_time_days": 3}, None)
    with pytest.raises(InputError, match="at least 1 day"):
        deadline_rule({"on_time_working_days": 0}, None)
