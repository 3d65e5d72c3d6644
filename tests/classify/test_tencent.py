"""tencent.detect: QQ/Exmail rejections quoted in our Postfix DSN (synthetic), Sisimai's samples."""

from __future__ import annotations

import pytest

from mailprobe.classify import tencent

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "tencent-01-mailbox-not-found.eml",
        "bounce",
        "leader@example.gov.cn",
        "5.0.0",
        "userunknown",
        True,
    ),
    (
        "tencent-02-ip-frequency-limited.eml",
        "bounce",
        "12345678@qq.com",
        "5.0.0",
        "ratelimited",
        False,
    ),
    (
        "tencent-03-dmarc-check-failed.eml",
        "bounce",
        "leader@example.gov.cn",
        "5.0.0",
        "authfailure",
        False,
    ),
    (
        "tencent-04-deactivated-mailbox.eml",
        "bounce",
        "leader@example.gov.cn",
        "5.1.1",
        "suspend",
        False,
    ),
    (
        "corpus:maildir/bsd/rhost-tencent-01.eml",
        "bounce",
        "nekochan@qq.example.cn",
        "5.0.0",
        "ratelimited",
        False,
    ),
]

NOT_MINE = [
    "postfix-real-01-unknown-user.eml",
    "coremail-01-rejected-by-system.eml",
    "suspend-01-qq-no-longer-in-use.eml",
]


@pytest.mark.parametrize(("name", "kind", "address", "status", "reason", "hard"), CASES)
def test_expected(
    name: str, kind: str, address: str, status: str | None, reason: str, hard: bool
) -> None:
    check(tencent, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(tencent, name)
