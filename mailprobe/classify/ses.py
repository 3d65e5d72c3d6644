"""Amazon SES bounce notifications delivered as JSON (SNS e-mail subscription).

Evidence: a JSON body whose ``Message`` (or itself) has ``notificationType`` ``Bounce`` or
``Delivery``; recipients in ``bounce.bouncedRecipients``. SES's own mailed DSNs (From
``MAILER-DAEMON@amazonses.com``) are ordinary DSNs, read by dsn.py.

Sample::

    {"Type" : "Notification", "Message" : "{\\"notificationType\\":\\"Bounce\\",
     \\"bounce\\":{\\"bouncedRecipients\\":[{\\"emailAddress\\":\\"a@example.jp\\",
     \\"status\\":\\"5.1.1\\",\\"diagnosticCode\\":\\"smtp; 550 5.1.1 user unknown\\"}]}}"}
"""

from __future__ import annotations

import json
from typing import Any

from mailprobe.classify.extract import Found, bounce, clean_diagnostic, find_reply, verdict
from mailprobe.classify.message import Mail
from mailprobe.model import Kind, Verdict

NAME = "ses"


def detect(msg: Mail) -> Verdict | None:
    body = msg.body.strip()
    if not body.startswith("{") or "notificationType" not in body:
        return None
    note = notification(body)
    kind = str(note.get("notificationType") or note.get("eventType") or "")
    if kind == "Delivery":
        return verdict(msg, Kind.UNKNOWN, NAME, subkind="delivered", evidence="SES Delivery")
    if kind != "Bounce":
        return None
    found = [recipient(r) for r in note.get("bounce", {}).get("bouncedRecipients", [])]
    return bounce(NAME, msg, [f for f in found if f.address], evidence="SES Bounce JSON")


def notification(body: str) -> dict[str, Any]:
    try:
        outer = json.loads(body[: body.rfind("}") + 1], strict=False)
        inner = outer.get("Message", outer)
        note = json.loads(inner, strict=False) if isinstance(inner, str) else inner
    except (ValueError, AttributeError):
        return {}
    return note if isinstance(note, dict) else {}


def recipient(entry: dict[str, Any]) -> Found:
    diagnostic = clean_diagnostic(str(entry.get("diagnosticCode") or "").partition(";")[2]
                                  or str(entry.get("diagnosticCode") or ""))
    return Found(str(entry.get("emailAddress") or "").lower(), entry.get("status") or None,
                 diagnostic, str(entry.get("action") or "failed"), find_reply(diagnostic))
