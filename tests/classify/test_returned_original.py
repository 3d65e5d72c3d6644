"""A bounce keeps the Message-ID of the original it returns, so matching can tell our
probe's bounce from backscatter of someone else's mail (correlate.py)."""

from __future__ import annotations

from mailprobe.classify import classify

from .conftest import EML


def test_postfix_dsn_keeps_the_returned_probe_message_id() -> None:
    verdict = classify((EML / "postfix-real-01-unknown-user.eml").read_bytes())
    assert verdict.original_message_id == "mp.yjfmvv5h1p@probe.test"


def test_bounce_without_a_returned_original_has_none() -> None:
    raw = (b"From: MAILER-DAEMON@mx.example.org\nTo: probe@probe.test\n"
           b"Subject: Undelivered Mail Returned to Sender\n\n"
           b"<gone@example.gov.cn>: host mx.example.gov.cn said: 550 5.1.1 User unknown\n")
    verdict = classify(raw)
    assert verdict.kind.value == "bounce" and verdict.original_message_id is None
