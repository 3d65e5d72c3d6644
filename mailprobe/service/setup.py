"""`init` and the registry: write the starting configuration, import and list units."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mailprobe.config import Settings, load_settings
from mailprobe.model import Unit
from mailprobe.registry import load_registry
from mailprobe.resources import config_template
from mailprobe.service import Clock, open_db, safe_db_url, utcnow
from mailprobe.store import units as unit_store


@dataclass(frozen=True)
class InitResult:
    config: str
    config_written: bool
    database: str
    schema: str = "head"


def initialise(config_path: Path) -> InitResult:
    """Write a commented mailprobe.toml if none exists; create or migrate the database."""
    wrote = not config_path.exists()
    if wrote:
        config_path.write_text(config_template().read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings(config_path)
    open_db(settings, create=True)
    return InitResult(str(config_path), wrote, safe_db_url(settings))


@dataclass(frozen=True)
class UnitsImport:
    file: str
    units: int
    dry_run: bool
    errors: list[str] = field(default_factory=list)  # one bad row rejects the whole file
    summary: unit_store.ImportSummary | None = None
    warnings: list[str] = field(default_factory=list)  # rows imported that staff should check


def import_units(path: Path, settings: Settings, *, dry_run: bool = False,
                 clock: Clock = utcnow) -> UnitsImport:
    """Check every row; store the units only when all rows are valid and not a dry run."""
    result = load_registry(path, settings.campaign.categories)
    if result.errors:
        return UnitsImport(str(path), len(result.units), dry_run,
                           [str(problem) for problem in result.errors])
    summary = None
    if not dry_run:
        with open_db(settings)() as session, session.begin():
            summary = unit_store.import_units(session, result.units, str(path), clock())
    return UnitsImport(str(path), len(result.units), dry_run, summary=summary,
                       warnings=result.warnings)


def list_units(settings: Settings) -> list[Unit]:
    with open_db(settings)() as session:
        return unit_store.list_units(session)
