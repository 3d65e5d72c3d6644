"""XLSX writer (openpyxl, write-only mode for large campaigns).

One sheet per table: summary, statistics by category, units (ranked per category), probes,
evidence, overrides log, excluded units (and the comparison when given). Headers are frozen,
column widths fit Chinese text (wide characters count double), shares are the rounded
fraction of numbers.py under a ``0.0%`` format (so the cell shows what CSV and HTML print),
times are real datetimes in the campaign's zone (named in the header; Excel keeps no zone),
every sheet has an autofilter and a print setup (landscape, fit to width, header row
repeated). Received text is always written as text, never as a formula.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from mailprobe.report.rows import Cell, Table, all_tables
from mailprobe.score.rank import Comparison
from mailprobe.score.result import CampaignScore

NUMBER_FORMATS = {"percent": "0.0%", "number": "0.00", "int": "0",
                  "time": "yyyy-mm-dd hh:mm:ss"}
SHEET_NAMES_ZH = {"summary": "概况", "categories": "分类统计", "units": "单位排名",
                  "comparison": "与上轮比较", "probes": "探测明细", "evidence": "证据清单",
                  "overrides": "更正记录", "excluded": "未纳入单位", "deadlines": "按时答复"}
# Header row always; units and probes also keep the unit's name in view.
FREEZE = {"units": "E2", "probes": "D2", "categories": "B2", "summary": "B2"}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_WIDTH_SAMPLE = 500  # rows measured for column widths
_MAX_WIDTH = 60


def text_width(value: Cell) -> int:
    """Display width: East Asian wide and full-width characters count 2."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    text = f"{value:.2f}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(table: Table, headers: list[str]) -> list[float]:
    widths = [text_width(h) for h in headers]
    for row in table.rows[:_WIDTH_SAMPLE]:
        for j, value in enumerate(row):
            widths[j] = max(widths[j], text_width(value))
    return [min(_MAX_WIDTH, max(6, w + 2)) for w in widths]


def _cell(ws: WriteOnlyWorksheet, value: Cell, fmt: str) -> object:
    if isinstance(value, str):
        text: str = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        if text.startswith("="):
            cell = WriteOnlyCell(ws, value=text)
            cell.data_type = "s"  # openpyxl would store "=..." as a formula
            return cell
        return text
    if isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=value.replace(tzinfo=None))  # local wall time
        cell.number_format = NUMBER_FORMATS["time"]
        return cell
    if value is not None and fmt in NUMBER_FORMATS:
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = NUMBER_FORMATS[fmt]
        return cell
    return value


def _write_sheet(wb: Workbook, table: Table, lang: str) -> None:
    title = SHEET_NAMES_ZH.get(table.name, table.name) if lang == "zh" else table.name
    ws = wb.create_sheet(title[:31])
    headers = table.headers(lang)
    for j, width in enumerate(column_widths(table, headers), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = FREEZE.get(table.name, "A2")
    _print_setup(ws, table, len(headers))
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_cells.append(cell)
    ws.append(header_cells)
    auto = any(c.fmt == "auto" for c in table.columns)
    formats = [c.fmt for c in table.columns]
    for i, row in enumerate(table.rows):
        if auto:
            formats = [table.cell_format(i, j) for j in range(len(row))]
        ws.append([_cell(ws, v, formats[j]) for j, v in enumerate(row)])


def _print_setup(ws: WriteOnlyWorksheet, table: Table, columns: int) -> None:
    """Autofilter over the table; landscape A4, fit to one page wide, header row repeated."""
    last = get_column_letter(columns)
    ws.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4 in ECMA-376 ST_PaperSize
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = "&P / &N"


def write_xlsx(score: CampaignScore, path: Path, lang: str = "zh",
               compare: Comparison | None = None) -> Path:
    """Write the workbook to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    wb.properties.title = f"mailprobe {score.campaign}"
    wb.properties.subject = "provisional" if score.is_provisional else "final"
    for table in all_tables(score, lang, compare):
        _write_sheet(wb, table, lang)
    wb.save(path)
    return path
