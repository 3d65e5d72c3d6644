"""Dovecot as a test instance: IMAP + LMTP on loopback, passwd-file users, Sieve, quota.

Runs ``dovecot -F -c ROOT/dovecot.conf`` in the foreground (dovecot(1): ``-F``); the master stays
root and mail belongs to nobody:nogroup, so every directory under ROOT is traversable.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

from tests.servers.process import (
    free_port,
    log_tail,
    port_open,
    render,
    stop,
    wait_until,
    world_readable_dir,
)

MAIL_USER = "nobody"


@dataclass(frozen=True)
class MailUser:
    """A Dovecot account made for one test."""

    address: str
    password: str


class Dovecot:
    """One running Dovecot instance; see :meth:`start`."""

    def __init__(
        self,
        root: Path,
        *,
        submission_port: int = 0,
        mail_format: str = "sdbox",
        domain: str = "probe.test",
    ) -> None:
        self.root = root
        self.domain = domain
        self.imap_port = free_port()
        self.lmtp_port = free_port()
        self.submission_port = submission_port or free_port()
        self.mail_format = mail_format
        self.conf = root / "dovecot.conf"
        self.log = root / "dovecot.log"
        self.users_dir = root / "users"
        self.proc: subprocess.Popen[bytes] | None = None
        entry = pwd.getpwnam(MAIL_USER)
        self.uid, self.gid = entry.pw_uid, entry.pw_gid

    @classmethod
    def start_new(cls, **kwargs: object) -> Dovecot:
        server = cls(world_readable_dir("mailprobe-dovecot-"), **kwargs)  # type: ignore[arg-type]
        server.start()
        return server

    def start(self, timeout: float = 20.0) -> None:
        """Render the config, start in the foreground and wait for IMAP and LMTP."""
        for sub in ("run", "state", "home"):
            (self.root / sub).mkdir(exist_ok=True)
        os.chown(self.root / "home", self.uid, self.gid)
        self.users_dir.mkdir(exist_ok=True)
        render(
            "dovecot.conf.tmpl",
            self.conf,
            root=self.root,
            imap_port=self.imap_port,
            lmtp_port=self.lmtp_port,
            submission_port=self.submission_port,
            uid=self.uid,
            gid=self.gid,
            mail_format=self.mail_format,
        )
        with open(self.root / "stdout.log", "ab") as out:
            self.proc = subprocess.Popen(
                ["dovecot", "-F", "-c", str(self.conf)], stdout=out, stderr=subprocess.STDOUT
            )
        wait_until(
            lambda: port_open(self.imap_port) and port_open(self.lmtp_port),
            f"dovecot on 127.0.0.1:{self.imap_port}",
            timeout,
            proc=self.proc,
            log=self.log,
        )

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # -- accounts --------------------------------------------------------------------------

    def create_user(
        self,
        name: str | None = None,
        *,
        password: str = "secret",
        vacation: str | None = None,
        folders: tuple[str, ...] = ("INBOX", "Junk"),
        quota: str | None = None,
        domain: str | None = None,
    ) -> MailUser:
        """A fresh account; ``vacation`` is a Sieve script, ``quota`` e.g. ``"*:storage=2K"``."""
        local = name or f"u{uuid.uuid4().hex[:10]}"
        domain = domain or self.domain
        address = f"{local}@{domain}"
        extra = f"userdb_quota_rule={quota}" if quota else ""
        (self.users_dir / address).write_text(
            f"{address}:{{PLAIN}}{password}::::::{extra}\n", encoding="utf-8"
        )
        home = self.root / "home" / domain / local
        home.mkdir(parents=True, exist_ok=True)
        if vacation is not None:
            self._install_sieve(home, vacation)
        self._chown_tree(self.root / "home" / domain)
        user = MailUser(address, password)
        with self.imap(user) as client:
            for folder in folders:
                if folder != "INBOX":
                    _ensure_folder(client, folder)
        return user

    def _install_sieve(self, home: Path, script: str) -> None:
        (home / "sieve").mkdir(exist_ok=True)
        (home / "sieve" / "active.sieve").write_text(script, encoding="utf-8")
        (home / ".dovecot.sieve").symlink_to(home / "sieve" / "active.sieve")

    def _chown_tree(self, top: Path) -> None:
        os.chown(top, self.uid, self.gid)
        for dirpath, dirnames, filenames in os.walk(top):
            for name in dirnames + filenames:
                os.chown(os.path.join(dirpath, name), self.uid, self.gid, follow_symlinks=False)

    # -- helpers for tests -----------------------------------------------------------------

    def imap(self, user: MailUser) -> IMAPClient:
        """A logged-in IMAPClient for ``user`` (use as a context manager)."""
        client = IMAPClient("127.0.0.1", port=self.imap_port, ssl=False, timeout=10)
        client.login(user.address, user.password)
        return client

    def append(self, user: MailUser, folder: str, raw: bytes, flags: tuple[bytes, ...] = ()) -> int:
        """APPEND one message; return its UID."""
        with self.imap(user) as client:
            reply = client.append(folder, raw, flags=flags)
        # "[APPENDUID <uidvalidity> <uid>] Append completed."
        return int(reply.split(b"]")[0].split()[-1])

    def messages(self, user: MailUser, folder: str = "INBOX") -> list[bytes]:
        """Every message in ``folder``, read-only (no flags change)."""
        with self.imap(user) as client:
            client.select_folder(folder, readonly=True)
            uids = client.search()
            if not uids:
                return []
            fetched = client.fetch(uids, ["BODY.PEEK[]"])
        return [fetched[uid][b"BODY[]"] for uid in sorted(fetched)]

    def wait_for_mail(
        self, user: MailUser, count: int = 1, folder: str = "INBOX", timeout: float = 15.0
    ) -> list[bytes]:
        """Bounded wait until ``folder`` holds at least ``count`` messages; return them."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages(user, folder)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{user.address}/{folder}: {len(found)} of {count} "
                    f"messages after {timeout} s\n{log_tail(self.log)}"
                )
            time.sleep(0.05)

    def doveadm(self, *args: str) -> str:
        done = subprocess.run(
            ["doveadm", "-c", str(self.conf), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"doveadm {' '.join(args)}: {done.returncode} {done.stderr}")
        return done.stdout

    def set_uidvalidity(self, user: MailUser, folder: str, value: int) -> None:
        self.doveadm("mailbox", "update", "-u", user.address, "--uid-validity", str(value), folder)

    def kick(self, user: MailUser) -> None:
        """Disconnect every IMAP session of ``user`` (server side)."""
        self.doveadm("kick", user.address)

    def session_pids(self, user: MailUser) -> list[int]:
        """PIDs of ``user``'s imap processes, from their proctitles (verbose_proctitle)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"/imap [" in title and f"[{user.address} ".encode() in title:
                pids.append(int(entry.name))
        return pids

    def session_titles(self, user: MailUser) -> list[str]:
        titles = []
        for pid in self.session_pids(user):
            try:
                titles.append(Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"))
            except OSError:
                continue
        return titles


def _ensure_folder(client: IMAPClient, folder: str) -> None:
    """Create ``folder`` unless it exists. Under load Dovecot has answered LIST without a
    folder and then CREATE with [ALREADYEXISTS] for it: either way the folder is there."""
    if client.folder_exists(folder):
        return
    try:
        client.create_folder(folder)
    except IMAPClient.Error as err:
        if "ALREADYEXISTS" not in str(err).upper():
            raise
