"""The draft notice: official shape, computed numbers, escaped names, provisional stated."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mailprobe.report import write_report
from mailprobe.report.notice import md, render_notice
from mailprobe.score.rank import compare_rounds
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
