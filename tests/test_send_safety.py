"""Safe sending on SQLite and PostgreSQL: a claim moves only rows still due, unit spacing,
the run lock as a lease, run summaries, and the schema upgrade of existing campaigns."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import text

from mailprobe.campaign import SendSummary, deliver, prepare, send_campaign
from mailprobe.config import CampaignSettings, ProbeSettings, Settings, SmtpSettings
from mailprobe.errors import Busy
from mailprobe.model import Mailbox, Unit
from mailprobe.score import load_calendar
from mailprobe.service import runs
from mailprobe.service.lock import run_lock
from mailprobe.store import Database
from mailprobe.store.campaigns import (
    cancel_campaign,
    create_campaign,
    get_campaign,
    launch_campaign,
    state_counts,
)
from mailprobe.store.ledger import due_probe_ids, mark_sending
from mailprobe.store.probes import probe_rows, probe_targets
from mailprobe.store.runs import acquire_lock, renew_lock
from mailprobe.store.schema import RunLockRow
from mailprobe.store.session import alembic_config, make_engine, open_database
from mailprobe.store.units import import_units
from mailprobe.token import message_id, new_token
from tests.servers.process import wait_until

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
UNITS = [Unit(f"U{n}", f"市第{n}局", "city_department",
              (Mailbox("public", f"gk@u{n}.gov.cn"), Mailbox("leader", f"ld@u{n}.gov.cn")))
         for n in range(1, 6)]


def settings_for(sink, db_url: str) -> Settings:  # type: ignore[no-untyped-def]
    s = Settings(smtp=SmtpSettings(host=sink.host, port=sink.port, tls="none", timeout=5,
                                   per_domain_per_minute=1000),
                 probe=ProbeSettings(from_="consult@probe.gov.cn", allow_placeholder=False),
                 campaign=CampaignSettings())
    return replace(s, database=replace(s.database, url=db_url))


def launched(db_url: str, clock, spacing: int = 0, name: str = "c") -> Database:  # type: ignore[no-untyped-def]
    factory = open_database(db_url)
    with factory() as s, s.begin():
        import_units(s, UNITS, "t", clock())
        create_campaign(s, name, ["consult_office_hours", "elderly_subsidy"],
                        ["public", "leader"], 20, clock(), new_token,
                        lambda t: message_id(t, "probe.gov.cn"), seed=1,
                        unit_spacing_minutes=spacing)
        launch_campaign(s, name, clock(), "probe.gov.cn",
                        lambda t: message_id(t, "probe.gov.cn"))
    return factory


def counts(factory: Database, name: str = "c") -> dict[str, int]:
    with factory() as s:
        return state_counts(s, get_campaign(s, name).id)


def test_two_claimers_of_one_row_one_wins(db_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    factory = launched(db_url, clock)
    with factory() as s:
        [first, *_] = due_probe_ids(s, get_campaign(s, "c").id, NOW, 5, None)
    start = threading.Barrier(2, timeout=30)
    won: list[set[int]] = []

    def claim() -> None:
        with factory() as s, s.begin():
            start.wait()
            won.append(mark_sending(s, [first], NOW))

    claimers = [threading.Thread(target=claim) for _ in range(2)]
    for thread in claimers:
        thread.start()
    for thread in claimers:
        thread.join(timeout=60)
    assert sorted(won, key=len) == [set(), {first}]
    assert counts(factory)["sending"] == 1


def test_a_claim_after_a_cancel_sends_nothing(smtp_sink, db_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    factory = launched(db_url, clock)
    settings = settings_for(smtp_sink, db_url)
    prepared = prepare(factory, "c", settings, clock, None)  # read while still launched
    with factory() as s, s.begin():
        assert cancel_campaign(s, "c", clock(), "stop") == len(UNITS) * 2
    summary = SendSummary("c")
    deliver(factory, prepared.work, settings, clock, summary)
    assert smtp_sink.received == []
    assert summary.taken_elsewhere == len(UNITS) * 2
    assert counts(factory)["cancelled"] == len(UNITS) * 2


def test_sends_to_one_unit_are_spaced(smtp_sink, db_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    factory = launched(db_url, clock, spacing=10)
    settings = settings_for(smtp_sink, db_url)
    first = send_campaign(factory, "c", settings, clock)
    assert first.counts["accepted"] == len(UNITS) and first.spaced == len(UNITS)
    clock.advance(minutes=9)
    assert send_campaign(factory, "c", settings, clock).planned == 0
    clock.advance(minutes=1)
    assert send_campaign(factory, "c", settings, clock).counts["accepted"] == len(UNITS) * 2
    with factory() as s:
        targets = probe_targets(s, get_campaign(s, "c").id)
        rows = {p.id: p for p in probe_rows(s, get_campaign(s, "c").id)}
    by_unit: dict[str, list[datetime]] = {}
    for target in targets:
        accepted_at = rows[target.probe_id].accepted_at
        assert accepted_at is not None
        by_unit.setdefault(target.unit.unit_id, []).append(accepted_at)
    assert all(abs(a - b) >= timedelta(minutes=10) for a, b in by_unit.values())
    assert len(smtp_sink.received) == len(UNITS) * 2


def test_a_lease_is_taken_over_only_after_it_expires_and_renewing_extends_it(
        db_url: str) -> None:
    factory = open_database(db_url)
    lease = timedelta(minutes=5)
    with factory() as s, s.begin():
        acquire_lock(s, "run", "elsewhere:1", NOW, lease)
    with pytest.raises(Busy), factory() as s, s.begin():
        acquire_lock(s, "run", "elsewhere:2", NOW + timedelta(minutes=4), lease)
    with factory() as s, s.begin():
        assert renew_lock(s, "run", "elsewhere:1", NOW + timedelta(minutes=4), lease)
    with pytest.raises(Busy), factory() as s, s.begin():
        acquire_lock(s, "run", "elsewhere:2", NOW + timedelta(minutes=8), lease)
    with factory() as s, s.begin():
        acquire_lock(s, "run", "elsewhere:2", NOW + timedelta(minutes=10), lease)
    with factory() as s, s.begin():  # the old holder lost it: its renewal says so
        assert not renew_lock(s, "run", "elsewhere:1", NOW + timedelta(minutes=10),
                              lease)
        assert s.get(RunLockRow, "run").holder == "elsewhere:2"  # type: ignore[union-attr]


def test_the_holder_renews_its_lease_while_it_works(db_url: str) -> None:
    factory = open_database(db_url)

    def renewed_at() -> datetime | None:
        with factory() as s:
            row = s.get(RunLockRow, "run")
            return None if row is None else row.renewed_at

    with run_lock(factory, "run", lease=timedelta(minutes=5),
                  renew_every=timedelta(milliseconds=50), holder="worker:1"):
        taken = renewed_at()
        wait_until(lambda: renewed_at() != taken, "the lease to be renewed", 30)
        with pytest.raises(Busy), factory() as s, s.begin():
            acquire_lock(s, "run", "worker:2", datetime.now(UTC),
                         timedelta(minutes=5))
    assert renewed_at() is None  # released at the end


def test_run_records_its_summary(smtp_sink, db_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    launched(db_url, clock)
    settings = settings_for(smtp_sink, db_url)
    summary = runs.run(settings, load_calendar(), clock)
    assert summary.sent["c"]["accepted"] == len(UNITS) * 2
    [record] = runs.recent_runs(settings)
    assert (record.sent, record.polled, record.errors, record.exit_code) == (
        len(UNITS) * 2, None, 0, 0)
    assert record.started_at == NOW and record.detail["scored"] == {"c": True}


def test_upgrade_makes_sent_campaigns_launched_and_the_others_drafts(db_url: str) -> None:
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0002")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO unit (id, unit_id, name, category, updated_at) "
                          "VALUES (1, 'U1', '市民政局', 'city_department', :t)"), {"t": NOW})
        conn.execute(text("INSERT INTO mailbox (id, unit_pk, type, address) "
                          "VALUES (1, 1, 'public', 'mz@u1.gov.cn')"))
        for cid, name, state in ((1, "sent", "accepted"), (2, "unsent", "pending")):
            conn.execute(text(
                "INSERT INTO campaign (id, name, template, mailbox_types, window_days, "
                "created_at) VALUES (:id, :n, 'consult_office_hours', 'public', 20, :t)"),
                {"id": cid, "n": name, "t": NOW})
            conn.execute(text(
                "INSERT INTO probe (campaign_id, mailbox_id, address, token, message_id, "
                "template, subject, state, attempts, reply_text, updated_at) VALUES "
                "(:c, 1, 'mz@u1.gov.cn', :tok, :mid, 'consult_office_hours', '', :s, 1, '', "
                ":t)"),
                {"c": cid, "tok": f"tok{cid}", "mid": f"<mp.tok{cid}@old.gov.cn>", "s": state,
                 "t": NOW})
    factory = open_database(db_url)
    with factory() as s:
        sent, unsent = get_campaign(s, "sent"), get_campaign(s, "unsent")
    assert (sent.state, sent.message_id_domain, sent.launched_at) == (
        "launched", "old.gov.cn", NOW)
    assert (unsent.state, unsent.launched_at) == ("draft", None)
    command.check(alembic_config(make_engine(db_url)))
