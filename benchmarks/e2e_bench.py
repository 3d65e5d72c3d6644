"""End-to-end benchmark: a simulated national campaign through every stage of the demo.

    .venv/bin/python benchmarks/e2e_bench.py [--units 15000] [--db sqlite,postgresql]
        [--trace] [--seed 11] [--out DIR]

``mailprobe demo``'s code path (mailprobe/demo.py) at national size: ``--units`` units
(1 in 15 a county/district, the rest city departments) with a public and a leader mailbox
each (2 x units mailboxes, a few unpublished), then per stage, timed:

  world      make_world, registry CSV, load + import units, create the campaign ledger
  send       send_campaign to the in-process aiosmtpd "units' server" on loopback
  answers    the units' answers (DSNs, auto-replies, human replies) written to a Maildir
  store      store_found: the Maildir's raw messages into the database
  classify   process_messages: classification and correlation to the probes
  score      score_stored (and the campaign closed)
  report:*   write_report for csv, json, xlsx, html, notice

Memory per stage without tracing: RSS when the stage starts and the process's RSS
high-water (ru_maxrss) when it ends; a stage that raised the high-water shows it. With
``--trace`` a second, tracemalloc-traced pass prints each stage's peak of Python
allocations (tracing slows everything ~2-3x, so its times are not the figures).

Prints figures only (no assertions); removes its temp directory (unless ``--out``) and
every PostgreSQL schema it made.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests.servers is not an installed package
    sys.path.insert(0, str(ROOT))

from mailprobe import demo  # noqa: E402
from mailprobe.assess import score_stored  # noqa: E402
from mailprobe.ingest import iter_messages  # noqa: E402
from mailprobe.pipeline import process_messages, store_found  # noqa: E402
from mailprobe.report import write_report  # noqa: E402
from mailprobe.score import load_calendar  # noqa: E402
from mailprobe.store.campaigns import close_campaign, get_campaign, state_counts  # noqa: E402
from mailprobe.store.probes import probe_rows  # noqa: E402
from tests.servers.postgres import pg_schema  # noqa: E402


def rss_mb() -> float:
    """Current resident set size (VmRSS), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stages:
    """Times (and memory of) each stage; prints a line as each one ends."""

    def __init__(self, traced: bool) -> None:
        self.traced = traced
        self.rows: list[tuple[str, float, float, float, float, str]] = []

    @contextmanager
    def stage(self, name: str, note: Callable[[], str] = lambda: "") -> Iterator[None]:
        before = rss_mb()
        if self.traced:
            tracemalloc.reset_peak()
        began = time.perf_counter()
        yield
        seconds = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if self.traced else 0.0
        row = (name, seconds, before, maxrss_mb(), peak, note())
        self.rows.append(row)
        print(self.format(row), flush=True)

    def format(self, row: tuple[str, float, float, float, float, str]) -> str:
        name, seconds, before, high, peak, note = row
        memory = (f"tracemalloc peak {peak:7.1f} MB" if self.traced
                  else f"RSS {before:6.0f} MB at start, high-water {high:6.0f} MB")
        return f"  {name:<14} {seconds:8.2f} s   {memory}   {note}"


@contextmanager
def database_url(kind: str, out_dir: Path) -> Iterator[str | None]:
    """None (demo.py's SQLite file in ``out_dir``) or a throw-away PostgreSQL schema."""
    if kind == "sqlite":
        yield None
        return
    with pg_schema("mp_e2e") as url:
        yield url


def campaign(out_dir: Path, units: int, seed: int, kind: str, traced: bool) -> None:
    """The demo's run_demo, stage by stage (same functions, same order)."""
    n_county = max(1, units // 15)
    stages = Stages(traced)
    calendar = load_calendar()
    info: dict[str, Any] = {}
    with database_url(kind, out_dir) as url:
        with stages.stage("world", lambda: f"{info['units']:,} units, {info['probes']:,} "
                                           "probes in the ledger"):
            run = demo.prepare(out_dir, seed, n_county=n_county,
                               n_department=units - n_county, database_url=url)
            with run.database() as session:
                row = get_campaign(session, run.campaign)
                info["units"] = len(run.world.units)
                info["probes"] = sum(state_counts(session, row.id).values())
        with stages.stage("send", lambda: ", ".join(f"{n:,} {state}" for state, n
                                                   in run.counts.items() if n)):
            server = demo.send_probes(run)
        with stages.stage("answers", lambda: f"{info['answered']:,} messages written"):
            info["answered"] = demo.write_answers(run, server, demo.add_working_hours(calendar),
                                                  seed)
        del server
        with run.database() as session:
            row = get_campaign(session, run.campaign)
            accepted = [p.accepted_at for p in probe_rows(session, row.id)
                        if p.accepted_at is not None]
        run.clock.now = calendar.add_working_days(max(accepted), 25)
        with stages.stage("store", lambda: f"{info['stored']:,} new"):
            info["stored"], _ = store_found(run.database,
                                            iter_messages([run.out_dir / "Maildir"]), run.clock)
        with stages.stage("classify", lambda: f"{info['processed'].classified:,} classified, "
                                              f"{info['processed'].matched:,} matched, "
                                              f"{info['processed'].review:,} to review"):
            info["processed"] = process_messages(run.database, run.clock)
        with stages.stage("score", lambda: f"{len(info['result'].units):,} units scored"):
            info["result"] = score_stored(run.database, run.campaign, run.settings, calendar,
                                          run.clock())
            with run.database() as session, session.begin():
                close_campaign(session, run.campaign, run.clock())
        for fmt, name in demo.REPORTS:
            path = out_dir / name
            with stages.stage(f"report:{fmt}", lambda p=path: _size(p)):  # type: ignore[misc]
                write_report(info["result"], fmt, path)
        run.database.kw["bind"].dispose()
    total = sum(r[1] for r in stages.rows)
    print(f"  {'total':<14} {total:8.2f} s   process RSS high-water {maxrss_mb():.0f} MB",
          flush=True)


def _size(path: Path) -> str:
    if path.is_file():
        return f"{path.stat().st_size / 2**20:.1f} MB"
    files = list(path.parent.glob(f"{path.stem}*"))
    return f"{sum(f.stat().st_size for f in files) / 2**20:.1f} MB in {len(files)} files"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=15000)
    parser.add_argument("--db", default="sqlite", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--trace", action="store_true",
                        help="also a traced pass: tracemalloc peak per stage")
    parser.add_argument("--out", type=Path, help="keep the outputs here (default: a temp dir)")
    args = parser.parse_args()
    passes = [False, True] if args.trace else [False]
    for kind in [k.strip() for k in args.db.split(",") if k.strip()]:
        for traced in passes:
            top = args.out or Path(tempfile.mkdtemp(prefix="mailprobe-e2e-"))
            out_dir = top / f"{kind}{'-traced' if traced else ''}"
            print(f"[{kind}{', traced' if traced else ''}] {args.units:,} units "
                  f"(seed {args.seed}) in {out_dir}", flush=True)
            if traced:
                tracemalloc.start()
            try:
                campaign(out_dir, args.units, args.seed, kind, traced)
            finally:
                if traced:
                    tracemalloc.stop()
                if args.out is None:
                    shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
