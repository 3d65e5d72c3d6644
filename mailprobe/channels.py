"""Destination domains dead by DNS: found before anything is sent, recorded, never sent.

`campaign create` (and `campaign launch`) call :func:`mark_dead_domains`; the probes of a
dead domain move from `pending` to `unusable`, with the DNS finding as their reply text, and
score as `channel_unusable` (score/outcome.py). `doctor` lists the registry's dead domains
with :func:`registry_domain_checks`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from mailprobe.config import Settings
from mailprobe.mx import DomainCheck, DomainState, check_domains
from mailprobe.store import Database
from mailprobe.store.campaigns import get_campaign
from mailprobe.store.ledger import mark_unusable, pending_addresses
from mailprobe.store.units import list_units


@dataclass(frozen=True)
class DomainsSummary:
    checked: int
    dead: list[DomainCheck] = field(default_factory=list)
    unknown: list[DomainCheck] = field(default_factory=list)
    unusable_probes: int = 0


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().rstrip(".").lower()


def mark_dead_domains(factory: Database, campaign: str, settings: Settings,
                      now: datetime) -> DomainsSummary:
    """Check every destination domain of the campaign's unsent probes; mark the dead ones'
    probes `unusable`. A domain whose lookup failed (SERVFAIL, time-out) stays sendable."""
    with factory() as session:
        campaign_id = get_campaign(session, campaign).id
        pending = pending_addresses(session, campaign_id)
    by_domain: dict[str, list[int]] = defaultdict(list)
    for probe_id, address in pending:
        by_domain[domain_of(address)].append(probe_id)
    checks = check_domains(by_domain, settings.dns)
    dead = [c for c in checks if c.state == DomainState.DEAD]
    causes = {pid: f"DNS: {c.domain}: {c.detail}" for c in dead for pid in by_domain[c.domain]}
    with factory() as session, session.begin():
        moved = mark_unusable(session, causes, now)
    return DomainsSummary(len(checks), dead,
                          [c for c in checks if c.state == DomainState.UNKNOWN], moved)


def registry_domain_checks(factory: Database, settings: Settings) -> list[DomainCheck]:
    """One check per domain that the registry's mailboxes use."""
    with factory() as session:
        units = list_units(session)
    addresses = [m.address for u in units for m in u.mailboxes if m.address]
    return check_domains((domain_of(a) for a in addresses), settings.dns)
