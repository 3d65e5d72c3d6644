"""Overlapping `mailprobe run` processes (cron started the next one early): one does the work.

Two real processes are started together against the same database. The sink holds every
SMTP transaction at MAIL until the test opens it, so whichever run took the lock is still
running when the other asks for it, whatever the start-up order turns out to be.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from mailprobe.store.campaigns import get_campaign, state_counts
from mailprobe.store.runs import acquire_lock
from tests.servers.process import stop, wait_until
from tests.servers.smtp_sink import FaultHandler, SmtpSink
from tests.test_crash import mailprobe_env, make_campaign

PROBES = 200
GATE_SECONDS = 60.0  # a transaction held longer than this is refused (451), failing the test


@dataclass
class GatedHandler(FaultHandler):
    """The sink's handler, holding each MAIL FROM until ``gate`` is set (bounded)."""

    gate: threading.Event = field(default_factory=threading.Event)

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope,  # type: ignore[override]
                          address: str, mail_options: list[str]) -> str:
        loop = asyncio.get_running_loop()
        if not await loop.run_in_executor(None, self.gate.wait, GATE_SECONDS):
            return "451 4.3.0 the test never opened the gate"
        return await super().handle_MAIL(server, session, envelope, address, mail_options)


@pytest.fixture
def gated_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.handler = sink.controller.handler = GatedHandler()
    sink.start()
    yield sink
    sink.handler.gate.set()  # type: ignore[attr-defined]
    sink.stop()


def start_run(env: dict[str, str], tmp_path: Path, tag: str) -> subprocess.Popen[bytes]:
    with open(tmp_path / f"{tag}.out", "wb") as out, open(tmp_path / f"{tag}.err", "wb") as err:
        return subprocess.Popen([sys.executable, "-m", "mailprobe", "run"], cwd=tmp_path,
                                env=env, stdout=out, stderr=err)


def text(tmp_path: Path, name: str) -> str:
    return " ".join((tmp_path / name).read_text(encoding="utf-8", errors="replace").split())


@pytest.mark.servers
def test_overlapping_runs_one_works_the_other_exits_0_and_nothing_is_sent_twice(  # type: ignore[no-untyped-def]
        gated_sink, db_url, clock, tmp_path: Path) -> None:
    factory = make_campaign(db_url, clock, "overlap", PROBES, domains=50)
    env = mailprobe_env(gated_sink, db_url, tmp_path)
    runs = {tag: start_run(env, tmp_path, tag) for tag in ("a", "b")}
    try:
        wait_until(lambda: any(p.poll() is not None for p in runs.values()),
                   "one of two overlapping runs to give way", 60)
        [loser] = [tag for tag, p in runs.items() if p.poll() is not None]
        [winner] = [tag for tag in runs if tag != loser]
        assert runs[loser].returncode == 0, text(tmp_path, f"{loser}.err")
        assert "holds the lock" in text(tmp_path, f"{loser}.err")
        assert gated_sink.received == [] and gated_sink.handler.rcpt_seen == []
        gated_sink.handler.gate.set()  # type: ignore[attr-defined]
        assert runs[winner].wait(timeout=60) == 0, text(tmp_path, f"{winner}.err")
    finally:
        for proc in runs.values():
            stop(proc)

    ids = [r.message_id for r in gated_sink.received]
    assert len(ids) == len(set(ids)) == PROBES
    with factory() as s, s.begin():
        counts = state_counts(s, get_campaign(s, "overlap").id)
        assert counts["accepted"] == PROBES, counts
        # the winner released the lock: the next run gets it at once
        acquire_lock(s, "run", "test", datetime.now(UTC), timedelta(minutes=1))


def test_a_lock_holder_is_gone_only_when_its_process_on_this_host_has_ended() -> None:
    import os
    import socket

    from mailprobe.service.lock import holder_is_gone as _holder_is_gone

    host = socket.gethostname()
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait(timeout=30)
    assert _holder_is_gone(f"{host}:{ended.pid}")
    assert not _holder_is_gone(f"{host}:{os.getpid()}")
    assert not _holder_is_gone(f"elsewhere.example:{ended.pid}")  # judged only by expiry
    assert not _holder_is_gone("garbled")
