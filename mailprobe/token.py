"""Probe tokens: make them, and find them again in returned mail. Pure.

A token is 10 characters of Crockford base32 (50 random bits), lower case. It travels
in three places so that replies and bounces can be matched back to their probe:

- the Message-ID ``<mp.{token}@{domain}>`` (echoed in In-Reply-To and returned originals);
- the VERP return path when configured, e.g. ``probe+{token}@example.org``;
- a short code in subject and body, ``MP-XXXXX-XXXXX``, which survives forwarding and
  re-typed subjects because people and auto-responders quote it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford: no i, l, o, u
TOKEN_LEN = 10

_MSGID_RE = re.compile(r"mp\.([0-9a-hjkmnp-tv-z]{10})@", re.IGNORECASE)
_VERP_RE = re.compile(r"\+([0-9a-hjkmnp-tv-z]{10})@", re.IGNORECASE)
_CODE_RE = re.compile(r"MP-([0-9A-HJKMNP-TV-Z]{5})-([0-9A-HJKMNP-TV-Z]{5})", re.IGNORECASE)


def new_token() -> str:
    """Return a fresh random token."""
    return "".join(secrets.choice(ALPHABET) for _ in range(TOKEN_LEN))


def is_token(value: str) -> bool:
    return len(value) == TOKEN_LEN and all(c in ALPHABET for c in value)


def message_id(token: str, domain: str) -> str:
    """The probe's Message-ID, with angle brackets."""
    return f"<mp.{token}@{domain}>"


def code(token: str) -> str:
    """The short human-readable code shown in subject and body."""
    upper = token.upper()
    return f"MP-{upper[:5]}-{upper[5:]}"


def return_path(pattern: str, token: str) -> str:
    """Fill ``{token}`` in a configured return path; a plain address is returned unchanged."""
    return pattern.replace("{token}", token)


def tokens_in_message_ids(text: str) -> list[str]:
    """Tokens inside probe Message-IDs found anywhere in ``text``."""
    return _unique(m.group(1).lower() for m in _MSGID_RE.finditer(text))


def tokens_in_verp(text: str) -> list[str]:
    """Tokens in VERP addresses (``local+token@domain``) found in ``text``."""
    return _unique(m.group(1).lower() for m in _VERP_RE.finditer(text))


def tokens_in_codes(text: str) -> list[str]:
    """Tokens of the human-readable codes found in ``text``."""
    return _unique((m.group(1) + m.group(2)).lower() for m in _CODE_RE.finditer(text))


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
