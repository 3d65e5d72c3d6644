"""Auto-replies (RFC 3834 and the Chinese webmail forms): out-of-office notes and acknowledgements.

Evidence, in the order it is tried (the first that matches is recorded):

    Auto-Submitted: auto-replied            RFC 3834, any value but "no"
    X-QQ-AUTO-REPLY: true                   QQ sends no Auto-Submitted and no Precedence
    Precedence: auto_reply  /  +auto_ in Return-Path or Sender
    X-MS-Exchange-Inbox-Rules-Loop with X-Auto-Response-Suppress: All   (Exchange out-of-office)
    Subject: 自动回复: 关于居住证的咨询      also （自动回复）, 自动答复, Automatic reply, OOO
    body: "此为系统自动回复，请勿直接回复本邮件" / "您的来信已收到…受理编号：2025-0301"

Senders mailer-daemon@ and postmaster@ and multipart/report messages are bounces or receipts,
never auto-replies (Sisimai's rule); the bounce detectors run before this one anyway.
"""

from __future__ import annotations

import re
from email.message import Message
from typing import NamedTuple

from mailprobe.classify import phrases_reply as P
from mailprobe.classify import rules
from mailprobe.classify.message import Mail
from mailprobe.classify.quotes import Split, split_reply
from mailprobe.classify.refs import find_refs
from mailprobe.classify.textparts import body_text, from_address, header_str
from mailprobe.model import Kind, Verdict

NAME = "autoreply"

_FLAGS = re.IGNORECASE
_WORDS = "|".join(P.AUTO_SUBJECT_WORDS)
_REPLY_PREFIXES = r"(?:(?:re|aw|fw|fwd|回复|答复|转发)\s*[:：]\s*)*"
_SUBJECT_START = re.compile(
    rf"^\s*{_REPLY_PREFIXES}[\[【(（<]?\s*({_WORDS}|auto(?=\s*:))\s*(?:[:：\]】)）>\-—|]|$)", _FLAGS
)
_SUBJECT_BRACKETED = re.compile(rf"[\[【(（]\s*({_WORDS})\s*[\]】)）]", _FLAGS)
_STRONG = [re.compile(p, _FLAGS) for p in P.AUTO_BODY_STRONG + P.AUTO_BODY_CHALLENGE]
_CHALLENGE = re.compile("|".join(P.AUTO_BODY_CHALLENGE + P.CHALLENGE_SUBJECTS), _FLAGS)
_CHALLENGE_HEADERS = tuple(name.lower() for name in P.CHALLENGE_FLAG_HEADERS)
_ABSENCE = [re.compile(p, _FLAGS) for p in P.AUTO_BODY_ABSENCE]
_NEGATION = re.compile(rf"(?:{'|'.join(P.NEGATIONS + P.MENTIONED_AFTER)})\s*$", _FLAGS)
_RECEIPT = re.compile("|".join(P.ACK_RECEIPT), _FLAGS)
_PROMISE = re.compile("|".join(P.ACK_PROMISE), _FLAGS)
_ACK_NUMBER = re.compile("|".join(P.ACK_NUMBER), _FLAGS)
_ANSWER = re.compile("|".join(P.ANSWER_MARKERS), _FLAGS)
_LETTER = re.compile("|".join(P.ANSWER_LETTER), _FLAGS)
_OOO = re.compile("|".join(P.OUT_OF_OFFICE), _FLAGS)
_OOO_SUBJECT_WORD = re.compile(r"out of|ooo|away|vacation|假期|abwesen|absence|fuera|fuori|afwezig"
                               r"|不在", _FLAGS)
_QQ_FOOTER = re.compile(r"这是来自QQ邮箱的假期自动回复邮件[。.]?")


class Evidence(NamedTuple):
    """What marked a message as automatic, and a hint for the subkind."""

    text: str  # the header or phrase, e.g. "X-QQ-AUTO-REPLY: true"
    is_out_of_office: bool  # the evidence itself says vacation (subject word, Apple VACATION)


def detect(msg: Mail) -> Verdict | None:
    """An AUTO_REPLY verdict with subkind and the evidence that decided, or None."""
    if is_bounce_or_report(msg):
        return None
    split = reply_split(msg)
    body = split.new
    found = find_evidence(msg, split)
    if found is None or (_notification(msg, found, body) and rules.fire(
            "auto:notification-is-not-a-reply")):
        return None
    return Verdict(
        kind=Kind.AUTO_REPLY,
        detector=NAME,
        subkind=_subkind(found, body),
        evidence=found.text,
        refs=find_refs(msg),
        sender=msg.sender,
        subject=header_str(msg, "Subject"),
        message_id=msg.message_id,
    )


def _notification(msg: Message, found: Evidence, body: str) -> bool:
    """A system's notice, not a reply: only the body's wording says it was sent automatically
    ("此邮件由系统自动发送", "This is an automated message"), it never calls itself an automatic
    reply or response, nothing ties it to a message it answers (no thread header, no reply
    subject) and it says nothing replies say (a receipt, a promise, an absence). RFC 3834 tells
    the auto-generated notice from the auto-replied response; such a notice (an OA system's
    待办 reminder, a tracker's state notice) is left to review."""
    text = _SPACES.sub(" ", body)
    if _rule_of(found) != "auto:wording" or _CALLS_ITSELF_A_REPLY.search(text):
        return False
    replies = bool(header_str(msg, "In-Reply-To") or header_str(msg, "References")
                   or _REPLY_PREFIX.match(header_str(msg, "Subject")))
    return not replies and not (_RECEIPT.search(text) or _PROMISE.search(text)
                                or _OOO.search(text) or _CHALLENGE.search(text))


_CALLS_ITSELF_A_REPLY = re.compile(
    r"auto(?:matic|mated|-generated)?[ -]?(?:reply|response|answer)|自动(?:回复|答复|回信)"
    r"|automatische antwort", _FLAGS)


def reply_split(msg: Message) -> Split:
    """The message's text split into new and quoted parts, computed once per message."""
    cached: Split | None = msg.__dict__.get("_reply_split")
    if cached is None:
        cached = split_reply(body_text(msg))
        msg.__dict__["_reply_split"] = cached
    return cached


def is_bounce_or_report(msg: Message) -> bool:
    """Mailer-daemon / postmaster senders, reports (DSN, MDN) and unsubscribes are not replies."""
    # Apple Mail's one-click unsubscribe carries Auto-Submitted but is a feedback message.
    if msg.get_content_type() == "multipart/report" or msg.get("X-Apple-Unsubscribe"):
        return True
    # "From: MAILER-DAEMON <>" (DragonFly Mail Agent) has no address, only the name.
    local = from_address(msg).partition("@")[0] or header_str(msg, "From").strip(' "<>').lower()
    return any(local.startswith(name) for name in P.BOUNCE_SENDER_LOCALPARTS)


def find_evidence(msg: Message, split: Split) -> Evidence | None:
    """The first automation signal in headers, subject, or the new body text; None if none.

    The one definition of "automatic" (suspend.py and human.py ask it too). An answer letter
    (``answer_given``) is never automatic: petition and case systems send a clerk's answer
    with "此邮件由系统自动发送，请勿直接回复" and automatic headers.
    """
    if answer_given(split.new) and rules.fire("auto:answer-given-is-human"):
        return None
    if relayed_comment(split.new) and rules.fire("auto:relayed-comment-is-human"):
        return None  # a help desk passing on what an agent wrote, headers notwithstanding
    found = _allowed(_header_evidence(msg))
    if found and found.text.startswith("X-MS-Exchange-Inbox-Rules-Loop") and (
            _LETTER.search(split.new) or split.quoted and len(split.new) > 40):
        found = None  # Outlook and ticket systems also set it on what a person wrote
    if found or (found := _allowed(_subject_evidence(msg, split))):
        return found
    found = body_evidence(split.new, is_quoting=bool(split.quoted)) or _subject_receipt(msg, split)
    if found and _footer_of_an_answer(msg, split, found) and rules.fire("auto:footer-of-answer"):
        return None
    if found and _typed_acknowledgement(msg, split, found) and rules.fire(
            "auto:typed-acknowledgement"):
        return None
    return _allowed(found)


def _subject_receipt(msg: Message, split: Split) -> Evidence | None:
    """A web form's or help desk's receipt often says "Thank you for your request" in the
    subject and only the promise in the body: read them together, unless the subject is a
    reply's ("Re: ..."), where the words may be a person's."""
    subject = header_str(msg, "Subject")
    if not subject or _REPLY_PREFIX.match(subject):
        return None
    found = body_evidence(subject + "\n" + split.new, is_quoting=bool(split.quoted))
    return found if found and _is_receipt_promise(found) else None


def _typed_acknowledgement(msg: Message, split: Split, found: Evidence) -> bool:
    """Receipt + promise wording alone ("您的来信已收到，我们会尽快处理") in a message that is
    structurally a reply (a thread header, a "Re:"/"回复：" subject) from a personal sender is
    what a clerk types: a human, non-substantive reply. A responder shows itself by a header,
    an auto-reply subject, system wording (checked before), an automatic sender, or an
    acceptance number (受理编号, 查询码: a case system issues it, nobody types one)."""
    if not _is_receipt_promise(found) or _ACK_NUMBER.search(split.new):
        return False
    replies = bool(header_str(msg, "In-Reply-To") or header_str(msg, "References")
                   or _REPLY_PREFIX.match(header_str(msg, "Subject")))
    return replies and not automatic_sender(msg)


_AUTOMATIC_SENDER = re.compile(P.AUTOMATIC_LOCALPARTS, _FLAGS)


def automatic_sender(msg: Message) -> bool:
    """A null Return-Path or a robot's address (no-reply, system, daemon, auto-reply ...)."""
    if str(msg.get("Return-Path") or "").strip() in ("<>", "<<>>"):
        return True
    return bool(_AUTOMATIC_SENDER.match(from_address(msg)))


def _is_receipt_promise(found: Evidence) -> bool:
    return " … " in found.text  # body_evidence's receipt + promise form


def _footer_of_an_answer(msg: Message, split: Split, found: Evidence) -> bool:
    """A "do not reply" line is a footer, not the message, when a person answers: the message
    replies (a quote, In-Reply-To, "Re:") and its text, without that line, says more than a
    receipt or an absence note."""
    if not _FOOTER.fullmatch(found.text.strip()):
        return False
    replies = bool(split.quoted) or bool(header_str(msg, "In-Reply-To")) or bool(
        _REPLY_PREFIX.match(header_str(msg, "Subject")))
    rest = split.new.replace(found.text, " ")
    return replies and not _RECEIPT.search(rest) and not _OOO.search(rest) and _letters(
        rest) >= 40


def _letters(text: str) -> int:
    """Letters, a Chinese character counted twice: it carries what a short word does, so
    "入学材料为户口簿、房产证明" says as much as forty Latin letters."""
    return len(_WORD.findall(text)) + len(_CJK.findall(text))


_CJK = re.compile(r"[\u4e00-\u9fff]")


_FOOTER = re.compile(
    r"请(?:勿|不要)(?:直接)?回复(?:本|此|该)(?:邮件|信|消息)|本邮件(?:无需|不需要|请勿)回复"
    r"|please do not reply (?:directly )?to this (?:e-?mail|message)"
    r"|do not reply to this (?:e-?mail|message)"
    r"|this (?:mailbox|e-?mail address|inbox) is (?:not|no longer) (?:monitored|checked)", _FLAGS)
_REPLY_PREFIX = re.compile(P.REPLY_SUBJECT_PREFIX, _FLAGS)


# Each kind of evidence is a rule (rules.py), by the header it reads or the text it matches.
_RULE_SOURCES: dict[str, tuple[str, ...]] = {
    "auto:header:auto-submitted": ("doc:RFC3834",),
    "auto:header:x-autoreply": ("doc:arp242-autoreply", "fixtures"),
    "auto:header:x-autorespond": ("doc:arp242-autoreply",),
    "auto:header:x-auto-reply": ("doc:arp242-autoreply",),
    "auto:header:x-qq-auto-reply": ("fixtures",),
    "auto:header:x-autogenerated": ("doc:arp242-autoreply",),
    "auto:header:x-autoreply-from": ("doc:arp242-autoreply",),
    "auto:header:x-mail-autoreply": ("doc:arp242-autoreply",),
    "auto:header:x-fc-machinegenerated": ("doc:arp242-autoreply",),
    "auto:header:x-post-messageclass": ("doc:arp242-autoreply",),
    "auto:header:delivered-to": ("doc:arp242-autoreply",),
    "auto:header:x-precedence": ("doc:arp242-autoreply",),
    "auto:header:x-apple-action": ("shared:rfc3834",),
    "auto:header:precedence": ("doc:arp242-autoreply", "fixtures"),
    "auto:header:return-path": ("shared:rfc3834",),
    "auto:header:sender": ("shared:rfc3834",),
    "auto:header:challenge": ("doc:spamassassin-20_vbounce",),
    "auto:header:x-ms-exchange-inbox-rules-loop": ("doc:MS-OXCMAIL",
                                                   "doc:zammad-out-of-office-check"),
    "auto:subject": ("fixtures", "doc:microsoft-outlook-automatic-replies",
                     "corpus:php-mime-mail-parser"),
    "auto:wording": ("fixtures",),
    "auto:receipt-promise": ("fixtures",),
    "auto:answer-given-is-human": ("fixtures",),
    "auto:relayed-comment-is-human": ("corpus:jfs-list", "corpus:clang-built-linux-list",
                                      "doc:zendesk-reply-delimiter",
                                      "doc:servicenow-commented-notifications"),
    "auto:footer-of-answer": ("fixtures",),
    "auto:absence-above-quote-is-typed": ("corpus:erofs-list-replies",),
    # the note's form as public guides and samples give it (phrases_reply.AUTO_BODY_ABSENCE_ZH)
    "auto:absence-note-zh": ("doc:zh-out-of-office-templates", "fixtures"),
    "auto:typed-acknowledgement": ("fixtures",),
    "auto:notification-is-not-a-reply": ("doc:RFC3834",),
}
for _rid, _sources in _RULE_SOURCES.items():
    rules.register(_rid, _sources)


def _rule_of(found: Evidence) -> str:
    head = found.text.split(":", 1)[0]
    if head.lower() in _CHALLENGE_HEADERS or head == _TMDA_RULE_HEAD:
        return "auto:header:challenge"
    if head == "Subject":
        return "auto:subject"
    if found.text.startswith(("X-Apple-Action", "X-POST", "Delivered-To", "X-Precedence")) or (
            head.lower() in ("return-path", "sender", "precedence", "auto-submitted")):
        return f"auto:header:{head.lower()}"
    if f"auto:header:{head.lower()}" in _RULE_SOURCES:
        return f"auto:header:{head.lower()}"
    if _ABSENCE_ZH.fullmatch(found.text):
        return "auto:absence-note-zh"
    return "auto:receipt-promise" if _is_receipt_promise(found) else "auto:wording"


def _allowed(found: Evidence | None) -> Evidence | None:
    """``found`` unless the rule it comes from is switched off (rules.disabled)."""
    return found if found is not None and rules.fire(_rule_of(found)) else None


_RELAYED = re.compile("|".join(P.RELAYED_COMMENT), _FLAGS | re.MULTILINE)
_TICKET_RECEIPT = re.compile(P.TICKET_RECEIPT, _FLAGS)


def relayed_comment(text: str) -> bool:
    """Whether ``text`` is a ticket system relaying a person's comment, not its receipt.

    The relay line ("X updated your request with the following comments", Zendesk's comment
    header) must be followed by 20+ letters, the text before it must not be a receipt
    (Zendesk's receipt relays the requester's own message the same way), and the comment must
    not be a receipt and a promise itself (a canned acknowledgement an agent sends).
    """
    m = _RELAYED.search(text)
    if m is None:
        return False
    before = text[: m.end()]  # Zendesk's delimiter, what the desk says, the comment header
    if _RECEIPT.search(before) or _TICKET_RECEIPT.search(before):
        return False
    comment = text[m.end(): m.end() + 600]
    if _RECEIPT.search(comment) and _PROMISE.search(comment):
        return False  # an agent's canned receipt ("acknowledge receipt ... report back") is one
    return len(_WORD.findall(comment[:400])) >= 20


_ANSWER_GIVEN = re.compile("|".join(P.ANSWER_GIVEN), _FLAGS)
_WORD = re.compile(r"\w")


def answer_given(text: str) -> bool:
    """Whether ``text`` announces an answer and gives one (20+ letters after the marker)."""
    m = _ANSWER_GIVEN.search(text)
    return m is not None and len(_WORD.findall(text[m.end(): m.end() + 400])) >= 20


_FLAG_NAMES = frozenset(name.lower() for name in P.AUTO_FLAG_HEADERS)


def _header_evidence(msg: Message) -> Evidence | None:
    names: frozenset[str] = getattr(msg, "header_names", None) or frozenset(
        k.lower() for k in msg.keys())
    submitted = header_str(msg, "Auto-Submitted") if "auto-submitted" in names else ""
    if submitted and submitted.split(";")[0].strip().lower() != "no":
        return Evidence(f"Auto-Submitted: {submitted}", False)
    if names & _FLAG_NAMES:
        for name in P.AUTO_FLAG_HEADERS:
            value = header_str(msg, name)
            if msg.get(name) is not None and value.lower() not in P.AUTO_FLAG_FALSE_VALUES:
                return Evidence(f"{name}: {value}", False)
    for name, word in P.AUTO_FLAG_VALUES:
        if name.lower() in names and word in header_str(msg, name).lower():
            return Evidence(f"{name}: {header_str(msg, name)}", False)
    found = _challenge_header(msg, names)
    if found:
        return found
    if header_str(msg, "X-Apple-Action").lower() == "vacation":
        return Evidence("X-Apple-Action: VACATION", True)
    if header_str(msg, "Precedence").lower().replace("-", "_") == "auto_reply":
        return Evidence("Precedence: auto_reply", False)
    for name in ("Return-Path", "Sender"):
        if "+auto_" in header_str(msg, name).lower():
            return Evidence(f"{name}: +auto_ tag", False)
    return _exchange_inbox_rule(msg)


def _challenge_header(msg: Message, names: frozenset[str]) -> Evidence | None:
    """A challenge-response system's own flag, or TMDA's confirmation Message-ID (SpamAssassin's
    rule table, apache/spamassassin rules/20_vbounce.cf: __CRBOUNCE_HEADER, __CRBOUNCE_ASK,
    __CRBOUNCE_SZ, __CRBOUNCE_EXI, __CRBOUNCE_SPAMARREST, __CRBOUNCE_TMDA)."""
    for name in P.CHALLENGE_FLAG_HEADERS:
        if name.lower() in names:
            return Evidence(f"{name}: {header_str(msg, name)}", False)
    message_id = header_str(msg, "Message-ID")
    if re.search(r"-tmda-confirm>?\s*$", message_id, _FLAGS):
        return Evidence(f"{_TMDA_RULE_HEAD}: {message_id}", False)
    return None


_TMDA_RULE_HEAD = "Message-ID (TMDA confirmation)"


def _exchange_inbox_rule(msg: Message) -> Evidence | None:
    """Exchange's out-of-office answer: ``X-Auto-Response-Suppress: All`` together with
    ``X-MS-Exchange-Inbox-Rules-Loop`` (the mailbox whose inbox rule sent it).

    X-Auto-Response-Suppress alone asks the *recipient's* responders to stay quiet ([MS-OXCMAIL]
    2.2.3.2.14); Exchange and Outlook put it on messages people write as well (patch mail and
    replies from Exchange organisations carry ``DR, RN, NRN, OOF, AutoReply``), so alone it
    marks nothing. The pair is how Zammad tells an Exchange out-of-office
    (zammad/zammad app/models/channel/filter/out_of_office_check.rb).
    """
    suppress = header_str(msg, "X-Auto-Response-Suppress")
    if "all" in suppress.lower() and msg.get("X-MS-Exchange-Inbox-Rules-Loop") is not None:
        loop = header_str(msg, "X-MS-Exchange-Inbox-Rules-Loop")
        return Evidence(f"X-MS-Exchange-Inbox-Rules-Loop: {loop}; X-Auto-Response-Suppress: "
                        f"{suppress}", True)
    return None


def _subject_evidence(msg: Message, split: Split) -> Evidence | None:
    """An auto-reply subject ("Automatic reply: ...", "Auto: ...", "[自动回复]"). Responders put
    their word before the original's subject (RFC 3834's "Auto:", Outlook's "Automatic reply:"),
    so behind a reply prefix ("RE: Automatic reply: ...") the word names the message being
    answered: a person replying to an auto-reply, quoting it, as responders do not."""
    subject = header_str(msg, "Subject")
    match = _SUBJECT_START.search(subject) or _SUBJECT_BRACKETED.search(subject)
    if match is None:
        return None
    if split.quoted and _REPLY_PREFIX.match(subject[: match.start(1)]):
        return None
    word = match.group(1)
    return Evidence(f"Subject: {word}", bool(_OOO_SUBJECT_WORD.search(word)))


def body_evidence(text: str, *, is_quoting: bool = False) -> Evidence | None:
    """A strong automation phrase, or a receipt + promise with no answer given, in ``text``.

    Receipt + promise ("来信已收到，我们会尽快回复") and a first-person absence ("I'm on
    vacation, sorry for the late reply") are also what people type; responders do not quote the
    original, so a reply that quotes it (``is_quoting``) is left to human.py for those. Runs of
    white space count as one space: plain text wraps a phrase over two lines.
    """
    text = _SPACES.sub(" ", text)
    strong = _first_phrase(_STRONG, text)
    if strong:
        return Evidence(strong, False)
    absence = _first_phrase(_ABSENCE, text)
    if absence and not (is_quoting and rules.fire("auto:absence-above-quote-is-typed")):
        return Evidence(absence, False)
    absence = "" if is_quoting else chinese_absence_note(text)
    if absence and rules.fire("auto:absence-note-zh"):
        return Evidence(absence, True)
    receipt = _RECEIPT.search(text)
    if receipt and not is_quoting and not _ANSWER.search(text):
        promise = _PROMISE.search(text)
        if promise:
            return Evidence(f"{receipt.group(0)} … {promise.group(0)}", False)
    return None


_SPACES = re.compile(r"\s+")
_ABSENCE_ZH = re.compile("|".join(P.AUTO_BODY_ABSENCE_ZH), _FLAGS)
_ABSENCE_NOTE_ZH = re.compile("|".join(P.ABSENCE_NOTE_CLAUSES_ZH), _FLAGS)
_NOTE_CLAUSE = re.compile(r"[。！？!?；;，,、\n]+")
_DATE = re.compile(r"[\d０-９]+\s*(?:年|月|日|号|號|点|點|时|時)?|[上下本]?周[一二三四五六日天]?"
                   r"|星期[一二三四五六日天]")
_NOT_ANSWER = re.compile("|".join((*P.ACK_WORDS, *P.COURTESY, *P.CONTACT_DETAILS)), _FLAGS)


def chinese_absence_note(text: str) -> str:
    """The absence a Chinese out-of-office note states, when the text is nothing but the note
    ("我正在休假，邮件将延迟回复。如有急事请拨打…"); "" when there is none or the text also
    answers something ("休假期间的工资按出勤计算" is an answer about leave)."""
    found = _ABSENCE_ZH.search(text)
    if found is None or _NEGATION.search(text[max(0, found.start() - 8): found.start()]):
        return ""
    rest = [c for c in _NOTE_CLAUSE.split(text) if not (_RECEIPT.search(c) or _PROMISE.search(c))]
    rest_text = _ABSENCE_NOTE_ZH.sub(" ", " ".join(rest))  # the note's own words, not the clause
    letters = _WORD.findall(_DATE.sub(" ", _NOT_ANSWER.sub(" ", rest_text)))
    return found.group(0) if len(letters) <= P.ABSENCE_NOTE_MAX_LEFTOVER else ""


def _first_phrase(patterns: list[re.Pattern[str]], text: str) -> str:
    """The first match of ``patterns`` in ``text`` not negated right before it, nor opened by a
    quotation mark (a person citing what an earlier message said: 'a message saying "this is
    an automated response"'; a responder states it, it does not cite it) ("" if none)."""
    for pattern in patterns:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 8) : match.start()]
            if not _NEGATION.search(before) and not _OPENING_QUOTE.search(before):
                return match.group(0)
    return ""


_OPENING_QUOTE = re.compile(r"[\"“„«‘「『]\s*$")


def _subkind(found: Evidence, body: str) -> str:
    if _rule_of(found) == "auto:header:challenge" or _CHALLENGE.search(found.text) or (
            _CHALLENGE.search(_SPACES.sub(" ", body))):
        return "challenge"
    own_words = _QQ_FOOTER.sub("", body)
    if found.is_out_of_office or _OOO.search(own_words):
        return "out_of_office"
    if _RECEIPT.search(own_words) or _PROMISE.search(own_words):
        return "acknowledgement"
    # QQ appends "这是来自QQ邮箱的假期自动回复邮件" to its vacation responder's text.
    return "out_of_office" if _QQ_FOOTER.search(body) else "acknowledgement"
