"""Settings read once from ``mailprobe.toml`` plus ``MAILPROBE_<SECTION>_<KEY>`` overrides.

Secrets are never stored here as values read from the file: ``password_env`` names an
environment variable and ``password_command`` a command whose output is the password;
:func:`secret` resolves them only when a connection is made.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from mailprobe.errors import InputError
from mailprobe.model import DEFAULT_CATEGORIES

TLS_MODES = ("none", "starttls", "implicit")


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite:///mailprobe.db"


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    tls: str = "starttls"
    verify_tls: bool = True  # turned off only by writing verify_tls = false
    username: str = ""
    password_env: str = ""
    password_command: str = ""
    timeout: float = 30.0
    local_hostname: str = "mailprobe.localdomain"
    concurrency: int = 4  # SMTP connections in flight
    per_domain_per_minute: int = 30  # rate limit per destination domain
    max_attempts: int = 5  # deferred (4xx) probes are retried up to this many times
    retry_base_seconds: float = 300.0  # back-off: base * 2**attempt


@dataclass(frozen=True)
class ImapSettings:
    host: str = "127.0.0.1"
    port: int = 993
    tls: str = "implicit"
    verify_tls: bool = True
    username: str = ""
    password_env: str = ""
    password_command: str = ""
    folders: tuple[str, ...] = ("INBOX", "Junk")
    batch: int = 500
    send_id: bool = True  # RFC 2971 ID: Coremail/NetEase refuse SELECT without it
    timeout: float = 60.0
    idle_seconds: float = 300.0


@dataclass(frozen=True)
class ProbeSettings:
    from_: str = "mailprobe@example.org"
    from_name: str = ""
    return_path: str = ""  # may hold {token} for VERP, e.g. probe+{token}@example.org
    message_id_domain: str = ""  # defaults to the From domain
    code_in_subject: bool = True
    code_in_body: bool = True
    allow_placeholder: bool = False  # send from example.org & co. anyway (tests and the demo)


@dataclass(frozen=True)
class DnsSettings:
    """Resolvers for the destination-domain check (doctor, campaign create); empty = system."""

    nameservers: tuple[str, ...] = ()
    port: int = 53
    timeout: float = 5.0
    check: bool = True  # campaign create/launch mark the probes of dead domains unusable


@dataclass(frozen=True)
class CampaignSettings:
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    window_days: int = 20
    template: str = "consult_office_hours"
    template_dir: str = ""  # your own probe templates; default: templates/probe shipped
    unit_spacing_minutes: int = 10  # between the sends to one unit's mailboxes


@dataclass(frozen=True)
class CorrelateSettings:
    # Added to the shipped list of free and shared mail domains (correlate.SHARED_DOMAINS),
    # whose senders are never matched to a probe by their domain alone.
    shared_domains: tuple[str, ...] = ()

    def all_shared_domains(self) -> tuple[str, ...]:
        from mailprobe.correlate import SHARED_DOMAINS

        return SHARED_DOMAINS + tuple(d.lower() for d in self.shared_domains)


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    imap: ImapSettings = field(default_factory=ImapSettings)
    probe: ProbeSettings = field(default_factory=ProbeSettings)
    campaign: CampaignSettings = field(default_factory=CampaignSettings)
    dns: DnsSettings = field(default_factory=DnsSettings)
    correlate: CorrelateSettings = field(default_factory=CorrelateSettings)
    scoring: dict[str, Any] = field(default_factory=dict)  # read by score.rubric
    calendar: dict[str, Any] = field(default_factory=dict)  # read by score.workcal
    web: dict[str, Any] = field(default_factory=dict)  # read by webparse.web_settings
    source: str = "defaults"


_SECTIONS = {"database": DatabaseSettings, "smtp": SmtpSettings, "imap": ImapSettings,
             "probe": ProbeSettings, "campaign": CampaignSettings, "dns": DnsSettings,
             "correlate": CorrelateSettings}
_FREE_SECTIONS = ("scoring", "calendar", "web")  # checked by score.rubric, score.workcal, webparse


def load_settings(path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read the configuration file, then apply env overrides.

    A file named by ``path`` or ``MAILPROBE_CONFIG`` must exist; with neither, ``./mailprobe.toml``
    is read if it exists, else the environment alone configures mailprobe.
    """
    env = dict(os.environ if env is None else env)
    named = path or (Path(env["MAILPROBE_CONFIG"]) if env.get("MAILPROBE_CONFIG") else None)
    if named is not None and not named.is_file():
        raise InputError(f"configuration file {named} not found; check -c / MAILPROBE_CONFIG, "
                         f"or write one with `mailprobe -c {named} init`")
    path = named or Path("mailprobe.toml")
    data = _read_file(path) if path.is_file() else {}
    settings = Settings(source=str(path) if path.is_file() else "defaults")
    for name, cls in _SECTIONS.items():
        values = _build(cls, data.get(name, {}), f"{path}: [{name}]", parse=False)
        values.update(_build(cls, _env_section(env, name, cls), f"environment [{name}]",
                             parse=True))
        obj = cls(**values)
        if getattr(obj, "tls", "none") not in TLS_MODES:
            raise InputError(f"{path}: [{name}] tls must be one of {', '.join(TLS_MODES)}")
        settings = replace(settings, **{name: obj})
    settings = replace(settings, scoring=dict(data.get("scoring", {})),
                       calendar=dict(data.get("calendar", {})), web=dict(data.get("web", {})))
    return settings


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: {err}; fix the file or run `mailprobe init`") from None
    known = [*_SECTIONS, *_FREE_SECTIONS]
    for name, value in data.items():
        if name not in known:
            raise InputError(f"{path}: unknown section [{name}]; "
                             f"known sections: {', '.join(known)}")
        if not isinstance(value, dict):
            raise InputError(f"{path}: {name} must be a section [{name}], not a single value")
    return data


def _env_section(env: dict[str, str], section: str, cls: type) -> dict[str, str]:
    prefix = f"MAILPROBE_{section.upper()}_"
    names = {f.name.rstrip("_").upper(): f.name for f in fields(cls)}
    return {names[k[len(prefix):]]: v for k, v in env.items()
            if k.startswith(prefix) and k[len(prefix):] in names}


def _build(cls: type, values: dict[str, Any], where: str, *, parse: bool) -> dict[str, Any]:
    """Keyword arguments for ``cls``; ``where`` names the file and section in errors;
    ``parse``: the values are environment strings to read, not typed TOML values."""
    known = {f.name.rstrip("_"): f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        spec = known.get(key.rstrip("_"))
        if spec is None:
            raise InputError(f"{where} has no key {key!r}; known keys: {', '.join(known)}")
        kwargs[spec.name] = _coerce(value, spec.default, f"{where} {key}", parse)
    return kwargs


def _coerce(value: Any, default: Any, where: str, parse: bool) -> Any:
    """A string from the environment is parsed; a TOML value must already have the type."""
    wanted = type(default).__name__
    if isinstance(default, tuple):
        wanted = "list"
    try:
        return _from_text(value, default) if parse else _typed(value, default)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {value!r} is not of type {wanted}; "
                         f"write a value of type {wanted}") from None


def _from_text(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        if value.lower() not in ("1", "0", "true", "false", "yes", "no"):
            raise ValueError(value)
        return value.lower() in ("1", "true", "yes")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, tuple):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


def _typed(value: Any, default: Any) -> Any:
    if isinstance(default, bool) or isinstance(value, bool):
        if not (isinstance(default, bool) and isinstance(value, bool)):
            raise TypeError(value)
        return value
    if isinstance(default, int) and isinstance(value, int):
        return value
    if isinstance(default, float) and isinstance(value, int | float):
        return float(value)
    if isinstance(default, tuple) and isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    if isinstance(default, str) and isinstance(value, str):
        return value
    raise TypeError(value)


def secret(password_env: str, password_command: str, what: str) -> str:
    """Resolve a password from the environment or a command; empty if none is configured."""
    if password_env:
        value = os.environ.get(password_env)
        if value is None:
            raise InputError(f"{what}: environment variable {password_env} is not set")
        return value
    if password_command:
        done = subprocess.run(password_command, shell=True, capture_output=True, text=True,
                              timeout=30, check=False)
        if done.returncode != 0:
            raise InputError(f"{what}: password_command exited {done.returncode}")
        return done.stdout.strip()
    return ""


def template_dir(settings: CampaignSettings) -> Path | None:
    return Path(settings.template_dir) if settings.template_dir else None


def from_domain(settings: ProbeSettings) -> str:
    return settings.message_id_domain or settings.from_.rpartition("@")[2] or "localhost"
