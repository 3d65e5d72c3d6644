"""The store on both backends: migrations, registry history, the ledger, the run lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import select

from mailprobe.errors import Busy, InputError
from mailprobe.model import Mailbox, SendOutcome, SendState, Unit
from mailprobe.store.campaigns import create_campaign, state_counts
from mailprobe.store.ledger import (
    OutcomeRecord,
    due_probe_ids,
    mark_sending,
    record_outcomes,
    recover_interrupted,
)
from mailprobe.store.messages import NewMessage, all_message_ids, store_message, store_messages
from mailprobe.store.runs import acquire_lock, release_lock
from mailprobe.store.schema import ProbeRow, RunLockRow
from mailprobe.store.session import alembic_config, make_engine, open_database
from mailprobe.store.units import address_history, import_units, list_units

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def unit(uid: str, public: str | None, leader: str | None = None) -> Unit:
    return Unit(uid, f"单位{uid}", "city_department",
                (Mailbox("public", public), Mailbox("leader", leader)))


def test_upgrade_head_then_alembic_check_finds_no_drift(db_url: str) -> None:
    open_database(db_url)
    command.check(alembic_config(make_engine(db_url)))  # raises on drift


def test_reimport_updates_units_and_keeps_address_history(db_url: str) -> None:
    factory = open_database(db_url)
    with factory() as s, s.begin():
        first = import_units(s, [unit("u1", "a@x.gov.cn", None)], "r1.csv", NOW)
    with factory() as s, s.begin():
        second = import_units(s, [unit("u1", "b@x.gov.cn", "boss@x.gov.cn")], "r2.csv",
                              NOW + timedelta(days=1))
    with factory() as s:
        history = address_history(s)
        units = list_units(s)
    assert (first.added, second.updated, second.address_changes) == (1, 1, 2)
    assert [(h[1], h[2], h[3]) for h in history] == [
        ("public", "a@x.gov.cn", "b@x.gov.cn"), ("leader", None, "boss@x.gov.cn")]
    assert units[0].mailbox("public") == Mailbox("public", "b@x.gov.cn")


def _campaign(factory, name="c1", types=("public", "leader")):  # type: ignore[no-untyped-def]
    counter = iter(range(10_000))
    with factory() as s, s.begin():
        return create_campaign(
            s, name, ["t1", "t2"], list(types), 20, NOW,
            lambda: f"tok{next(counter):07d}", lambda t: f"<mp.{t}@example.org>").id


def test_campaign_creates_one_pending_probe_per_published_mailbox(db_url: str) -> None:
    factory = open_database(db_url)
    with factory() as s, s.begin():
        import_units(s, [unit("u1", "a@x.cn", "b@x.cn"), unit("u2", None, "c@y.cn")],
                     "r.csv", NOW)
    cid = _campaign(factory)
    with factory() as s:
        assert state_counts(s, cid)["pending"] == 3
        with pytest.raises(InputError, match="exists"):
            _campaign(factory)


def test_interrupted_sending_becomes_uncertain_and_is_never_due_again(db_url: str) -> None:
    factory = open_database(db_url)
    with factory() as s, s.begin():
        import_units(s, [unit("u1", "a@x.cn", "b@x.cn")], "r.csv", NOW)
    cid = _campaign(factory)
    with factory() as s, s.begin():
        ids = due_probe_ids(s, cid, NOW, 5, None)
        mark_sending(s, ids[:1], NOW)
    with factory() as s, s.begin():
        assert recover_interrupted(s, cid, NOW) == 1
        assert due_probe_ids(s, cid, NOW, 5, None) == ids[1:]
        assert state_counts(s, cid)["uncertain"] == 1


def test_deferred_probe_is_due_only_after_its_retry_time(db_url: str) -> None:
    factory = open_database(db_url)
    with factory() as s, s.begin():
        import_units(s, [unit("u1", "a@x.cn")], "r.csv", NOW)
    cid = _campaign(factory, types=("public",))
    with factory() as s, s.begin():
        [pid] = due_probe_ids(s, cid, NOW, 5, None)
        mark_sending(s, [pid], NOW)
        deferred = SendOutcome(SendState.DEFERRED, 450, "try later")
        record_outcomes(
    s, [OutcomeRecord(pid, deferred, NOW + timedelta(minutes=5), "subj")], NOW)
    with factory() as s:
        assert due_probe_ids(s, cid, NOW + timedelta(minutes=1), 5, None) == []
        assert due_probe_ids(s, cid, NOW + timedelta(minutes=6), 5, None) == [pid]
        assert due_probe_ids(s, cid, NOW + timedelta(minutes=6), 1, None) == []


def test_accepted_probe_keeps_reply_queue_id_and_acceptance_time(db_url: str) -> None:
    factory = open_database(db_url)
    with factory() as s, s.begin():
        import_units(s, [unit("u1", "a@x.cn")], "r.csv", NOW)
    cid = _campaign(factory, types=("public",))
    with factory() as s, s.begin():
        [pid] = due_probe_ids(s, cid, NOW, 5, None)
        accepted = SendOutcome(SendState.ACCEPTED, 250, "2.0.0 Ok: queued as 4ABC", "4ABC")
        record_outcomes(s, [OutcomeRecord(pid, accepted, None, "subj")], NOW)
    with factory() as s:
        row = s.scalar(select(ProbeRow).where(ProbeRow.id == pid))
        assert row is not None
        assert (row.state, row.queue_id, row.accepted_at) == ("accepted", "4ABC", NOW)


def test_same_raw_message_is_stored_once(db_url: str) -> None:
    factory = open_database(db_url)
    with factory() as s, s.begin():
        first = store_message(s, b"Subject: x\n\nbody", "t", NOW, NOW)
        again = store_message(s, b"Subject: x\n\nbody", "t", NOW, NOW)
    assert first[1] is True and again == (first[0], False)


def test_second_lock_holder_is_refused_until_release_or_expiry(db_url: str) -> None:
    factory = open_database(db_url)
    with factory() as s, s.begin():
        acquire_lock(s, "run", "a", NOW, timedelta(hours=1))
    with pytest.raises(Busy, match="a since"), factory() as s, s.begin():
        acquire_lock(s, "run", "b", NOW, timedelta(hours=1))
    with factory() as s, s.begin():  # expired locks are taken over
        acquire_lock(s, "run", "c", NOW + timedelta(hours=2), timedelta(hours=1))
    with factory() as s, s.begin():
        release_lock(s, "run", "c")
        acquire_lock(s, "run", "d", NOW, timedelta(hours=1))


def test_lock_of_a_holder_that_is_gone_is_taken_over_and_a_live_one_is_not(db_url: str) -> None:
    factory = open_database(db_url)
    with factory() as s, s.begin():
        acquire_lock(s, "run", "host:1", NOW, timedelta(hours=6))
    with pytest.raises(Busy, match="host:1"), factory() as s, s.begin():
        acquire_lock(s, "run", "host:2", NOW, timedelta(hours=6),
                     holder_is_gone=lambda holder: holder == "host:9")
    with factory() as s, s.begin():
        acquire_lock(s, "run", "host:2", NOW, timedelta(hours=6),
                     holder_is_gone=lambda holder: holder == "host:1")
    with factory() as s:
        assert s.get(RunLockRow, "run").holder == "host:2"


def test_the_ledger_indexes_no_column_a_send_updates(db_url: str) -> None:
    from sqlalchemy import inspect, text

    engine = make_engine(db_url)
    open_database(db_url)
    indexed = {c for ix in inspect(engine).get_indexes("probe") for c in ix["column_names"]}
    updated = {"state", "attempts", "updated_at", "reply_code", "reply_text", "subject",
               "next_attempt_at", "accepted_at", "queue_id",
               "not_before"}  # mark_sending/record_outcomes
    assert indexed and not indexed & updated
    if engine.dialect.name == "postgresql":  # room in each page for heap-only updates
        with engine.connect() as conn:
            options = conn.scalar(
                text("SELECT reloptions FROM pg_class WHERE oid = 'probe'::regclass"))
        assert "fillfactor=70" in options


def test_first_released_schema_upgrades_to_head_with_its_data(db_url: str) -> None:
    from sqlalchemy import text

    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0001")  # the first released schema
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO unit (unit_id, name, category, updated_at) "
                          "VALUES ('U1', '市民政局', 'city_department', :t)"), {"t": NOW})
    factory = open_database(db_url)  # what `mailprobe init` and every command do
    with factory() as s:
        assert [u.name for u in list_units(s)] == ["市民政局"]
    command.check(alembic_config(make_engine(db_url)))


def test_a_batch_with_repeats_stores_each_message_once_in_order(db_url: str) -> None:
    factory = open_database(db_url)
    with factory() as s, s.begin():
        known, _ = store_message(s, b"Subject: old\n\n1", "t", NOW, NOW)
    batch = [NewMessage(raw, "t", NOW, NOW) for raw in
             (b"Subject: new\n\n2", b"Subject: old\n\n1", b"Subject: new\n\n2", b"Subject: x\n\n3")]
    with factory() as s, s.begin():
        result = store_messages(s, batch)
    assert [is_new for _, is_new in result] == [True, False, False, True]
    assert result[1][0] == known and result[0][0] == result[2][0] != result[3][0]
    with factory() as s:
        assert len(all_message_ids(s)) == 3
