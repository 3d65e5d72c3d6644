"""Refuse placeholder senders before anything leaves. Pure.

The documentation domains example.com, example.net and example.org (RFC 2606 §3) and their
subdomains can never be a real sender; a probe from one is a set-up left unfinished.
`[probe] allow_placeholder = true` lets tests and demos through.
"""

from __future__ import annotations

from mailprobe.config import Settings, from_domain
from mailprobe.errors import InputError

PLACEHOLDER_DOMAINS = ("example.com", "example.net", "example.org")


def is_placeholder(domain: str) -> bool:
    domain = domain.lower().rstrip(".")
    return any(domain == d or domain.endswith("." + d) for d in PLACEHOLDER_DOMAINS)


def check_sender(settings: Settings) -> None:
    """Raise InputError (exit 3) when From, the return path or the Message-ID domain is a
    placeholder, unless ``[probe] allow_placeholder`` is set."""
    if settings.probe.allow_placeholder:
        return
    probe = settings.probe
    named = {"[probe] from": probe.from_.rpartition("@")[2],
             "[probe] return_path": probe.return_path.rpartition("@")[2],
             "the Message-ID domain": from_domain(probe)}
    bad = [f"{what} = {domain}" for what, domain in named.items()
           if domain and is_placeholder(domain)]
    if bad:
        raise InputError(f"placeholder sender ({'; '.join(bad)}): set your real address in "
                         "[probe] of mailprobe.toml; nothing was sent")
