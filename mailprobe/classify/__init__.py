"""Classify a returned message: bounce formats first, then replies (docs/classify.md).

``classify(raw)`` parses once (compat32, bounded; see message.py) and asks each detector in
``DETECTORS`` in turn; the first verdict wins. It never raises: a parse failure is
``Kind.UNPARSEABLE`` and a detector that raises is skipped (the tests keep that path empty).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from mailprobe.classify import (
    aliyun,
    arf,
    autoreply,
    coremail,
    courier,
    domino,
    dsn,
    exchange,
    exim,
    generic,
    gmail,
    human,
    mdn,
    netease,
    postfix,
    qmail,
    rules,
    sendmail,
    ses,
    suspend,
    tencent,
    yahoo,
)
from mailprobe.classify.message import Mail, parse_message
from mailprobe.classify.weigh import weigh
from mailprobe.model import Kind, Verdict

log = logging.getLogger(__name__)

Detector = Callable[[Mail], Verdict | None]

# First match wins. Reports and machine formats first: an ARF report or an SES JSON notice
# would otherwise be read as a letter. Then the Chinese providers: they quote their own
# reasons inside DSNs written by Postfix/Sendmail, so they must see the message before the
# MTA detectors claim it. Then vendor letters with distinctive wording, before the MTAs whose
# markers are generic; dsn.py reads any remaining RFC 3464 report; generic.py any remaining
# daemon letter. The retired-mailbox auto-reply is a bounce (reason suspend), so it precedes
# autoreply.py; auto-replies follow every bounce rule because Postfix and Exim bounces carry
# Auto-Submitted too; human replies come next, and last a read receipt is named (unknown).
DETECTORS: tuple[Detector, ...] = (
    arf.detect,  # message/feedback-report: never a bounce
    ses.detect,  # SES JSON notifications (body is JSON, not a letter)
    coremail.detect,  # 系统退信 letters: reason from 退信原因, Status 5.0.0 is useless
    tencent.detect,  # QQ/Exmail text quoted in our MTA's DSN: Tencent's phrases decide
    netease.detect,  # NetEase DT:SPM / MI:STC codes quoted in a DSN
    aliyun.detect,  # Aliyun/HiChina rejections
    gmail.detect,  # Gmail letters and Google Groups refusals (the group is the recipient)
    exchange.detect,  # Exchange/Office 365 NDRs (may carry a DSN; wording decides first)
    domino.detect,  # Domino letters; "not in Domino Directory" is userunknown
    courier.detect,  # Courier DSNs
    yahoo.detect,  # Yahoo letters: "<addr>: Remote host said"
    qmail.detect,  # qmail failure notices (no DSN, no X-Failed-Recipients)
    exim.detect,  # X-Failed-Recipients / Exim wording
    sendmail.detect,  # "Returned mail" letters (often with a DSN)
    postfix.detect,  # Postfix letters, DSN or SMTP transcript
    dsn.detect,  # any other RFC 3464 report, broken ones included
    generic.detect,  # any other daemon letter naming an address
    suspend.detect,  # "mailbox no longer in use" auto-reply: a bounce (suspend)
    autoreply.detect,  # after all bounce rules: bounces carry Auto-Submitted too
    human.detect,  # anything from a person
    mdn.detect,  # read receipts (RFC 8098): not a reply; unknown, tied to the probe
)


# Each detector is a rule too (rules.py): it cites the file family it was written for, so
# the leave-one-source-out benchmark judges that family without it.
DETECTOR_SOURCES: dict[str, tuple[str, ...]] = {
    # arf reads RFC 5965's structure (a message/feedback-report part, Feedback-Type) and nothing
    # else: the RFC, not the family it was tried on, is what it rests on
    "arf": ("doc:RFC5965",),
    # ses reads only the field names AWS documents for a bounce notification (notificationType,
    # bounce.bouncedRecipients[].emailAddress/status/diagnosticCode: "Amazon SES notification
    # contents", docs.aws.amazon.com/ses/latest/dg/notification-contents.html), no sentence
    "ses": ("doc:aws-ses-notification-contents",),
    # mdn reads RFC 8098's structure (a message/disposition-notification part, Disposition)
    "mdn": ("doc:RFC8098",),
    # coremail: the letter Coremail's public bounce prompt pages describe, and a real 163 letter
    "coremail": ("doc:coremail-support-bounce-prompts", "fixtures", "corpus:pantomime"),
    "tencent": ("fixtures", "shared:rhost-tencent", "shared:rhost-tencentqq"),
    # NetEase's published table of its own codes (DT:SPM, HL:..., MI:...): provenance.DOC_URLS
    "netease": ("doc:netease-bounce-codes", "fixtures"), "aliyun": ("fixtures",),
    "gmail": ("shared:lhost-gmail", "shared:lhost-googlegroups", "shared:lhost-googleworkspace"),
    "exchange": ("shared:lhost-exchange2003", "shared:lhost-exchange2007",
                 "shared:lhost-office365", "shared:rhost-microsoft"),
    "domino": ("shared:lhost-domino",), "courier": ("shared:lhost-courier",),
    "yahoo": ("shared:lhost-yahoo",), "qmail": ("shared:lhost-qmail",),
    "exim": ("shared:lhost-exim",), "sendmail": ("shared:lhost-sendmail",),
    "postfix": ("shared:lhost-postfix", "fixtures"), "dsn": ("doc:RFC3464",),
    # generic: a daemon sender (RFC 5321 4.5.5 null reverse-path, MAILER-DAEMON), a bounce
    # subject and an address in the letter; no family's wording (it has no detector of its own)
    "generic": ("doc:RFC5321",),
    "suspend": ("fixtures",), "autoreply": ("doc:RFC3834", "fixtures"),
    "human": ("fixtures",),
}
_DETECTOR_RULES: tuple[str, ...] = tuple(
    rules.register(f"detector:{detect.__module__.rsplit('.', 1)[-1]}",
                   DETECTOR_SOURCES[detect.__module__.rsplit(".", 1)[-1]]).id
    for detect in DETECTORS)
# What a bounce verdict without a delivery structure is handed to (weigh.py).
REPLY_DETECTORS: tuple[Detector, ...] = (autoreply.detect, human.detect)


def classify(raw: bytes) -> Verdict:
    """Return the first detector's verdict, weighed (weigh.py); never raise on a bad message."""
    msg, error = parse_message(raw)
    if msg is None:
        return Verdict(Kind.UNPARSEABLE, detector="parser", error=error)
    off = rules.switched_off()
    for detect, rule_id in zip(DETECTORS, _DETECTOR_RULES, strict=True):
        if off and rule_id in off:
            continue
        try:
            verdict = detect(msg)
            if verdict is not None and rules.fire(rule_id):
                return weigh(msg, verdict, REPLY_DETECTORS)
        except Exception:  # a detector bug must not lose the message; tests keep this path empty
            log.exception("detector %s failed", detect.__module__)
            continue
    return none_verdict(msg)


def none_verdict(msg: Mail) -> Verdict:
    try:
        from mailprobe.classify.extract import verdict
        return verdict(msg, Kind.UNKNOWN, "none", candidates=weak_candidates(msg))
    except Exception as err:  # header decoding of hostile input
        return Verdict(Kind.UNKNOWN, detector="none", error=f"{type(err).__name__}: {err}")


def weak_candidates(msg: Mail) -> tuple[str, ...]:
    """What an unclaimed message looks like at a glance, for the reviewer: a bounce-like
    sender or subject, a reply-like subject or thread header."""
    found: list[str] = []
    if generic.signals(msg):
        found.append(Kind.BOUNCE.value)
    if human.reply_marker_in_headers(msg):
        found.append(Kind.HUMAN_REPLY.value)
    return tuple(found)


def verdict_to_json(path: str, verdict: Verdict) -> dict[str, Any]:
    """The ``mailprobe classify --json`` document for one message."""
    return {
        "path": path,
        "kind": verdict.kind.value,
        "detector": verdict.detector,
        "recipients": [
            {"address": r.address, "status": r.status, "reason": r.reason, "hard": r.hard,
             "sender_side": r.sender_side, "diagnostic": r.diagnostic}
            for r in verdict.recipients
        ],
        "probe_refs": list(dict.fromkeys(r.value for r in verdict.refs)),
        "refs": [{"kind": r.kind.value, "value": r.value} for r in verdict.refs],
        "subkind": verdict.subkind,
        "evidence": verdict.evidence,
        "reply_text": verdict.reply_text,
        "substantive": verdict.substantive,
        "sender": verdict.sender,
        "subject": verdict.subject,
        "message_id": verdict.message_id,
        "error": verdict.error,
        "candidates": list(verdict.candidates),
    }
