"""arf.detect: expected table. ARF feedback reports (never bounces)."""

from __future__ import annotations

import pytest

from mailprobe.classify import arf

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "corpus:maildir/bsd/arf-01.eml",
        "feedback_report",
        "redacted@example.net",
        None,
        "feedback",
        None,
    ),
    (
        "corpus:maildir/bsd/arf-18.eml",
        "feedback_report",
        "kijitora@example.com",
        None,
        "feedback",
        None,
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
    check(arf, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(arf, name)
