"""QQ Mail / Tencent Exmail rejections, quoted in the DSN our own MTA writes.

QQ and Exmail usually refuse at SMTP time, so the bounce is a standard (often Postfix) DSN
whose Diagnostic-Code quotes Tencent's text (DOMAIN.md). Evidence: a ``qq.com`` remote MTA
(``mx3.qq.com``, ``mxbiz1.qq.com``) or a ``service.mail.qq.com`` help link in the DSN or the
letter. Tencent's own phrases decide the reason (Sisimai's Rhost::Tencent, extended).

Sample::

    Remote-MTA: dns; mx3.qq.com
    Diagnostic-Code: smtp; 550 Ip frequency limited
        http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000725
"""

from __future__ import annotations

import re

from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "tencent"

MARKERS = re.compile(r"\b(?:mx\d*|mxbiz\d*|mxdomain|smtp)\.qq\.com\b|service\.mail\.qq\.com"
                     r"|exmail\.qq\.com|\btencent\b")

# Tencent's phrases, first match wins (Sisimai's Rhost::Tencent plus DOMAIN.md).
REASONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("authfailure", ("spf check failed", "dmarc check failed", "dkim check failed")),
    ("suspend", ("is a deactivated mailbox", "mailbox is frozen", "mailbox unavailable")),
    ("ratelimited", ("ip frequency limited", "domain frequency limited",
                     "sender frequency limited", "connection frequency limited",
                     "frequency limited", "mailbox unavailable or access denined")),
    ("blocked", ("suspected bounce attacks", "suspected spam ip", "connection denied",
                 "ip is rejected")),
    ("spamdetected", ("spam is embedded in the email", "mail content denied",
                      "message is suspected spam")),
    ("rejected", ("suspected spam", "mail is rejected by recipients")),
    ("mailboxfull", ("mailbox is full", "quota exceeded")),
    ("userunknown", ("mailbox not found", "user not found", "no such user")),
    ("emailtoolarge", ("message too large", "mail size exceeds")),
)


def reason_of(text: str) -> str | None:
    text = " ".join(text.lower().split())
    return next((r for r, phrases in REASONS if any(p in text for p in phrases)), None)


def detect(msg: Mail) -> Verdict | None:
    letter = msg.letter
    if "qq.com" not in msg.hay and "tencent" not in msg.hay or not MARKERS.search(msg.hay):
        return None
    found = collect(msg)
    if not found:
        return None
    reason = reason_of(" ".join(f.diagnostic for f in found) or letter)
    return bounce(NAME, msg, found, text=letter, reason=reason, evidence="tencent reply")
