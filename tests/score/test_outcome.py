"""Outcome per probe, in docs/scoring.md's fixed order; our side's failures are never charged."""

from __future__ import annotations

import pytest

from mailprobe.score.outcome import NOT_CHARGED, Outcome, decide_outcome
from mailprobe.score.types import BounceFacts
from tests.score.factories import cst, probe

HARD = BounceFacts(hard=True, reason="userunknown", status="5.1.1", detector="postfix")
SOFT = BounceFacts(hard=False, reason="mailboxfull", status="4.2.2")
SPAM = BounceFacts(hard=False, reason="spamdetected", status="5.7.1")
FLAGGED = BounceFacts(hard=False, reason="systemerror", sender_side=True)
REPLY = cst(2025, 3, 4, 10, 0)

CASES = [
    ("not-published", dict(address=None), Outcome.NOT_PUBLISHED),
    ("invalid", dict(address_valid=False, bounce=HARD), Outcome.INVALID_ADDRESS),
    ("hard", dict(bounce=HARD), Outcome.HARD_BOUNCE),
    ("soft", dict(bounce=SOFT), Outcome.SOFT_BOUNCE),
    ("spam-reason", dict(bounce=SPAM), Outcome.SENDER_SIDE),
    ("sender-flag", dict(bounce=FLAGGED), Outcome.SENDER_SIDE),
    ("rejected-no-reason", dict(send_state="rejected"), Outcome.SENDER_SIDE),
    ("uncertain", dict(send_state="uncertain", accepted_at=None), Outcome.UNCERTAIN),
    ("pending", dict(send_state="pending", accepted_at=None), Outcome.NOT_SENT),
    ("delivered-silent", dict(), Outcome.NO_REPLY),
    ("delay-notice-only", dict(delayed=True), Outcome.NO_REPLY),
    ("auto", dict(first_auto_reply_at=REPLY), Outcome.AUTO_ACK),
    ("human-thin", dict(first_human_reply_at=REPLY, human_substantive=False),
     Outcome.HUMAN_NON_SUBSTANTIVE),
    ("human", dict(first_human_reply_at=REPLY, human_substantive=True),
     Outcome.HUMAN_SUBSTANTIVE),
    ("staff-kept-reply-beats-bounce",
     dict(bounce=HARD, first_human_reply_at=REPLY, human_substantive=True),
     Outcome.HUMAN_SUBSTANTIVE),
    ("conflict-counts-neither", dict(bounce=HARD, first_human_reply_at=REPLY,
                                     human_substantive=True, conflict=True), Outcome.NO_REPLY),
    ("conflict-keeps-auto-reply", dict(bounce=HARD, first_human_reply_at=REPLY, conflict=True,
                                       first_auto_reply_at=REPLY), Outcome.AUTO_ACK),
    ("auto-beats-bounce", dict(bounce=SOFT, first_auto_reply_at=REPLY), Outcome.AUTO_ACK),
]


@pytest.mark.parametrize(("name", "facts", "expected"), CASES, ids=[c[0] for c in CASES])
def test_outcome_table(name: str, facts: dict[str, object], expected: Outcome) -> None:
    assert decide_outcome(probe(**facts), window_open=False, unreviewed_substantive=False) \
        == expected


def test_deferred_is_not_charged_while_window_open_then_soft_bounce() -> None:
    p = probe(send_state="deferred", accepted_at=None)
    assert decide_outcome(p, True, False) == Outcome.NOT_SENT
    assert decide_outcome(p, False, False) == Outcome.SOFT_BOUNCE


def test_unreviewed_human_reply_follows_the_rubric() -> None:
    p = probe(first_human_reply_at=REPLY, human_substantive=None)
    assert decide_outcome(p, False, False) == Outcome.HUMAN_NON_SUBSTANTIVE
    assert decide_outcome(p, False, True) == Outcome.HUMAN_SUBSTANTIVE


def test_sender_side_uncertain_and_unsent_are_not_charged() -> None:
    assert {Outcome.SENDER_SIDE, Outcome.UNCERTAIN, Outcome.NOT_SENT} == NOT_CHARGED
