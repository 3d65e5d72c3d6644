"""HTTP for the web channels, through httpx only: polite, bounded GETs.

Polite as a site's operators would want it: one request at a time (this client is
sequential), a pause of ``delay_seconds`` between two requests to the same host, a
User-Agent that names mailprobe, time-outs, and a few retries with doubling back-off for
connection errors and 5xx answers (RFC 9110 §15.6: server errors may be transient).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from mailprobe.webparse import WebSettings

Clock = Callable[[], datetime]
MAX_PAGE_BYTES = 5 * 2**20  # a query page is a few KB; a larger answer is cut, never loaded whole


@dataclass(frozen=True)
class Fetched:
    """What one GET ended in: a status and the page, or the error that stopped it."""

    url: str
    fetched_at: datetime
    status: int | None = None
    html: str = ""
    error: str = ""

    @property
    def is_ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class PoliteFetcher:
    """Sequential GETs with a per-host pause, retries and back-off."""

    def __init__(self, settings: WebSettings, clock: Clock,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings, self.clock, self.sleep = settings, clock, sleep
        self.last_at: dict[str, float] = {}
        self.client = httpx.Client(
            headers={"User-Agent": settings.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
            timeout=settings.timeout, follow_redirects=True)

    def __enter__(self) -> PoliteFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def get(self, url: str) -> Fetched:
        """GET ``url``; never raises for network trouble (the error is in the result)."""
        backoff = max(self.settings.delay_seconds, 0.5)
        result = self._try(url)
        for _ in range(self.settings.retries):
            if result.status is not None and result.status < 500:
                break
            self.sleep(backoff)
            backoff *= 2
            result = self._try(url)
        return result

    def _try(self, url: str) -> Fetched:
        self._pause(urlsplit(url).hostname or "")
        try:
            with self.client.stream("GET", url) as response:
                body = _read_capped(response)
                encoding = response.encoding or "utf-8"
                return Fetched(url, self.clock(), response.status_code,
                               body.decode(encoding, errors="replace"))
        except httpx.HTTPError as err:
            return Fetched(url, self.clock(), None, "", f"{type(err).__name__}: {err}"[:300])
        except ValueError as err:  # a URL httpx cannot even parse
            return Fetched(url, self.clock(), None, "", f"bad URL: {err}"[:300])

    def _pause(self, host: str) -> None:
        last = self.last_at.get(host)
        if last is not None:
            wait = self.settings.delay_seconds - (time.monotonic() - last)
            if wait > 0:
                self.sleep(wait)
        self.last_at[host] = time.monotonic()


def _read_capped(response: httpx.Response) -> bytes:
    """The body, at most MAX_PAGE_BYTES of it (the stored evidence is kept bounded too)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk[:MAX_PAGE_BYTES - size])
        size += len(chunks[-1])
        if size >= MAX_PAGE_BYTES:
            break
    return b"".join(chunks)
