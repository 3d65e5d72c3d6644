"""suspend.detect: "mailbox no longer in use" auto-replies are bounces (reason suspend)."""

from __future__ import annotations

import pytest

from mailprobe.classify import suspend

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    ("suspend-01-qq-no-longer-in-use.eml", "bounce", "12345678@qq.com", None, "suspend", False),
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
    check(suspend, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(suspend, name)
