"""Coremail "系统退信" letters (NetEase 163/126 and self-hosted 政务邮箱), Chinese or bilingual.

Evidence (docs/classify.md, "What Chinese mail looks like"): Coremail headers (``X-Coremail-*``,
``X-CM-TRANSID``, "(Coremail)" in Received) or a 退信 subject ("系统退信", "退信", "The email is
returned"), and the letter's "退信原因" / "Bounce reason". The ``Multipart/report`` part carries
only per-recipient fields, a useless ``Status: 5.0.0`` and a Diagnostic-Code with ``&nbsp;``
entities; the reason comes from Coremail's own sentence, not the status.

Sample (gb2312, base64 in the wire form)::

    抱歉，您的邮件被退回来了……
    原邮件信息：收件人 kijitora@example.gov.cn
    退信原因：rejected by system.
"""

from __future__ import annotations

import re

from mailprobe.classify import reasons
from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import Found, bounce, squeeze
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "coremail"

HEADERS = ("x-coremail-antispam", "x-cm-transid", "x-coremail-locale", "x-cm-senderinfo",
           "x-coremail-dsn")
SUBJECT = re.compile(r"系统退信|^退信|退信[:：]|the email is returned|邮件被退回", re.I)
LETTER = re.compile(r"退信原因|bounce reason|您的邮件被退回|your email (?:was|is) returned")
LETTER_WORDS = ("退信原因", "bounce reason", "您的邮件被退回", "your email ")  # one in every match
WHY = re.compile(r"(?:退信原因|bounce reason)\s*[:：/]?\s*(?:/\s*bounce reason\s*[:：]?)?\s*(.+)",
                 re.I)

def is_coremail(msg: Mail) -> bool:
    received = " ".join(str(v) for v in msg.get_all("Received", []))
    return (any(h in msg.header_names for h in HEADERS) or "(coremail)" in received.lower()
            or bool(SUBJECT.search(msg.subject)))


def detect(msg: Mail) -> Verdict | None:
    hay = msg.hay  # the cheap test first: most messages fail it
    if not any(w in hay for w in LETTER_WORDS) or not LETTER.search(hay) or not is_coremail(msg):
        return None
    letter = msg.letter
    found = collect(msg)
    if not found:
        return None
    why = " ".join(m.group(1) for m in WHY.finditer(letter))
    text = squeeze(why + " " + " ".join(f.diagnostic for f in found))
    reason = reasons.vendor_reason("coremail", text)
    return bounce(NAME, msg, [with_why(f, why) for f in found], text=letter, reason=reason,
                  evidence="coremail 退信")


def with_why(f: Found, why: str) -> Found:
    """Prefer the letter's 退信原因 as diagnostic when the DSN's is empty or generic."""
    from dataclasses import replace
    if why and len(f.diagnostic) < 8:
        return replace(f, diagnostic=squeeze(why))
    return f
