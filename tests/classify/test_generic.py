"""generic.detect: expected table. Daemon letters from MTAs without a detector (DragonFly here)."""

from __future__ import annotations

import pytest

from mailprobe.classify import generic

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "corpus:maildir/bsd/lhost-dragonfly-01.eml",
        "bounce",
        "pseudo-local-part@google.example.com",
        "5.7.26",
        "authfailure",
        False,
    ),
    (
        "corpus:maildir/bsd/lhost-dragonfly-05.eml",
        "bounce",
        "authfailure@libsisimai.net",
        "5.7.26",
        "authfailure",
        False,
    ),
]

NOT_MINE = [
    "suspend-01-qq-no-longer-in-use.eml",
    "corpus:maildir/bsd/arf-01.eml",
    "corpus:maildir/bsd/rfc3834-01.eml",
]


@pytest.mark.parametrize(("name", "kind", "address", "status", "reason", "hard"), CASES)
def test_expected(
    name: str, kind: str, address: str, status: str | None, reason: str, hard: bool
) -> None:
    check(generic, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(generic, name)
