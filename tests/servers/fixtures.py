"""pytest plugin: real mail servers for tests (``pytest_plugins = ["tests.servers.fixtures"]``).

Session-scoped Dovecot and Postfix test instances (mark their tests ``servers``), a
function-scoped aiosmtpd sink with injectable faults, a fresh mailbox user per test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers.dns import DnsTestServer, start_dns_server
from tests.servers.dovecot import Dovecot, MailUser
from tests.servers.govsite import GovSite, GovSiteServer
from tests.servers.postfix import Postfix
from tests.servers.process import free_port
from tests.servers.smtp_sink import SmtpSink

HINT = "run scripts/install-test-deps as root, or deselect with -m 'not servers'"


def _require_mail_servers() -> None:
    missing = [b for b in ("dovecot", "doveadm", "postconf") if shutil.which(b) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed; {HINT}", pytrace=False)
    if os.geteuid() != 0:
        pytest.fail(f"the Postfix/Dovecot test instances need root; {HINT}", pytrace=False)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost/127.0.0.1: (cert.pem, key.pem)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
def make_smtp_sink() -> Iterator[Callable[..., SmtpSink]]:
    """Start aiosmtpd sinks with options (tls_files, implicit_tls, credentials)."""
    started: list[SmtpSink] = []

    def make(**kwargs: Any) -> SmtpSink:
        sink = SmtpSink(**kwargs).start()
        started.append(sink)
        return sink

    yield make
    for sink in started:
        sink.stop()


@pytest.fixture
def smtp_sink(make_smtp_sink: Callable[..., SmtpSink]) -> SmtpSink:
    """A plain loopback aiosmtpd sink that records what it received."""
    return make_smtp_sink()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """Dovecot: IMAP (no TLS) and LMTP on loopback, passwd-file users, Sieve, quota."""
    _require_mail_servers()
    server = Dovecot.start_new(submission_port=free_port())
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def postfix(dovecot: Dovecot) -> Iterator[Postfix]:
    """Postfix delivering probe.test/unit.test into ``dovecot``; vacation replies come back
    through it (Dovecot's submission_host is this instance's port)."""
    server = Postfix.start_new(lmtp_port=dovecot.lmtp_port, smtp_port=dovecot.submission_port)
    yield server
    server.cleanup()


@pytest.fixture
def mail_user(dovecot: Dovecot) -> MailUser:
    """A fresh Dovecot account (INBOX + Junk) for this test only."""
    return dovecot.create_user()


@pytest.fixture(scope="session")
def dns_server() -> Iterator[DnsTestServer]:
    """A DNS server on loopback answering the cases of tests/servers/dns.py (dnslib)."""
    server = start_dns_server()
    yield server
    server.stop()


@pytest.fixture
def gov_site() -> Iterator[GovSite]:
    """A simulated government site (form, query page, broken form) on loopback."""
    server = GovSiteServer(GovSite())
    yield server.start()
    server.stop()
