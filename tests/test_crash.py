"""Issue 5, crash while sending: a sender killed mid-campaign never causes a resend.

A separate ``python -m mailprobe campaign send`` process sends a 2,000-probe campaign to
the in-process sink and is SIGKILLed once the sink has taken a few hundred messages; a
second run finishes the campaign. What the sink received is the truth the ledger is
checked against (the sink records a message as soon as its final dot arrives, whether or
not the client lives to read the reply).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mailprobe.model import Mailbox, Unit
from mailprobe.store import Database
from mailprobe.store.campaigns import create_campaign, get_campaign, launch_campaign
from mailprobe.store.probes import probe_rows
from mailprobe.store.session import open_database
from mailprobe.store.units import import_units
from mailprobe.token import message_id, new_token
from tests.servers.process import wait_until
from tests.servers.smtp_sink import SmtpSink

PROBES = 2000
CONCURRENCY = 8
KILL_AFTER = 300  # messages at the sink before the sender is killed
DOMAINS = 400


def make_campaign(db_url: str, clock, name: str = "crash", probes: int = PROBES,  # type: ignore[no-untyped-def]
                  domains: int = DOMAINS) -> Database:
    """A campaign of ``probes`` public mailboxes spread over ``domains`` domains."""
    units = [Unit(f"C{n:05d}", f"市第{n}局", "city_department",
                  (Mailbox("public", f"gk{n}@u{n % domains}.gov.cn"),)) for n in range(probes)]
    factory = open_database(db_url)
    with factory() as s, s.begin():
        import_units(s, units, "test", clock())
        create_campaign(s, name, ["consult_office_hours"], ["public"], 20, clock(),
                        new_token, lambda t: message_id(t, "example.org"))
        launch_campaign(s, name, clock(), "example.org",
                        lambda t: message_id(t, "example.org"))
    return factory


def mailprobe_env(sink: SmtpSink, db_url: str, tmp_path: Path) -> dict[str, str]:
    """Configuration for a child mailprobe process, by environment alone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILPROBE_")}
    env.update({
        "MAILPROBE_DATABASE_URL": db_url,
        "MAILPROBE_SMTP_HOST": sink.host,
        "MAILPROBE_SMTP_PORT": str(sink.port),
        "MAILPROBE_SMTP_TLS": "none",
        "MAILPROBE_SMTP_CONCURRENCY": str(CONCURRENCY),
        "MAILPROBE_SMTP_PER_DOMAIN_PER_MINUTE": "100000",
        "MAILPROBE_PROBE_FROM": "consult@example.org",
        "MAILPROBE_PROBE_RETURN_PATH": "probe+{token}@example.org",
        "MAILPROBE_PROBE_ALLOW_PLACEHOLDER": "true",
    })
    return env


def start_send(env: dict[str, str], tmp_path: Path, tag: str) -> subprocess.Popen[bytes]:
    with open(tmp_path / f"{tag}.out", "wb") as out, open(tmp_path / f"{tag}.err", "wb") as err:
        return subprocess.Popen([sys.executable, "-m", "mailprobe", "campaign", "send", "crash"],
                                cwd=tmp_path, env=env, stdout=out, stderr=err)


def send_to_completion(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "mailprobe", "campaign", "send", "crash"],
                          cwd=tmp_path, env=env, capture_output=True, timeout=90)


def kill_sender_after(smtp_sink, env: dict[str, str], tmp_path: Path, received: int) -> None:  # type: ignore[no-untyped-def]
    """Start `campaign send` and SIGKILL it once the sink has taken ``received`` probes."""
    sender = start_send(env, tmp_path, "first")
    try:
        wait_until(lambda: len(smtp_sink.received) >= received,
                   f"sink to receive {received} probes before the kill", 45, proc=sender,
                   log=tmp_path / "first.err")
    finally:
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait(timeout=10)


def normal(mid: str | None) -> str:
    return (mid or "").strip().strip("<>").lower()


def ledger(factory: Database) -> dict[str, str]:
    """Message-ID -> state of every probe of the campaign."""
    with factory() as s:
        rows = probe_rows(s, get_campaign(s, "crash").id)
    return {normal(p.message_id): p.state for p in rows}


@pytest.mark.servers
def test_sender_killed_mid_campaign_leaves_nothing_sent_twice(smtp_sink, db_url, clock,  # type: ignore[no-untyped-def]
                                                              tmp_path: Path) -> None:
    factory = make_campaign(db_url, clock)
    env = mailprobe_env(smtp_sink, db_url, tmp_path)

    kill_sender_after(smtp_sink, env, tmp_path, KILL_AFTER)
    at_kill = ledger(factory)
    states_at_kill = sorted(set(at_kill.values()))
    assert list(at_kill.values()).count("sending") <= CONCURRENCY, states_at_kill
    assert "pending" in states_at_kill, "the sender finished before it was killed"

    rerun = send_to_completion(env, tmp_path)
    assert rerun.returncode == 0, rerun.stderr.decode(errors="replace")

    final = ledger(factory)
    received = [normal(r.message_id) for r in smtp_sink.received]
    uncertain = [mid for mid, state in final.items() if state == "uncertain"]
    accepted = {mid for mid, state in final.items() if state == "accepted"}
    print(f"\n{db_url.split(':')[0]}: sink had {KILL_AFTER}+ at the kill; "
          f"{len(received)} received in all, {len(accepted)} accepted, "
          f"{len(uncertain)} uncertain")
    assert len(received) == len(set(received)), "a probe reached the server twice"
    assert set(final.values()) <= {"accepted", "uncertain"}
    assert len(uncertain) <= CONCURRENCY
    assert set(received) <= accepted | set(uncertain), "the sink took a message we disown"
    assert accepted <= set(received), "a probe recorded accepted never reached the sink"
    assert smtp_sink.unconfirmed == []


@pytest.mark.servers
def test_rerun_after_a_killed_sender_is_not_blocked_by_its_lock(smtp_sink, db_url, clock,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    factory = make_campaign(db_url, clock)
    env = mailprobe_env(smtp_sink, db_url, tmp_path)
    kill_sender_after(smtp_sink, env, tmp_path, 1)
    rerun = send_to_completion(env, tmp_path)
    assert rerun.returncode == 0, rerun.stderr.decode(errors="replace")
    assert "pending" not in ledger(factory).values(), rerun.stderr.decode(errors="replace")
