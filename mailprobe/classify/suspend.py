"""Auto-replies saying the mailbox is no longer in use: a bounce with reason ``suspend``.

A "this inbox is no longer in use" auto-reply is a bounce, not a reply. Evidence: a phrase
saying the mailbox is retired ("no longer in use", "已停用", "不再使用") and either what makes
any message automatic (autoreply.find_evidence: ``Auto-Submitted`` other than ``no``,
``X-Autoreply``, ``X-QQ-AUTO-REPLY``, ``Precedence: auto_reply``, an auto-reply subject such
as "自动回复:" / "自动应答：" / "Automatic reply:", automatic wording) or the notice being the
message's main content: short new text that opens with the retired-mailbox wording and adds
little after that sentence, or that wording as the subject. A retired-mailbox notice is a
delivery failure whatever sent it (a mail server without RFC 3834 headers, or a clerk
pasting the notice); a person's answer that mentions an old mailbox is not one. The
recipient is the replying mailbox (From). Runs before autoreply.py, after every bounce
detector.

Sample::

    Subject: 自动回复: 关于办事时间的咨询
    X-QQ-AUTO-REPLY: true

    此邮箱已停用，请发送至 new@example.gov.cn。

or, with no automatic header at all::

    Subject: 此邮箱已停用

    此邮箱已停用，请将来信发送至 lxzf@example.gov.cn，谢谢。
"""

from __future__ import annotations

import re

from mailprobe.classify import autoreply, rules
from mailprobe.classify.extract import Found, bounce, squeeze
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "suspend"

RETIRED = re.compile(
    r"(?:mailbox|inbox|e-?mail (?:address|account)|account|address) (?:is |has been )?"
    r"(?:no longer (?:in use|used|active|monitored|valid)"
    r"|(?:deactivated|discontinued|closed|retired))"
    r"|(?:邮箱|信箱|邮件地址|地址|账号|帐号)(?:已|已经)?(?:停用|停止使用|注销|废弃|不再使用)"
    r"|不再使用(?:此|该|本)?(?:邮箱|信箱)|(?:此|该|本)(?:邮箱|信箱)已(?:停用|注销|废弃)",
    re.I,
)


# The notice as the message's main content: its wording opens the new text (after a greeting;
# "此", "本", "This" before "邮箱"/"mailbox"), and little else is written.
NOTICE_LEAD_LETTERS = 6
NOTICE_MAX_LETTERS = 120
# After the notice's sentence a notice adds at most a contact line and a signature
# ("如有急事请致电0736-7777777。市气象局办公室": 14 letters); a person who goes on to
# answer ("关于您咨询的办公时间：工作日上午…": 28 letters) wrote a reply that mentions the
# old mailbox.
NOTICE_TAIL_LETTERS = 20
_LETTER = re.compile(r"\w")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_ADDRESS_OR_NUMBER = re.compile(r"[\w.+-]+@[\w.-]+|https?://\S+|\d+")
_GREETING = re.compile(r"您好|你好|尊敬的[^，,。\n]{0,12}|hello|hi\b|dear [^,\n]{0,30}", re.I)

rules.register("suspend:notice-is-content", ("fixtures",),
               covers="a short retired-mailbox notice without automatic headers is a bounce")


def is_auto(msg: Mail) -> bool:
    """The one definition of "automatic" (autoreply.find_evidence): headers, subject, wording."""
    return autoreply.find_evidence(msg, autoreply.reply_split(msg)) is not None


def detect(msg: Mail) -> Verdict | None:
    m = RETIRED.search(msg.body[:5000])  # the cheap test first: most messages fail it
    if m is None or not msg.sender:
        return None
    if not is_auto(msg) and not (is_notice(msg) and rules.fire("suspend:notice-is-content")):
        return None
    text = squeeze(msg.body[max(0, m.start() - 100): m.end() + 200])
    return bounce(NAME, msg, [Found(msg.sender, None, text, "failed")], reason="suspend",
                  evidence=m.group(0))


def is_notice(msg: Mail) -> bool:
    """Whether the retired-mailbox wording is the message's main content: short new text
    that opens with it, or it is the subject (and the new text stays short)."""
    new = autoreply.reply_split(msg).new.strip()
    if len(_LETTER.findall(new)) > NOTICE_MAX_LETTERS:
        return False
    if RETIRED.search(msg.subject):
        return True
    opening = RETIRED.search(new)
    if opening is None:
        return False
    lead = _GREETING.sub("", new[:opening.start()])
    return len(_LETTER.findall(lead)) <= NOTICE_LEAD_LETTERS and _tail_letters(
        new, opening.end()) <= NOTICE_TAIL_LETTERS


def _tail_letters(text: str, notice_end: int) -> int:
    """Letters written after the sentence that holds the notice (addresses, numbers aside)."""
    end = _SENTENCE_END.search(text, notice_end)
    tail = _ADDRESS_OR_NUMBER.sub("", text[end.end():]) if end else ""
    return len(_LETTER.findall(tail))
