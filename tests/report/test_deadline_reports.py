"""Deadlines in the reports: the side-by-side rates table and the notice citing the rule."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import load_workbook

from mailprobe.report import write_report
from mailprobe.report.labels import veto_reasons_text
from mailprobe.report.notice import render_notice
from mailprobe.report.rates import DEADLINE_RATES, deadline_rate
from mailprobe.report.rows import deadlines_table
from mailprobe.score.deadlines import VETO_RULE_ZH, ReplyRates
from tests.report.sample import sample_score


def test_deadline_table_has_overall_categories_and_every_unit() -> None:
    score = sample_score()
    assert score.deadlines is not None
    table = deadlines_table(score)
    assert VETO_RULE_ZH in table.title
    assert table.rows[0][0] == "全部" and table.rows[0][3] == score.deadlines.overall.base
    unit_rows = [r for r in table.rows if r[1] is not None]
    assert [r[1] for r in unit_rows] == [u.unit_id for u in score.deadlines.units]
    assert all(r[4] is None or r[4] >= r[5] for r in table.rows)  # any response >= any reply


def test_xlsx_keeps_the_rates_as_rounded_percent_numbers_with_their_base(
        tmp_path: Path) -> None:
    score = sample_score()
    assert score.deadlines is not None
    wb = load_workbook(write_report(score, "xlsx", tmp_path / "r.xlsx"))
    sheet = wb["按时答复"]
    assert sheet["F1"].value == "人工回复率（占计入考核的探测）"
    assert sheet["H1"].value == "按时回复率（5个工作日，占计入考核的探测）"
    assert sheet["F2"].number_format == "0.0%"
    assert sheet["F2"].value == deadline_rate(score.deadlines.overall, "any_reply_rate").value


def test_a_deadline_rate_is_rounded_once_with_its_base() -> None:
    r = ReplyRates("all", 400, 200, 123, 100, 90, 80, *[None] * 5)
    rate = deadline_rate(r, "any_reply_rate")
    assert rate.to_dict() == {"value": 0.308, "base": "charged", "numerator": 123,
                              "denominator": 400}
    assert rate.text() == "30.8%"
    assert deadline_rate(ReplyRates("x", 0, 0, 0, 0, 0, 0, *[None] * 5),
                         "on_time_rate").to_dict()["value"] is None


def test_json_deadline_rates_are_rate_objects_matching_the_other_formats(
        tmp_path: Path) -> None:
    score = sample_score()
    assert score.deadlines is not None
    doc = json.loads(write_report(score, "json", tmp_path / "r.json").read_text("utf-8"))
    overall = doc["deadlines"]["overall"]
    for key, count in DEADLINE_RATES.items():
        assert overall[key]["numerator"] == overall[count]
        assert overall[key]["denominator"] == overall["base"]
        assert overall[key]["base"] == "charged"
    first_unit = doc["deadlines"]["units"][0]["rates"]["on_time_rate"]
    assert set(first_unit) == {"value", "base", "numerator", "denominator"}
    table = deadlines_table(score)
    assert table.rows[0][4:9] == [overall[k]["value"] for k in DEADLINE_RATES]
    notice = render_notice(score)
    o = score.deadlines.overall
    assert f"按时作出实质答复的占 {deadline_rate(o, 'on_time_substantive_rate').text()}" in notice
    assert "以下比率均占计入考核的探测" in notice


def test_veto_reasons_are_worded_in_chinese() -> None:
    assert veto_reasons_text(("no_effective_channel", "unanswered_over_90_days:leader"),
                             "zh") == "无有效咨询渠道、领导信箱咨询超过90天未回应"
    assert veto_reasons_text(("no_effective_channel",), "en") == "no_effective_channel"


def test_notice_states_the_four_rates_and_cites_the_veto_rule() -> None:
    text = render_notice(sample_score())
    assert "按时作出实质答复的占" in text and "有任何回应（含自动回复）的占" in text
    assert VETO_RULE_ZH in text


def test_deadline_csv_names_the_base_and_prints_the_same_figure(tmp_path: Path) -> None:
    score = sample_score()
    assert score.deadlines is not None
    write_report(score, "csv", tmp_path / "r.csv")
    rows = list(csv.reader((tmp_path / "r-deadlines.csv").read_text("utf-8-sig").splitlines()))
    overall = dict(zip(rows[0], rows[1], strict=True))
    expected = deadline_rate(score.deadlines.overall, "on_time_substantive_rate").text()
    assert overall["按时实质答复率（占计入考核的探测）"] == expected
