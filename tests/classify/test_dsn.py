"""dsn.detect: expected table. RFC 3464 reports from MTAs without a dedicated detector."""

from __future__ import annotations

import pytest

from mailprobe.classify import dsn

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "corpus:maildir/bsd/lhost-amazonses-06.eml",
        "bounce",
        "bounce@simulator.amazonses.com",
        "5.1.1",
        "userunknown",
        True,
    ),
    (
        "corpus:maildir/bsd/lhost-amazonses-14.eml",
        "bounce",
        "sironeko@neko.example.org",
        "5.7.1",
        "blocked",
        False,
    ),
    (
        "corpus:maildir/bsd/rfc3464-34.eml",
        "delay",
        "kijitora@example.com",
        "4.4.1",
        "networkerror",
        False,
    ),
]

NOT_MINE = [
    "suspend-01-qq-no-longer-in-use.eml",
    "corpus:maildir/bsd/lhost-exim-05.eml",
    "corpus:maildir/bsd/lhost-qmail-02.eml",
]


@pytest.mark.parametrize(("name", "kind", "address", "status", "reason", "hard"), CASES)
def test_expected(
    name: str, kind: str, address: str, status: str | None, reason: str, hard: bool
) -> None:
    check(dsn, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(dsn, name)
