"""Send benchmark: mailprobe's ledgered sending vs a bare aiosmtplib loop, same run.

    .venv/bin/python benchmarks/send_bench.py [--probes 5000] [--connections 16]
        [--repeats 3] [--db sqlite | --db postgresql://postgres@127.0.0.1/test]
        [--profile FILE.prof]

Needs root and Postfix's ``smtp-sink`` (started here on a free loopback port as
``smtp-sink -u nobody 127.0.0.1:PORT 1000`` and stopped by PID at the end).

Per repeat, on a fresh campaign of ``--probes`` probes (units made up here, addresses
spread over 500 domains):

  bare       the campaign's messages, rendered and turned into bytes beforehand, sent by
             ``--connections`` aiosmtplib connections (one ``sendmail`` each, reused);
  mailprobe  ``campaign.deliver`` of the same rendered probes: chunks of ``--connections``
             committed ``sending``, their SMTP transactions, outcomes committed;
  render     ``campaign.prepare`` (recover, pick due probes, render every message and
             build its bytes), timed apart because the bare loop gets the same bytes.

Prints messages/s for each and the ratio mailprobe/bare (medians of the repeats). The
database is a SQLite file (WAL) in a temp directory, or a throw-away PostgreSQL schema
that is dropped at the end. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiosmtplib

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests.servers is not an installed package
    sys.path.insert(0, str(ROOT))

from mailprobe import campaign  # noqa: E402
from mailprobe.config import ProbeSettings, Settings, SmtpSettings  # noqa: E402
from mailprobe.model import Mailbox, Unit  # noqa: E402
from mailprobe.store import Database  # noqa: E402
from mailprobe.store.campaigns import create_campaign, launch_campaign, state_counts  # noqa: E402
from mailprobe.store.session import open_database  # noqa: E402
from mailprobe.store.units import import_units  # noqa: E402
from mailprobe.token import message_id, new_token  # noqa: E402
from tests.servers.postgres import pg_schema  # noqa: E402
from tests.servers.process import free_port, port_open, stop, wait_until  # noqa: E402

DOMAINS = 500
LOCAL_HOSTNAME = "bench.localdomain"


def smtp_sink_binary() -> str:
    found = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
    if not Path(found).exists():
        sys.exit("smtp-sink not found: apt-get install postfix")
    return found


@contextmanager
def smtp_sink() -> Iterator[int]:
    """Postfix's smtp-sink on a free loopback port; stopped by PID afterwards."""
    port = free_port()
    proc = subprocess.Popen([smtp_sink_binary(), "-u", "nobody", f"127.0.0.1:{port}", "1000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: port_open(port), "smtp-sink", 10, proc=proc)
        yield port
    finally:
        stop(proc)


@contextmanager
def database(spec: str) -> Iterator[str]:
    """A SQLite file in a temp dir, or a throw-away schema in the given PostgreSQL db."""
    if spec == "sqlite":
        folder = tempfile.mkdtemp(prefix="send-bench-")
        try:
            yield f"sqlite:///{folder}/bench.db"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    with pg_schema("bench", spec) as url:
        yield url


def make_units(n: int) -> list[Unit]:
    return [Unit(f"B{i:06d}", f"市第{i}局", "city_department",
                 (Mailbox("public", f"box{i}@d{i % DOMAINS}.gov.cn"),)) for i in range(n)]


def new_campaign(factory: Database, name: str, now: datetime) -> None:
    with factory() as s, s.begin():
        create_campaign(s, name, ["consult_office_hours"], ["public"], 20, now,
                        new_token, lambda t: message_id(t, "example.org"))
        launch_campaign(s, name, now, "example.org",
                        lambda t: message_id(t, "example.org"))


async def bare_loop(port: int, messages: list[tuple[str, str, bytes]], connections: int) -> None:
    """The floor: reused connections, one sendmail per message, nothing recorded."""
    queue = deque(messages)

    async def worker() -> None:
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, local_hostname=LOCAL_HOSTNAME,
                               start_tls=False, use_tls=False)
        await smtp.connect()
        while queue:
            sender, recipient, data = queue.popleft()
            await smtp.sendmail(sender, [recipient], data)
        await smtp.quit()

    await asyncio.gather(*(worker() for _ in range(connections)))


def one_repeat(factory: Database, settings: Settings, port: int, name: str,
               profile: cProfile.Profile | None) -> tuple[float, float, float, dict[str, int]]:
    """(bare s, mailprobe deliver s, render s, ledger counts) for one fresh campaign."""
    def clock() -> datetime:
        return datetime.now(UTC)

    new_campaign(factory, name, clock())
    began = time.perf_counter()
    prepared = campaign.prepare(factory, name, settings, clock, None)
    campaign_id, work = prepared.campaign_id, prepared.work
    render_s = time.perf_counter() - began
    messages = [(w.rendered.envelope_from, w.rendered.to, w.data) for w in work]

    began = time.perf_counter()
    asyncio.run(bare_loop(port, messages, settings.smtp.concurrency))
    bare_s = time.perf_counter() - began

    summary = campaign.SendSummary(name, planned=len(work))
    if profile is not None:
        profile.enable()
    began = time.perf_counter()
    campaign.deliver(factory, work, settings, clock, summary)
    mailprobe_s = time.perf_counter() - began
    if profile is not None:
        profile.disable()
    with factory() as s:
        counts = {k: v for k, v in state_counts(s, campaign_id).items() if v}
    return bare_s, mailprobe_s, render_s, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--probes", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--db", default="sqlite",
                        help="sqlite, or a PostgreSQL URL (a throw-away schema is used)")
    parser.add_argument("--profile", help="write a cProfile of the mailprobe side here")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("smtp-sink -u nobody needs root")
    profile = cProfile.Profile() if args.profile else None

    with smtp_sink() as port, database(args.db) as url:
        factory = open_database(url)
        with factory() as s, s.begin():
            import_units(s, make_units(args.probes), "bench", datetime.now(UTC))
        settings = Settings(
            smtp=SmtpSettings(host="127.0.0.1", port=port, tls="none", timeout=30,
                              local_hostname=LOCAL_HOSTNAME, concurrency=args.connections,
                              per_domain_per_minute=10_000_000),
            probe=ProbeSettings(from_="consult@example.org",
                                return_path="probe+{token}@example.org",
                                allow_placeholder=True))
        db_name = "sqlite (WAL)" if args.db == "sqlite" else "postgresql"
        print(f"{args.probes} probes, {args.connections} connections, smtp-sink on "
              f"127.0.0.1:{port}, ledger on {db_name}")
        rows = []
        for i in range(args.repeats):
            bare_s, mp_s, render_s, counts = one_repeat(factory, settings, port, f"bench{i}",
                                                        profile)
            rows.append((bare_s, mp_s, render_s))
            print(f"  repeat {i + 1}: bare {args.probes / bare_s:,.0f}/s  "
                  f"mailprobe {args.probes / mp_s:,.0f}/s  render {args.probes / render_s:,.0f}/s"
                  f"  ledger {counts}")
        bare = args.probes / statistics.median(r[0] for r in rows)
        ours = args.probes / statistics.median(r[1] for r in rows)
        render = args.probes / statistics.median(r[2] for r in rows)
        print(f"bare aiosmtplib loop : {bare:,.0f} messages/s")
        print(f"mailprobe deliver    : {ours:,.0f} messages/s (ledger writes included)")
        print(f"ratio mailprobe/bare : {ours / bare:.2f}  (target >= 0.80)")
        print(f"render (prepare)     : {render:,.0f} messages/s, before any SMTP")
        factory.kw["bind"].dispose()
    if profile is not None:
        profile.dump_stats(args.profile)
        print(f"profile of the mailprobe side: {args.profile}")


if __name__ == "__main__":
    main()
