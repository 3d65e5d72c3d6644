"""postfix.detect: expected table over the real DSNs our test Postfix wrote, and corpus samples."""

from __future__ import annotations

import pytest

from mailprobe.classify import classify, postfix, rules
from mailprobe.classify.message import parse_message

from .expect import check, not_mine

CASES = [
    # fixture, kind, address, status, reason, hard
    (
        "postfix-real-01-unknown-user.eml",
        "bounce",
        "no-such-user@unit.test",
        "5.1.1",
        "userunknown",
        True,
    ),
    (
        "postfix-real-02-unknown-domain.eml",
        "bounce",
        "office@nx-mailprobe.invalid",
        "5.4.4",
        "hostunknown",
        True,
    ),
    ("postfix-real-03-mailbox-full.eml", "bounce", "full@unit.test", "5.2.2", "mailboxfull", False),
    (
        "postfix-real-04-message-too-large.eml",
        "bounce",
        "office@big.test",
        "5.3.4",
        "emailtoolarge",
        False,
    ),
    (
        "postfix-real-05-relay-refused.eml",
        "bounce",
        "office@relay.test",
        "5.7.1",
        "norelaying",
        False,
    ),
    # returned after the queue gave up on "no answer from host": expired (Sisimai's status
    # table, and the shared corpus's 4.4.1 bounces)
    ("postfix-real-06-expired.eml", "bounce", "office@slow.test", "4.4.1", "expired", False),
    ("postfix-real-07-delayed.eml", "delay", "office@slow.test", "4.4.1", "networkerror", False),
    (
        "corpus:maildir/bsd/lhost-postfix-13.eml",
        "bounce",
        "kijitora@example.jp",
        "5.2.1",
        "userunknown",
        True,
    ),
    (
        "corpus:maildir/bsd/lhost-postfix-71.eml",
        "bounce",
        "kijitora@apple.example.com",
        "5.7.1",
        "authfailure",
        False,
    ),
    (
        "corpus:maildir/bsd/lhost-postfix-63.eml",
        "bounce",
        "neko@nyaaan.example.org",
        "5.2.2",
        "mailboxfull",
        False,
    ),
]

NOT_MINE = [
    "coremail-01-rejected-by-system.eml",
    "suspend-01-qq-no-longer-in-use.eml",
    "corpus:maildir/bsd/lhost-exim-05.eml",
]


@pytest.mark.parametrize(("name", "kind", "address", "status", "reason", "hard"), CASES)
def test_expected(
    name: str, kind: str, address: str, status: str | None, reason: str, hard: bool
) -> None:
    check(postfix, name, kind, address, status, reason, hard)


@pytest.mark.parametrize("name", NOT_MINE)
def test_not_mine(name: str) -> None:
    not_mine(postfix, name)


# Generated: a person's list reply relayed by a Postfix server, whose text and forwarded
# spam report carry failure words ("blocklist", "prohibited"); not evidence.
RELAYED_REPLY = (
    b"Received: from mail.example.org (mail.example.org [192.0.2.7])\n"
    b"\tby lists.example.org (Postfix) with ESMTPS id 4AB12\n"
    b"\tfor <list@lists.example.org>; Mon, 4 Aug 2025 10:00:00 +0000\n"
    b"From: Li Wei <li.wei@example.org>\n"
    b"To: list@lists.example.org\n"
    b"Subject: Re: [PATCH] fix the spam blocklist check\n"
    b"In-Reply-To: <patch-1@example.org>\n"
    b"\n"
    b"On Mon, Aug 4, someone wrote:\n"
    b"> the blocklist check is wrong\n"
    b"\n"
    b"Agreed, applied. Unauthorised use of this message is prohibited.\n"
    b"\n"
    b"--\n"
    b"list mailing list\n"
    b"list@lists.example.org\n"
)


def test_a_postfix_received_line_alone_is_no_postfix_bounce() -> None:
    with rules.trace() as fired:
        verdict = classify(RELAYED_REPLY)
    assert postfix.detect(parse_message(RELAYED_REPLY)[0]) is None  # type: ignore[arg-type]
    assert verdict.kind == "human_reply"
    assert not [rid for rid in fired if rid.startswith(("phrase:", "detector:postfix"))]
