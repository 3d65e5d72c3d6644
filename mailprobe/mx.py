"""dnspython only: can a destination domain receive mail at all?

A domain is *dead* when it does not exist (NXDOMAIN), publishes a null MX (RFC 7505: one MX
record whose exchange is "."), or has neither MX nor an A/AAAA address to fall back to
(RFC 5321 §5.1, the implicit MX). A SERVFAIL, a refusal or a time-out says nothing about the
domain: it is *unknown*, never dead, so that a resolver's bad day never marks a unit's channel
unusable.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import dns.asyncresolver
import dns.exception
import dns.name
import dns.resolver

from mailprobe.config import DnsSettings

CONCURRENT_LOOKUPS = 16


class DomainState(StrEnum):
    OK = "ok"
    DEAD = "dead"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DomainCheck:
    domain: str
    state: DomainState
    detail: str  # "MX mx.example.cn", "NXDOMAIN", "null MX (RFC 7505)", "SERVFAIL", ...


class _Unknown(Exception):
    """A lookup that failed without saying anything about the domain."""


def check_domains(domains: Iterable[str], settings: DnsSettings) -> list[DomainCheck]:
    """One check per distinct domain, in the order given."""
    wanted = list(dict.fromkeys(d.strip().rstrip(".").lower() for d in domains if d.strip()))
    if not wanted:
        return []
    try:
        resolver = make_resolver(settings)
    except dns.resolver.NoResolverConfiguration:
        return [DomainCheck(d, DomainState.UNKNOWN, "no resolver configured; set [dns] "
                            "nameservers") for d in wanted]
    return asyncio.run(_check_all(wanted, resolver))


def make_resolver(settings: DnsSettings) -> dns.asyncresolver.Resolver:
    resolver = dns.asyncresolver.Resolver(configure=not settings.nameservers)
    if settings.nameservers:
        resolver.nameservers = list(settings.nameservers)
    resolver.port = settings.port
    resolver.timeout = settings.timeout
    resolver.lifetime = settings.timeout
    return resolver


async def _check_all(domains: list[str], resolver: dns.asyncresolver.Resolver) -> list[DomainCheck]:
    gate = asyncio.Semaphore(CONCURRENT_LOOKUPS)

    async def one(domain: str) -> DomainCheck:
        async with gate:
            return await check_domain(domain, resolver)

    return list(await asyncio.gather(*(one(d) for d in domains)))


async def check_domain(domain: str, resolver: dns.asyncresolver.Resolver) -> DomainCheck:
    try:
        name = dns.name.from_text(domain)
    except (dns.exception.DNSException, UnicodeError) as err:
        return DomainCheck(domain, DomainState.DEAD, f"not a valid domain name ({err})")
    try:
        return await _mail_route(domain, name, resolver)
    except _Unknown as err:
        return DomainCheck(domain, DomainState.UNKNOWN, str(err))


async def _mail_route(domain: str, name: dns.name.Name,
                      resolver: dns.asyncresolver.Resolver) -> DomainCheck:
    mx = await _answer(resolver, name, "MX")
    if mx is None:
        return DomainCheck(domain, DomainState.DEAD, "NXDOMAIN (the domain does not exist)")
    if mx:
        exchanges = sorted((r.preference, r.exchange.to_text(omit_final_dot=True)) for r in mx)
        if all(host in ("", ".") for _, host in exchanges):
            return DomainCheck(domain, DomainState.DEAD, "null MX (RFC 7505): accepts no mail")
        return DomainCheck(domain, DomainState.OK,
                           "MX " + ", ".join(h for _, h in exchanges if h not in ("", ".")))
    for rdtype in ("A", "AAAA"):
        found = await _answer(resolver, name, rdtype)
        if found is None:
            return DomainCheck(domain, DomainState.DEAD, "NXDOMAIN (the domain does not exist)")
        if found:
            return DomainCheck(domain, DomainState.OK, f"no MX; {rdtype} {found[0]} (implicit MX)")
    return DomainCheck(domain, DomainState.DEAD, "no MX and no A/AAAA record")


async def _answer(resolver: dns.asyncresolver.Resolver, name: dns.name.Name,
                  rdtype: str) -> list[Any] | None:
    """The records (empty: the name exists without that type), or None for NXDOMAIN."""
    try:
        answer = await resolver.resolve(name, rdtype, search=False)
    except dns.resolver.NXDOMAIN:
        return None
    except dns.resolver.NoAnswer:
        return []
    except dns.resolver.NoNameservers as err:
        raise _Unknown(f"SERVFAIL or refused by every resolver ({_first_line(err)})") from None
    except dns.exception.Timeout:
        raise _Unknown("DNS time-out") from None
    except dns.exception.DNSException as err:
        raise _Unknown(f"DNS error: {_first_line(err)}") from None
    return list(answer)


def _first_line(err: Exception) -> str:
    return str(err).splitlines()[0][:200] if str(err) else type(err).__name__
