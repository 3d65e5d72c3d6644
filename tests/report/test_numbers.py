"""One rounding for every format: a rate shows the same figure in CSV, XLSX, HTML, JSON and
the notice, and says what it is a share of."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import load_workbook

from mailprobe.report import write_report
from mailprobe.report.numbers import Rate, number, percent, permille, rate_object, rate_value
from tests.report.sample import sample_score


def test_rounded_once_half_up_on_the_printed_decimal() -> None:
    assert permille(0.3075) == 308 and percent(0.3075) == "30.8%"  # float 0.30749999...
    assert percent(88 / 287) == "30.7%" and rate_value(88 / 287) == 0.307
    assert percent(0.0) == "0.0%" and percent(1.0) == "100.0%" and percent(None) == "–"
    assert number(59.25) == "59.3" and number(2.675, 2) == "2.68"


def test_rate_object_carries_its_base() -> None:
    assert Rate(88, 287, "sent").to_dict() == {"value": 0.307, "base": "sent",
                                               "numerator": 88, "denominator": 287}
    assert rate_object(0, 0, "delivered")["value"] is None


def _csv_row(path: Path, label: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fp:
        return next(r for r in csv.reader(fp) if r[0] == label)


def test_same_figure_in_every_format(tmp_path: Path) -> None:
    score = sample_score()  # 5 human replies of 9 sent: 55.6 %, where 2-place rounding gave 56.0
    label = "人工回复率（占已发送）"
    write_report(score, "csv", tmp_path / "r.csv")
    assert _csv_row(tmp_path / "r-categories.csv", label)[-1] == "55.6%"
    ws = load_workbook(write_report(score, "xlsx", tmp_path / "r.xlsx"))["分类统计"]
    cell = next(r for r in ws.iter_rows() if r[0].value == label)[-1]
    assert (cell.value, cell.number_format) == (0.556, "0.0%")
    doc = json.loads(write_report(score, "json", tmp_path / "r.json").read_text("utf-8"))
    assert doc["stats"]["human_reply_rate_sent"] == {"value": 0.556, "base": "sent",
                                                     "numerator": 5, "denominator": 9}
    html = write_report(score, "html", tmp_path / "r.html").read_text("utf-8")
    assert html.count("55.6%") >= 3  # summary, statistics table, chart label
    assert "56.0%" not in html and "56%" not in html
    notice = write_report(score, "notice", tmp_path / "n.md").read_text("utf-8")
    assert "占已发送的 55.6%" in notice
