"""NetEase (163.com / 126.com / yeah.net / NetEase enterprise) rejections in a DSN or letter.

Evidence: a NetEase host (``163mx``, ``mx.163.com``, ``qiye.163.com``, ``netease``) or one
of NetEase's sending-side codes (``DT:SPM``, ``DT:SUM``, ``MI:STC``...) in the diagnostic;
the help link ``help.163.com``. The codes decide the reason (docs/classify.md, "What Chinese
mail looks like").

Sample::

    Remote-MTA: dns; 163mx01.mxmail.netease.com
    Diagnostic-Code: smtp; 554 DT:SPM 163 smtp14,EsCowAD3... http://mail.163.com/help/help_spam_16.htm?ip=...
"""

from __future__ import annotations

import re

from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce, search_at
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "netease"

MARKERS = re.compile(r"\b163mx|mx\.163\.com|\.mxmail\.netease\.com|qiye\.163\.com|netease"
                     r"|help\.163\.com|mail\.163\.com/help|\b(?:DT|MI|RP|RL|SL|HL|IP):[A-Z]{3}\b")

# What every MARKERS match starts with (it is case-sensitive).
MARKER_LEADS = ("163mx", "mx.163.com", ".mxmail.netease.com", "qiye.163.com", "netease",
                "help.163.com", "mail.163.com/help", "DT:", "MI:", "RP:", "RL:", "SL:", "HL:",
                "IP:")

HINTS = ("163", "netease", "126.com", "yeah.net",
         "dt:", "mi:", "rp:", "ip:", "hl:", "sl:", "rl:", "mf:")

# NetEase reply codes (its help pages "退信代码说明"), mapped to Sisimai reasons.
CODES: dict[str, str] = {
    "DT:SPM": "spamdetected",  # content judged spam
    "DT:SUM": "rejected",  # envelope and header sender do not match
    "DT:RBL": "blocked",  # sending IP listed
    "MI:STC": "ratelimited",  # sender's daily quota
    "MI:SPB": "spamdetected",
    "MI:DMC": "ratelimited",  # too many connections
    "RP:RCL": "ratelimited",  # too many recipients
    "RP:TRC": "ratelimited",
    "RP:QRC": "ratelimited",
    "RP:CEL": "blocked",
    "RL:RTR": "ratelimited",
    "IP:RBL": "blocked",
    "IP:CEL": "blocked",
    "SL:CEL": "blocked",
    "HL:IHU": "blocked",
    "HL:RTR": "ratelimited",
    "MF:IHU": "rejected",
    "MF:UNH": "rejected",
}
_CODE = re.compile(r"\b([A-Z]{2}:[A-Z]{3})\b")


def reason_of(text: str) -> str | None:
    return next((CODES[c] for c in _CODE.findall(text) if c in CODES), None)


def detect(msg: Mail) -> Verdict | None:
    letter = msg.letter
    if not any(h in msg.hay for h in HINTS):
        return None
    if not search_at(MARKERS, MARKER_LEADS, msg.dsn + "\n" + letter[:10000]):
        return None
    found = collect(msg)
    if not found:
        return None
    reason = reason_of(" ".join(f.diagnostic for f in found) + " " + letter)
    return bounce(NAME, msg, found, text=letter, reason=reason, evidence="netease reply")
