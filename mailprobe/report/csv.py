"""CSV writer: UTF-8 with BOM (Excel opens Chinese text correctly), formulas neutralised.

``path`` ending in ``.csv`` receives the units table (one row per unit) and the other tables go
next to it as ``<stem>-<table>.csv``; any other ``path`` is a directory holding ``units.csv``
and the rest.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from mailprobe.report.numbers import percent
from mailprobe.report.rows import Cell, Table, all_tables
from mailprobe.score.rank import Comparison
from mailprobe.score.result import CampaignScore

# A cell starting with one of these is a formula to Excel/LibreOffice (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def format_cell(value: Cell, fmt: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")  # already in the campaign's zone
    if fmt == "percent":
        return percent(value)
    return str(value)


def render_csv(table: Table, lang: str) -> str:
    """One table as CSV text (without the BOM)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.headers(lang)])
    for i, row in enumerate(table.rows):
        writer.writerow([format_cell(v, table.cell_format(i, j)) for j, v in enumerate(row)])
    return buf.getvalue()


def write_csv(score: CampaignScore, path: Path, lang: str = "zh",
              compare: Comparison | None = None) -> Path:
    """Write every table as CSV; return the units file."""
    if path.suffix.lower() == ".csv":
        path.parent.mkdir(parents=True, exist_ok=True)
        target = {"units": path}
        stem, folder = path.stem, path.parent
    else:
        path.mkdir(parents=True, exist_ok=True)
        target, stem, folder = {}, "", path
    for table in all_tables(score, lang, compare):
        out = target.get(table.name) or folder / (
            f"{stem}-{table.name}.csv" if stem else f"{table.name}.csv")
        out.write_text(render_csv(table, lang), encoding="utf-8-sig", newline="")
        target[table.name] = out
    return target["units"]
