"""`init` and the registry (`units import`, `units list`).

The top-level commands here are registered on the app in cli/__init__.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from mailprobe.cli.common import STATE, DryRun, JsonFlag, emit, err, handled, out, settings
from mailprobe.errors import InputError

units_app = typer.Typer(help="The registry of units and their mailboxes.", no_args_is_help=True)


def init(json_out: JsonFlag = False) -> None:
    """Write a commented mailprobe.toml if none exists and create or migrate the database."""
    from mailprobe.service.setup import initialise

    with handled():
        result = initialise(STATE.get("config") or Path("mailprobe.toml"))
    if json_out:
        emit(dataclasses.asdict(result))
    else:
        verb = "wrote" if result.config_written else "kept"
        out.print(f"{verb} {result.config}; database {result.database} is at the newest schema")


@units_app.command("import")
def units_import(
    path: Annotated[Path, typer.Argument(help="CSV, XLSX or YAML registry.")],
    dry_run: DryRun = False,
    json_out: JsonFlag = False,
) -> None:
    """Import units; one bad row rejects the whole file (nothing stored), with file:line."""
    from mailprobe.service.setup import import_units

    with handled():
        result = import_units(path, settings(), dry_run=dry_run)
        if result.errors:
            for problem in result.errors[:50]:
                err.print(problem, markup=False)
            more = len(result.errors) - 50
            if more > 0:
                err.print(f"... and {more} more")
            raise InputError(f"{path}: {len(result.errors)} bad row(s); nothing was imported")
    summary = result.summary
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False)
    if json_out:
        emit({"file": result.file, "units": result.units, "dry_run": dry_run,
              "warnings": result.warnings,
              **(dataclasses.asdict(summary) if summary else {})})
    elif summary is None:
        out.print(f"{path}: {result.units} units, all rows valid (dry run: nothing stored)")
    else:
        out.print(
            f"{path}: {summary.added} added, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {summary.address_changes} address changes"
        )


@units_app.command("list")
def units_list(json_out: JsonFlag = False) -> None:
    """List the registry."""
    from mailprobe.service.setup import list_units

    with handled():
        units = list_units(settings())
    if json_out:
        emit(
            [
                {
                    "unit_id": u.unit_id,
                    "name": u.name,
                    "category": u.category,
                    "mailboxes": {m.type: m.address for m in u.mailboxes},
                    "forms": {m.type: m.form_url for m in u.mailboxes if m.form_url},
                }
                for u in units
            ]
        )
        return
    for u in units:
        boxes = "  ".join(f"{m.type}={m.address or m.form_url or '-'}" for m in u.mailboxes)
        out.print(f"{u.unit_id}\t{u.category}\t{u.name}\t{boxes}", markup=False)
