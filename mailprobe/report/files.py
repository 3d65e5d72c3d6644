"""Which file a report goes to, and the refusal to replace one that exists without --force."""

from __future__ import annotations

from pathlib import Path

from mailprobe.errors import InputError

# Without -o: a name per format, so that one format never replaces another's file. CSV also
# writes companions next to report.csv (report-<table>.csv); the notice is Markdown + Word.
DEFAULT_NAMES = {"csv": "report.csv", "xlsx": "report.xlsx", "html": "report.html",
                 "json": "report.json", "notice": "notice.md"}


def report_target(fmt: str, output: Path | None, *, force: bool) -> Path:
    """The path to write ``fmt`` to; refuses (exit 3) to replace an existing file unless
    ``force``."""
    if fmt not in DEFAULT_NAMES:
        raise InputError(f"unknown report format {fmt!r}; choose one of {', '.join(DEFAULT_NAMES)}")
    path = output or Path(DEFAULT_NAMES[fmt])
    existing = [p for p in written_files(fmt, path) if p.exists()]
    if existing and not force:
        raise InputError(f"{existing[0]} already exists; nothing was written. Add --force to "
                         "replace it, or name another file with -o")
    return path


def written_files(fmt: str, path: Path) -> list[Path]:
    """The files a report at ``path`` writes (CSV companions aside)."""
    if fmt == "notice":
        return [path, path.with_suffix(".docx")]
    return [path]
