"""Abuse feedback reports (ARF, RFC 5965): ``Kind.FEEDBACK_REPORT``, never a bounce.

Evidence: a ``message/feedback-report`` part (or ``report-type=feedback-report``) with a
``Feedback-Type`` field. Recipients: ``Original-Rcpt-To`` / ``Removal-Recipient``, else the
returned original's ``To:``.

Sample::

    Content-Type: message/feedback-report

    Feedback-Type: abuse
    User-Agent: SomeGenerator/1.0
    Original-Rcpt-To: <kijitora@example.com>
"""

from __future__ import annotations

import re

from mailprobe.classify.extract import verdict
from mailprobe.classify.message import Mail, addresses_in
from mailprobe.model import Kind, Recipient, Verdict

NAME = "arf"

_TYPE = re.compile(r"^Feedback-Type:\s*([\w-]+)", re.I | re.M)
_RCPT = re.compile(r"^(?:Original-Rcpt-To|Removal-Recipient):\s*(.+)$", re.I | re.M)
_TO = re.compile(r"^To:[ \t]*(.+)$", re.I | re.M)


def detect(msg: Mail) -> Verdict | None:
    report = msg.dsn if "message/feedback-report" in msg.layout.types else ""
    if not report and "feedback-report" in str(msg.get("Content-Type", "")).lower():
        report = msg.body
    kind = _TYPE.search(report)
    if kind is None:
        return None
    rcpts = [a for m in _RCPT.finditer(report) for a in addresses_in(m.group(1))]
    if not rcpts:
        to = _TO.search(msg.returned)
        rcpts = addresses_in(to.group(1)) if to else []
    recipients = tuple(Recipient(a, reason="feedback") for a in dict.fromkeys(rcpts))
    return verdict(msg, Kind.FEEDBACK_REPORT, NAME, recipients=recipients,
                   subkind=kind.group(1).lower(), evidence=f"Feedback-Type: {kind.group(1)}")
