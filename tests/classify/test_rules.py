"""Rule provenance: rules cite well-formed groups; disabling a group switches its rules off."""

from __future__ import annotations

import pytest

from mailprobe.classify import classify, rules
from mailprobe.classify.reasons import phrase_id, reason_from_text, reason_from_text_slow

FULL = "550 5.2.2 mailbox full"


def test_every_rule_cites_well_formed_groups() -> None:
    sources = rules.rule_sources()
    assert len(sources) > 100
    for rule_id, groups in sources.items():
        assert all(rules.valid_group(g) for g in groups), rule_id


def test_trace_names_the_phrase_that_decided() -> None:
    with rules.trace() as fired:
        assert reason_from_text(FULL) == "mailboxfull"
    assert phrase_id("mailboxfull", r"mailbox (?:is )?full") in fired


def test_a_disabled_group_switches_off_exactly_the_rules_that_cite_it() -> None:
    rid = phrase_id("mailboxfull", r"mailbox (?:is )?full")
    rules.register("test:cites-only-a-test-group", ("doc:test-only",))
    with rules.disabled({"doc:test-only"}) as off:
        assert off == {"test:cites-only-a-test-group"}
        assert not rules.is_on("test:cites-only-a-test-group")
        assert rules.is_on(rid)
    assert rules.is_on("test:cites-only-a-test-group")


def test_disabling_the_phrase_changes_the_reason_on_both_paths() -> None:
    rid = phrase_id("mailboxfull", r"mailbox (?:is )?full")
    groups = rules.rule_sources()[rid]
    text = "the mailbox is full"
    if not groups:
        pytest.skip("phrase cites no group")
    with rules.disabled(groups), rules.trace() as fired:
        assert reason_from_text(text) == reason_from_text_slow(text)
        assert rid not in fired


def test_malformed_group_is_refused() -> None:
    with pytest.raises(ValueError):
        rules.register("test:bad", ("postfix",))


def test_classify_under_trace_records_rules() -> None:
    raw = (b"From: MAILER-DAEMON@example.org\nTo: a@example.net\nSubject: Undelivered Mail\n"
           b"Content-Type: text/plain\n\n<x@example.com>: host mx.example.com said: "
           b"552 5.2.2 mailbox full (in reply to RCPT TO command)\n")
    with rules.trace() as fired:
        classify(raw)
    assert fired


def test_a_detector_is_off_for_the_family_it_was_written_for() -> None:
    raw = (b"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
           b"To: p@sender.example.org\nSubject: Mail delivery failed: returning message to sender\n"
           b"X-Failed-Recipients: a@example.net\nContent-Type: text/plain\n\n"
           b"This message was created automatically by mail delivery software.\n\n"
           b"A message that you sent could not be delivered to one or more of its\n"
           b"recipients. This is a permanent error. The following address(es) failed:\n\n"
           b"  a@example.net\n"
           b"    SMTP error from remote mail server after RCPT TO:<a@example.net>:\n"
           b"    550 5.1.1 User unknown\n")
    assert classify(raw).detector == "exim"
    with rules.disabled({"shared:lhost-exim"}), rules.trace() as fired:
        verdict = classify(raw)
    assert verdict.detector != "exim" and "detector:exim" not in fired
    assert verdict.recipients[0].address == "a@example.net"


def test_every_hand_written_citation_names_a_rule_that_exists() -> None:
    # a citation left behind by a removed phrase would justify nothing (issue 9's audit)
    from mailprobe.classify.provenance import CITED
    known = rules.rule_sources()
    assert [rid for rid in CITED if rid not in known] == []
    assert all(any(g.startswith("doc:") for g in known[rid]) for rid in CITED
               if any(g.startswith("doc:") for g in CITED[rid]))
