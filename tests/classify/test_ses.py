"""ses.detect: expected table. Amazon SES JSON notifications."""

from __future__ import annotations

import pytest

from mailprobe.classify import ses

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "corpus:maildir/bsd/lhost-amazonses-10.eml",
        "bounce",
        "bounce@simulator.amazonses.com",
        "5.1.1",
        "userunknown",
        True,
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
    check(ses, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(ses, name)
