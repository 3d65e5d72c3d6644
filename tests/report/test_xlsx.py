"""The XLSX report reopened with openpyxl and checked cell by cell."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from mailprobe.report import write_report
from mailprobe.report.xlsx import text_width
from mailprobe.score.rank import compare_rounds
from tests.report.sample import HOSTILE_NAME, HOSTILE_SUBJECT, OPEN, sample_score


def test_sheets_frozen_headers_and_percent_numbers(tmp_path: Path) -> None:
    wb = load_workbook(write_report(sample_score(), "xlsx", tmp_path / "r.xlsx"))
    assert wb.sheetnames == ["概况", "分类统计", "单位排名", "探测明细", "证据清单", "更正记录",
                             "未纳入单位", "按时答复"]
    units = wb["单位排名"]
    assert units.freeze_panes == "E2"
    header = [c.value for c in units[1]]
    assert header[:4] == ["类别", "排名", "单位编号", "单位名称"]
    first = {h: c for h, c in zip(header, units[2], strict=True)}
    assert (first["单位编号"].value, first["排名"].value, first["单位得分"].value) == \
        ("C01", 1, 98.5)
    rate = first["人工回复率（占计入考核的探测）"]
    assert rate.value == 1.0 and rate.number_format == "0.0%"
    assert all(wb[name].freeze_panes for name in wb.sheetnames)


def test_widths_fit_chinese_text(tmp_path: Path) -> None:
    wb = load_workbook(write_report(sample_score(), "xlsx", tmp_path / "r.xlsx"))
    probes = wb["探测明细"]
    header = [c.value for c in probes[1]]
    col = "ABCDEFGHIJKLMNOPQRST"[header.index("结果")]
    # "人工回复（有实质内容）" is 11 wide characters -> 22 columns + 2 padding
    assert probes.column_dimensions[col].width >= 24
    assert text_width("单位A1") == 6


def test_formula_looking_text_stays_text(tmp_path: Path) -> None:
    wb = load_workbook(write_report(sample_score(), "xlsx", tmp_path / "r.xlsx"))
    names = [r[3] for r in wb["单位排名"].iter_rows(min_row=2, values_only=True)]
    assert HOSTILE_NAME in names
    cell = next(c for row in wb["单位排名"].iter_rows(min_row=2) for c in row
                if c.value == HOSTILE_NAME)
    assert cell.data_type == "s"
    subjects = [r[3] for r in wb["证据清单"].iter_rows(min_row=2, values_only=True)]
    assert HOSTILE_SUBJECT in subjects


def test_control_characters_in_received_text_do_not_break_the_file(tmp_path: Path) -> None:
    from dataclasses import replace

    score = sample_score()
    bad = replace(score.messages[0], subject="退信\x00\x07通知")
    score = replace(score, messages=(bad, *score.messages[1:]))
    wb = load_workbook(write_report(score, "xlsx", tmp_path / "r.xlsx"))
    assert "退信\ufffd\ufffd通知" in [r[3] for r in wb["证据清单"].iter_rows(values_only=True)]


def test_summary_states_provisional_and_comparison_sheet(tmp_path: Path) -> None:
    cmp = compare_rounds(sample_score(OPEN), sample_score())
    wb = load_workbook(write_report(sample_score(OPEN), "xlsx", tmp_path / "r.xlsx",
                                    compare=cmp))
    summary = {r[0]: r[1] for r in wb["概况"].iter_rows(min_row=2, values_only=True)}
    assert str(summary["状态"]).startswith("暂定结果")
    assert summary["更正记录条数"] == 1
    assert "与上轮比较" in wb.sheetnames
    assert wb["概况"]["B11"].number_format == "0.0%"


def test_english_sheet_names(tmp_path: Path) -> None:
    wb = load_workbook(write_report(sample_score(), "xlsx", tmp_path / "r.xlsx", lang="en"))
    assert wb.sheetnames[:3] == ["summary", "categories", "units"]


def test_times_are_datetimes_in_the_campaign_zone_and_sheets_print(tmp_path: Path) -> None:
    wb = load_workbook(write_report(sample_score(), "xlsx", tmp_path / "r.xlsx"))
    probes = wb["探测明细"]
    header = [c.value for c in probes[1]]
    col = header.index("发出时间（北京时间）")
    first = probes.cell(row=2, column=col + 1)
    # accepted 2025-03-03 09:00 Beijing time: stored as that wall time, not UTC 01:00
    assert first.value == datetime(2025, 3, 3, 9, 0) and first.number_format.startswith("yyyy")
    for ws in wb.worksheets:
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
