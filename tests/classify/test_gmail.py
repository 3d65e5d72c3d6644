"""gmail.detect: expected table. Gmail letters and Google Groups refusals."""

from __future__ import annotations

import pytest

from mailprobe.classify import gmail

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "corpus:maildir/bsd/lhost-gmail-16.eml",
        "bounce",
        "mailboxfull@bouncehammer.jp",
        "5.2.2",
        "mailboxfull",
        False,
    ),
    (
        "corpus:maildir/bsd/lhost-gmail-11.eml",
        "bounce",
        "kijitora@example.com",
        None,
        "expired",
        False,
    ),
    (
        "corpus:maildir/bsd/lhost-googlegroups-02.eml",
        "bounce",
        "libsisimai@googlegroups.com",
        None,
        "rejected",
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
    check(gmail, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(gmail, name)
