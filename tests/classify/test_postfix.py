"""postfix.detect: expected table over the real DSNs our test Postfix wrote, and corpus samples."""

from __future__ import annotations

import pytest

from mailprobe.classify import postfix

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "postfix-real-01-unknown-user.eml",
        "bounce",
        "no-such-user@unit.test",
        "5.1.1",
        "userunknown",
        True,
    ),
    (
        "postfix-real-02-unknown-domain.eml",
        "bounce",
        "office@nx-mailprobe.invalid",
        "5.4.4",
        "hostunknown",
        True,
    ),
    ("postfix-real-03-mailbox-full.eml", "bounce", "full@unit.test", "5.2.2", "mailboxfull", False),
    (
        "postfix-real-04-message-too-large.eml",
        "bounce",
        "office@big.test",
        "5.3.4",
        "emailtoolarge",
        False,
    ),
    (
        "postfix-real-05-relay-refused.eml",
        "bounce",
        "office@relay.test",
        "5.7.1",
        "norelaying",
        False,
    ),
    # returned after the queue gave up on "no answer from host": expired (Sisimai's status
    # table, and the shared corpus's 4.4.1 bounces)
    ("postfix-real-06-expired.eml", "bounce", "office@slow.test", "4.4.1", "expired", False),
    ("postfix-real-07-delayed.eml", "delay", "office@slow.test", "4.4.1", "networkerror", False),
    (
        "corpus:maildir/bsd/lhost-postfix-13.eml",
        "bounce",
        "kijitora@example.jp",
        "5.2.1",
        "userunknown",
        True,
    ),
    (
        "corpus:maildir/bsd/lhost-postfix-71.eml",
        "bounce",
        "kijitora@apple.example.com",
        "5.7.1",
        "authfailure",
        False,
    ),
    (
        "corpus:maildir/bsd/lhost-postfix-63.eml",
        "bounce",
        "neko@nyaaan.example.org",
        "5.2.2",
        "mailboxfull",
        False,
    ),
]

NOT_MINE = [
    "coremail-01-rejected-by-system.eml",
    "suspend-01-qq-no-longer-in-use.eml",
    "corpus:maildir/bsd/lhost-exim-05.eml",
]


@pytest.mark.parametrize(("name", "kind", "address", "status", "reason", "hard"), CASES)
def test_expected(
    name: str, kind: str, address: str, status: str | None, reason: str, hard: bool
) -> None:
    check(postfix, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(postfix, name)
