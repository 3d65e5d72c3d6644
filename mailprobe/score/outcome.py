"""The outcome of one probe, decided in a fixed order (docs/scoring.md, "Outcomes").

not published · invalid address · hard bounce · soft bounce unresolved after the retry
window · rejected by a sender-side reason (re-probe, not charged) · delivered, no reply ·
auto-acknowledgement only · human reply, non-substantive · human reply, substantive.

Two additions keep our own failures off the unit's account: ``uncertain`` (the SMTP line
dropped after the final dot; never resent automatically) and ``not_sent`` (pending, sending,
or deferred while the window is open). A reply proves delivery, so it outranks a soft
bounce and a bounce that staff let stand (an auto-acknowledgement is evidence the mailbox
is alive). A human reply and a hard bounce for the same probe that no staff
decision covers are a *conflict* (docs/scoring.md, "Review and conflicts"): both wait for
review and neither counts, so the outcome is what the probe's other evidence says.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from mailprobe.classify.reasons import SENDER_SIDE
from mailprobe.score.types import ProbeFacts


class Outcome(StrEnum):
    """Outcome of one probe; the values are the reports' and JSON schema's vocabulary."""

    NOT_PUBLISHED = "not_published"
    INVALID_ADDRESS = "invalid_address"
    CHANNEL_UNUSABLE = "channel_unusable"  # dead domain, or a web form that cannot be submitted
    HARD_BOUNCE = "hard_bounce"
    SOFT_BOUNCE = "soft_bounce"
    SENDER_SIDE = "sender_side"
    UNCERTAIN = "uncertain"
    NOT_SENT = "not_sent"
    NO_REPLY = "no_reply"
    AUTO_ACK = "auto_ack"
    HUMAN_NON_SUBSTANTIVE = "human_non_substantive"
    HUMAN_SUBSTANTIVE = "human_substantive"


OUTCOME_ORDER: tuple[Outcome, ...] = tuple(Outcome)

# Reasons that point at our sender, not at the unit: one vocabulary, kept in classify/reasons.py.
SENDER_SIDE_REASONS = SENDER_SIDE

NOT_CHARGED = frozenset({Outcome.SENDER_SIDE, Outcome.UNCERTAIN, Outcome.NOT_SENT})
DELIVERED = frozenset({Outcome.NO_REPLY, Outcome.AUTO_ACK, Outcome.HUMAN_NON_SUBSTANTIVE,
                       Outcome.HUMAN_SUBSTANTIVE})
DELIVERY_FAILED = frozenset({Outcome.INVALID_ADDRESS, Outcome.HARD_BOUNCE,
                             Outcome.CHANNEL_UNUSABLE, Outcome.SOFT_BOUNCE})
HUMAN = frozenset({Outcome.HUMAN_NON_SUBSTANTIVE, Outcome.HUMAN_SUBSTANTIVE})
# A submitted web form went out like an accepted mail; an unusable channel was never sent.
SENT_STATES = frozenset({"accepted", "deferred", "rejected", "uncertain", "submitted"})

LABELS_ZH: dict[Outcome, str] = {
    Outcome.NOT_PUBLISHED: "未公开信箱",
    Outcome.INVALID_ADDRESS: "地址无效",
    Outcome.CHANNEL_UNUSABLE: "渠道不可用",
    Outcome.HARD_BOUNCE: "退信（永久）",
    Outcome.SOFT_BOUNCE: "退信（暂时，重试后仍失败）",
    Outcome.SENDER_SIDE: "被拒收（疑为发信方原因，待重测）",
    Outcome.UNCERTAIN: "发送结果不明（待重测）",
    Outcome.NOT_SENT: "尚未发出",
    Outcome.NO_REPLY: "已送达，未回复",
    Outcome.AUTO_ACK: "仅自动回复",
    Outcome.HUMAN_NON_SUBSTANTIVE: "人工回复（无实质内容）",
    Outcome.HUMAN_SUBSTANTIVE: "人工回复（有实质内容）",
}
LABELS_EN: dict[Outcome, str] = {
    Outcome.NOT_PUBLISHED: "not published",
    Outcome.INVALID_ADDRESS: "invalid address",
    Outcome.CHANNEL_UNUSABLE: "channel unusable",
    Outcome.HARD_BOUNCE: "hard bounce",
    Outcome.SOFT_BOUNCE: "soft bounce (unresolved)",
    Outcome.SENDER_SIDE: "rejected, sender-side (re-probe)",
    Outcome.UNCERTAIN: "send uncertain (re-probe)",
    Outcome.NOT_SENT: "not sent yet",
    Outcome.NO_REPLY: "delivered, no reply",
    Outcome.AUTO_ACK: "auto-acknowledgement only",
    Outcome.HUMAN_NON_SUBSTANTIVE: "human reply, non-substantive",
    Outcome.HUMAN_SUBSTANTIVE: "human reply, substantive",
}


def is_sender_side(probe: ProbeFacts) -> bool:
    """True if the bounce blames our sender (flag from classify/ or a sender-side reason)."""
    bounce = probe.bounce
    return bounce is not None and (bounce.sender_side or bounce.reason in SENDER_SIDE_REASONS)


def decide_outcome(probe: ProbeFacts, window_open: bool, unreviewed_substantive: bool) -> Outcome:
    """The outcome of one probe; ``window_open`` keeps a still-deferred probe uncharged."""
    if probe.address is None:
        return Outcome.NOT_PUBLISHED
    if not probe.address_valid:
        return Outcome.INVALID_ADDRESS
    if probe.send_state == "unusable":
        return Outcome.CHANNEL_UNUSABLE  # never sent, so nothing can have come back
    if probe.conflict:  # pending review: neither the human reply nor the hard bounce counts
        probe = replace(probe, first_human_reply_at=None, human_substantive=None,
                        bounce=None if probe.bounce and probe.bounce.hard else probe.bounce)
    if probe.first_human_reply_at is not None:
        substantive = probe.human_substantive
        if substantive is None:
            substantive = unreviewed_substantive
        return Outcome.HUMAN_SUBSTANTIVE if substantive else Outcome.HUMAN_NON_SUBSTANTIVE
    if probe.first_auto_reply_at is not None:
        return Outcome.AUTO_ACK
    return _undelivered_or_silent(probe, window_open)


def _undelivered_or_silent(probe: ProbeFacts, window_open: bool) -> Outcome:
    if probe.bounce is not None:
        if is_sender_side(probe):
            return Outcome.SENDER_SIDE
        return Outcome.HARD_BOUNCE if probe.bounce.hard else Outcome.SOFT_BOUNCE
    state = probe.send_state
    if state == "uncertain":
        return Outcome.UNCERTAIN
    if state == "rejected":
        # Refused at SMTP time without a classified reason: never charge without a reason.
        return Outcome.SENDER_SIDE
    if state == "deferred":
        return Outcome.NOT_SENT if window_open else Outcome.SOFT_BOUNCE
    if state in ("accepted", "submitted"):  # a submitted web form is a delivered probe
        return Outcome.NO_REPLY
    return Outcome.NOT_SENT
