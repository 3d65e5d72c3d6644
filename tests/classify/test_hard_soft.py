"""Hard/soft and recipients out of family (issue 9, classifier round 4): hardness follows from
evidence every MTA shares (RFC 3463 status class, a resolver's words), and the generic path finds
the failed address of a Chinese letter with every family's own rules switched off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailprobe.classify import classify, rules
from mailprobe.classify.reasons import adjust, is_hard, reason_for
from mailprobe.model import Kind

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture
def families_off() -> Iterator[None]:
    groups = {g for sources in rules.rule_sources().values() for g in sources
              if not g.startswith("doc:")}
    with rules.disabled(groups):
        yield


@pytest.mark.parametrize("reason", ["userunknown", "hostunknown", "hasmoved", "notaccept"])
def test_a_4xx_status_is_never_hard_while_the_sender_may_retry(reason: str) -> None:
    assert is_hard(reason, "5.1.1" if reason != "notaccept" else "5.1.10")
    assert not is_hard(reason, "4.1.1")


@pytest.mark.parametrize("reason", ["userunknown", "hostunknown", "hasmoved"])
def test_a_returned_message_with_a_bad_address_is_hard_whatever_the_class(reason: str) -> None:
    # Sisimai's soft_or_hard: the reason decides once the mail system gave up
    assert is_hard(reason, "4.1.1", final=True)


def test_null_mx_in_a_returned_message_follows_its_class() -> None:
    assert is_hard("notaccept", "5.1.10", final=True)
    assert not is_hard("notaccept", "4.0.0", final=True)


def test_a_gave_up_letter_with_a_4xx_user_unknown_is_hard_and_a_delay_notice_is_not() -> None:
    failed = (b"From: MAILER-DAEMON@mx.example.net\nTo: probe@example.cn\n"
              b"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
              b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
              b"--b\nContent-Type: text/plain\n\nDelivery failed.\n\n"
              b"--b\nContent-Type: message/delivery-status\n\n"
              b"Reporting-MTA: dns; mx.example.net\n\n"
              b"Final-Recipient: rfc822; nobody@example.org\nAction: {action}\n"
              b"Status: 4.1.1\nDiagnostic-Code: smtp; 450 4.1.1 <nobody@example.org>: "
              b"Recipient address rejected: User unknown in local recipient table\n\n--b--\n")
    bounce = classify(failed.replace(b"{action}", b"failed"))
    delay = classify(failed.replace(b"{action}", b"delayed"))
    assert (bounce.kind, bounce.recipients[0].reason, bounce.recipients[0].hard) == (
        Kind.BOUNCE, "userunknown", True)
    assert (delay.kind, delay.recipients[0].hard) == (Kind.DELAY, False)


def test_soft_reasons_stay_soft_whatever_the_status() -> None:
    assert not is_hard("mailboxfull", "5.2.2")
    assert not is_hard("filtered", None)


def test_a_resolver_failure_is_a_network_error_not_a_missing_domain(families_off: None) -> None:
    text = ("Name service error for name=example.org type=MX: Malformed or unexpected name "
            "server reply")
    assert reason_for(text, "5.4.4") == "networkerror"
    assert not is_hard(reason_for(text, "5.4.4"), "5.4.4")


def test_host_not_found_from_the_resolver_stays_hostunknown(families_off: None) -> None:
    text = ("Host or domain name not found. Name service error for name=nxd.example.jp "
            "type=AAAA: Host not found")
    assert reason_for(text, "5.4.4") == "hostunknown"


@pytest.mark.parametrize("words", [
    "L'adresse de messagerie référencée ci-dessus n'existe pas.",
    "<a@example.com>, no mailbox here by that name",
    "收件人不存在",
])
def test_words_saying_the_address_does_not_exist_are_userunknown_without_a_code(
        words: str) -> None:
    assert adjust("userunknown", words) == "userunknown"


def test_bare_user_unknown_words_without_a_code_stay_filtered() -> None:
    # Sisimai's convention, kept: the shared corpus's labels follow it (docs/classify.md)
    assert adjust("userunknown", "550 Unknown user a@example.co.jp") == "filtered"


WINMAIL = "pantomime/winmail-eidos-1375239953.eml"


def test_chinese_bounce_letter_found_by_the_generic_path_out_of_its_family() -> None:
    # Winmail's "错误回弹信": a postmaster sender, "您的邮件不能成功的递送到以下收件"
    with rules.disabled({"corpus:pantomime"}):
        verdict = classify((CORPUS / WINMAIL).read_bytes())
    assert verdict.kind is Kind.BOUNCE
    assert verdict.detector == "generic"
    assert [(r.address, r.reason, r.hard) for r in verdict.recipients] == [
        ("guzefei@cectelecom.com", "userunknown", True)]
    # the original's headers after "以下是要发送的邮件信息" are not the diagnostic
    assert "Subject:" not in verdict.recipients[0].diagnostic


SES_NOTE = (b"From: SES <no-reply@sns.amazonaws.com>\nTo: a@example.jp\nSubject: AWS Notification"
            b"\nContent-Type: text/plain\n\n"
            b'{"Type":"Notification","Message":"{\\"notificationType\\":\\"Bounce\\",\\"bounce\\":'
            b'{\\"bouncedRecipients\\":[{\\"emailAddress\\":\\"gone@example.org\\",\\"status\\":'
            b'\\"5.1.1\\",\\"diagnosticCode\\":\\"smtp; 550 5.1.1 user unknown\\"}]}}"}\n')


def test_ses_notification_read_from_its_documented_fields_with_families_off(
        families_off: None) -> None:
    verdict = classify(SES_NOTE)
    assert verdict.detector == "ses"
    assert [(r.address, r.reason, r.hard) for r in verdict.recipients] == [
        ("gone@example.org", "userunknown", True)]


REDIRECTED = b"""From: Mail Delivery System <Mailer-Daemon@mx.example.org>
To: sender@example.jp
Subject: Mail delivery failed: returning message to sender
X-Failed-Recipients: alias@example.jp

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  target@example.or.jp
    SMTP error from remote mail server after RCPT TO:<target@example.or.jp>:
    host mx.example.or.jp [192.0.2.20]: 550 5.1.1 User unknown
"""


def test_failed_header_and_letter_naming_different_addresses_keeps_both() -> None:
    # a redirected delivery: the header names one address, the letter the one tried
    with rules.disabled({"shared:lhost-exim"}):
        verdict = classify(REDIRECTED)
    assert verdict.kind is Kind.BOUNCE
    assert [r.address for r in verdict.recipients] == ["alias@example.jp", "target@example.or.jp"]


def test_failed_header_agreeing_with_the_letter_adds_nothing() -> None:
    raw = REDIRECTED.replace(b"X-Failed-Recipients: alias@example.jp",
                             b"X-Failed-Recipients: target@example.or.jp")
    with rules.disabled({"shared:lhost-exim"}):
        verdict = classify(raw)
    assert [r.address for r in verdict.recipients] == ["target@example.or.jp"]


@pytest.mark.parametrize("diagnostic", [
    "550 5.1.8 <a@b.example>: Sender address rejected: Domain not found",
    "550 5.2.0 <x@example.org> From: Domain is invalid. Please provide a valid From:",
])
def test_the_senders_domain_refused_is_rejected_never_a_dead_address(
        families_off: None, diagnostic: str) -> None:
    status = diagnostic.split()[1]
    assert reason_for(diagnostic, status) == "rejected"
    assert not is_hard("rejected", status)


def test_the_recipients_domain_not_found_stays_hostunknown(families_off: None) -> None:
    text = "550 5.1.2 <a@nx.example>: Recipient address rejected: Domain not found"
    assert reason_for(text, "5.1.2") == "hostunknown"
