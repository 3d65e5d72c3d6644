"""CSV reports reopened: BOM, one row per unit, formulas neutralised, provisional stated."""

from __future__ import annotations

import csv
from pathlib import Path

from mailprobe.report import write_report
from mailprobe.report.csv import neutralise
from tests.report.sample import HOSTILE_NAME, OPEN, sample_score


def read(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_units_csv_one_row_per_unit_with_outcomes_score_rank(tmp_path: Path) -> None:
    out = write_report(sample_score(), "csv", tmp_path / "round1.csv")
    rows = read(out)
    header = rows[0]
    assert header[:6] == ["类别", "排名", "单位编号", "单位名称", "公开信箱结果", "领导信箱结果"]
    units = {r[2]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert sorted(units) == ["C01", "C02", "D01", "D02", "D03"]
    c01 = units["C01"]
    # public: 1 working day -> 100; leader: 3 working days -> 30 + 40 + 27 = 97
    rate = c01["人工回复率（占计入考核的探测）"]
    assert (c01["排名"], c01["单位得分"], rate) == ("1", "98.5", "100.0%")
    assert units["D01"]["领导信箱结果"] == "未公开信箱"
    assert units["D02"]["排名"] == "" and units["D02"]["状态"] == "最终"


def test_formula_cells_are_neutralised(tmp_path: Path) -> None:
    out = write_report(sample_score(), "csv", tmp_path / "r.csv")
    names = [r[3] for r in read(out)[1:]]
    assert "'" + HOSTILE_NAME in names
    overrides = read(tmp_path / "r-overrides.csv")
    assert overrides[1][4].startswith("'@SUM")


def test_neutralise_rules() -> None:
    assert [neutralise(s) for s in ("=1", "+1", "-1", "@a", "\tx", "安全", "a=b")] == \
        ["'=1", "'+1", "'-1", "'@a", "'\tx", "安全", "a=b"]


def test_sibling_tables_and_provisional_summary(tmp_path: Path) -> None:
    write_report(sample_score(OPEN), "csv", tmp_path / "r.csv")
    for name in ("summary", "categories", "probes", "evidence", "overrides", "excluded"):
        assert (tmp_path / f"r-{name}.csv").exists(), name
    summary = dict((r[0], r[1]) for r in read(tmp_path / "r-summary.csv")[1:])
    assert summary["状态"].startswith("暂定结果：回复观察期尚未结束")
    assert "人工更正记录 1 条" in summary["状态"]
    assert {r[16] for r in read(tmp_path / "r.csv")[1:]} == {"暂定"}


def test_directory_target_and_english(tmp_path: Path) -> None:
    out = write_report(sample_score(), "csv", tmp_path / "out", lang="en")
    assert out == tmp_path / "out" / "units.csv"
    assert read(out)[0][:3] == ["category", "rank", "unit id"]


def test_times_follow_the_campaign_time_zone_and_headers_name_it(tmp_path: Path) -> None:
    from mailprobe.score import load_calendar, score_campaign
    from tests.report.sample import FINAL, sample_probes
    from tests.score.factories import campaign

    cal = load_calendar({"timezone": "Asia/Urumqi"})  # UTC+6, two hours behind Beijing
    score = score_campaign(campaign(sample_probes()), FINAL, cal)
    write_report(score, "csv", tmp_path / "r.csv")
    rows = read(tmp_path / "r-probes.csv")
    probe1 = dict(zip(rows[0], rows[1], strict=True))
    assert probe1["发出时间（Asia/Urumqi）"] == "2025-03-03 07:00:00"  # 09:00 in Beijing
