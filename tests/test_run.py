"""`mailprobe run`: one scheduler pass sends, polls, classifies, closes and scores."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from mailprobe.cli import app
from mailprobe.config import ImapSettings, ProbeSettings, Settings, SmtpSettings
from mailprobe.model import Mailbox, Unit
from mailprobe.run import run_due
from mailprobe.score import load_calendar
from mailprobe.store.campaigns import create_campaign, get_campaign, launch_campaign
from mailprobe.store.session import open_database
from mailprobe.store.units import import_units
from mailprobe.token import message_id, new_token
from tests.servers.process import free_port

UNITS = [Unit("U1", "市甲局", "city_department", (Mailbox("public", "a@u1.gov.cn"),)),
         Unit("U2", "市乙局", "city_department", (Mailbox("public", "b@u2.gov.cn"),))]


def make_settings(sink, db_url: str, imap: ImapSettings | None = None) -> Settings:  # type: ignore[no-untyped-def]
    s = Settings(smtp=SmtpSettings(host=sink.host, port=sink.port, tls="none", timeout=5),
                 probe=ProbeSettings(from_="consult@example.org", allow_placeholder=True),
                 imap=imap or ImapSettings())
    return replace(s, database=replace(s.database, url=db_url))


def make_campaign(db_url: str, clock) -> object:  # type: ignore[no-untyped-def]
    factory = open_database(db_url)
    with factory() as s, s.begin():
        import_units(s, UNITS, "t", clock())
        create_campaign(s, "c", ["consult_office_hours"], ["public"], 3, clock(),
                        new_token, lambda t: message_id(t, "example.org"))
        launch_campaign(s, "c", clock(), "example.org",
                        lambda t: message_id(t, "example.org"))
    return factory


def test_run_sends_scores_provisionally_then_closes_after_the_window(smtp_sink, db_url, clock):  # type: ignore[no-untyped-def]
    factory = make_campaign(db_url, clock)
    settings, calendar = make_settings(smtp_sink, db_url), load_calendar()
    first = run_due(factory, settings, calendar, clock)  # type: ignore[arg-type]
    assert first.sent["c"]["accepted"] == 2 and first.scored == {"c": True}
    assert first.closed == [] and first.polled is None and int(first.exit_code()) == 0
    clock.advance(days=10)  # three working days have passed
    second = run_due(factory, settings, calendar, clock)  # type: ignore[arg-type]
    assert second.closed == ["c"] and second.scored == {"c": False}
    with factory() as s:  # type: ignore[attr-defined]
        assert get_campaign(s, "c").state == "closed"
    assert len(smtp_sink.received) == 2
    third = run_due(factory, settings, calendar, clock)  # type: ignore[arg-type]
    assert third.sent == {} and third.scored == {}


def test_run_polls_when_imap_is_configured(smtp_sink, db_url, clock, dovecot, monkeypatch):  # type: ignore[no-untyped-def]
    clock.now = datetime.now(UTC) - timedelta(minutes=1)  # IMAP INTERNALDATE is real time
    ours = dovecot.create_user()
    monkeypatch.setenv("MP_RUN_PW", ours.password)
    dovecot.append(ours, "INBOX", b"From: a@u1.gov.cn\nSubject: Re: x\n\nreply\n")
    imap = ImapSettings(host="127.0.0.1", port=dovecot.imap_port, tls="none",
                        username=ours.address, password_env="MP_RUN_PW")
    factory = make_campaign(db_url, clock)
    summary = run_due(factory, make_settings(smtp_sink, db_url, imap), load_calendar(), clock)  # type: ignore[arg-type]
    assert (summary.polled, summary.classified, summary.matched) == (1, 1, 1)


def test_run_exit_codes_for_cron(tmp_path, monkeypatch, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MAILPROBE_DATABASE_URL", f"sqlite:///{tmp_path / 'mp.db'}")
    monkeypatch.setenv("MAILPROBE_SMTP_TLS", "none")
    monkeypatch.setenv("MAILPROBE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MAILPROBE_SMTP_PORT", str(smtp_sink.port))
    monkeypatch.setenv("MAILPROBE_DNS_CHECK", "false")  # no DNS beyond loopback
    runner = CliRunner()
    wrong_folder = runner.invoke(app, ["run", "--quiet"])
    assert wrong_folder.exit_code == 3 and "run `mailprobe init`" in wrong_folder.stderr
    assert not (tmp_path / "mp.db").exists()
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["run", "--quiet"]).exit_code == 0  # nothing to do
    units = tmp_path / "units.csv"
    units.write_text("unit_id,name,category,public_mailbox,leader_mailbox\n"
                     "U1,市甲局,city_department,a@u1.gov.cn,\n", encoding="utf-8")
    assert runner.invoke(app, ["units", "import", str(units)]).exit_code == 0
    assert runner.invoke(app, ["campaign", "create", "c"]).exit_code == 0
    placeholder = runner.invoke(app, ["campaign", "launch", "c", "--yes", "--json"])
    assert placeholder.exit_code == 3 and "placeholder" in placeholder.stdout  # init's example.org
    assert smtp_sink.connections == 0
    monkeypatch.setenv("MAILPROBE_PROBE_ALLOW_PLACEHOLDER", "true")
    assert runner.invoke(app, ["campaign", "launch", "c", "--yes"]).exit_code == 0
    smtp_sink.inject("rcpt", "451 4.3.0 try again later")
    deferred = runner.invoke(app, ["run", "--json"])
    assert deferred.exit_code == 4, deferred.output
    assert json.loads(deferred.stdout)["failures"]
    assert runner.invoke(app, ["campaign", "create", "c2"]).exit_code == 0
    launch_c2 = ["campaign", "launch", "c2", "--yes", "--allow-overlap"]
    assert runner.invoke(app, launch_c2).exit_code == 0
    monkeypatch.setenv("MAILPROBE_SMTP_PORT", str(free_port()))
    unreachable = runner.invoke(app, ["run", "--quiet"])
    assert unreachable.exit_code == 5, unreachable.output
    assert "127.0.0.1" in unreachable.stderr
