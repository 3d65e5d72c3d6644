"""An authoritative DNS server on loopback (dnslib), answering from a small zone of cases:
MX, A only, null MX (RFC 7505), a name with no mail records, NXDOMAIN, SERVFAIL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dnslib import AAAA, MX, QTYPE, RCODE, RR, TXT, A
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from mailprobe.config import DnsSettings


def d(label: str) -> str:
    """A name in the test zone (a registry refuses .test, so it looks like a real domain; only
    this loopback server answers for it)."""
    return f"{label}.probe-test.cn"


# name -> {type: [values]}; MX values are (preference, exchange). A name not here: NXDOMAIN.
ZONE: dict[str, dict[str, list[Any]]] = {
    d("mx-ok"): {"MX": [(10, d("mx1.mx-ok")), (20, d("mx2.mx-ok"))]},
    d("mx1.mx-ok"): {"A": ["127.0.0.1"]},
    d("a-only"): {"A": ["127.0.0.2"]},
    d("aaaa-only"): {"AAAA": ["::1"]},
    d("nullmx"): {"MX": [(0, ".")]},
    d("nothing"): {"TXT": ["v=spf1 -all"]},  # exists, but neither MX nor A/AAAA
}
SERVFAIL = {d("servfail")}
_RDATA = {"MX": lambda v: MX(v[1], v[0]), "A": A, "AAAA": AAAA, "TXT": TXT}


class ZoneResolver(BaseResolver):  # type: ignore[misc]
    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        qname = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        if qname in SERVFAIL:
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        records = ZONE.get(qname)
        if records is None:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        for value in records.get(qtype, []):
            reply.add_answer(RR(request.q.qname, request.q.qtype, rdata=_RDATA[qtype](value),
                                ttl=60))
        return reply


@dataclass
class DnsTestServer:
    port: int
    server: Any = field(repr=False)

    def settings(self, timeout: float = 2.0) -> DnsSettings:
        return DnsSettings(nameservers=("127.0.0.1",), port=self.port, timeout=timeout)

    def env(self) -> dict[str, str]:
        return {"MAILPROBE_DNS_NAMESERVERS": "127.0.0.1", "MAILPROBE_DNS_PORT": str(self.port),
                "MAILPROBE_DNS_TIMEOUT": "2"}

    def stop(self) -> None:
        self.server.stop()


def start_dns_server() -> DnsTestServer:
    quiet = DNSLogger("-recv,-send,-request,-reply,-truncated,-error,-data")
    server = DNSServer(ZoneResolver(), address="127.0.0.1", port=0, logger=quiet)
    server.start_thread()
    return DnsTestServer(int(server.server.server_address[1]), server)
