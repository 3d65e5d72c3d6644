"""`mailprobe doctor`: is this set-up ready for a round? One check per question, each with a
line saying how to fix it. Nothing is created or changed; `--send-test` sends one message, to
the probe inbox itself, and looks for it by IMAP.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate
from enum import StrEnum
from pathlib import Path

from mailprobe import token as tokens
from mailprobe.channels import registry_domain_checks
from mailprobe.config import Settings, from_domain, load_settings
from mailprobe.errors import AuthError, InputError, MailprobeError, NotInitialised
from mailprobe.model import SendState
from mailprobe.mx import DomainState
from mailprobe.preflight import agreement_problems, placeholder_problems, sender_domains
from mailprobe.store.session import open_database, safe_url, schema_status

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


class Status(StrEnum):
    OK = "ok"
    FAIL = "fail"
    WARN = "warn"  # worth fixing; does not fail the doctor
    SKIP = "skip"  # could not be checked (an earlier check failed, or not configured)


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


def passed(checks: list[Check]) -> bool:
    return not any(c.status == Status.FAIL for c in checks)


def run_doctor(config: Path | None, *, send_test: bool = False,
               wait_seconds: float = 60.0) -> list[Check]:
    """Every check, in order; later checks are skipped when what they need failed."""
    try:
        settings = load_settings(config)
    except InputError as err:
        fix = "fix the file as the message says, or write a fresh one with `mailprobe init`"
        return [Check("configuration", Status.FAIL, str(err), fix)]
    checks = [configuration_check(settings), database_check(settings)]
    smtp, imap = smtp_check(settings), imap_check(settings)
    checks += [smtp, imap, sender_check(settings)]
    database_ok = checks[1].status == Status.OK
    checks.append(destinations_check(settings, database_ok=database_ok))
    checks.append(forms_check(settings, database_ok=database_ok))
    if send_test:
        checks.append(send_test_check(settings, smtp, imap, wait_seconds))
    return checks


def configuration_check(settings: Settings) -> Check:
    if settings.source == "defaults":
        return Check("configuration", Status.OK,
                     "no mailprobe.toml here: defaults and MAILPROBE_* environment variables")
    return Check("configuration", Status.OK, f"{settings.source} read, every key known")


def database_check(settings: Settings) -> Check:
    url = settings.database.url
    try:
        status = schema_status(url)
    except NotInitialised as err:
        return Check("database", Status.FAIL, str(err), "run `mailprobe init` in this folder, "
                     "or point -c / [database] url at your set-up")
    except MailprobeError as err:
        return Check("database", Status.FAIL, str(err),
                     "check [database] url and that the database server runs")
    if status.current != status.head:
        return Check("database", Status.FAIL,
                     f"{safe_url(url)} has schema {status.current}; this mailprobe needs "
                     f"{status.head}", "back up the database, then run `mailprobe init`")
    return Check("database", Status.OK, f"{safe_url(url)} at the newest schema ({status.head})")


def smtp_check(settings: Settings) -> Check:
    from mailprobe.send import SmtpClient  # aiosmtplib loads only when checking SMTP

    smtp = settings.smtp

    async def connect() -> None:
        client = SmtpClient(smtp)
        try:
            await client.connect()
        finally:
            await client.close()

    where = f"{smtp.host}:{smtp.port}"
    failed = _attempt(lambda: asyncio.run(connect()), "smtp", "[smtp]")
    if failed:
        return failed
    login = f"logged in as {smtp.username}" if smtp.username else "no login ([smtp] username empty)"
    detail = f"{where}: connected, TLS {smtp.tls}, {login}"
    if smtp.tls == "none" and smtp.host not in LOOPBACK_HOSTS:
        return Check("smtp", Status.WARN, detail + "; probes and the password travel unencrypted",
                     'set [smtp] tls = "starttls" (port 587) or "implicit" (port 465)')
    if not smtp.verify_tls and smtp.tls != "none":
        return Check("smtp", Status.WARN, detail + "; the certificate is not verified",
                     "remove verify_tls = false unless this is a test server")
    return Check("smtp", Status.OK, detail)


def imap_check(settings: Settings) -> Check:
    imap = settings.imap
    if not imap.username:
        return Check("imap", Status.WARN, "no [imap] username: replies and bounces are not "
                     "polled (only `mailprobe ingest` of exported mail)",
                     "set [imap] username and password_env for the probe inbox")
    from mailprobe.poll import ImapPoller, folders_to_read  # imapclient loads only here

    missing: list[str] = []
    junk: list[str] = []

    def login_and_list() -> None:
        with ImapPoller(imap) as poller:
            missing.extend(f for f in imap.folders if not poller.has_folder(f))
            junk.extend(poller.junk_folders())

    failed = _attempt(login_and_list, "imap", "[imap]")
    if failed:
        return failed
    where = f"{imap.host}:{imap.port} as {imap.username}"
    if "INBOX" in missing:
        return Check("imap", Status.FAIL, f"{where}: no INBOX", "check [imap] username")
    read = [f for f in folders_to_read(imap.folders, junk) if f not in missing]
    if missing:
        return Check("imap", Status.WARN, f"{where}: folder(s) {', '.join(missing)} not found; "
                     f"reading {', '.join(read)}",
                     "fix [imap] folders (the Junk folder's name differs per provider, e.g. "
                     '"Junk", "垃圾邮件", "&V4NXPpCuTvY-"; a folder the server flags \\Junk is '
                     "read anyway)")
    return Check("imap", Status.OK, f"{where}: logged in; folders {', '.join(read)}")


def _attempt(action: Callable[[], None], name: str, section: str) -> Check | None:
    try:
        action()
    except AuthError as err:
        return Check(name, Status.FAIL, str(err),
                     f"check {section} username and the password its password_env names")
    except InputError as err:
        return Check(name, Status.FAIL, str(err), f"fix {section} as the message says")
    except MailprobeError as err:
        return Check(name, Status.FAIL, str(err), f"check {section} host, port and tls")
    return None


def sender_check(settings: Settings) -> Check:
    probe = settings.probe
    domains = sender_domains(probe)
    detail = (f"from {probe.from_}, return path {probe.return_path or '(none)'}, "
              f"Message-ID @{from_domain(probe)}")
    placeholders = placeholder_problems(probe)
    fix = "set [probe] from and return_path to an address of your office's own mail domain"
    if placeholders and not probe.allow_placeholder:
        return Check("sender", Status.FAIL, "; ".join(placeholders), fix)
    problems = placeholders + agreement_problems(probe)
    if problems:
        return Check("sender", Status.WARN, "; ".join(problems),
                     fix + (" (allow_placeholder = true: tests only)" if placeholders else
                            "; return path and Message-ID in the From domain"))
    return Check("sender", Status.OK, f"{detail}; all in {domains['from']}")


def destinations_check(settings: Settings, *, database_ok: bool) -> Check:
    name = "destinations"
    if not settings.dns.check:
        return Check(name, Status.SKIP, "[dns] check = false")
    if not database_ok:
        return Check(name, Status.SKIP, "needs the database")
    checks = registry_domain_checks(open_database(settings.database.url, upgrade=False,
                                                  create=False), settings)
    if not checks:
        return Check(name, Status.SKIP, "the registry is empty",
                     "import it with `mailprobe units import FILE`")
    dead = [c for c in checks if c.state == DomainState.DEAD]
    unknown = [c for c in checks if c.state == DomainState.UNKNOWN]
    if not dead and not unknown:
        return Check(name, Status.OK, f"all {len(checks)} mail domains of the registry resolve")
    parts = []
    if dead:
        parts.append(f"{len(dead)} of {len(checks)} domains cannot receive mail: "
                     + "; ".join(f"{c.domain} ({c.detail})" for c in dead))
    if unknown:
        parts.append(f"{len(unknown)} could not be checked: "
                     + "; ".join(f"{c.domain} ({c.detail})" for c in unknown))
    return Check(name, Status.WARN, ". ".join(parts),
                 "confirm these addresses with the units; probes to a dead domain are recorded "
                 "as 渠道不可用 (channel unusable) and not sent")


def forms_check(settings: Settings, *, database_ok: bool) -> Check:
    """`web check` as a doctor line: every published web form fetched once."""
    from mailprobe.service.web import check_forms

    name = "web forms"
    if not database_ok:
        return Check(name, Status.SKIP, "needs the database")
    results = check_forms(settings, lambda: datetime.now(UTC))
    if not results:
        return Check(name, Status.SKIP, "the registry publishes no web form")
    bad = [r for r in results if not r.is_reachable]
    if not bad:
        return Check(name, Status.OK, f"all {len(results)} web forms answered")
    return Check(name, Status.WARN,
                 f"{len(bad)} of {len(results)} web forms unreachable: "
                 + "; ".join(f"{r.unit_id} {r.role} {r.url} ({r.error})" for r in bad),
                 "check the addresses with the units; a form that cannot be submitted is "
                 "recorded with `mailprobe web failed CODE --reason ...` (渠道不可用)")


def send_test_check(settings: Settings, smtp: Check, imap: Check,
                    wait_seconds: float) -> Check:
    name = "send test"
    if smtp.status == Status.FAIL or imap.status == Status.FAIL or not settings.imap.username:
        return Check(name, Status.SKIP, "needs working SMTP and IMAP ([imap] username)")
    if placeholder_problems(settings.probe) and not settings.probe.allow_placeholder:
        return Check(name, Status.SKIP, "not sent from a placeholder sender")
    token = tokens.new_token()
    message = loopback_message(settings, token)
    sent = _send_loopback(settings, message)
    if sent:
        return sent
    return _await_loopback(settings, message["Message-ID"], token, wait_seconds)


def loopback_message(settings: Settings, token: str) -> EmailMessage:
    probe = settings.probe
    msg = EmailMessage()
    msg["From"] = probe.from_
    msg["To"] = probe.from_
    msg["Subject"] = f"mailprobe doctor 自检 {tokens.code(token)}"
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = tokens.message_id(token, from_domain(probe))
    msg.set_content("mailprobe doctor --send-test 发出的自检邮件，可以删除。\n"
                    f"{tokens.code(token)}\n")
    return msg


def _send_loopback(settings: Settings, message: EmailMessage) -> Check | None:
    from mailprobe.send import SmtpClient

    token = tokens.tokens_in_message_ids(str(message["Message-ID"]))[0]
    envelope_from = tokens.return_path(settings.probe.return_path or settings.probe.from_, token)

    async def deliver() -> str:
        async with SmtpClient(settings.smtp) as client:
            outcome = await client.deliver(envelope_from, settings.probe.from_,
                                           message.as_bytes())
        return "" if outcome.state == SendState.ACCEPTED else f"{outcome.code} {outcome.reply}"

    try:
        refused = asyncio.run(deliver())
    except MailprobeError as err:
        return Check("send test", Status.FAIL, str(err), "fix the smtp check first")
    if refused:
        return Check("send test", Status.FAIL, f"the SMTP server refused the test: {refused}",
                     "check that [smtp] may send as [probe] from and return_path")
    return None


def _await_loopback(settings: Settings, message_id: str, token: str,
                    wait_seconds: float) -> Check:
    from mailprobe.poll import ImapPoller

    started = time.monotonic()
    with ImapPoller(settings.imap) as poller:
        folders = [f for f in settings.imap.folders if poller.has_folder(f)]
        while True:  # bounded: stops at wait_seconds
            for folder in folders:
                header = poller.find_header(folder, "Message-ID", message_id.strip("<>"))
                if header is not None:
                    return _arrived(folder, header, token, time.monotonic() - started)
            if time.monotonic() - started > wait_seconds:
                return Check("send test", Status.FAIL,
                             f"sent {message_id} to {settings.probe.from_}; not in "
                             f"{', '.join(folders)} after {wait_seconds:.0f} s",
                             "check that [probe] from is delivered to the [imap] mailbox")
            time.sleep(1.0)


def _arrived(folder: str, header: bytes, token: str, seconds: float) -> Check:
    text = header.decode("utf-8", "replace")
    return_path = next((line for line in text.splitlines()
                        if line.lower().startswith("return-path:")), "")
    where = f"arrived in {folder} after {seconds:.0f} s"
    if token not in tokens.tokens_in_verp(return_path):
        return Check("send test", Status.WARN,
                     f"{where}, but its Return-Path ({return_path or 'none'}) has no VERP token",
                     "set [probe] return_path with {token}, and make sure the server keeps the "
                     "envelope sender")
    if folder != "INBOX":
        return Check("send test", Status.WARN, f"{where}: filtered as spam",
                     "ask the mail administrator to whitelist the probe sender")
    return Check("send test", Status.OK, f"{where}; {return_path.strip()}")
