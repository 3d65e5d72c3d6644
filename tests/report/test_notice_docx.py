"""The notice as .docx: 公文 layout (title, 主送, body, 落款, 日期), reopened with python-docx."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from mailprobe.report import write_report
from mailprobe.report.notice_docx import write_notice_docx
from tests.report.sample import HOSTILE_NAME, sample_score


def paragraphs(path: Path) -> list[tuple[str, object]]:
    return [(p.text, p.alignment) for p in Document(str(path)).paragraphs if p.text.strip()]


def test_docx_has_title_recipients_body_signature_and_date(tmp_path: Path) -> None:
    path = write_notice_docx(tmp_path / "notice.docx", sample_score(), issuer="某市政务公开办公室")
    paras = paragraphs(path)
    title, alignment = paras[0]
    assert title == "关于2025-H1政务信箱测评情况的通报（草稿）"
    assert alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert ("各有关单位：", None) in paras
    texts = [t for t, _ in paras]
    assert "一、基本情况" in texts and "五、工作建议" in texts
    assert any(t.startswith("本次共测试 5 个单位") for t in texts)
    assert paras[-2] == ("某市政务公开办公室", WD_ALIGN_PARAGRAPH.RIGHT)
    assert paras[-1] == ("2025年9月1日", WD_ALIGN_PARAGRAPH.RIGHT)
    assert not any("**" in t or "\\" in t for t in texts)


def test_docx_rankings_are_tables_with_names_unescaped(tmp_path: Path) -> None:
    path = write_notice_docx(tmp_path / "n.docx", sample_score())
    doc = Document(str(path))
    assert len(doc.tables) == 2
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header[:3] == ["排名", "单位", "得分"]
    names = {row.cells[1].text for t in doc.tables for row in t.rows[1:]}
    assert "单位C01" in names and HOSTILE_NAME not in names  # D02 is unranked (re-probe)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_report_notice_writes_markdown_and_docx(tmp_path: Path) -> None:
    md = write_report(sample_score(), "notice", tmp_path / "notice.md")
    docx = tmp_path / "notice.docx"
    assert md.read_text("utf-8").startswith("# 关于") and docx.exists()
    with zipfile.ZipFile(docx) as z:
        assert "word/document.xml" in z.namelist()
    assert write_report(sample_score(), "notice", tmp_path / "b.docx") == tmp_path / "b.md"
