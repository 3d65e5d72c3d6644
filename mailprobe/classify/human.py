"""Human replies: an answer to the probe that no machine wrote.

Evidence, strongest first (the first found is recorded):

    In-Reply-To: <mp.0a1b2c3d4e@probe.example.org>      threading header (any value)
    Subject: 回复：关于居住证办理的咨询                     also Re:, 答复:, RE:, AW:
    ------------------ 原始邮件 ------------------      a quote header or ">" lines (quotes.py)
    Subject: Fwd: ... with a message/rfc822 part         a person's note on a forwarded message
    MP-0A1B2-C3D4E                                       the probe code in the text
    "现答复如下：" and an answer                             an answer letter (case systems)
    Subject: 关于您咨询事项的回复                           a subject that calls itself an answer
    您咨询的事项… / 您的来信… / your enquiry                 the text refers to the reader's inquiry
    plain text from a personal sender (not a list, a newsletter or a no-reply robot)

Bulk or robot mail with none of these is not claimed, nor a read receipt ("Read: ..."):
classify() says UNKNOWN (review).

``reply_text`` is the new text with quoted blocks removed; ``substantive`` is False for bare
acknowledgements ("已收到", "收到，谢谢") and redirections ("请电话咨询", "已转…处理",
"请到窗口办理"). Automated messages (autoreply.find_evidence), bounces and reports, newsletters
and messages with no new text are left alone: classify() then says UNKNOWN.
"""

from __future__ import annotations

import re
from email.message import Message
from email.utils import getaddresses

from mailprobe import token
from mailprobe.classify import phrases_reply as P
from mailprobe.classify.autoreply import (
    answer_given,
    find_evidence,
    is_bounce_or_report,
    reply_split,
)
from mailprobe.classify.message import Mail
from mailprobe.classify.quotes import Split
from mailprobe.classify.refs import find_refs
from mailprobe.classify.textparts import (
    from_address,
    has_attachment,
    has_document,
    header_str,
)
from mailprobe.model import Kind, Verdict

NAME = "human"

_FLAGS = re.IGNORECASE
_REPLY_SUBJECT = re.compile(P.REPLY_SUBJECT_PREFIX, _FLAGS)
_ANSWER_SUBJECT = re.compile(P.ANSWER_SUBJECT, _FLAGS)
_NOREPLY = re.compile(P.NOREPLY_LOCALPARTS, _FLAGS)
_UNSUBSCRIBE = re.compile(P.UNSUBSCRIBE, _FLAGS)
_INQUIRY_REFERENCE = re.compile("|".join(P.INQUIRY_REFERENCE), _FLAGS)
_NON_SUBSTANTIVE = re.compile("|".join(P.NON_SUBSTANTIVE), _FLAGS)
_ACK_WORDS = re.compile("|".join(P.ACK_WORDS), _FLAGS)
_COURTESY = re.compile("|".join(P.COURTESY), _FLAGS)
_CONTACT = re.compile("|".join(P.CONTACT_DETAILS), _FLAGS)
_SIGNATURE = [re.compile(p, _FLAGS) for p in P.SIGNATURE_LINES]
_TRAILER = re.compile("|".join(P.MOBILE_TRAILERS), _FLAGS)
_CLAUSE = re.compile(r"[。！？!?；;，,\n]+|\.(?:\s+|$)")
_NAME_LINE = re.compile(r"[\u4e00-\u9fff]{2,3}")
_LETTER = re.compile(r"[\w]", re.UNICODE)


def detect(msg: Mail) -> Verdict | None:
    """A HUMAN_REPLY verdict with reply_text and substantive, or None."""
    # A person writes from an address; "From: <>" is a mail system (m-FILTER bounces).
    if is_bounce_or_report(msg) or not from_address(msg) or _READ_RECEIPT.match(msg.subject):
        return None
    if str(msg.get("Return-Path") or "").strip() in ("<>", "<<>>") and not answer_given(
            reply_split(msg).new):
        return None  # a null sender is a mail system or a responder (RFC 3834 section 3.3)
    split = reply_split(msg)
    if find_evidence(msg, split) is not None:
        return None
    marker = reply_evidence(msg, split)
    attached = has_attachment(msg)
    if marker is None or not (split.new or attached):
        return None
    substantive, why = judge_substance(split.new, has_attachment=has_document(msg))
    return Verdict(
        kind=Kind.HUMAN_REPLY,
        detector=NAME,
        evidence=f"{marker}; {why}",
        reply_text=split.new,
        substantive=substantive,
        refs=find_refs(msg),
        sender=msg.sender,
        subject=header_str(msg, "Subject"),
        message_id=msg.message_id,
    )


def reply_evidence(msg: Message, split: Split) -> str | None:
    """What shows the message answers something; None without one.

    A human verdict needs positive evidence of a reply (issue 9, asymmetric costs): spam or a
    stranger's question carries none and is left unknown, for review. A fresh message with the
    probe code is a reply; real replies almost always carry a thread header or a quote.
    """
    for name in ("In-Reply-To", "References"):
        if header_str(msg, name):
            return name
    subject = header_str(msg, "Subject")
    prefix = _REPLY_SUBJECT.match(subject)
    if prefix:
        return f"Subject: {prefix.group(0).strip()}"
    if split.marker:
        return f"quote: {split.marker[:40]}"
    forward = _FORWARD_SUBJECT.match(subject)
    if forward and _forwards_a_message(msg):
        return f"forward: {forward.group(0).strip()}"  # a person passing a message on, with a note
    if token.tokens_in_codes(split.new + "\n" + split.quoted + "\n" + subject):
        return "probe code"
    if answer_given(split.new):
        return "answer letter"  # a case system's answer, often from a no-reply address
    if _ANSWER_SUBJECT.search(subject):
        return "answer subject"
    found = _INQUIRY_REFERENCE.search(split.new)
    if found:
        return f"answers an inquiry: {found.group(0)}"
    if _is_bulk(msg) or _UNSUBSCRIBE.search(split.new) or machine_written(msg, split.new):
        return None  # lists, newsletters, robots and notifications: not a person's answer
    # A person's own text, not bulk mail: a personal sender is positive evidence (issue 9 §2),
    # and a reply whose thread headers were lost (forwarded, retyped) is far likelier here
    # than a stranger's letter, so guessing human is right more often than abstaining.
    return "body text"


# A read receipt says a message was opened, not what anyone answered: Outlook's "Read: <subject>"
# (the subject SpamAssassin's rule table reads as one: apache/spamassassin rules/20_vbounce.cf,
# __BOUNCE_READ_NOTIFICATION). RFC 8098 receipts are multipart/report and ruled out before.
_READ_RECEIPT = re.compile(r"^\s*read\s*:\s", _FLAGS)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|wg|tr|转发)\s*[:：]", _FLAGS)


_NOT_A_PERSON = re.compile(P.NOT_A_PERSON_LOCALPARTS, _FLAGS)
_SUBSCRIPTION_INFO = re.compile(P.SUBSCRIPTION_INFO, _FLAGS)
_NOTIFICATION_SUBJECT = re.compile(P.NOTIFICATION_SUBJECT, _FLAGS)
_SCRIPT_MAILER = re.compile(P.SCRIPT_MAILERS, _FLAGS)
_SCRIPT_MESSAGE_ID = re.compile(P.SCRIPT_MESSAGE_ID, _FLAGS)


def machine_written(msg: Message, new_text: str) -> str:
    """What shows a program wrote ``msg`` for nobody in particular ("" when nothing): a
    system sender (root@, nobody@, bounces@ in From or Return-Path), a script's or bulk
    tool's X-Mailer, subscription words, a subject that confirms something. Read only for a
    message with no reply evidence: a person answering is claimed before this."""
    for name in ("From", "Return-Path"):
        local = _address_of(header_str(msg, name)).partition("@")[0]
        if local and _NOT_A_PERSON.match(local):
            return f"{name}: {local}@"
    mailer = header_str(msg, "X-Mailer") or header_str(msg, "User-Agent")
    if _SCRIPT_MAILER.match(mailer) or _SCRIPT_MESSAGE_ID.search(header_str(msg, "Message-ID")):
        return f"X-Mailer: {mailer[:40]}"
    found = _SUBSCRIPTION_INFO.search(new_text) or _NOTIFICATION_SUBJECT.search(
        header_str(msg, "Subject"))
    return found.group(0) if found else ""


def _address_of(value: str) -> str:
    pairs = getaddresses([value])
    return pairs[0][1].strip().lower() if pairs else ""


def _forwards_a_message(msg: Message) -> bool:
    """A message attached whole (message/rfc822), as mail clients forward."""
    return any(part.get_content_type() == "message/rfc822" for part in msg.walk())


def _is_bulk(msg: Message) -> bool:
    if _NOREPLY.match(from_address(msg)):
        return True  # a no-reply robot, whichever list passed it on
    if header_str(msg, "Precedence").lower() == "list" and msg.get("List-Id") is not None:
        return False  # a discussion list passes on what a person wrote (RFC 2919 List-Id)
    if any(msg.get(name) is not None for name in P.BULK_HEADERS):
        return True
    return header_str(msg, "Precedence").lower() in P.BULK_PRECEDENCE


def reply_marker_in_headers(msg: Message) -> bool:
    """A thread header or a reply subject prefix."""
    return any(header_str(msg, name) for name in ("In-Reply-To", "References")) or bool(
        _REPLY_SUBJECT.match(header_str(msg, "Subject")))


def judge_substance(new_text: str, *, has_attachment: bool = False) -> tuple[bool, str]:
    """Whether the new text answers, and why: (False, "redirection: 请电话咨询") and the like."""
    if has_attachment:  # a document; an image alone (a signature logo) is not an answer
        return True, "attachment"
    found = _NON_SUBSTANTIVE.search(new_text)
    redirect = found.group(0) if found else ""
    leftover = [c for c in _CLAUSE.split(_core_text(new_text)) if not _NON_SUBSTANTIVE.search(c)]
    rest = _CONTACT.sub("", " ".join(leftover))
    had_ack = bool(_ACK_WORDS.search(rest))
    rest = _ACK_WORDS.sub("", _COURTESY.sub("", rest))
    letters = len(_LETTER.findall(rest))
    if redirect and letters <= P.NON_SUBSTANTIVE_MAX_LEFTOVER:
        return False, f"redirection: {redirect}"
    if had_ack and letters <= P.NON_SUBSTANTIVE_MAX_LEFTOVER:
        return False, "bare acknowledgement"
    if letters == 0:
        return False, "no text beyond greetings and signature"
    return True, f"answer text ({letters} letters)"


def _core_text(text: str) -> str:
    """The new text without its signature block, sign-off name and trailers.

    A signature stands below the answer: unit names, contact lines, dates and a name of two or
    three Han characters ("刘洋") are dropped from the end of the text while an answer line
    stays above them, so an answer that is one such line ("地址：市民中心3楼") is kept.
    """
    kept: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if line in ("--", "——", "———"):
            break
        if line and not _TRAILER.fullmatch(line):
            kept.append(line)
    while len(kept) > 1 and _is_signature_line(kept[-1]) and _has_answer_line(kept[:-1]):
        kept.pop()
    return "\n".join(kept)


def _is_signature_line(line: str) -> bool:
    return bool(_NAME_LINE.fullmatch(line)) or any(s.fullmatch(line) for s in _SIGNATURE)


def _has_answer_line(lines: list[str]) -> bool:
    """Whether some line says more than a greeting ("您好：", "尊敬的市民：")."""
    return any(_LETTER.search(_COURTESY.sub("", line)) for line in lines)
