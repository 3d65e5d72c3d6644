"""Self-test of the launchers: each server starts and does the one thing tests rely on."""

from __future__ import annotations

import smtplib
from email import message_from_bytes

import pytest

from tests.servers.dovecot import Dovecot
from tests.servers.postfix import Postfix
from tests.servers.smtp_sink import SmtpSink

pytestmark = pytest.mark.servers

VACATION = 'require ["vacation"];\nvacation :days 1 "Out of office until Monday.";\n'


def probe(sender: str, recipient: str, tag: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: {recipient}\r\nSubject: probe {tag}\r\n"
        f"Message-ID: <mp.{tag}@probe.test>\r\n\r\nHello.\r\n"
    ).encode()


def test_smtp_sink_accepts_a_message(smtp_sink: SmtpSink) -> None:
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, local_hostname="t.test") as smtp:
        smtp.sendmail("a@x.test", ["b@y.test"], probe("a@x.test", "b@y.test", "sink"))
    assert [m.message_id for m in smtp_sink.received] == ["<mp.sink@probe.test>"]


def test_dovecot_accepts_imap_login(dovecot: Dovecot) -> None:
    user = dovecot.create_user()
    with dovecot.imap(user) as client:
        names = {name for _, _, name in client.list_folders()}
    assert names == {"INBOX", "Junk"}


def test_postfix_answers_ehlo(postfix: Postfix) -> None:
    with smtplib.SMTP("127.0.0.1", postfix.smtp_port, local_hostname="t.test") as smtp:
        code, _ = smtp.ehlo()
    assert code == 250


def test_postfix_delivers_to_a_dovecot_user(postfix: Postfix, dovecot: Dovecot) -> None:
    sender, recipient = dovecot.create_user(), dovecot.create_user()
    postfix.send(
        sender.address, [recipient.address], probe(sender.address, recipient.address, "deliver")
    )
    (raw,) = dovecot.wait_for_mail(recipient)
    assert message_from_bytes(raw)["Message-ID"] == "<mp.deliver@probe.test>"


def test_unknown_user_bounces_to_the_senders_mailbox(postfix: Postfix, dovecot: Dovecot) -> None:
    sender = dovecot.create_user()
    verp = sender.address.replace("@", "+tok@")
    postfix.send(verp, ["nobody-here@probe.test"], probe(verp, "nobody-here@probe.test", "dsn"))
    (raw,) = dovecot.wait_for_mail(sender)
    dsn = message_from_bytes(raw)
    assert dsn["Delivered-To"] == verp and dsn.get_content_type() == "multipart/report"
    assert b"Status: 5.1.1" in raw and b"<mp.dsn@probe.test>" in raw


def test_sieve_vacation_reply_comes_back(postfix: Postfix, dovecot: Dovecot) -> None:
    sender, away = dovecot.create_user(), dovecot.create_user(vacation=VACATION)
    postfix.send(sender.address, [away.address], probe(sender.address, away.address, "vac"))
    (raw,) = dovecot.wait_for_mail(sender)
    reply = message_from_bytes(raw)
    assert reply["Auto-Submitted"].startswith("auto-replied")
    assert reply["In-Reply-To"] == "<mp.vac@probe.test>"
