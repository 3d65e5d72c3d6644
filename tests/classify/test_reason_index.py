"""Sisimai's published tables as data (reason_index.py): reason indexes and providers' codes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mailprobe.classify import reason_index, rules
from mailprobe.classify.reasons import reason_for, reason_from_index, remote_hosts


@pytest.fixture
def families_off() -> Iterator[None]:
    """Every rule that cites a corpus family or our fixtures off: only public tables remain."""
    groups = {g for sources in rules.rule_sources().values() for g in sources
              if not g.startswith("doc:")}
    with rules.disabled(groups):
        yield


def test_every_index_and_provider_rule_cites_only_its_public_table() -> None:
    for rule_id, sources in rules.rule_sources().items():
        if rule_id.startswith(("index:", "rhost:")):
            assert sources and all(s.startswith("doc:sisimai-") for s in sources), rule_id


@pytest.mark.parametrize(("text", "reason"), [
    ("552 5.2.2 recipient reached disk quota", "mailboxfull"),
    ("550 this account has been temporarily suspended", "suspend"),
    ("554 rejecting open proxy", "blocked"),
    ("550 5.7.1 your message was infected with a virus", "virusdetected"),
    # words in order with a gap ("user ... does not exist")
    ("550 user neko.kijitora does not exist here", "userunknown"),
])
def test_the_index_reads_the_words_out_of_family(families_off: None, text: str,
                                                  reason: str) -> None:
    assert reason_from_index(text) == reason


def test_words_in_order_must_stand_close_together() -> None:
    far = "bad destination system address. " + "x" * 120 + " recipient"
    assert reason_from_index(far) != "userunknown"


def test_a_providers_code_decides_wherever_its_format_is_distinctive() -> None:
    assert reason_for("554 5.7.1 AUP#CXBL rejected", "5.7.1") == "blocked"  # Cox
    assert reason_for("550 AUP#I1530 message too large", "5.7.1") == "emailtoolarge"  # Spectrum
    assert reason_for("550 see https://mail.i.ua/err/2/", "5.1.1") == "userunknown"


def test_a_code_that_is_not_distinctive_needs_the_providers_host() -> None:
    reply = "452 This message contains too many recipients. IB605"
    assert reason_for(reply, hosts="p3plibsmtp01.secureserver.net") == "ratelimited"
    assert reason_for("550 5.1.1 unknown user IB605") != "ratelimited"


def test_a_providers_sentences_need_its_host(families_off: None) -> None:
    reply = "550 5.7.505 Access denied, banned recipient"
    assert reason_for(reply, "5.7.505", hosts="mx.protection.outlook.com") == "suspend"
    assert reason_for(reply, "5.7.505", hosts="mx.example.net") != "suspend"


def test_remote_hosts_are_read_from_dsn_fields_and_mta_sentences() -> None:
    text = ("Remote-MTA: dns; mx1.example.net\n"
            "host mail.example.org[192.0.2.1] said: 550 no\n"
            "... while talking to mx.example.jp.:\n"
            "kijitora@recipient.example.com")
    assert remote_hosts(text).split() == ["mx1.example.net", "mail.example.org", "mx.example.jp"]


def test_every_index_row_names_a_known_reason() -> None:
    known = {"mailboxfull", "emailtoolarge", "suspend", "hasmoved", "norelaying", "userunknown",
             "filtered", "rejected", "hostunknown", "spamdetected", "ratelimited", "authfailure",
             "badreputation", "requireptr", "notcompliantrfc", "failedstarttls", "blocked",
             "policyviolation", "virusdetected", "securityerror", "systemerror", "networkerror",
             "expired", "contenterror", "systemfull", "notaccept", "mailererror", "syntaxerror"}
    assert {reason for reason, _, _ in reason_index.INDEX} <= known
    for rhost in reason_index.RHOSTS:
        assert set(rhost.codes.values()) <= known, rhost.name
        assert {reason for reason, _ in rhost.sentences} <= known, rhost.name
