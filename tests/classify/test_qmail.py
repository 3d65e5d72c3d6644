"""qmail.detect: expected table. qmail failure notices."""

from __future__ import annotations

import pytest

from mailprobe.classify import qmail

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "corpus:maildir/bsd/lhost-qmail-02.eml",
        "bounce",
        "userunknown@example.jp",
        "5.1.1",
        "userunknown",
        True,
    ),
    (
        "corpus:maildir/bsd/lhost-qmail-06.eml",
        "bounce",
        "kijitora@example.jp",
        "4.2.2",
        "mailboxfull",
        False,
    ),
    (
        "corpus:maildir/bsd/lhost-qmail-08.eml",
        "bounce",
        "shironeko@example.ad.jp",
        None,
        "mailboxfull",
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
    check(qmail, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(qmail, name)
