"""Whole round trips through real servers: Postfix delivers, bounces and relays vacation
replies; Dovecot stores; mailprobe polls, classifies, matches and scores."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from mailprobe.assess import score_stored
from mailprobe.campaign import send_campaign
from mailprobe.config import ImapSettings, ProbeSettings, Settings, SmtpSettings
from mailprobe.model import Mailbox, Unit
from mailprobe.pipeline import poll_once, process_messages
from mailprobe.score import load_calendar
from mailprobe.store import Database
from mailprobe.store.campaigns import create_campaign, get_campaign, launch_campaign
from mailprobe.store.messages import all_message_ids, messages_with_verdicts
from mailprobe.store.probes import probe_rows
from mailprobe.store.session import open_database
from mailprobe.store.units import import_units
from mailprobe.token import message_id, new_token
from tests.servers.process import wait_until

pytestmark = pytest.mark.servers

VACATION = ('require "vacation";\n'
            'vacation :days 1 :subject "自动回复：休假中" "我正在休假，回来后回复。";\n')


@pytest.fixture
def world(dovecot, postfix, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Our inbox, three unit mailboxes (unknown user, vacation, a person) and settings."""
    ours = dovecot.create_user()
    away = dovecot.create_user(domain="unit.test", vacation=VACATION)
    person = dovecot.create_user(domain="unit.test")
    monkeypatch.setenv("MP_TEST_IMAP_PASSWORD", ours.password)
    local = ours.address.split("@")[0]
    settings = Settings(
        smtp=SmtpSettings(host="127.0.0.1", port=postfix.smtp_port, tls="none", timeout=10),
        imap=ImapSettings(host="127.0.0.1", port=dovecot.imap_port, tls="none",
                          username=ours.address, password_env="MP_TEST_IMAP_PASSWORD",
                          batch=2),
        probe=ProbeSettings(from_=ours.address, return_path=f"{local}+{{token}}@probe.test"))
    settings = replace(settings, database=replace(settings.database,
                                                  url=f"sqlite:///{tmp_path / 'mp.db'}"))
    units = [Unit("U1", "市甲局", "city_department", (Mailbox("public", "nobody1@unit.test"),)),
             Unit("U2", "市乙局", "city_department", (Mailbox("public", away.address),)),
             Unit("U3", "市丙局", "city_department", (Mailbox("public", person.address),))]
    return {"ours": ours, "away": away, "person": person, "settings": settings,
            "units": units}


def start_campaign(settings: Settings, units: list[Unit], clock) -> Database:  # type: ignore[no-untyped-def]
    factory = open_database(settings.database.url)
    with factory() as s, s.begin():
        import_units(s, units, "test", clock())
        create_campaign(s, "rt", ["consult_office_hours"], ["public"], 20, clock(),
                        new_token, lambda t: message_id(t, "probe.test"))
        launch_campaign(s, "rt", clock(), "probe.test",
                        lambda t: message_id(t, "probe.test"))
    return factory


def count(dovecot, user, folder: str = "INBOX") -> int:  # type: ignore[no-untyped-def]
    with dovecot.imap(user) as client:
        return int(client.select_folder(folder, readonly=True)[b"EXISTS"])


def human_reply(dovecot, person, ours) -> bytes:  # type: ignore[no-untyped-def]
    """What a clerk writes: Re: subject, In-Reply-To, the probe quoted below."""
    with dovecot.imap(person) as client:
        client.select_folder("INBOX", readonly=True)
        [uid] = client.search("ALL")
        probe = client.fetch([uid], ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID SUBJECT)]"])[uid]
    head = probe[b"BODY[HEADER.FIELDS (MESSAGE-ID SUBJECT)]"].decode()
    msgid = head.split("Message-ID:", 1)[1].split()[0] if "Message-ID:" in head else ""
    msg = EmailMessage()
    msg["From"], msg["To"] = person.address, ours.address
    msg["Subject"] = "回复：咨询"
    msg["In-Reply-To"] = msgid
    msg["Message-ID"] = make_msgid(domain="unit.test")
    msg.set_content("您好，窗口工作时间为工作日8:30-12:00、14:30-17:30，请携带身份证。\n\n"
                    "------------------ 原始邮件 ------------------\n发件人: 张明\n")
    return bytes(msg)


def test_bounce_vacation_and_human_reply_come_back_classified_and_matched(  # type: ignore[no-untyped-def]
        world, dovecot, postfix, clock):
    settings, ours = world["settings"], world["ours"]
    factory = start_campaign(settings, world["units"], clock)
    sent = send_campaign(factory, "rt", settings, clock)
    assert sent.counts["accepted"] == 3
    # Postfix bounces the unknown user and relays the Sieve vacation reply back to us.
    wait_until(lambda: count(dovecot, ours) >= 2, "DSN and vacation reply", 20,
               log=postfix.log)
    postfix.send(world["person"].address, [ours.address],
                 human_reply(dovecot, world["person"], ours))
    wait_until(lambda: count(dovecot, ours) >= 3, "human reply", 20, log=postfix.log)

    polled = poll_once(factory, settings.imap, clock)
    processed = process_messages(factory, clock)
    assert (polled.new, processed.matched, processed.review) == (3, 3, 0)
    with factory() as s:
        found = {v.kind: (v, m) for _, v, m in messages_with_verdicts(s)}
    assert set(found) == {"bounce", "auto_reply", "human_reply"}
    bounce, bounce_match = found["bounce"]
    assert (bounce.reason, bounce.status, bounce.is_hard) == ("userunknown", "5.1.1", True)
    assert bounce_match.evidence in ("return_path", "returned_original")
    assert found["auto_reply"][1].evidence == "return_path"
    assert found["human_reply"][1].evidence == "in_reply_to"

    clock.advance(days=40)
    result = score_stored(factory, "rt", settings, load_calendar(), clock())
    outcomes = {p.unit_id: p.outcome.value for p in result.probes}
    assert outcomes == {"U1": "hard_bounce", "U2": "auto_ack", "U3": "human_substantive"}
    [human] = [p for p in result.probes if p.unit_id == "U3"]
    assert human.human_latency is not None and human.human_latency.working_hours >= 0


def test_polling_twice_takes_nothing_twice_and_reads_junk_without_marking_seen(  # type: ignore[no-untyped-def]
        world, dovecot, clock):
    settings, ours = world["settings"], world["ours"]
    factory = start_campaign(settings, world["units"], clock)
    for n in range(3):
        dovecot.append(ours, "INBOX", f"From: a@unit.test\nSubject: {n}\n\nhi {n}\n".encode())
    dovecot.append(ours, "Junk", b"From: b@unit.test\nSubject: junk\n\nfiltered reply\n")
    first = poll_once(factory, settings.imap, clock)
    second = poll_once(factory, settings.imap, clock)
    assert (first.new, first.folders) == (4, {"INBOX": 3, "Junk": 1})
    assert second.fetched == 0
    with dovecot.imap(ours) as client:
        client.select_folder("INBOX", readonly=True)
        assert client.search("UNSEEN") == client.search("ALL")


def test_the_servers_junk_folder_is_read_when_the_configuration_misses_it(  # type: ignore[no-untyped-def]
        world, dovecot, clock):
    # The provider calls its spam folder something else: the configured "Spam" does not
    # exist, but the folder the server flags \\Junk (RFC 6154) is read all the same.
    settings, ours = world["settings"], world["ours"]
    imap = replace(settings.imap, folders=("INBOX", "Spam"))
    factory = start_campaign(settings, world["units"], clock)
    dovecot.append(ours, "Junk", b"From: b@unit.test\nSubject: junk\n\nfiltered reply\n")
    polled = poll_once(factory, imap, clock)
    assert (polled.new, polled.folders, polled.skipped_folders) == (1, {"Junk": 1}, ["Spam"])


def test_message_arriving_between_polls_is_taken_exactly_once(world, dovecot, clock):  # type: ignore[no-untyped-def]
    settings, ours = world["settings"], world["ours"]
    factory = start_campaign(settings, world["units"], clock)
    dovecot.append(ours, "INBOX", b"From: a@unit.test\nSubject: one\n\n1\n")
    poll_once(factory, settings.imap, clock)
    dovecot.append(ours, "INBOX", b"From: a@unit.test\nSubject: two\n\n2\n")
    assert poll_once(factory, settings.imap, clock).new == 1
    with factory() as s:
        assert len(all_message_ids(s)) == 2


def test_acceptance_time_starts_latency(world, clock):  # type: ignore[no-untyped-def]
    settings = world["settings"]
    factory = start_campaign(settings, world["units"][2:], clock)
    clock.now = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    send_campaign(factory, "rt", settings, clock)
    with factory() as s:
        [probe] = probe_rows(s, get_campaign(s, "rt").id)
    assert probe.state == "accepted" and probe.queue_id
    assert probe.accepted_at is not None and probe.accepted_at >= datetime(2026, 3, 3, 2, 0,
                                                                           tzinfo=UTC)
