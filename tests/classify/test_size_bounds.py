"""Hostile sizes return a verdict: a 50 MB message, a huge MIME tree, deep nesting.

Behaviour, not time: the bounds in message.py (bytes parsed, parts kept and walked, text
decoded) make these cheap; the assertions are only that a sound verdict comes back.
"""

from __future__ import annotations

from mailprobe.classify import classify
from mailprobe.classify.message import MAX_PARSE_BYTES, bound, parse_message
from mailprobe.model import Kind

HEAD = (b"From: MAILER-DAEMON@mx.example.org\nTo: probe@example.org\n"
        b"Subject: Undelivered Mail Returned to Sender\n")


def test_fifty_megabyte_bounce() -> None:
    body = (b"<leader@example.gov.cn>: host mx.example.gov.cn said: 550 5.1.1 User unknown\n\n"
            + b"A" * 76 + b"\n") * (50_000_000 // 77)
    raw = HEAD + b"\n" + body
    assert len(raw) > 49_000_000
    verdict = classify(raw)
    assert verdict.kind is Kind.BOUNCE
    assert verdict.recipients[0].address == "leader@example.gov.cn"


def test_many_parts_are_cut() -> None:
    parts = b"".join(b"--b\nContent-Type: text/plain\n\nx\n" for _ in range(200_000))
    raw = HEAD + b'Content-Type: multipart/mixed; boundary="b"\n\n' + parts + b"--b--\n"
    assert len(bound(raw)) < len(raw)
    assert classify(raw).kind in (Kind.UNKNOWN, Kind.BOUNCE)


def test_deep_nesting() -> None:
    depth = 5_000
    opening = b"".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n'.encode()
                       for i in range(depth))
    raw = HEAD + opening + b"Content-Type: text/plain\n\nhello\n"
    verdict = classify(raw)
    assert verdict.kind in (Kind.UNKNOWN, Kind.UNPARSEABLE, Kind.BOUNCE)


def test_parse_keeps_at_most_the_bound() -> None:
    msg, _ = parse_message(HEAD + b"\n" + b"x" * (MAX_PARSE_BYTES + 10))
    assert msg is not None and len(msg.raw) <= MAX_PARSE_BYTES
