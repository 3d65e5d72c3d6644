"""Review counts shown to staff: tables, CSV, XLSX, HTML and the notice (schema 2 fields)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from mailprobe.report import write_report
from mailprobe.report.html import render_html
from mailprobe.report.notice import render_notice
from mailprobe.report.rows import categories_table, evidence_table, summary_table, units_table
from tests.report.sample import review_score, sample_score


def _by_header(table_headers: list[str], row: list[object]) -> dict[str, object]:
    return dict(zip(table_headers, row, strict=True))


def test_units_table_counts_pending_low_confidence_and_conflicts_per_unit() -> None:
    table = units_table(review_score())
    rows = {r[2]: _by_header(table.headers("zh"), r) for r in table.rows}
    c02 = rows["C02"]
    assert (c02["待复核邮件"], c02["其中低可信匹配"], c02["回复与退信冲突"]) == (3, 1, 1)
    assert (rows["C01"]["待复核邮件"], rows["C01"]["回复与退信冲突"]) == (0, 0)


def test_categories_and_summary_show_the_campaign_counts_and_warn() -> None:
    score = review_score()
    cats = categories_table(score)
    pending = next(r for r in cats.rows if r[0] == "待复核邮件数")
    # county_district, city_department, then the total (which adds the unmatched message)
    assert pending[1:] == [3, 0, 4]
    summary = {r[0]: r[1] for r in summary_table(score).rows}
    assert summary["待复核邮件数"] == 4 and summary["回复与退信冲突数"] == 1
    assert "尚有 4 封回信待人工复核，相关单位的结果可能调整" in str(summary["注意"])
    assert "注意" not in {r[0] for r in summary_table(sample_score()).rows}


def test_evidence_shows_confidence_and_review_reason_in_chinese() -> None:
    table = evidence_table(review_score())
    rows = {r[0]: _by_header(table.headers("zh"), r) for r in table.rows}
    assert (rows["104"]["匹配可信度"], rows["104"]["待复核原因"]) == ("低", "低可信匹配")
    assert rows["105"]["待复核原因"] == "未能关联" and rows["101"]["待复核原因"] == ""
    en = evidence_table(review_score(), "en")
    assert [r[-1] for r in en.rows if r[0] == "104"] == ["low_confidence"]


def test_csv_and_xlsx_carry_the_counts(tmp_path: Path) -> None:
    units_csv = write_report(review_score(), "csv", tmp_path / "r.csv")
    rows = list(csv.reader(units_csv.read_text("utf-8-sig").splitlines()))
    c02 = dict(zip(rows[0], next(r for r in rows if r[2] == "C02"), strict=True))
    assert (c02["待复核邮件"], c02["其中低可信匹配"], c02["回复与退信冲突"]) == ("3", "1", "1")
    wb = load_workbook(write_report(review_score(), "xlsx", tmp_path / "r.xlsx"))
    sheet = wb["单位排名"]
    header = [c.value for c in sheet[1]]
    col = header.index("待复核邮件")
    values = {row[2].value: row[col].value for row in sheet.iter_rows(min_row=2)}
    assert values["C02"] == 3 and values["C01"] == 0


def test_html_warns_and_shows_each_units_counts() -> None:
    html = render_html(review_score())
    assert 'id="review"' in html and "尚有 4 封回信待人工复核" in html
    assert "3（低可信匹配 1；冲突 1）" in html and "待复核（低可信匹配；冲突）" in html
    assert 'id="review"' not in render_html(sample_score())


def test_notice_says_how_many_await_review_and_names_the_units() -> None:
    text = render_notice(review_score())
    assert "尚有 4 封回信待人工复核，相关单位的结果可能调整" in text
    assert "单位C02：待复核 3 封，其中低可信匹配 1 封，冲突 1 个" in text
    assert "其中 1 个探测同时收到回复和退信" in text
    assert "4 messages still await review" in render_notice(review_score(), "en")
    assert "待人工复核" not in render_notice(sample_score())


def test_notice_docx_carries_the_review_warning(tmp_path: Path) -> None:
    from docx import Document

    md = write_report(review_score(), "notice", tmp_path / "notice.md")
    text = "\n".join(p.text for p in Document(str(md.with_suffix(".docx"))).paragraphs)
    assert "尚有 4 封回信待人工复核，相关单位的结果可能调整" in text
