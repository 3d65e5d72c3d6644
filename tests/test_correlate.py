"""Correlation tries evidence in a fixed order and records which one matched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mailprobe.correlate import ProbeIndex, ProbeKey, correlate
from mailprobe.model import Kind, Recipient, Ref, RefKind, Verdict

SENT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
LATER = SENT + timedelta(days=2)


def key(pid: int, token: str, address: str) -> ProbeKey:
    return ProbeKey(pid, token, f"mp.{token}@example.org", address, SENT,
                    SENT + timedelta(days=40))


INDEX = ProbeIndex.build([key(1, "aaaaaaaaaa", "pub@a.gov.cn"),
                          key(2, "bbbbbbbbbb", "boss@a.gov.cn"),
                          key(3, "cccccccccc", "pub@c.gov.cn")])


def test_return_path_token_wins_over_weaker_evidence() -> None:
    verdict = Verdict(Kind.BOUNCE, "dsn", refs=(Ref(RefKind.CODE, "aaaaaaaaaa"),
                                                Ref(RefKind.RETURN_PATH, "bbbbbbbbbb")))
    match = correlate(verdict, LATER, INDEX)
    assert (match.probe_id, match.evidence) == (2, "return_path")


def test_in_reply_to_message_id_matches() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human",
                      refs=(Ref(RefKind.IN_REPLY_TO, "<mp.cccccccccc@example.org>"),))
    assert correlate(verdict, LATER, INDEX).probe_id == 3


def test_unknown_token_falls_through_to_sender_within_window() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="pub@c.gov.cn",
                      refs=(Ref(RefKind.CODE, "zzzzzzzzzz"),))
    match = correlate(verdict, LATER, INDEX)
    assert (match.probe_id, match.evidence) == (3, "sender+window")


def test_colleague_at_a_domain_with_two_probes_goes_to_review() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="clerk@a.gov.cn")
    assert correlate(verdict, LATER, INDEX).evidence == "review"


def test_colleague_at_a_domain_with_one_probe_matches_by_domain() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="clerk@c.gov.cn")
    assert correlate(verdict, LATER, INDEX).probe_id == 3


def test_sender_outside_the_window_goes_to_review() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="pub@c.gov.cn")
    assert correlate(verdict, SENT + timedelta(days=90), INDEX).evidence == "review"
    assert correlate(verdict, SENT - timedelta(days=1), INDEX).evidence == "review"


def test_bounce_without_token_matches_its_failed_recipient() -> None:
    verdict = Verdict(Kind.BOUNCE, "postfix", sender="mailer-daemon@mx.a.gov.cn",
                      recipients=(Recipient("BOSS@a.gov.cn", "5.1.1", "userunknown", True),))
    match = correlate(verdict, LATER, INDEX)
    assert (match.probe_id, match.evidence) == (2, "recipient+window")


def test_bounce_never_matches_by_its_mailer_daemon_sender() -> None:
    verdict = Verdict(Kind.BOUNCE, "postfix", sender="pub@c.gov.cn")
    assert correlate(verdict, LATER, INDEX).evidence == "review"
