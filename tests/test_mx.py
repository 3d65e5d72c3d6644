"""Dead destination domains by DNS, against a DNS server on loopback: NXDOMAIN, null MX and
neither MX nor A/AAAA are dead; SERVFAIL and a time-out are unknown, never dead."""

from __future__ import annotations

import socket

from mailprobe.config import DnsSettings
from mailprobe.mx import DomainState, check_domains
from tests.servers.dns import d


def test_each_kind_of_domain_gets_its_verdict(dns_server) -> None:  # type: ignore[no-untyped-def]
    labels = ["mx-ok", "a-only", "aaaa-only", "nullmx", "nothing", "nxdomain", "servfail"]
    checks = {c.domain: c for c in check_domains(map(d, labels), dns_server.settings())}
    assert {name: c.state for name, c in checks.items()} == {
        d("mx-ok"): DomainState.OK, d("a-only"): DomainState.OK,
        d("aaaa-only"): DomainState.OK, d("nullmx"): DomainState.DEAD,
        d("nothing"): DomainState.DEAD, d("nxdomain"): DomainState.DEAD,
        d("servfail"): DomainState.UNKNOWN}
    assert checks[d("mx-ok")].detail == f"MX {d('mx1.mx-ok')}, {d('mx2.mx-ok')}"
    assert "RFC 7505" in checks[d("nullmx")].detail
    assert "NXDOMAIN" in checks[d("nxdomain")].detail
    assert "no MX and no A/AAAA" in checks[d("nothing")].detail
    assert "implicit MX" in checks[d("a-only")].detail
    assert "SERVFAIL" in checks[d("servfail")].detail


def test_no_domains_means_no_lookup() -> None:
    assert check_domains([], DnsSettings()) == []


def test_duplicates_and_case_collapse(dns_server) -> None:  # type: ignore[no-untyped-def]
    checks = check_domains([d("MX-OK"), d("mx-ok") + ".", d("mx-ok")], dns_server.settings())
    assert [(c.domain, c.state) for c in checks] == [(d("mx-ok"), DomainState.OK)]


def test_a_silent_resolver_is_unknown_never_dead() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # reads nothing
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        settings = DnsSettings(nameservers=("127.0.0.1",), port=port, timeout=0.3)
        (check,) = check_domains([d("nxdomain")], settings)
    assert check.state == DomainState.UNKNOWN and "time-out" in check.detail
