"""The report's calendar source says, per year, whether the calendar is official or estimated."""

from __future__ import annotations

from mailprobe.report.notice import render_notice
from mailprobe.report.rows import summary_table
from mailprobe.score import score_campaign
from tests.report.sample import sample_score
from tests.score.factories import calendar, campaign, cst, probe


def test_summary_names_each_year_and_flags_the_estimated_one() -> None:
    table = summary_table(sample_score(cst(2027, 1, 11, 9, 0)))
    row = next(r for r in table.rows if r[0] == "日历来源")
    assert row[1] == ("2025: 官方安排（calendar_cn.toml）；"
                      "2027: 估算：法定节日按公历和农历推算，未含调休")


def test_english_summary_says_estimated() -> None:
    table = summary_table(sample_score(cst(2027, 1, 11, 9, 0)), "en")
    row = next(r for r in table.rows if r[0] == "calendar sources")
    assert "2027: estimated: statutory holidays computed, no make-up days" in str(row[1])


def test_notice_names_the_estimated_year_when_a_latency_touches_it() -> None:
    start, reply = cst(2026, 12, 30, 9, 0), cst(2027, 1, 4, 10, 0)
    probes = [probe(1, "U1", accepted_at=start, first_human_reply_at=reply,
                    human_substantive=True),
              probe(2, "U1", "leader", accepted_at=start, first_human_reply_at=reply,
                    human_substantive=True)]
    score = score_campaign(campaign(probes), cst(2027, 3, 1, 9, 0), calendar())
    assert score.stats.latency_estimated
    assert "暂作估算（2027年: 估算：法定节日按公历和农历推算，未含调休）" in render_notice(score)
    assert "暂作估算" not in render_notice(sample_score())
