"""Staff decisions in force from the append-only log, and the conflict rule. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from mailprobe.correlate import Match
from mailprobe.decisions import Credited, Decisions, decided_match, effective_verdict, settle
from mailprobe.model import Kind, Verdict

AT = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    id: int
    action: str
    target: str
    value: str
    at: datetime = AT
    actor: str = "王芳"
    reason: str = "checked"


def test_the_latest_decision_per_message_and_subject_wins() -> None:
    d = Decisions.from_log([Entry(1, "link", "7", "MP-AAAAA-AAAAA"), Entry(2, "unlink", "7", ""),
                            Entry(3, "kind", "8", "bounce"), Entry(4, "kind", "8", "human_reply"),
                            Entry(5, "exclude", "U1", "yes"), Entry(6, "exclude", "U1", "no"),
                            Entry(7, "substantive", "8", "yes")])
    assert d.links[7].token is None and d.kinds == {8: "human_reply"}
    assert d.excluded == {} and d.substantive == {8: True}
    assert d.is_decided(7) and d.is_decided(8) and not d.is_decided(9)


def test_a_decision_in_force_is_recognised_whatever_form_the_code_took() -> None:
    d = Decisions.from_log([Entry(1, "link", "7", "aaaaaaaaaa")])  # an older log: a bare token
    assert d.in_force("link", "7", "MP-AAAAA-AAAAA")
    assert not d.in_force("link", "7", "MP-BBBBB-BBBBB") and not d.in_force("unlink", "7", "")


def test_staff_link_unlink_and_not_a_reply_overrule_the_automatic_match() -> None:
    auto = Match(3, "domain+window", "low", "low_confidence")
    linked = Decisions.from_log([Entry(1, "link", "7", "MP-AAAAA-AAAAA")])
    assert decided_match(7, auto, {"aaaaaaaaaa": 9}, linked).credited == 9
    none = Decisions.from_log([Entry(1, "unlink", "7", "")])
    assert decided_match(7, auto, {}, none) == Match(None, "staff", "high", None,
                                                      "staff: belongs to no probe (override #1)")
    spam = Decisions.from_log([Entry(1, "kind", "7", "not_a_reply")])
    assert decided_match(7, auto, {}, spam).probe_id is None
    assert decided_match(8, auto, {}, spam) == auto  # another message: untouched


def test_a_staff_kind_replaces_the_classifiers_kind() -> None:
    d = Decisions.from_log([Entry(1, "kind", "7", "human_reply")])
    verdict = Verdict(Kind.UNKNOWN, "none")
    assert effective_verdict(7, verdict, d).kind == Kind.HUMAN_REPLY
    assert effective_verdict(8, verdict, d).kind == Kind.UNKNOWN


def test_human_reply_and_hard_bounce_for_one_probe_are_a_conflict_until_staff_decide() -> None:
    reply = Credited(1, 5, "human_reply", False, False)
    bounce = Credited(2, 5, "bounce", True, False)
    soft = Credited(3, 6, "bounce", False, False)
    other_reply = Credited(4, 6, "human_reply", False, False)
    undecided = settle([reply, bounce, soft, other_reply])
    assert undecided.conflicts == {5: (1, 2)} and undecided.set_aside == frozenset()
    assert undecided.pending() == {1, 2}
    reply_confirmed = settle([Credited(1, 5, "human_reply", False, True), bounce])
    assert reply_confirmed.conflicts == {} and reply_confirmed.set_aside == {2}
    bounce_confirmed = settle([reply, Credited(2, 5, "bounce", True, True)])
    assert bounce_confirmed.set_aside == {1}
