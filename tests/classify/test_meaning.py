"""Reasons by meaning (reasons.py, "Reasons by meaning"): an RFC 3463 status with agreeing words,
general words, and the structural fixes of issue 9's second round. Each meaning must hold with
every family's own rules switched off: that is what makes it family-independent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailprobe.classify import classify, rules
from mailprobe.classify.quotes import split_reply
from mailprobe.classify.reasons import delay_reason, reason_for, reason_from_text
from mailprobe.model import Kind

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture
def families_off() -> Iterator[None]:
    """Every rule that cites a corpus family or our fixtures switched off; only rules citing a
    public description (doc:...) stay on."""
    groups = {g for sources in rules.rule_sources().values() for g in sources
              if not g.startswith("doc:")}
    with rules.disabled(groups):
        yield


STATUS_AND_WORDS = [
    ("552 5.2.2 <a@example.org>: quota exceeded", "5.2.2", "mailboxfull"),
    ("550 5.1.1 <a@example.org>: Recipient address rejected: User unknown", "5.1.1",
     "userunknown"),
    ("550 5.1.2 Host unknown: the domain does not exist", "5.1.2", "hostunknown"),
    ("550 5.2.1 This mailbox has been disabled", "5.2.1", "suspend"),
    ("550 5.7.1 Relaying denied", "5.7.1", "norelaying"),
    ("550 5.7.1 Message rejected as spam by the content filter", "5.7.1", "spamdetected"),
    ("550 5.7.1 Service unavailable; client host listed at zen.example.org", "5.7.1", "blocked"),
    # the block list decides, not the word "spammer" in the advice that follows it
    ("550 5.7.1 Your message was blocked by ROTA DNSBL. If you are not a spammer, write to us",
     "5.7.1", "blocked"),
    ("550 5.7.0 Local Policy Violation", "5.7.0", "policyviolation"),
    ("550 5.7.1 SPF check failed for example.org", "5.7.1", "authfailure"),
    ("550 5.7.1 Client host has no reverse DNS", "5.7.1", "requireptr"),
    ("554 5.4.6 Hop count exceeded - possible mail loop", "5.4.6", "networkerror"),
    # RFC 7372's X.7.13 names the reason whatever the words say
    ("525 5.7.13 <a@example.org>: Recipient address rejected: User unknown", "5.7.13", "suspend"),
]


@pytest.mark.parametrize(("diagnostic", "status", "reason"), STATUS_AND_WORDS)
def test_status_and_agreeing_words_decide_without_any_family_rule(
        families_off: None, diagnostic: str, status: str, reason: str) -> None:
    assert reason_for(diagnostic, status) == reason


@pytest.mark.parametrize(("diagnostic", "status", "reason"), STATUS_AND_WORDS)
def test_status_and_agreeing_words_decide_with_every_rule_on(
        diagnostic: str, status: str, reason: str) -> None:
    assert reason_for(diagnostic, status) == reason


def test_a_status_alone_does_not_make_unrelated_words_its_reason(families_off: None) -> None:
    # 5.1.1 with words about a rate: the words are not about an absent address
    diagnostic = "550 5.1.1 <a@example.org> - 192.0.2.1 has sent to too many recipients this hour"
    assert reason_for(diagnostic, "5.1.1") == "ratelimited"


WORDS = [
    ("552 Too many recipients", "ratelimited"),
    ("550 Mailbox is frozen.", "suspend"),
    ("As their mailbox is full. Could not be delivered", "mailboxfull"),
    ("Unrouteable address", "hostunknown"),
    ("The email address wasn't found at the destination domain.", "userunknown"),
    ("Your message to <a@example.org> was automatically rejected: no mail from outside",
     "filtered"),    ("DNS Error: DNS type 'mx' lookup of example.org responded with code NXDOMAIN",
     "hostunknown"),
    ("DNS Error: the domain example.org doesn't receive email: returned Null MX", "notaccept"),
    ("554 Mail from a@example.net rejected for policy reasons.", "policyviolation"),
]


@pytest.mark.parametrize(("diagnostic", "reason"), WORDS)
def test_general_words_decide_without_any_family_rule(
        families_off: None, diagnostic: str, reason: str) -> None:
    assert reason_for(diagnostic) == reason


def test_certificate_words_count_only_as_failure_words_never_inside_a_link() -> None:
    quoted_link = "see https://developercertificate.org/certificate-of-origin for details"
    assert reason_from_text(quoted_link) is None
    assert reason_from_text("TLS certificate verification failed") == "securityerror"


def test_delay_notice_whose_time_ran_out_is_expired_else_delayed() -> None:
    assert delay_reason("onhold", "Envelope expired", None) == "expired"
    assert delay_reason("onhold", "", "4.4.7") == "expired"
    assert delay_reason("onhold", "We will keep trying", None) == "delayed"


def test_html_escaped_quote_lines_are_quotes() -> None:
    split = split_reply("On Tue, 22 Mar 2022, a@example.org wrote:\n\n&gt; the question\n\n"
                        "My answer.")
    assert split.new == "My answer."
    assert "the question" in split.quoted


def recipients(path: Path) -> list[tuple[str, str | None]]:
    verdict = classify(path.read_bytes())
    return [(r.address, r.reason) for r in verdict.recipients]


def test_qq_reply_with_escaped_quotes_is_human() -> None:
    raw = (CORPUS / "erofs-list" / "qqmail-foxmail-reply-en.eml").read_bytes()
    assert classify(raw).kind is Kind.HUMAN_REPLY


def test_exim_undisclosed_address_is_the_one_it_was_generated_from() -> None:
    verdict = classify((CORPUS / "mailman2-bounces" / "simple_16.eml").read_bytes())
    assert verdict.kind is Kind.BOUNCE
    assert [r.address for r in verdict.recipients] == ["userx@example.com"]


def test_a_letter_summarising_the_message_names_its_recipient() -> None:
    verdict = classify((CORPUS / "mailman2-bounces" / "yahoo_12.eml").read_bytes())
    assert verdict.kind is Kind.BOUNCE
    assert [r.address for r in verdict.recipients] == ["user@yahoo.com"]


def test_postponed_delivery_letter_is_a_delay_with_its_cause() -> None:
    verdict = classify((CORPUS / "mailman2-bounces" / "simple_35.eml").read_bytes())
    assert verdict.kind is Kind.DELAY
    assert [(r.address, r.reason, r.hard) for r in verdict.recipients] == [
        ("calvin@example.com", "mailboxfull", False)]


SIEVE_REJECT = b"""Return-Path: <>
From: Mail Delivery Subsystem <postmaster@gov.example.cn>
To: <probe@mailprobe.example.org>
Subject: Rejected: =?utf-8?b?5ZKo6K+i?=
Auto-Submitted: auto-replied (rejected)
Message-ID: <sieve-1@gov.example.cn>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Your message to <xinfang@gov.example.cn> was automatically rejected:
\xe6\x9c\xac\xe9\x82\xae\xe7\xae\xb1\xe4\xb8\x8d\xe6\x8e\xa5\xe6\x94\xb6\xe5\xa4\x96\xe9\x83\xa8\xe9\x82\xae\xe4\xbb\xb6

--b1
Content-Type: message/disposition-notification

Reporting-UA: mail.gov.example.cn; Dovecot Mail Delivery Agent
Final-Recipient: rfc822; xinfang@gov.example.cn
Disposition: automatic-action/MDN-sent-automatically; deleted

--b1--
"""


def test_sieve_reject_is_a_filtered_bounce() -> None:
    verdict = classify(SIEVE_REJECT)
    assert verdict.kind is Kind.BOUNCE
    assert [(r.address, r.reason, r.hard) for r in verdict.recipients] == [
        ("xinfang@gov.example.cn", "filtered", False)]


def test_exchange_system_administrator_is_a_daemon_sender_whatever_the_family_rules() -> None:
    raw = (CORPUS / "mailman2-bounces" / "simple_36.eml").read_bytes()
    with rules.disabled({"corpus:mailman2-bounces"}):
        verdict = classify(raw)
    assert verdict.kind is Kind.BOUNCE
    assert [r.address for r in verdict.recipients] == ["userx@example.com"]


def test_x400_attribute_names_the_smtp_address() -> None:
    verdict = classify((CORPUS / "mailman2-bounces" / "microsoft_01.eml").read_bytes())
    assert [r.address for r in verdict.recipients] == ["userx@example.com"]
