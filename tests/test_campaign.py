"""Sending a campaign to a real SMTP server on loopback: at most once, faults recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from mailprobe.assess import rejection_bounce
from mailprobe.campaign import send_campaign
from mailprobe.config import CampaignSettings, ProbeSettings, Settings, SmtpSettings
from mailprobe.errors import InputError, ServerUnreachable
from mailprobe.model import Mailbox, Unit
from mailprobe.store import Database
from mailprobe.store.campaigns import create_campaign, get_campaign, launch_campaign, state_counts
from mailprobe.store.ledger import due_probe_ids, mark_sending
from mailprobe.store.probes import probe_rows
from mailprobe.store.session import open_database
from mailprobe.store.units import import_units
from mailprobe.token import message_id, new_token
from tests.servers.smtp_sink import DROP, SmtpSink

UNITS = [Unit(f"U{n}", f"市第{n}局", "city_department",
              (Mailbox("public", f"gzxx@u{n}.gov.cn"), Mailbox("leader", f"ld@u{n}.gov.cn")))
         for n in range(1, 4)]


def settings_for(sink: SmtpSink, db_url: str, **smtp: object) -> Settings:
    s = Settings(smtp=SmtpSettings(host=sink.host, port=sink.port, tls="none", timeout=5,
                                   **smtp),  # type: ignore[arg-type]
                 probe=ProbeSettings(from_="consult@example.org", allow_placeholder=True,
                                     return_path="probe+{token}@example.org"))
    return replace(s, database=replace(s.database, url=db_url))


def setup(db_url: str, clock, template: str = "consult_office_hours") -> Database:  # type: ignore[no-untyped-def]
    factory = open_database(db_url)
    with factory() as s, s.begin():
        import_units(s, UNITS, "test", clock())
        create_campaign(s, "c", [template], ["public", "leader"], 20, clock(),
                        new_token, lambda t: message_id(t, "example.org"))
        launch_campaign(s, "c", clock(), "example.org",
                        lambda t: message_id(t, "example.org"))
    return factory


def counts(factory: Database) -> dict[str, int]:
    with factory() as s:
        return state_counts(s, get_campaign(s, "c").id)


def test_send_delivers_each_probe_once_and_a_rerun_sends_nothing(smtp_sink, db_url, clock):  # type: ignore[no-untyped-def]
    factory = setup(db_url, clock)
    settings = settings_for(smtp_sink, db_url)
    send_campaign(factory, "c", settings, clock)
    send_campaign(factory, "c", settings, clock)
    ids = [r.message_id for r in smtp_sink.received]
    assert len(ids) == 6 and len(set(ids)) == 6
    assert all(r.mail_from.startswith("probe+") for r in smtp_sink.received)
    assert counts(factory)["accepted"] == 6


def test_probe_is_sent_with_the_message_id_the_ledger_holds_even_after_a_config_change(  # type: ignore[no-untyped-def]
        smtp_sink, db_url, clock):
    factory = setup(db_url, clock)  # Message-IDs fixed at create: @example.org
    settings = settings_for(smtp_sink, db_url)
    settings = replace(settings, probe=replace(settings.probe, from_="consult@other.example"))
    send_campaign(factory, "c", settings, clock)
    with factory() as s:
        stored = {p.message_id for p in probe_rows(s, get_campaign(s, "c").id)}
    assert {r.message_id for r in smtp_sink.received} == stored
    assert all(mid.endswith("@example.org>") for mid in stored)


def test_probe_carries_no_auto_reply_suppressing_headers(smtp_sink, db_url, clock):  # type: ignore[no-untyped-def]
    factory = setup(db_url, clock)
    send_campaign(factory, "c", settings_for(smtp_sink, db_url), clock)
    head = smtp_sink.received[0].data.split(b"\r\n\r\n")[0].lower()
    for name in (b"precedence:", b"list-", b"auto-submitted:", b"x-auto-response-suppress:"):
        assert name not in head


def test_dry_run_renders_everything_and_sends_nothing(smtp_sink, db_url, clock):  # type: ignore[no-untyped-def]
    factory = setup(db_url, clock)
    summary = send_campaign(factory, "c", settings_for(smtp_sink, db_url), clock, dry_run=True)
    assert summary.planned == 6 and smtp_sink.received == []
    assert counts(factory)["pending"] == 6


def test_limit_sends_only_that_many(smtp_sink, db_url, clock):  # type: ignore[no-untyped-def]
    factory = setup(db_url, clock)
    send_campaign(factory, "c", settings_for(smtp_sink, db_url), clock, limit=2)
    assert len(smtp_sink.received) == 2 and counts(factory)["pending"] == 4


def test_greylisted_probe_is_deferred_then_sent_after_back_off(smtp_sink, db_url, clock):  # type: ignore[no-untyped-def]
    factory = setup(db_url, clock)
    settings = settings_for(smtp_sink, db_url, concurrency=1, retry_base_seconds=600)
    smtp_sink.inject("rcpt", "450 4.7.1 greylisted, try again later")
    first = send_campaign(factory, "c", settings, clock)
    assert first.counts["deferred"] == 1 and first.failed[0]["state"] == "deferred"
    # the 4xx domain is left alone for the rest of that run
    assert first.counts["accepted"] + first.counts["pending"] == 5
    clock.advance(minutes=5)
    assert send_campaign(factory, "c", settings, clock).counts["deferred"] == 1
    clock.advance(minutes=6)
    assert send_campaign(factory, "c", settings, clock).counts["accepted"] == 6
    assert len(smtp_sink.received) == 6


def test_refused_recipient_is_rejected_and_judged_by_the_reason_rules(smtp_sink, db_url, clock):  # type: ignore[no-untyped-def]
    factory = setup(db_url, clock)
    smtp_sink.inject("rcpt", "550 5.1.1 <x>: Recipient address rejected: User unknown")
    send_campaign(factory, "c", settings_for(smtp_sink, db_url, concurrency=1), clock)
    with factory() as s:
        [rejected] = [p for p in probe_rows(s, get_campaign(s, "c").id)
                      if p.state == "rejected"]
    bounce = rejection_bounce(rejected.reply_text, rejected.reply_code)
    assert (bounce.reason, bounce.hard, bounce.status) == ("userunknown", True, "5.1.1")
    assert len(smtp_sink.received) == 5


def test_line_dropped_after_the_dot_is_uncertain_and_never_resent(smtp_sink, db_url, clock):  # type: ignore[no-untyped-def]
    factory = setup(db_url, clock)
    settings = settings_for(smtp_sink, db_url, concurrency=1)
    smtp_sink.inject("data", DROP)
    first = send_campaign(factory, "c", settings, clock)
    clock.advance(days=1)
    send_campaign(factory, "c", settings, clock)
    assert first.counts["uncertain"] == 1 and counts(factory)["uncertain"] == 1
    delivered = [r.message_id for r in smtp_sink.received + smtp_sink.unconfirmed]
    assert len(delivered) == len(set(delivered)) == 6


def test_undefined_template_variable_stops_before_anything_is_sent(smtp_sink, db_url, clock,  # type: ignore[no-untyped-def]
                                                                    tmp_path: Path):
    (tmp_path / "broken.j2").write_text("Subject: 咨询\n\n{{ unit.phone }}\n", encoding="utf-8")
    factory = setup(db_url, clock, template="broken")
    settings = replace(settings_for(smtp_sink, db_url),
                       campaign=CampaignSettings(template_dir=str(tmp_path)))
    with pytest.raises(InputError, match=r'broken.j2.*"unit.phone"'):
        send_campaign(factory, "c", settings, clock)
    assert smtp_sink.received == [] and counts(factory)["pending"] == 6


def test_unreachable_server_raises_and_claims_nothing(db_url, clock):  # type: ignore[no-untyped-def]
    from tests.servers.process import free_port

    factory = setup(db_url, clock)
    settings = replace(Settings(smtp=SmtpSettings(host="127.0.0.1", port=free_port(),
                                                  tls="none", timeout=2),
                                probe=ProbeSettings(allow_placeholder=True)))
    with pytest.raises(ServerUnreachable, match="127.0.0.1"):
        send_campaign(factory, "c", settings, clock)
    assert counts(factory)["pending"] == 6


def test_interrupted_probes_are_reported_uncertain_on_the_next_run(smtp_sink, db_url, clock):  # type: ignore[no-untyped-def]
    factory = setup(db_url, clock)
    with factory() as s, s.begin():
        ids = due_probe_ids(s, get_campaign(s, "c").id, clock(), 5, 2)
        mark_sending(s, ids, clock())  # as a killed sender leaves them
    clock.advance(seconds=timedelta(minutes=1).total_seconds())
    summary = send_campaign(factory, "c", settings_for(smtp_sink, db_url), clock)
    assert summary.recovered_uncertain == 2 and len(smtp_sink.received) == 4
