"""Correlation tries evidence in a fixed order and records which one matched."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from mailprobe.correlate import SHARED_DOMAINS, ProbeIndex, ProbeKey, correlate
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


def test_colleague_at_a_domain_with_one_probe_is_a_low_confidence_candidate() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="clerk@c.gov.cn")
    match = correlate(verdict, LATER, INDEX)
    assert (match.probe_id, match.evidence, match.confidence, match.review) == (
        3, "domain+window", "low", "low_confidence")
    assert match.credited is None  # waits for staff: counts for no probe meanwhile


def test_sender_outside_the_window_goes_to_review() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="pub@c.gov.cn")
    assert correlate(verdict, SENT + timedelta(days=90), INDEX).evidence == "review"
    assert correlate(verdict, SENT - timedelta(days=1), INDEX).evidence == "review"


def test_bounce_without_token_matches_its_failed_recipient() -> None:
    verdict = Verdict(Kind.BOUNCE, "postfix", sender="mailer-daemon@mx.a.gov.cn",
                      recipients=(Recipient("BOSS@a.gov.cn", "5.1.1", "userunknown", True),))
    match = correlate(verdict, LATER, INDEX)
    assert (match.probe_id, match.evidence) == (2, "recipient+window")


def test_bounce_returning_another_message_never_matches_by_its_recipient() -> None:
    # backscatter: spam forged with our address, bounced by a probed unit's server
    failed = (Recipient("pub@a.gov.cn", "5.2.2", "mailboxfull"),)
    forged = Verdict(Kind.BOUNCE, "postfix", recipients=failed,
                     original_message_id="20261201.spam@bulk.example")
    assert correlate(forged, LATER, INDEX).review == "unmatched"
    ours = replace(forged, original_message_id="mp.aaaaaaaaaa@example.org")
    assert correlate(ours, LATER, INDEX).probe_id == 1
    no_original = replace(forged, original_message_id=None)
    assert correlate(no_original, LATER, INDEX).probe_id == 1


def test_bounce_never_matches_by_its_mailer_daemon_sender() -> None:
    verdict = Verdict(Kind.BOUNCE, "postfix", sender="pub@c.gov.cn")
    assert correlate(verdict, LATER, INDEX).evidence == "review"


FREE = ProbeIndex.build([key(1, "aaaaaaaaaa", "xfj_office@163.com"),
                         key(2, "bbbbbbbbbb", "pub@c.gov.cn")])


def test_stranger_at_the_free_mail_domain_of_the_only_probe_there_is_unmatched() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="someone@163.com")
    match = correlate(verdict, LATER, FREE)
    assert (match.probe_id, match.evidence, match.confidence, match.review) == (
        None, "review", None, "unmatched")
    assert "163.com" in match.note


def test_subdomains_of_a_free_mail_domain_are_shared_too() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="someone@vip.163.com")
    index = ProbeIndex.build([key(1, "aaaaaaaaaa", "box@vip.163.com")])
    assert correlate(verdict, LATER, index).review == "unmatched"


def test_reply_from_the_very_free_mail_address_probed_is_a_direct_match() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="XFJ_office@163.com")
    match = correlate(verdict, LATER, FREE)
    assert (match.probe_id, match.evidence, match.confidence, match.review) == (
        1, "sender+window", "high", None)


def test_configured_shared_domain_is_never_matched_by_domain() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="clerk@c.gov.cn")
    index = ProbeIndex.build([key(2, "bbbbbbbbbb", "pub@c.gov.cn")],
                             (*SHARED_DOMAINS, "C.gov.cn"))
    assert correlate(verdict, LATER, index).review == "unmatched"


def test_domain_match_whose_subject_quotes_the_probe_is_high() -> None:
    probe = ProbeKey(2, "bbbbbbbbbb", "mp.bbbbbbbbbb@example.org", "pub@c.gov.cn", SENT,
                     SENT + timedelta(days=40), "关于办事时间的咨询")
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="clerk@c.gov.cn",
                      subject="回复：Re: 关于办事时间的咨询")
    match = correlate(verdict, LATER, ProbeIndex.build([probe]))
    assert (match.probe_id, match.confidence, match.review) == (2, "high", None)
    other = Verdict(Kind.HUMAN_REPLY, "human", sender="clerk@c.gov.cn", subject="来信已收到")
    assert correlate(other, LATER, ProbeIndex.build([probe])).review == "low_confidence"


def test_code_match_is_high_whatever_the_sender() -> None:
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="clerk@qq.com",
                      refs=(Ref(RefKind.CODE, "aaaaaaaaaa"),))
    match = correlate(verdict, LATER, FREE)
    assert (match.probe_id, match.evidence, match.confidence, match.review) == (
        1, "code", "high", None)


def test_probe_forwarded_to_us_by_a_stranger_is_low_confidence() -> None:
    for subject in ("转发：咨询（MP-AAAAA-AAAAA）", "Fwd: 咨询", "FW：咨询", "[外部] 转发: 咨询"):
        verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="someone@qq.com", subject=subject,
                          refs=(Ref(RefKind.CODE, "aaaaaaaaaa"),
                                Ref(RefKind.IN_REPLY_TO, "<mp.aaaaaaaaaa@example.org>")))
        match = correlate(verdict, LATER, FREE)
        assert (match.probe_id, match.confidence, match.review, match.credited) == (
            1, "low", "low_confidence", None), subject


def test_reply_to_a_forward_and_a_forward_from_the_probed_address_stay_high() -> None:
    reply = Verdict(Kind.HUMAN_REPLY, "human", sender="clerk@qq.com", subject="回复：转发：咨询",
                    refs=(Ref(RefKind.CODE, "aaaaaaaaaa"),))
    own = Verdict(Kind.HUMAN_REPLY, "human", sender="XFJ_office@163.com", subject="转发：咨询",
                  refs=(Ref(RefKind.CODE, "aaaaaaaaaa"),))
    for verdict in (reply, own):
        assert correlate(verdict, LATER, FREE).confidence == "high"


def test_forward_at_the_unit_domain_quoting_the_subject_is_low_confidence() -> None:
    probe = ProbeKey(2, "bbbbbbbbbb", "mp.bbbbbbbbbb@example.org", "pub@c.gov.cn", SENT,
                     SENT + timedelta(days=40), "关于办事时间的咨询")
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="clerk@c.gov.cn",
                      subject="转发：关于办事时间的咨询")
    assert correlate(verdict, LATER, ProbeIndex.build([probe])).review == "low_confidence"


def test_message_of_unknown_kind_tied_by_token_waits_for_review() -> None:
    verdict = Verdict(Kind.UNKNOWN, "none", refs=(Ref(RefKind.IN_REPLY_TO, "aaaaaaaaaa"),))
    match = correlate(verdict, LATER, FREE)
    assert (match.probe_id, match.confidence, match.review) == (1, "high", "unknown_kind")
    assert match.credited is None


def unit_key(pid: int, address: str, unit: str, subject: str = "咨询") -> ProbeKey:
    token = chr(ord("a") + pid) * 10
    return ProbeKey(pid, token, f"mp.{token}@example.org", address, SENT,
                    SENT + timedelta(days=40), subject, unit)


def test_colleague_at_a_unit_probed_twice_is_a_low_confidence_candidate() -> None:
    index = ProbeIndex.build([unit_key(5, "ldxx@lyj.gov.cn", "U21"),
                              unit_key(6, "gzxx@lyj.gov.cn", "U21")])
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="bgs@lyj.gov.cn", subject="答复")
    match = correlate(verdict, LATER, index)
    assert (match.probe_id, match.confidence, match.review) == (5, "low", "low_confidence")
    assert "gzxx@lyj.gov.cn" in match.note


def test_domain_shared_by_several_units_gives_no_candidate() -> None:
    index = ProbeIndex.build([unit_key(5, "jyj@city.gov.cn", "U10"),
                              unit_key(6, "mzj@city.gov.cn", "U11")])
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="clerk@city.gov.cn", subject="答复")
    assert correlate(verdict, LATER, index).review == "unmatched"


def test_subject_quoting_one_of_several_probes_at_a_domain_names_it() -> None:
    index = ProbeIndex.build([unit_key(5, "jyj@city.gov.cn", "U10", "咨询入学材料"),
                              unit_key(6, "mzj@city.gov.cn", "U11", "咨询养老补贴")])
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="clerk@city.gov.cn",
                      subject="回复：咨询养老补贴")
    match = correlate(verdict, LATER, index)
    assert (match.probe_id, match.confidence, match.review) == (6, "high", None)


def test_a_unit_mail_host_subdomain_is_its_domain_but_a_parent_of_many_units_is_not() -> None:
    index = ProbeIndex.build([unit_key(5, "gzxx@wuling.changde.gov.cn", "U01"),
                              unit_key(6, "jyj@jyj.changde.gov.cn", "U10")])
    host = Verdict(Kind.HUMAN_REPLY, "human", sender="bgs@mail.wuling.changde.gov.cn",
                   subject="答复")
    match = correlate(host, LATER, index)
    assert (match.probe_id, match.review) == (5, "low_confidence")
    city = Verdict(Kind.HUMAN_REPLY, "human", sender="office@changde.gov.cn", subject="答复")
    assert correlate(city, LATER, index).review == "unmatched"


def test_the_sender_own_domain_comes_before_a_parent_domain_probed_too() -> None:
    index = ProbeIndex.build([unit_key(5, "wjw@wjw.changde.gov.cn", "U16"),
                              unit_key(6, "szf@changde.gov.cn", "U00")])
    verdict = Verdict(Kind.HUMAN_REPLY, "human", sender="bgs@wjw.changde.gov.cn", subject="答复")
    assert correlate(verdict, LATER, index).probe_id == 5
