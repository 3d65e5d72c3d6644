"""exchange.detect: expected table. Exchange / Office 365 NDRs."""

from __future__ import annotations

import pytest

from mailprobe.classify import exchange

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "corpus:maildir/bsd/lhost-exchange2003-01.eml",
        "bounce",
        "kijitora@example.jp",
        None,
        "userunknown",
        True,
    ),
    (
        "corpus:maildir/bsd/lhost-exchange2007-02.eml",
        "bounce",
        "kijitora@example.edu",
        "5.2.2",
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
    check(exchange, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(exchange, name)
