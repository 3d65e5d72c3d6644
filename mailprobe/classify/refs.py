"""Probe evidence in a message, strongest first, for correlate.py. Pure.

The order and what each match is worth: docs/scoring.md, "Review and conflicts".

- RETURN_PATH: a token in our VERP address seen in To / Delivered-To / X-Original-To;
- RETURNED_ORIGINAL: a probe Message-ID token, VERP token or X-Mailprobe-Token inside the
  returned original (message/rfc822, text/rfc822-headers, or an inline copy);
- IN_REPLY_TO: probe Message-IDs named in In-Reply-To / References;
- CODE: the ``MP-XXXXX-XXXXX`` code in the subject or the message's own text.
"""

from __future__ import annotations

import re

from mailprobe.classify.message import Mail
from mailprobe.model import Ref, RefKind
from mailprobe.token import is_token, tokens_in_codes, tokens_in_message_ids, tokens_in_verp

ENVELOPE_HEADERS = ("To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")
_MESSAGE_ID_LINE = re.compile(r"^Message-ID:[ \t]*<([^<>\s]+)>", re.I | re.M)
_TOKEN_HEADER = re.compile(r"^X-Mailprobe-Token:\s*(\S+)", re.I | re.M)


def find_refs(msg: Mail, returned_text: str = "") -> tuple[Ref, ...]:
    """Every probe reference in ``msg``, in evidence order, each value once per kind."""
    refs: list[Ref] = []
    envelope = " ".join(str(v) for h in ENVELOPE_HEADERS for v in msg.get_all(h, []))
    refs += [Ref(RefKind.RETURN_PATH, t) for t in tokens_in_verp(envelope)]
    original = msg.returned + "\n" + returned_text
    lowered = original.lower()
    # cheap pre-checks, one per pattern: each needs its literal ("+" is in most Date headers,
    # so the case-insensitive Message-ID scan, the costly one, has its own)
    found = tokens_in_message_ids(original) if "mp." in lowered else []
    found += tokens_in_verp(original) if "+" in original else []
    if "x-mailprobe-token" in lowered:
        found += [t.lower() for t in _TOKEN_HEADER.findall(original) if is_token(t.lower())]
    refs += [Ref(RefKind.RETURNED_ORIGINAL, t) for t in found]
    threads = " ".join(str(msg.get(h) or "") for h in ("In-Reply-To", "References"))
    refs += [Ref(RefKind.IN_REPLY_TO, t) for t in tokens_in_message_ids(threads)]
    text = msg.subject + "\n" + msg.body
    refs += [Ref(RefKind.CODE, t) for t in tokens_in_codes(text)]  # screens cheaply itself
    return tuple(dict.fromkeys(refs))


def returned_message_id(msg: Mail) -> str | None:
    """The Message-ID of the returned original (attached, else inline), lower case without
    angle brackets; None when no original, or none with a Message-ID, comes back."""
    for text in (msg.returned, msg.original):
        found = _MESSAGE_ID_LINE.search(text[:20000])
        if found:
            return found.group(1).lower()
    return None
