"""Read receipts (MDN, RFC 8098): the probe was displayed; not a reply, so kind unknown.

A message disposition notification is sent by the recipient's mail client (or server) when
the message was displayed, processed or dispatched. It is not a reply, automatic or human:
like a success DSN (dsn.py, subkind ``delivered``) it is ``unknown`` with subkind
``read_receipt``, tied to its probe by ``Original-Message-ID``, and waits for staff. Evidence:
a ``message/disposition-notification`` part whose ``Disposition`` field (RFC 8098 section
3.2.6) names one of those dispositions. A ``deleted`` disposition is a refusal (a Sieve
``reject``, RFC 5429 section 2.1, sends it) and is left to the bounce detectors, which run
first; this detector runs last, after human.py, which never claims a report.

Sample::

    Content-Type: message/disposition-notification

    Final-Recipient: rfc822;office@example.gov.cn
    Original-Message-ID: <mp.0123456789@example.org>
    Disposition: manual-action/MDN-sent-manually; displayed
"""

from __future__ import annotations

import re

from mailprobe.classify.extract import verdict
from mailprobe.classify.message import Mail, dsn_text
from mailprobe.classify.refs import find_refs
from mailprobe.model import Kind, Verdict

NAME = "mdn"

MDN_TYPE = "message/disposition-notification"
MAX_PARTS = 20
# RFC 8098 section 3.2.6.2: disposition-type; "deleted" is not a read receipt.
_DISPOSITION = re.compile(r"^Disposition:[^;\n]*;\s*(displayed|dispatched|processed)\b",
                          re.I | re.M)


def detect(msg: Mail) -> Verdict | None:
    fields = notification_fields(msg)
    found = _DISPOSITION.search(fields)
    if found is None:
        return None
    return verdict(msg, Kind.UNKNOWN, NAME, subkind="read_receipt",
                   refs=find_refs(msg, msg.original + "\n" + fields),
                   evidence=f"Disposition: {found.group(1).lower()}")


def notification_fields(msg: Mail) -> str:
    """The fields of the first disposition-notification part, or "" without one."""
    if MDN_TYPE not in msg.layout.types:
        return ""
    for seen, part in enumerate(msg.walk()):
        if seen >= MAX_PARTS:
            break
        if part.get_content_type() == MDN_TYPE:
            return dsn_text(part)
    return ""
