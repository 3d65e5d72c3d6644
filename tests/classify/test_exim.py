"""exim.detect: expected table. Exim letters."""

from __future__ import annotations

import pytest

from mailprobe.classify import classify, exim

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "corpus:maildir/bsd/lhost-exim-05.eml",
        "bounce",
        "kijitora@neko.example.co.jp",
        "5.1.1",
        "userunknown",
        True,
    ),
    (
        "corpus:maildir/bsd/lhost-exim-07.eml",
        "bounce",
        "shiba@example.com",
        None,
        "mailboxfull",
        False,
    ),
    (
        "corpus:maildir/bsd/lhost-exim-29.eml",
        "bounce",
        "kijitora@example.co.jp",
        "5.0.0",
        "authfailure",
        False,
    ),
]

NOT_MINE = [
    "postfix-real-01-unknown-user.eml",
    "coremail-01-rejected-by-system.eml",
    "tencent-01-mailbox-not-found.eml",
]


@pytest.mark.parametrize(("name", "kind", "address", "status", "reason", "hard"), CASES)
def test_expected(
    name: str, kind: str, address: str, status: str | None, reason: str, hard: bool
) -> None:
    check(exim, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(exim, name)


# Generated Exim delay warnings (the shape of Exim's specification, "Bounce and delay
# messages"), written to test the cause of two real misreadings, not as evidence.
DELAY_HEAD = (
    "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
    "To: probe@sender.example.cn\n"
    "Subject: Warning: message 1KNmHQ-000Md3-Kj delayed 24 hours\n"
    "Auto-Submitted: auto-replied\n"
    "\n"
    "This message was created automatically by mail delivery software.\n"
    "A message that you sent has not yet been delivered to one or more of its\n"
    "recipients after more than 24 hours on the queue on mx.example.org.\n"
    "\n"
    "The message identifier is:     1KNmHQ-000Md3-Kj\n"
    "The subject of the message is: {subject}\n"
    "The date of the message is:    Tue, 29 Jul 2008 17:18:08 +0700\n"
    "\n"
)
DELAY_TAIL = (
    "\n"
    "No action is required on your part. Delivery attempts will continue for\n"
    "some time, and this warning may be repeated at intervals if the message\n"
    "remains undelivered.\n"
)


def delay_warning(subject: str, entries: str) -> bytes:
    return (DELAY_HEAD.format(subject=subject)
            + "The addresses to which the message has not yet been delivered are:\n\n"
            + entries + DELAY_TAIL).encode()


def test_a_recipient_without_a_cause_does_not_borrow_the_others() -> None:
    raw = delay_warning(
        "Hello",
        "  full@example.org\n"
        "    Delay reason: SMTP error from remote mail server after RCPT TO:<full@example.org>:\n"
        "    host mx.example.org [192.0.2.1]: 452 4.2.2 Over quota\n"
        "  quiet@example.org\n")
    reasons = {r.address: r.reason for r in classify(raw).recipients}
    assert reasons == {"full@example.org": "mailboxfull", "quiet@example.org": "delayed"}


def test_the_returned_messages_subject_is_no_cause() -> None:
    raw = delay_warning(
        "[SPAM] You have incoming messages",
        "  list@example.org\n"
        "    Delay reason: H=mx.example.org [192.0.2.1]:\n"
        "    SMTP error from remote mail server after RCPT TO:<list@example.org>:\n"
        "    451 Temporary local problem - please try later\n")
    (rcpt,) = classify(raw).recipients
    assert (rcpt.reason, rcpt.hard) == ("systemerror", False)



def test_the_delay_reason_label_after_a_host_line_is_no_cause() -> None:
    raw = delay_warning(
        "Hello",
        "  list@example.org\n"
        "    host mx.example.org [192.0.2.1]\n"
        "    Delay reason: SMTP error from remote mail server after RCPT TO:<list@example.org>:\n"
        "    451 Temporary local problem - please try later\n")
    (rcpt,) = classify(raw).recipients
    assert rcpt.reason == "systemerror"
