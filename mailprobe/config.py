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
    allow_placeholder: bool = False  # tests and demos only: send from example.org & co.


@dataclass(frozen=True)
class CampaignSettings:
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    window_days: int = 20
    template: str = "consult_office_hours"
    template_dir: str = ""  # your own probe templates; default: templates/probe shipped
    sender_window_days: int = 30  # sender+window correlation horizon (calendar days)
    unit_spacing_minutes: int = 10  # between the sends to one unit's mailboxes


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    imap: ImapSettings = field(default_factory=ImapSettings)
    probe: ProbeSettings = field(default_factory=ProbeSettings)
    campaign: CampaignSettings = field(default_factory=CampaignSettings)
    scoring: dict[str, Any] = field(default_factory=dict)  # read by score.rubric
    calendar: dict[str, Any] = field(default_factory=dict)  # read by score.workcal
    web: dict[str, Any] = field(default_factory=dict)  # read by webparse.web_settings
    source: str = "defaults"


_SECTIONS = {"database": DatabaseSettings, "smtp": SmtpSettings, "imap": ImapSettings,
             "probe": ProbeSettings, "campaign": CampaignSettings}


def load_settings(path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read ``path`` (default ``./mailprobe.toml`` if it exists), then apply env overrides."""
    env = dict(os.environ if env is None else env)
    path = path or Path(env.get("MAILPROBE_CONFIG", "mailprobe.toml"))
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise InputError(f"{path}: {err}; fix the file or run `mailprobe init`") from None
    settings = Settings(source=str(path) if path.exists() else "defaults")
    for name, cls in _SECTIONS.items():
        section = dict(data.get(name, {}))
        section.update(_env_section(env, name, cls))
        settings = replace(settings, **{name: _build(cls, section, name)})
    settings = replace(settings, scoring=dict(data.get("scoring", {})),
                       calendar=dict(data.get("calendar", {})), web=dict(data.get("web", {})))
    return settings


def _env_section(env: dict[str, str], section: str, cls: type) -> dict[str, str]:
    prefix = f"MAILPROBE_{section.upper()}_"
    names = {f.name.rstrip("_").upper(): f.name for f in fields(cls)}
    return {names[k[len(prefix):]]: v for k, v in env.items()
            if k.startswith(prefix) and k[len(prefix):] in names}


def _build(cls: type, values: dict[str, Any], section: str) -> Any:
    known = {f.name.rstrip("_"): f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        spec = known.get(key.rstrip("_"))
        if spec is None:
            raise InputError(f"[{section}] has no key {key!r}; known keys: {', '.join(known)}")
        kwargs[spec.name] = _coerce(value, spec.default, f"[{section}] {key}")
    obj = cls(**kwargs)
    if getattr(obj, "tls", "none") not in TLS_MODES:
        raise InputError(f"[{section}] tls must be one of {', '.join(TLS_MODES)}")
    return obj


def _coerce(value: Any, default: Any, where: str) -> Any:
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                if value.lower() not in ("1", "0", "true", "false", "yes", "no"):
                    raise ValueError(value)
                return value.lower() in ("1", "true", "yes")
            return bool(value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, tuple):
            items = value.split(",") if isinstance(value, str) else value
            return tuple(str(v).strip() for v in items if str(v).strip())
        return str(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: cannot read {value!r} as {type(default).__name__}") from None


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
