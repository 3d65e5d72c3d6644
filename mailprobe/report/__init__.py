"""Stage 7: reports from a CampaignScore. Tables are built in rows.py (pure); each writer is
one thin function that writes one file (or, for CSV, one set of files)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mailprobe import resources
from mailprobe.errors import InputError
from mailprobe.score.rank import Comparison
from mailprobe.score.result import CampaignScore

FORMATS = ("csv", "xlsx", "html", "json", "notice")
LANGS = ("zh", "en")

Writer = Callable[[CampaignScore, Path, str, Comparison | None], Path]


def _writer(fmt: str) -> Writer:
    # Imported on demand: openpyxl and Jinja2 are only loaded for the formats that need them.
    if fmt == "csv":
        from mailprobe.report.csv import write_csv
        return write_csv
    if fmt == "json":
        from mailprobe.report.json import write_json
        return write_json
    if fmt == "xlsx":
        from mailprobe.report.xlsx import write_xlsx
        return write_xlsx
    if fmt == "html":
        from mailprobe.report.html import write_html
        return write_html
    from mailprobe.report.notice import write_notice
    return write_notice


def write_report(score: CampaignScore, fmt: str, path: Path, lang: str = "zh",
                 compare: Comparison | None = None) -> Path:
    """Write one report format to ``path`` and return the file written (CSV: units file)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if lang not in LANGS:
        raise InputError(f"unknown report language {lang!r}; choose zh or en")
    return _writer(fmt)(score, Path(path), lang, compare)


def templates_dir() -> Path:
    """The shipped templates folder (mailprobe/resources.py finds it)."""
    return resources.templates_dir()
