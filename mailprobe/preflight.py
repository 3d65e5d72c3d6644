"""Refuse a wrong sender before anything leaves: placeholder domains and disagreeing domains.

The documentation domains example.org, example.com and example.net (RFC 2606 §3, and any
subdomain) never belong to a real office; a probe sent from one gets no bounce and no reply
back to us, so the whole round would measure nothing. `send`, `run` and `launch` call
:func:`check_sender`; `doctor` shows :func:`sender_problems` as a check.
"""

from __future__ import annotations

from mailprobe.config import ProbeSettings, Settings
from mailprobe.errors import InputError

PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net")


def is_placeholder(domain: str) -> bool:
    domain = domain.strip().rstrip(".").lower()
    return any(domain == d or domain.endswith("." + d) for d in PLACEHOLDER_DOMAINS)


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().rstrip(".").lower()


def sender_domains(probe: ProbeSettings) -> dict[str, str]:
    """The domains a probe carries: From, the return path and the Message-ID."""
    return {"from": _domain(probe.from_), "return_path": _domain(probe.return_path),
            "message_id_domain": probe.message_id_domain.strip().lower()}


def placeholder_problems(probe: ProbeSettings) -> list[str]:
    return [f"[probe] {key} uses the placeholder domain {domain}"
            for key, domain in sender_domains(probe).items() if domain and is_placeholder(domain)]


def agreement_problems(probe: ProbeSettings) -> list[str]:
    """Return path and Message-ID domains that are not the From domain or a subdomain of it
    (a bounce or a reply threaded by Message-ID would then go where we do not poll)."""
    domains = sender_domains(probe)
    base = domains["from"]
    problems = []
    if not probe.return_path:
        problems.append("[probe] return_path is empty: bounces go to the From address, "
                        "without the VERP token")
    for key in ("return_path", "message_id_domain"):
        other = domains[key]
        if other and base and other != base and not other.endswith("." + base):
            problems.append(f"[probe] {key} domain {other} does not agree with from ({base})")
    if probe.return_path and "{token}" not in probe.return_path:
        problems.append("[probe] return_path has no {token}: bounces cannot be matched by VERP")
    return problems


def sender_problems(probe: ProbeSettings) -> list[str]:
    return placeholder_problems(probe) + agreement_problems(probe)


def check_sender(settings: Settings) -> None:
    """Raise (exit 3) when probes would leave from a placeholder sender, unless
    `[probe] allow_placeholder = true` (tests and the demo)."""
    if settings.probe.allow_placeholder:
        return
    problems = placeholder_problems(settings.probe)
    if problems:
        raise InputError("; ".join(problems) + ": nothing was sent. Set [probe] from and "
                         "return_path to your office's own mail domain (`mailprobe doctor` "
                         "checks them)")
