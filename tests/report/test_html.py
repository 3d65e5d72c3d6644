"""The HTML report: self-contained, charts inline, every received text escaped."""

from __future__ import annotations

import re
from pathlib import Path

from mailprobe.report import write_report
from mailprobe.report.html import render_html
from mailprobe.score.rank import compare_rounds
from tests.report.sample import OPEN, sample_score


def test_self_contained_no_external_resources() -> None:
    html = render_html(sample_score())
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html


def test_hostile_subject_is_escaped() -> None:
    html = render_html(sample_score())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in html and "onerror=alert" not in html.replace("&lt;img src=x onerror", "")


def test_four_inline_svg_charts_and_rankings_per_category() -> None:
    html = render_html(sample_score(), "en")
    assert html.count("<svg") == 4
    assert html.count('class="ranking"') == 2


def test_provisional_banner_and_overrides_cited(tmp_path: Path) -> None:
    html = write_report(sample_score(OPEN), "html", tmp_path / "r.html").read_text("utf-8")
    assert 'class="banner provisional"' in html and "暂定结果：回复观察期尚未结束" in html
    assert "人工更正记录 1 条" in html and "王五" in html


def test_comparison_section_when_given() -> None:
    cmp = compare_rounds(sample_score(OPEN), sample_score())
    assert 'id="comparison"' in render_html(sample_score(), compare=cmp)
    assert 'id="comparison"' not in render_html(sample_score())
