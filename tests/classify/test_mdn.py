"""mdn.detect: a read receipt (RFC 8098) is no reply (unknown); a Sieve reject's MDN is a bounce."""

from __future__ import annotations

from mailprobe.classify import classify, mdn
from mailprobe.classify.message import parse_message
from mailprobe.model import Kind, RefKind

PROBE_ID = "<mp.0123456789@probe.test>"


def notification(disposition: str, sender: str = "office@jrj.example.gov.cn",
                 text: str = "您的邮件已于 2026/12/1 10:31 被阅读。") -> bytes:
    """A multipart/report with a disposition-notification part, as Outlook or Dovecot write it."""
    return (f"From: {sender}\nTo: probe@probe.test\nSubject: Read: consultation\n"
            "Message-ID: <r1@jrj.example.gov.cn>\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=disposition-notification; "
            f'boundary="R"\n\n--R\nContent-Type: text/plain; charset=utf-8\n\n{text}\n'
            "--R\nContent-Type: message/disposition-notification\n\n"
            "Reporting-UA: jrj.example.gov.cn; Microsoft Outlook 16.0\n"
            f"Final-Recipient: rfc822;{sender}\nOriginal-Message-ID: {PROBE_ID}\n"
            f"Disposition: {disposition}\n\n--R--\n").encode()


def test_read_receipt_is_no_reply_but_tied_to_the_probe_message_id() -> None:
    verdict = classify(notification("manual-action/MDN-sent-manually; displayed"))
    assert (verdict.kind, verdict.detector, verdict.subkind) == (
        Kind.UNKNOWN, "mdn", "read_receipt")
    assert any(r.kind == RefKind.RETURNED_ORIGINAL and r.value == "0123456789"
               for r in verdict.refs)


def test_sieve_reject_notification_is_left_to_the_bounce_detectors() -> None:
    raw = notification("automatic-action/MDN-sent-automatically; deleted",
                       sender="postmaster@mx.example.gov.cn",
                       text="Your message to <old@x.example.gov.cn> was automatically "
                            "rejected:\n此邮箱已停止使用。")
    msg, _ = parse_message(raw)
    assert msg is not None and mdn.detect(msg) is None
    assert classify(raw).kind == Kind.BOUNCE


def test_a_plain_letter_is_not_a_read_receipt() -> None:
    msg, _ = parse_message(b"From: a@b.example\nSubject: Disposition\n\n"
                           b"Disposition: displayed\n")
    assert msg is not None and mdn.detect(msg) is None
