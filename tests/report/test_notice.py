"""The draft notice: official shape, computed numbers, escaped names, provisional stated."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mailprobe.report import write_report
from mailprobe.report.notice import (
    md,
    notice_context,
    ranking_rows,
    render_notice,
    top_with_ties,
)
from mailprobe.score.outcome import Outcome
from mailprobe.score.rank import compare_rounds
from mailprobe.score.result import CampaignScore, UnitScore
from tests.report.sample import OPEN, sample_score


def test_chinese_sections_and_numbers() -> None:
    text = render_notice(sample_score())
    for heading in ("## 一、基本情况", "## 二、排名情况", "## 三、主要成绩", "## 四、存在的问题",
                    "## 五、工作建议"):
        assert heading in text
    s = sample_score().stats
    assert f"共发出测试邮件 {s.sent} 封，成功送达 {s.delivered} 封" in text
    # 8 charged mailboxes: 1 hard bounce (12.5%), 1 silent (12.5%)
    assert "计入考核的 8 个信箱中，1 个无法收信" in text and "两者合计占 25.0%" in text
    assert "1 个单位的领导信箱未作任何人工回复：单位C02" in text
    assert "暂定" not in text.split("\n")[2]


def test_provisional_draft_says_so(tmp_path: Path) -> None:
    text = write_report(sample_score(OPEN), "notice", tmp_path / "n.md").read_text("utf-8")
    assert "**暂定稿**" in text and "人工更正记录 1 条" in text


def test_english_and_comparison() -> None:
    cmp = compare_rounds(sample_score(OPEN), sample_score())
    text = render_notice(sample_score(), "en", cmp)
    assert "## 1. Overview" in text and "## 5. Recommendations" in text


def test_names_cannot_inject_markdown_or_html() -> None:
    assert md("a|b <script>") == "a\\|b &lt;script>"
    score = sample_score()
    units = tuple(replace(u, name="<img src=x> | *x*") for u in score.units)
    text = render_notice(replace(score, units=units))
    assert "<img" not in text and "&lt;img src=x> \\| \\*x\\*" in text


def _unit(score: CampaignScore, i: int, **changes: object) -> UnitScore:
    return replace(score.units[0], unit_id=f"U{i:03d}", name=f"单位{i:03d}", **changes)


def test_top_list_names_every_unit_of_a_tie_it_cuts() -> None:
    score = sample_score()
    units = tuple(_unit(score, i, rank=1, reply_rate=1.0, human_replies=2, probes=2)
                  for i in range(7))
    ctx = notice_context(replace(score, units=units))
    assert len(ctx["best_rate"]) == 7
    assert top_with_ties([1, 2, 3, 3, 3, 4], 3, lambda x: x) == [1, 2, 3, 3, 3]
    assert top_with_ties([1, 2, 3, 4], 3, lambda x: x) == [1, 2, 3]


def test_long_ranking_is_cut_outside_ties() -> None:
    score = sample_score()
    # 70 units; ranks 19-22 tie at 19, ranks 50-52 tie at 50: the cuts move out to them
    ranks = [i if i < 19 else 19 if i <= 22 else 50 if 50 <= i <= 52 else i for i in range(1, 71)]
    units = [_unit(score, i, rank=r) for i, r in enumerate(ranks)]
    rows = ranking_rows(units)
    omitted = [r for r in rows if isinstance(r, int)]
    shown = [r for r in rows if not isinstance(r, int)]
    assert [u.rank for u in shown[:22]][-4:] == [19, 19, 19, 19]  # head: 20 plus 2 tied
    assert [u.rank for u in shown[22:26]] == [50, 50, 50, 53]  # tail: 20 plus 1 tied
    assert omitted == [70 - 22 - 21] and isinstance(rows[22], int)


def test_excluded_units_are_counted_as_such() -> None:
    text = render_notice(sample_score())
    assert "另有 1 个单位未纳入本次测评，不计入单位数和排名：撤并单位（机构改革撤并）" in text


def _no_channel(score: CampaignScore, unit_index: int) -> CampaignScore:
    units = list(score.units)
    u = units[unit_index]
    units[unit_index] = replace(u, flags=("NO_EFFECTIVE_CHANNEL", *u.flags))
    return replace(score, units=tuple(units))


def test_veto_stated_only_when_the_rule_applies() -> None:
    score = sample_score()
    c02 = next(i for i, u in enumerate(score.units) if u.unit_id == "C02")
    final = render_notice(_no_channel(score, c02))
    assert "属于单项否决情形，涉及单位C02。" in final
    provisional = render_notice(_no_channel(replace(score, is_provisional=True), c02))
    assert "单项否决" not in provisional and "暂不作结论" in provisional
    # No unit lacks a channel here; the 3-month condition (item 5) is the deadline rule's.
    assert "无有效咨询渠道属于单项否决情形" not in render_notice(score)


def test_unit_publishing_no_mailbox_is_to_be_confirmed_not_vetoed() -> None:
    score = sample_score()
    units = list(score.units)
    units[0] = replace(units[0], public_outcomes=(Outcome.NOT_PUBLISHED,),
                       leader_outcomes=(Outcome.NOT_PUBLISHED,))
    text = render_notice(_no_channel(replace(score, units=tuple(units)), 0))
    assert f"属于单项否决情形，涉及{units[0].name}" not in text
    assert f"{units[0].name}未公开任何信箱，请核实" in text
