"""Fuzz the registry readers: any bytes give units plus RowErrors, or at most an InputError.

Input starting with ``PK`` goes through load_registry() as a ``.xlsx`` file (read_xlsx and
parse_table); anything else is read both as CSV (read_csv, parse_table) and as YAML
(read_yaml, parse_rows). Any other exception is a finding, and so is a result that breaks
what the readers promise: every error carries a line, unit ids are unique, and every accepted
address is sent where it was validated (render.ascii_address gives the IDNA form that
email-validator checked).

    .venv/bin/python fuzz/registry_fuzz.py -runs=100000 fuzz/corpus/registry
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import openpyxl  # noqa: F401 - registry imports it lazily; imported here to instrument it
    from email_validator import validate_email

    from mailprobe.errors import InputError
    from mailprobe.model import RowError
    from mailprobe.registry import (
        RegistryResult,
        load_registry,
        parse_rows,
        parse_table,
        read_csv,
        read_yaml,
    )
    from mailprobe.render import ascii_address

XLSX = Path(tempfile.gettempdir()) / f"registry_fuzz-{os.getpid()}.xlsx"


def read(data: bytes) -> list[RegistryResult]:
    if data.startswith(b"PK"):
        XLSX.write_bytes(data)
        try:
            return [load_registry(XLSX)]
        finally:
            XLSX.unlink()
    return [parse_table(read_csv(data), "fuzz.csv"), parse_rows(read_yaml(data), "fuzz.yaml")]


def check(result: RegistryResult) -> None:
    assert all(isinstance(e, RowError) and e.line >= 1 for e in result.errors), result.errors
    ids = [u.unit_id for u in result.units]
    assert len(ids) == len(set(ids)), f"duplicate unit ids: {ids}"
    for unit in result.units:
        assert unit.unit_id and unit.name, unit
        for address in (m.address for m in unit.mailboxes if m.address is not None):
            checked = validate_email(address, check_deliverability=False, allow_smtputf8=False,
                                     test_environment=True)
            sent_to = ascii_address(address)  # an InputError here escapes: a finding
            assert sent_to == checked.ascii_email, f"{address}: sent to {sent_to}"


def TestOneInput(data: bytes) -> None:
    try:
        results = read(data)
    except InputError:  # the documented "bad input" error
        return
    for result in results:
        check(result)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
