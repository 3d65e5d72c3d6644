"""Registry loading at national size: 100,000 rows as CSV, XLSX and YAML, and junk input.

    .venv/bin/python benchmarks/registry_bench.py [--rows 100000] [--store]

For each format, ``registry.load_registry`` (read, validate every address, build the
units) is timed without tracing, then run again under tracemalloc for its peak. A file of
random bytes of the same size as the CSV is loaded too (one row error expected). With
``--store`` the units are also imported into a fresh SQLite database
(``import_units``), as ``mailprobe units import`` does. Prints figures only.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from mailprobe.registry import COLUMNS, RegistryResult, load_registry
from mailprobe.store.session import open_database
from mailprobe.store.units import import_units


def rows(n: int) -> list[list[str]]:
    return [[f"U{i:06d}", f"某市第{i}局", "city_department" if i % 10 else "county_district",
             f"gzxx{i}@dept{i % 997}.gov.cn", f"ld{i}@dept{i % 997}.gov.cn" if i % 3 else ""]
            for i in range(n)]


def write_files(folder: Path, data: list[list[str]]) -> dict[str, Path]:
    header = list(COLUMNS)
    csv = folder / "units.csv"
    csv.write_text("\n".join(",".join(r) for r in [header, *data]) + "\n", encoding="utf-8")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for r in [header, *data]:
        sheet.append(r)
    book.save(folder / "units.xlsx")
    (folder / "units.yaml").write_text(
        yaml.safe_dump([dict(zip(header, r, strict=True)) for r in data], allow_unicode=True),
        encoding="utf-8")
    (folder / "junk.csv").write_bytes(os.urandom(csv.stat().st_size))
    return {p.suffix.lstrip(".") if p.stem == "units" else "random bytes": p
            for p in sorted(folder.iterdir())}


def measure(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--store", action="store_true", help="also import into SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp:
        folder = Path(tmp)
        files = write_files(folder, rows(args.rows))
        print(f"{args.rows:,} rows")
        loaded: RegistryResult | None = None
        for label, path in files.items():
            result, seconds, peak = measure(lambda p=path: load_registry(p))
            loaded = loaded or (result if label == "csv" else None)
            speed = f"{len(result.units) / seconds:9,.0f} rows/s" if result.units else " " * 16
            print(f"  {label:13s} {path.stat().st_size / 2**20:6.1f} MiB  {seconds:6.2f} s  "
                  f"{speed}  peak {peak:6.1f} MiB  "
                  f"{len(result.units):,} units, {len(result.errors):,} errors")
        if args.store and loaded is not None:
            factory = open_database(f"sqlite:///{folder / 'bench.db'}")
            start = time.perf_counter()
            with factory() as session, session.begin():
                import_units(session, loaded.units, "units.csv", datetime.now(UTC))
            seconds = time.perf_counter() - start
            print(f"  store (SQLite) {seconds:6.2f} s  {len(loaded.units) / seconds:9,.0f} units/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
