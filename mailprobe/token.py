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
import unicodedata
from collections.abc import Iterable

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford: no i, l, o, u
TOKEN_LEN = 10

_MSGID_RE = re.compile(r"mp\.([0-9a-hjkmnp-tv-z]{10})@", re.IGNORECASE)
_VERP_RE = re.compile(r"\+([0-9a-hjkmnp-tv-z]{10})@", re.IGNORECASE)
# Codes as people type them (after NFKC and lower case): dashes of any kind, blanks, an
# underscore or a dot between the parts, blanks or line breaks inside a group, "编号:"
# instead of "mp-". Letters are any a-z here; look-alikes are folded afterwards
# (_fold_look_alikes). A loose separator costs nothing: a token counts only if it is a probe's.
# Separators: also ":", "/", "~" and "一" (U+4E00, which a Chinese input method gives for a
# dash typed in Chinese mode).
_SEP = r"[\s\-_.·。:/~一]*"
_GROUP = r"((?:[0-9a-z]\s*){4}[0-9a-z])"
_TYPED_CODE_RE = re.compile(
    rf"(?<![0-9a-z])(?:m\s*p{_SEP}|编号(?:为|是)?:?\s*(?:m\s*p{_SEP})?)"
    rf"{_GROUP}{_SEP}{_GROUP}(?![0-9a-z])")
# Quote markers that open a wrapped line of a quoted probe ("> 来信编号：MP-B4Y\n> 25-EQMC3")
# and invisible characters that pasting from web pages and chat apps leaves inside words.
_QUOTE_MARKERS = re.compile(r"\n[ \t]*(?:[>|][ \t]*)+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPLIT_MP = re.compile(r"[mｍ][\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+[pｐ]")
# Dashes people and input methods produce; NFKC already maps the full-width hyphen U+FF0D.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"
                                 "\ufe58\ufe63\uff70"), "-")
# Crockford base32 reads O as 0 and I, L as 1 (https://www.crockford.com/base32.html).
_LOOK_ALIKES = str.maketrans({"o": "0", "i": "1", "l": "1"})


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
    """Tokens of the human-readable codes found in ``text``, typed variants included:
    full-width forms, any dash, blanks or line breaks inside (quote markers of a wrapped
    quoted line too), look-alike letters, lower case, ``编号：`` before it (e.g.
    ``关于来信（编号MP－B4Y25－EQMC3）的答复``)."""
    if not may_hold_code(text):
        return []
    plain = _QUOTE_MARKERS.sub("\n", unicodedata.normalize("NFKC", text.translate(_INVISIBLE))
                               .translate(_DASHES).lower())
    found = (_fold_look_alikes(m.group(1) + m.group(2)) for m in _TYPED_CODE_RE.finditer(plain))
    return _unique(t for t in found if t is not None)


def normalise_code(typed: str) -> str | None:
    """The token of one code as staff typed it (``MP-…`` in any form, or a bare token)."""
    found = tokens_in_codes(typed)
    if found:
        return found[0]
    bare = _fold_look_alikes(re.sub(r"[\s\-_.·。]", "", unicodedata.normalize("NFKC", typed)
                                    .translate(_DASHES).lower()))
    return bare


def may_hold_code(text: str) -> bool:
    """A cheap screen before the code pattern: "mp" in any width or case (blanks or
    invisible characters between the two letters too), or "编号"."""
    if "编号" in text:
        return True
    lowered = text.lower()
    if "mp" in lowered or "ｍｐ" in lowered:
        return True
    return bool(_SPLIT_MP.search(lowered))


def _fold_look_alikes(chars: str) -> str | None:
    folded = re.sub(r"\s", "", chars).translate(_LOOK_ALIKES)
    return folded if is_token(folded) else None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
