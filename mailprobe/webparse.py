"""Web channels, pure: which query-page rule fits a form, and what an answer page says.

A site is configured as ``[web.sites."example.gov.cn"]`` with ``lookup_url`` (holding
``{query_code}``), ``answered_selector`` (present once the message is answered),
``answer_selector``, ``date_selector`` and ``date_format`` (``strptime``). A form's host
picks its site by exact host first, then by the longest domain suffix. CSS selectors are
run by selectolax (the Lexbor HTML5 parser, which reads broken markup as browsers do).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser

from mailprobe import __version__
from mailprobe.errors import InputError

# A published date without a time counts as the end of that working day (issue 11).
END_OF_WORKING_DAY = time(17, 30)
SITE_KEYS = ("lookup_url", "answered_selector", "answer_selector", "date_selector",
             "date_format")
WEB_KEYS = ("user_agent", "delay_seconds", "timeout", "retries", "sites")


@dataclass(frozen=True)
class SiteRule:
    """How one site's query page shows an answer."""

    host: str
    lookup_url: str
    answered_selector: str
    answer_selector: str
    date_selector: str = ""
    date_format: str = ""

    def lookup(self, query_code: str) -> str:
        return self.lookup_url.replace("{query_code}", quote(query_code, safe=""))


@dataclass(frozen=True)
class WebSettings:
    """``[web]``: politeness of every request, and the sites with a query page."""

    user_agent: str = f"mailprobe/{__version__} (government mailbox responsiveness check)"
    delay_seconds: float = 2.0  # between two requests to one site
    timeout: float = 20.0
    retries: int = 2  # after the first try, with doubling back-off
    sites: tuple[SiteRule, ...] = field(default=())


@dataclass(frozen=True)
class PageAnswer:
    """An answer found on a query page."""

    text: str
    published: str  # the date text as the page shows it ("" when none)
    answered_at: datetime  # aware UTC: where latency ends
    basis: str  # "published" (date and time) | "published_date" (17:30) | "first_seen"


def web_settings(conf: Mapping[str, Any]) -> WebSettings:
    """Read the ``[web]`` table; unknown keys are refused (usually typos)."""
    unknown = set(conf) - set(WEB_KEYS)
    if unknown:
        raise InputError(f"[web] has no key {sorted(unknown)[0]!r}; known keys: "
                         f"{', '.join(WEB_KEYS)}")
    sites = tuple(_site(host, dict(rule)) for host, rule in dict(conf.get("sites", {})).items())
    defaults = WebSettings()
    try:
        return WebSettings(
            user_agent=str(conf.get("user_agent", defaults.user_agent)),
            delay_seconds=float(conf.get("delay_seconds", defaults.delay_seconds)),
            timeout=float(conf.get("timeout", defaults.timeout)),
            retries=int(conf.get("retries", defaults.retries)), sites=sites)
    except (TypeError, ValueError) as err:
        raise InputError(f"[web]: {err}; delay_seconds, timeout and retries are numbers") from None


def _site(host: str, rule: dict[str, Any]) -> SiteRule:
    where = f'[web.sites."{host}"]'
    unknown = set(rule) - set(SITE_KEYS)
    if unknown:
        raise InputError(f"{where} has no key {sorted(unknown)[0]!r}; known keys: "
                         f"{', '.join(SITE_KEYS)}")
    for key in ("lookup_url", "answered_selector", "answer_selector"):
        if not str(rule.get(key, "")).strip():
            raise InputError(f"{where}: {key} is required")
    if "{query_code}" not in str(rule["lookup_url"]):
        raise InputError(f"{where}: lookup_url must hold {{query_code}}")
    return SiteRule(host.lower(), **{k: str(v) for k, v in rule.items()})


def site_for(url: str, sites: tuple[SiteRule, ...]) -> SiteRule | None:
    """The rule of a form's site: exact host, else the longest configured domain suffix."""
    host = (urlsplit(url).hostname or "").lower()
    exact = next((s for s in sites if s.host == host), None)
    if exact is not None:
        return exact
    suffixes = [s for s in sites if host.endswith("." + s.host)]
    return max(suffixes, key=lambda s: len(s.host), default=None)


def read_answer(html: str, rule: SiteRule, seen_at: datetime, tz: ZoneInfo) -> PageAnswer | None:
    """The answer on a query page, or None while the page shows none."""
    page = LexborHTMLParser(html)
    if page.css_first(rule.answered_selector) is None:
        return None
    text = _text(page, rule.answer_selector)
    if not text:
        return None
    published = _text(page, rule.date_selector) if rule.date_selector else ""
    answered_at, basis = answer_time(published, rule.date_format, seen_at, tz)
    return PageAnswer(text, published, answered_at, basis)


def _text(page: LexborHTMLParser, selector: str) -> str:
    nodes = page.css(selector)
    return "\n".join(t for t in (n.text(separator=" ", strip=True) for n in nodes) if t).strip()


def answer_time(published: str, date_format: str, seen_at: datetime,
                tz: ZoneInfo) -> tuple[datetime, str]:
    """Where a web answer's latency ends, and on what basis.

    The published date and time when the page gives both; a date alone is 17:30 that day;
    otherwise (nothing published, or not readable with ``date_format``) the poll that
    first saw the answer, flagged ``first_seen``."""
    if published and date_format:
        try:
            when = datetime.strptime(published.strip(), date_format)
        except ValueError:
            return seen_at, "first_seen"
        has_time = any(d in date_format for d in ("%H", "%I", "%M"))
        if not has_time:
            when = datetime.combine(when.date(), END_OF_WORKING_DAY)
        local = when.replace(tzinfo=tz) if when.tzinfo is None else when
        return local.astimezone(UTC), "published" if has_time else "published_date"
    return seen_at, "first_seen"
