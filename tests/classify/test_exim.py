"""exim.detect: expected table. Exim letters."""

from __future__ import annotations

import pytest

from mailprobe.classify import exim

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
