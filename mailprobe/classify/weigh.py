"""Weigh a detector's verdict by the strength of its evidence; the costs are not symmetric.

A human reply read as a bounce or an auto-reply takes credit from a unit that answered: the
costliest error. So a verdict needs evidence of its own kind, structure before words:

- bounce / delay: a delivery-failure structure (``multipart/report``, a
  ``message/delivery-status`` part as RFC 3464 defines it, a returned original attached,
  ``X-Failed-Recipients``) or a daemon sender (null ``Return-Path: <>`` as RFC 5321 §4.5.5
  prescribes for non-delivery reports, ``MAILER-DAEMON``, ``postmaster``, "Mail Delivery
  System"); failure words alone from a personal sender are not enough;
- auto-reply: a header (RFC 3834 ``Auto-Submitted``, vendor flags) or strong automatic
  wording (autoreply.find_evidence);
- human reply: new text written above the quoted probe from a personal sender (human.py).

A bounce verdict without structure or daemon sender goes to the reply detectors; if none
claims the message it is ``unknown`` with ``candidates`` kept, and goes to review.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from mailprobe.classify import rules
from mailprobe.classify.autoreply import reply_split
from mailprobe.classify.generic import DAEMON_NAMES
from mailprobe.classify.message import Mail
from mailprobe.model import Kind, Verdict

# Detectors whose verdicts are bounces by other evidence than a letter: JSON notifications,
# ARF reports, and the retired-mailbox auto-reply (its evidence is an auto-reply's).
EXEMPT: frozenset[str] = frozenset({"ses", "arf", "suspend"})

DAEMON = re.compile(
    DAEMON_NAMES
    + r"|mail[ _-]?(?:system|service|server|gateway)\b|smtp[ _-]?(?:mail|service|gateway)"
    r"|<>|退信",
    re.I,
)
# A bounce subject ("Returned mail", "Non-Delivery", "Undeliverable", "退信")
BOUNCE_SUBJECT = re.compile(
    r"undeliver|not (?:be )?delivered|delivery (?:status )?(?:notification|failure|failed"
    r"|report|problem)|returned mail|mail delivery failed|failure notice|non-?delivery"
    r"|could not be delivered|message not delivered|delivery error|returned to sender"
    r"|mail failure|failed mail|退信|投递失败|未送达|被退回|unzustellbar|non remis", re.I)
REPLY_MARKERS = ("in-reply-to", "references")

# Failure text: what a daemon's letter must say before it counts as a bounce (a null sender
# also sends notifications and auto-replies, RFC 3834 section 3.3).
FAILURE_TEXT = re.compile(
    r"(?:could|can) ?not be delivered|(?:couldn't|can't) be delivered|undeliver|failed"
    r"|not yet been delivered|non-?delivery"
    r"|permanent(?:ly)? (?:error|fatal|failure)|unable to deliver|not (?:been )?delivered"
    r"|rejected|refused|returned|bounced|unknown|no such|does not exist|doesn't exist|not found"
    r"|mailbox (?:is )?(?:full|unavailable)|quota|delay|postponed|retry|retried|timed? ?out"
    r"|failure|fatal"
    r"|error"
    r"|\b[45][0-9][0-9][ -]|\b[45]\.[0-9]{1,3}\.[0-9]{1,3}\b"
    r"|退信|退回|失败|无法投递|未送达|不存在|已满|拒收|拒绝|エラー|unzustellbar|non remis",
    re.I,
)

rules.register("weigh:bounce-structure", ("doc:RFC3464", "doc:RFC3462"),
               covers="a bounce needs a delivery-status part, a returned original or "
                      "X-Failed-Recipients")
rules.register("weigh:daemon-sender", ("doc:RFC5321",),
               covers="a bounce from a null or daemon sender (RFC 5321 4.5.5)")
rules.register("weigh:bounce-letter", ("corpus:mailman2-bounces",),
               covers="a bounce subject, a failed address with an SMTP code, no reply header")

Detector = Callable[[Mail], Verdict | None]


def delivery_structure(msg: Mail) -> str:
    """The failure structure ``msg`` carries ("" when none)."""
    if msg.content_type == "multipart/report":
        return "multipart/report"
    if msg.dsn:
        return "message/delivery-status"
    if msg.returned:
        return "returned original"
    if "x-failed-recipients" in msg.header_names:
        return "X-Failed-Recipients"
    return ""


# "Fwd:", "FW:", "Re:", "回复：", "转发：" at the start: what a person's mail client writes.
PERSON_PREFIX = re.compile(r"^\s*(?:re|fwd?|aw|wg|tr|sv|vs|回复|答复|转发)\s*[:：]", re.I)

rules.register("weigh:person-forwards", ("fixtures",),
               covers="a person's Fwd:/Re: with a bounce inside is the person's message")


def person_forwards_or_replies(msg: Mail) -> bool:
    """A reply or forward prefix on a message from a personal (not daemon) sender."""
    return bool(PERSON_PREFIX.match(msg.subject)) and not daemon_sender(msg)


def daemon_sender(msg: Mail) -> str:
    """What shows ``msg`` comes from a mail system, not a person ("" when nothing)."""
    path = str(msg.get("Return-Path") or "").strip()
    if path in ("<>", "<<>>"):
        return "Return-Path: <>"
    if DAEMON.search(msg.from_text):
        return f"From: {msg.from_text[:60]}"
    return ""


def failure_text(msg: Mail) -> bool:
    """Whether the letter or its subject says that delivery failed or was delayed."""
    return bool(FAILURE_TEXT.search(msg.subject) or FAILURE_TEXT.search(msg.letter[:20000]))


def bounce_letter(msg: Mail, verdict: Verdict) -> bool:
    """A failure letter from a sender we cannot tell: a bounce subject, a failed address with
    an SMTP status or reply code, and no header saying it answers a message."""
    if any(name in msg.header_names for name in REPLY_MARKERS):
        return False
    if not BOUNCE_SUBJECT.search(msg.subject):
        return False
    if any(r.status or REPLY_CODE.search(r.diagnostic) for r in verdict.recipients):
        return True
    return bool(verdict.recipients) and bool(NDR_SENTENCE.search(msg.letter[:5000]))


REPLY_CODE = re.compile(r"\b[45][0-9][0-9]\b")
# Sentences of delivery software, not of a person writing about a failed delivery.
NDR_SENTENCE = re.compile(
    r"non-delivery report|could not be delivered to (?:the following|one or more)"
    r"|delivery to the following recipients? (?:failed|has been delayed)"
    r"|the following (?:address(?:es)?|recipients?) (?:had (?:permanent )?(?:fatal )?errors|failed)"
    r"|this is a permanent error|message was created automatically by mail delivery", re.I)


def weigh(msg: Mail, verdict: Verdict, replies: Sequence[Detector]) -> Verdict:
    """``verdict`` if its evidence is strong enough, else what ``replies`` say, else unknown."""
    if verdict.kind not in (Kind.BOUNCE, Kind.DELAY) or verdict.detector in EXEMPT:
        return verdict
    if person_forwards_or_replies(msg) and rules.fire("weigh:person-forwards"):
        # a person forwarding a bounce, or answering with one quoted, wrote a message
        for detect in replies:
            reply = detect(msg)
            if reply is not None:
                return reply
    if delivery_structure(msg) and rules.fire("weigh:bounce-structure"):
        return verdict
    if daemon_sender(msg) and failure_text(msg) and rules.fire("weigh:daemon-sender"):
        return verdict
    if bounce_letter(msg, verdict) and rules.fire("weigh:bounce-letter"):
        return verdict
    for detect in replies:
        reply = detect(msg)
        if reply is not None:
            return reply
    return replace(verdict, kind=Kind.UNKNOWN, candidates=_candidates(msg, verdict),
                   evidence=f"{verdict.detector}: failure words without a delivery structure "
                            "or a daemon sender")


def _candidates(msg: Mail, verdict: Verdict) -> tuple[str, ...]:
    """What an unclaimed failure-worded message may be, likeliest first: a message that
    answers one (a thread header, a "Re:"/"回复：" subject, a quote header) from a personal
    sender is a person's reply whose words about a failure are quoted or discussed, so the
    reviewer sees ``human_reply`` first."""
    if reply_evidence(msg):
        return (Kind.HUMAN_REPLY.value, verdict.kind.value)
    return (verdict.kind.value,)


def reply_evidence(msg: Mail) -> str:
    """What shows ``msg`` answers a message from a person ("" when nothing or a daemon sent
    it): a thread header, a reply or forward subject prefix, or a quote header in the text."""
    if daemon_sender(msg):
        return ""
    for name in REPLY_MARKERS:
        if name in msg.header_names:
            return name
    if PERSON_PREFIX.match(msg.subject):
        return "Subject"
    return "quote" if reply_split(msg).marker else ""
