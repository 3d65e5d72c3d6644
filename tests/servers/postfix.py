"""Postfix as a test instance: ``master -c DIR -s -e SECONDS`` run directly (master(8)):
unless it is PID 1, ``postfix start-fg`` runs master under a shell, and SIGTERM to the PID we
hold would orphan the master, which keeps the port.

Local domains are virtual mailbox domains delivered over LMTP into the Dovecot test
instance; unknown users are accepted and bounced, so they produce real DSNs; everything
else goes to the ``error:`` transport, so nothing leaves the machine.
"""

from __future__ import annotations

import shutil
import smtplib
import subprocess
from pathlib import Path

from tests.servers.process import (
    free_port,
    log_tail,
    port_open,
    render,
    stop,
    wait_until,
    world_readable_dir,
)

DAEMON_DIRECTORY = Path("/usr/lib/postfix/sbin")
# Domains the next-hop listener serves (see conf/postfix-master.cf.tmpl).
RELAY_REFUSED_DOMAIN = "relay.test"
TOO_BIG_DOMAIN = "big.test"
DEFERRING_DOMAIN = "slow.test"


class Postfix:
    """One running Postfix instance; see :meth:`start`."""

    def __init__(
        self,
        root: Path,
        *,
        lmtp_port: int,
        smtp_port: int = 0,
        domains: tuple[str, ...] = ("probe.test", "unit.test"),
        message_size_limit: int = 10_240_000,
        queue_lifetime: str = "1d",
        delay_warning: str = "0h",
        extra_transports: dict[str, str] | None = None,
        extra: str = "",
    ) -> None:
        self.root = root
        self.smtp_port = smtp_port or free_port()
        self.nexthop_port = free_port()
        self.lmtp_port = lmtp_port
        self.domains = domains
        self.message_size_limit = message_size_limit
        self.queue_lifetime = queue_lifetime
        self.delay_warning = delay_warning
        self.transports = {
            RELAY_REFUSED_DOMAIN: f"smtp:[127.0.0.1]:{self.nexthop_port}",
            TOO_BIG_DOMAIN: f"smtp:[127.0.0.1]:{self.nexthop_port}",
            DEFERRING_DOMAIN: "retry:4.4.1 simulated temporary failure",
            **(extra_transports or {}),
        }
        self.extra = extra
        self.conf_dir = root / "conf"
        self.log = root / "maillog"
        self.proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def start_new(cls, **kwargs: object) -> Postfix:
        server = cls(world_readable_dir("mailprobe-postfix-"), **kwargs)  # type: ignore[arg-type]
        server.start()
        return server

    def start(self, timeout: float = 30.0) -> None:
        """Render main.cf/master.cf, create the queue, run master, wait for port 25."""
        self._render()
        check = subprocess.run(
            ["postfix", "-c", str(self.conf_dir), "check"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if check.returncode != 0:
            raise RuntimeError(f"postfix check failed: {check.stderr}\n{log_tail(self.log)}")
        with open(self.root / "master.out", "ab") as out:
            self.proc = subprocess.Popen(
                [str(DAEMON_DIRECTORY / "master"), "-c", str(self.conf_dir), "-s", "-e", "7200"],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until(
            lambda: port_open(self.smtp_port),
            f"postfix on 127.0.0.1:{self.smtp_port}",
            timeout,
            proc=self.proc,
            log=self.log,
        )

    def _render(self) -> None:
        self.conf_dir.mkdir(exist_ok=True)
        (self.root / "queue").mkdir(mode=0o755, exist_ok=True)
        (self.root / "data").mkdir(exist_ok=True)
        shutil.chown(self.root / "data", "postfix")
        (self.root / "transport").write_text(
            "".join(f"{k}\t{v}\n" for k, v in self.transports.items()), encoding="utf-8"
        )
        render(
            "postfix-main.cf.tmpl",
            self.conf_dir / "main.cf",
            root=self.root,
            lmtp_port=self.lmtp_port,
            domains=" ".join(self.domains),
            message_size_limit=self.message_size_limit,
            queue_lifetime=self.queue_lifetime,
            delay_warning=self.delay_warning,
            extra=self.extra,
        )
        render(
            "postfix-master.cf.tmpl",
            self.conf_dir / "master.cf",
            smtp_port=self.smtp_port,
            nexthop_port=self.nexthop_port,
            nexthop_relay_domains=TOO_BIG_DOMAIN,
            nexthop_size_limit=2048,
        )

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def send(self, envelope_from: str, recipients: list[str], raw: bytes) -> None:
        """Submit one message over SMTP (the stdlib client; tests of send.py use their own)."""
        with smtplib.SMTP(
            "127.0.0.1", self.smtp_port, local_hostname="client.test", timeout=10
        ) as smtp:
            smtp.sendmail(envelope_from, recipients, raw)

    def queue_empty(self) -> bool:
        queue = self.root / "queue"
        return not any(any((queue / q).rglob("*")) for q in ("incoming", "active", "deferred"))
