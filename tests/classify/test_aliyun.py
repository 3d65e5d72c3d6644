"""aliyun.detect: expected table. Aliyun rejection (synthetic)."""

from __future__ import annotations

import pytest

from mailprobe.classify import aliyun

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "aliyun-01-mailbox-not-found.eml",
        "bounce",
        "leader@example.gov.cn",
        "5.0.0",
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
    check(aliyun, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(aliyun, name)
