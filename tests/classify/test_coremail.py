"""coremail.detect: expected table. Coremail 系统退信 letters (synthetic; docs/classify.md)."""

from __future__ import annotations

import pytest

from mailprobe.classify import coremail

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "coremail-01-rejected-by-system.eml",
        "bounce",
        "leader@example.gov.cn",
        "5.0.0",
        "spamdetected",
        False,
    ),
    (
        "coremail-02-bilingual-user-not-found.eml",
        "bounce",
        "leader@example.gov.cn",
        "5.0.0",
        "userunknown",
        True,
    ),
    (
        "coremail-03-rcpt-handle-timeout.eml",
        "bounce",
        "leader@example.gov.cn",
        "5.0.0",
        "networkerror",
        False,
    ),
]

NOT_MINE = [
    "postfix-real-01-unknown-user.eml",
    "tencent-01-mailbox-not-found.eml",
    "suspend-01-qq-no-longer-in-use.eml",
]


@pytest.mark.parametrize(("name", "kind", "address", "status", "reason", "hard"), CASES)
def test_expected(
    name: str, kind: str, address: str, status: str | None, reason: str, hard: bool
) -> None:
    check(coremail, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(coremail, name)
