"""Render probe templates into plain-text messages. Pure apart from reading the templates.

A probe template is ``templates/probe/<name>.j2``. Its first line is ``Subject: ...``,
the second is blank, and the rest is the body. Variables:

- ``unit.unit_id``, ``unit.name``, ``unit.category``
- ``mailbox.type`` (public | leader), ``mailbox.label`` (公共邮箱 | 领导信箱), ``mailbox.address``
- ``sender_name`` (``[probe] from_name``, else 一位市民), ``date`` (2026年3月2日), ``code``

Templates run in Jinja2's immutable sandbox with ``StrictUndefined`` and no autoescape,
so an unknown variable, a private attribute or a link in the result is an InputError
naming the template: every probe of a campaign is rendered before anything is sent.
Probes carry none of Precedence, List-*, Auto-Submitted or X-Auto-Response-Suppress:
responders are told not to answer such mail (RFC 3834 §3; Exchange's [MS-OXCMAIL] for
X-Auto-Response-Suppress), and an acknowledgement is evidence that the mailbox is alive.
"""

from __future__ import annotations

import binascii
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.header import Header
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import idna
from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing

from mailprobe import token as tokens
from mailprobe.config import ProbeSettings, from_domain
from mailprobe.errors import InputError
from mailprobe.model import Mailbox, Unit
from mailprobe.resources import templates_dir

SUFFIX = ".j2"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_SENDER = "一位市民"
MAILBOX_LABELS = {"public": "公共邮箱", "leader": "领导信箱"}
# Links and images are what spam filters score first: they would send probes to the junk
# folder, where silence looks exactly like "no reply".
_LINK_RE = re.compile(r"(?i)\b(?:https?|ftp)://|(?<![@\w.-])www\.|<img\b|data:image/")
SAMPLE_UNIT = Unit("SAMPLE", "某某市某某区人民政府", "county_district",
                   (Mailbox("public", "zwgk@example.gov.cn"), Mailbox("leader", None)))


@dataclass(frozen=True)
class RenderedProbe:
    """One probe ready to send; ``as_bytes`` builds the message."""

    template: str
    subject: str
    body: str
    to: str  # ASCII form (punycode domain), for the To header and RCPT TO
    message_id: str
    envelope_from: str
    code: str
    from_addr: str
    from_name: str = ""
    sent_at: datetime | None = None  # the Date header; None: the moment the bytes are made

    def as_bytes(self) -> bytes:
        """The message as sent: CRLF lines, a UTF-8 plain-text body in base64.

        Written here rather than by ``EmailMessage(policy=policy.SMTP)``, which gives the same
        message (tests/test_render.py compares them) but spent ~0.9 ms a probe parsing and
        refolding its own headers: most of a campaign's send time (docs/performance.md)."""
        fields = (self.from_name, self.from_addr, self.to, self.subject, self.message_id)
        if any("\r" in field or "\n" in field for field in fields):
            raise ValueError(f"{self.to}: a header value may not contain a line break")
        # The Date is when the message leaves us; campaign.py passes its clock's time.
        sent_at = (self.sent_at or datetime.now(UTC)).astimezone(SHANGHAI)
        headers = (
            ("From", _from_value(self.from_name, self.from_addr)),
            ("To", self.to),
            ("Subject", _header_value(self.subject, "Subject")),
            ("Date", format_datetime(sent_at)),
            ("Message-ID", self.message_id),
            ("Content-Type", 'text/plain; charset="utf-8"'),
            ("Content-Transfer-Encoding", "base64"),
            ("MIME-Version", "1.0"),
        )
        # Folded values hold "\n " between their lines; every "\n" becomes CRLF at the end.
        head = "".join(f"{name}: {value}\n" for name, value in headers)
        text = b"\r\n".join(self.body.encode("utf-8").splitlines()) + b"\r\n"
        body = b"".join(binascii.b2a_base64(text[i:i + 57]) for i in range(0, len(text), 57))
        return (head + "\n").replace("\n", "\r\n").encode("ascii") + body.replace(b"\n", b"\r\n")


def _from_value(name: str, address: str) -> str:
    """``name <address>``, the name quoted or RFC 2047 encoded as it needs, folded."""
    if not name or (name.isascii() and "=?" not in name):
        return formataddr((name, address))
    encoded = Header(name, "utf-8", header_name="From").encode(linesep="\n")
    last_line = len(encoded.rpartition("\n")[2]) + (len("From: ") if "\n" not in encoded else 0)
    fold = "\n" if last_line + len(address) + 3 > 78 else ""
    return f"{encoded}{fold} <{address}>"


def _header_value(value: str, name: str) -> str:
    """``value`` as it may stand in a header: raw when short plain ASCII, else RFC 2047
    encoded words, folded below 78 characters a line."""
    plain = value.isascii() and "=?" not in value
    if plain and len(name) + 2 + len(value) <= 78:
        return value
    return Header(value, "us-ascii" if plain else "utf-8", header_name=name).encode(linesep="\n")


class _Namespace(dict[str, str]):
    """A template variable with fixed fields; knows its own name for error messages."""

    def __init__(self, var_name: str, /, **fields: str) -> None:
        super().__init__(fields)
        self._label = var_name


class _Undefined(StrictUndefined):
    """Names the full variable, e.g. ``unit.phone``, in the error."""

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        owner = self._undefined_obj
        if owner is missing:
            prefix = ""
        elif isinstance(owner, _Namespace):
            prefix = owner._label + "."
        else:
            prefix = type(owner).__name__ + "."
        return f'undefined variable "{prefix}{self._undefined_name}"'


def list_templates(directory: Path | None = None) -> list[str]:
    """Names (without ``.j2``) of the probe templates in ``directory``."""
    folder = directory or templates_dir() / "probe"
    return sorted(p.name.removesuffix(SUFFIX) for p in folder.glob(f"*{SUFFIX}") if p.is_file())


def render_probe(template: str, unit: Unit, mailbox: Mailbox, token: str,
                 settings: ProbeSettings, sent_date: date | None = None, *,
                 directory: Path | None = None) -> RenderedProbe:
    """Render ``template`` for one mailbox of one unit; raise InputError if it cannot be sent.

    ``sent_date`` fills ``{{ date }}``; a datetime also fixes the Date header.
    """
    name = template.removesuffix(SUFFIX)
    where = _display_path(name, directory)
    if mailbox.address is None and mailbox.form_url is None:
        raise InputError(f"{where}: unit {unit.unit_id} publishes no {mailbox.type} mailbox")
    when = sent_date or datetime.now(UTC)
    code = tokens.code(token)
    text = _render_text(name, where, _context(unit, mailbox, settings, when, code), directory)
    subject, body = _split(text, where)
    subject, body = _add_code(subject, body, code, settings)
    _check_no_links(subject + "\n" + body, where, unit)
    return RenderedProbe(
        # A web form's probe is pasted by staff, never sent: it has no recipient.
        template=name, subject=subject, body=body,
        to=ascii_address(mailbox.address) if mailbox.address else "",
        message_id=tokens.message_id(token, from_domain(settings)),
        envelope_from=tokens.return_path(settings.return_path or settings.from_, token),
        code=code, from_addr=settings.from_, from_name=settings.from_name,
        sent_at=sent_date if isinstance(sent_date, datetime) else None)


def check_template(name: str, settings: ProbeSettings | None = None, *,
                   directory: Path | None = None) -> RenderedProbe:
    """Render ``name`` for a sample Chinese unit; raise InputError if anything is wrong."""
    mailbox = SAMPLE_UNIT.mailboxes[0]
    return render_probe(name, SAMPLE_UNIT, mailbox, "0123456789", settings or ProbeSettings(),
                        date(2026, 3, 2), directory=directory)


def validate_campaign_templates(probes: Iterable[tuple[str, Unit, Mailbox]],
                                settings: ProbeSettings, *,
                                directory: Path | None = None) -> int:
    """Render every (template, unit, mailbox) of a campaign; return how many, or raise."""
    count = 0
    for template, unit, mailbox in probes:
        render_probe(template, unit, mailbox, "0123456789", settings, date(2026, 3, 2),
                     directory=directory)
        count += 1
    return count


def ascii_address(address: str) -> str:
    """``local@例子.中国`` -> ``local@xn--fsqu00a.xn--fiqs8s``; InputError if it stays non-ASCII.

    The domain is converted as email-validator converts it when the registry checks it
    (IDNA 2008, UTS 46 non-transitional): Python's own ``idna`` codec is IDNA 2003 and
    maps ``faß.de`` to ``fass.de``, another domain."""
    local, _, domain = address.rpartition("@")
    try:
        converted = f"{local}@{_ascii_domain(domain)}"
    except idna.IDNAError as err:
        raise InputError(f"{address}: the domain cannot be written in ASCII for SMTP ({err}); "
                         "check the address in the registry") from None
    if not converted.isascii():
        raise InputError(f"{address}: a non-ASCII local part needs SMTPUTF8, which mailprobe "
                         "does not send; use the unit's ASCII address")
    return converted


def _ascii_domain(domain: str) -> str:
    if domain.isascii():
        return domain
    mapped = idna.uts46_remap(domain, std3_rules=False, transitional=False)
    return ".".join(idna.alabel(label).decode("ascii") for label in mapped.split("."))


@functools.cache
def _environment(directory: Path) -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(loader=FileSystemLoader(directory),
                                         undefined=_Undefined, autoescape=False,
                                         keep_trailing_newline=True)


def _context(unit: Unit, mailbox: Mailbox, settings: ProbeSettings, when: date,
             code: str) -> dict[str, Any]:
    day = when.astimezone(SHANGHAI).date() if isinstance(when, datetime) else when
    return {
        "unit": _Namespace("unit", unit_id=unit.unit_id, name=unit.name, category=unit.category),
        "mailbox": _Namespace("mailbox", type=mailbox.type,
                              address=mailbox.address or mailbox.form_url or "",
                              label=MAILBOX_LABELS.get(mailbox.type, mailbox.type)),
        "sender_name": settings.from_name or DEFAULT_SENDER,
        "date": f"{day.year}年{day.month}月{day.day}日",
        "code": code,
    }


def _render_text(name: str, where: str, context: dict[str, Any], directory: Path | None) -> str:
    env = _environment(directory or templates_dir() / "probe")
    try:
        return env.get_template(name + SUFFIX).render(context)
    except TemplateNotFound as err:
        if err.name != name + SUFFIX:
            raise InputError(f"{where}: cannot load {err.name!r}; fix the template") from None
        available = ", ".join(list_templates(directory)) or "none"
        raise InputError(f"no probe template {name!r}; available: {available}") from None
    except TemplateSyntaxError as err:
        raise InputError(f"{where}:{err.lineno}: {err.message}; fix the template") from None
    except UndefinedError as err:
        raise InputError(f"{where}: {err}; define it or remove it from the template") from None
    except Exception as err:  # sandbox refusals and Python errors: all the template's fault
        problem = str(err).rstrip(".")
        raise InputError(f"{where}: {problem}; templates may use only unit, mailbox, "
                         "sender_name, date and code") from None


def _split(text: str, where: str) -> tuple[str, str]:
    """Split rendered text into a one-line subject and the body."""
    head, _, rest = text.lstrip("\ufeff").partition("\n")
    if not head.lower().startswith("subject:"):
        raise InputError(f'{where}:1: the first line must be "Subject: ..." then a blank line')
    subject = " ".join(head[len("subject:"):].split())
    first, _, body = rest.partition("\n")
    if first.strip():
        raise InputError(f"{where}:2: the line after the subject must be blank")
    body = "\n".join(line.rstrip() for line in body.strip("\n").splitlines())
    if not subject or not body.strip():
        raise InputError(f"{where}: the rendered subject or body is empty")
    return subject, body + "\n"


def _add_code(subject: str, body: str, code: str, settings: ProbeSettings) -> tuple[str, str]:
    if settings.code_in_subject and code not in subject:
        subject = f"{subject}（{code}）"
    if settings.code_in_body and code not in body:
        body = f"{body}\n来信编号：{code}（回复时烦请保留，便于查询，谢谢）\n"
    return subject, body


def _check_no_links(text: str, where: str, unit: Unit) -> None:
    found = _LINK_RE.search(text)
    if found:
        raise InputError(f"{where}: the probe for unit {unit.unit_id} contains a link or image "
                         f"({found.group(0)!r}); probes are plain text without links")


def _display_path(name: str, directory: Path | None) -> str:
    if directory is None:
        return f"templates/probe/{name}{SUFFIX}"
    return str(directory / f"{name}{SUFFIX}")

