"""The draft notice as a Word document (python-docx), laid out as a 公文 (GB/T 9704-2012).

The wording is the Markdown notice's (notice.py renders it once); this module only lays it
out: A4 with the standard margins, the title in 二号 小标宋 centred, 主送 flush left,
body in 三号 仿宋 with a two-character first-line indent and a fixed 28-point line pitch,
一级 headings in 黑体, 二级 in 楷体, rankings as tables, then 落款 and 成文日期 on the right.
Word and WPS substitute installed fonts when the named ones are missing.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from mailprobe.report.rows import report_tz
from mailprobe.score.rank import Comparison
from mailprobe.score.result import CampaignScore

TITLE_FONT, BODY_FONT = "方正小标宋简体", "仿宋_GB2312"
HEADING_FONT, SUBHEADING_FONT = "黑体", "楷体_GB2312"
BODY_SIZE, TITLE_SIZE, TABLE_SIZE = Pt(16), Pt(22), Pt(12)  # 三号, 二号, 小四
LINE_PITCH = Pt(28)
DEFAULT_ISSUER = {"zh": "（发文机关署名）", "en": "(issuing office)"}
_BOLD = re.compile(r"(?<!\\)\*\*")
_PIPE = re.compile(r"(?<!\\)\|")
_ESCAPED = re.compile(r"\\([\\`*_\[\]|])")


def write_notice_docx(path: Path, score: CampaignScore, lang: str = "zh",
                      compare: Comparison | None = None, issuer: str | None = None) -> Path:
    """Write the draft notice as ``path`` (.docx); ``issuer`` is the 落款 (else a placeholder)."""
    from mailprobe.report.notice import render_notice

    document = notice_document(render_notice(score, lang, compare),
                               score.generated_at.astimezone(report_tz(score)).date(),
                               issuer or DEFAULT_ISSUER[lang], lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def notice_document(markdown: str, dated: date, issuer: str, lang: str = "zh") -> DocumentObject:
    """Lay out the notice's Markdown (pure apart from python-docx's in-memory document)."""
    doc = Document()
    _page_setup(doc)
    table: list[list[str]] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            if not re.fullmatch(r"\|[-:| ]+\|", line.strip()):
                table.append([_plain(c.strip()) for c in _PIPE.split(line.strip())[1:-1]])
            continue
        if table:
            _table(doc, table)
            table = []
        _line(doc, line)
    if table:
        _table(doc, table)
    _signature(doc, issuer, dated, lang)
    return doc


def _line(doc: DocumentObject, line: str) -> None:
    text = line.strip()
    if not text or _is_generated_stamp(text):
        return
    if text.startswith("# "):
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _runs(para, text[2:], TITLE_FONT, TITLE_SIZE)
        doc.add_paragraph()
    elif text.startswith("## "):
        _runs(_body(doc), text[3:], HEADING_FONT, BODY_SIZE)
    elif text.startswith("### "):
        _runs(_body(doc), text[4:], SUBHEADING_FONT, BODY_SIZE)
    elif text.startswith(">"):
        _runs(_body(doc, indent=False), text.lstrip("> "), BODY_FONT, TABLE_SIZE)
    elif text.endswith(("：", ":")) and len(text) <= 40 and not text.startswith("说明"):
        _runs(_body(doc, indent=False), text, BODY_FONT, BODY_SIZE)  # 主送机关
    else:
        _runs(_body(doc), text, BODY_FONT, BODY_SIZE)


def _is_generated_stamp(text: str) -> bool:
    """The Markdown's last line, "（数据截至 …）": the document carries 成文日期 instead."""
    return text.startswith(("（数据截至", "(As of"))


def _page_setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    _set_font(normal.element, BODY_FONT)


def _body(doc: DocumentObject, indent: bool = True) -> Paragraph:
    para = doc.add_paragraph()
    fmt = para.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(BODY_SIZE.pt * 2)
    return para


def _runs(para: Paragraph, markdown: str, font: str, size: Pt) -> None:
    """Markdown inline text as runs: ``**bold**`` bold, escapes removed."""
    for i, part in enumerate(_BOLD.split(markdown)):
        if part:
            run = para.add_run(_plain(part))
            run.bold = i % 2 == 1
            _font(run, font, size)


def _plain(text: str) -> str:
    return _ESCAPED.sub(r"\1", text).replace("&lt;", "<")


def _font(run: Run, name: str, size: Pt) -> None:
    run.font.size = size
    run.font.name = name
    _set_font(run.element, name)


def _set_font(element: object, name: str) -> None:
    """Set the East Asian font too: Word uses w:eastAsia for Chinese characters."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _table(doc: DocumentObject, rows: list[list[str]]) -> None:
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Row by row: table.cell(i, j) walks the whole grid each call (quadratic on long tables).
    for i, (doc_row, row) in enumerate(zip(table.rows, rows, strict=True)):
        for j, cell in enumerate(doc_row.cells):
            run = cell.paragraphs[0].add_run(row[j] if j < len(row) else "")
            run.bold = i == 0
            _font(run, BODY_FONT, TABLE_SIZE)


def _signature(doc: DocumentObject, issuer: str, dated: date, lang: str) -> None:
    """落款 and 成文日期, right-aligned four characters in from the margin (GB/T 9704 7.3.5)."""
    doc.add_paragraph()
    stamp = f"{dated.year}年{dated.month}月{dated.day}日" if lang == "zh" else dated.isoformat()
    for text in (issuer, stamp):
        para = _body(doc, indent=False)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        para.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)
        _runs(para, text, BODY_FONT, BODY_SIZE)
