"""Deadlines in the reports: the side-by-side rates table and the notice citing the rule."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from mailprobe.report import write_report
from mailprobe.report.notice import render_notice
from mailprobe.report.rows import deadlines_table
from mailprobe.score.deadlines import VETO_RULE_ZH
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


def test_xlsx_keeps_the_rates_as_percent_numbers(tmp_path: Path) -> None:
    wb = load_workbook(write_report(sample_score(), "xlsx", tmp_path / "r.xlsx"))
    sheet = wb["按时答复"]
    assert sheet["F1"].value == "人工回复率" and sheet["F2"].number_format == "0.0%"


def test_notice_states_the_four_rates_and_cites_the_veto_rule() -> None:
    text = render_notice(sample_score())
    assert "按时作出实质答复的占" in text and "有任何回应（含自动回复）的占" in text
    assert VETO_RULE_ZH in text
