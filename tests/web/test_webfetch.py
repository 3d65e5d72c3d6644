"""Polite HTTP against the simulated site: a pause per host, retries with back-off, a named
User-Agent, errors as data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailprobe import webfetch
from mailprobe.webfetch import PoliteFetcher
from mailprobe.webparse import WebSettings
from tests.servers.govsite import GovSite


def fetcher(sleeps: list[float], **kw: float) -> PoliteFetcher:
    settings = WebSettings(**{"delay_seconds": 5.0, "retries": 2, "timeout": 10.0, **kw})
    return PoliteFetcher(settings, lambda: datetime(2026, 3, 2, tzinfo=UTC), sleeps.append)


def test_two_requests_to_one_site_are_spaced_by_the_delay(gov_site: GovSite) -> None:
    sleeps: list[float] = []
    with fetcher(sleeps) as web:
        assert web.get(f"{gov_site.base}/ldxx").status == 200
        assert web.get(f"{gov_site.base}/query?code=none").status == 200
    assert len(sleeps) == 1 and 4.0 < sleeps[0] <= 5.0
    assert all(ua.startswith("mailprobe/") for _, _, ua in gov_site.requests)


def test_a_server_error_is_retried_with_doubling_back_off_then_reported(
        gov_site: GovSite) -> None:
    sleeps: list[float] = []
    with fetcher(sleeps, delay_seconds=1.0) as web:
        page = web.get(f"{gov_site.base}/flaky")
    assert (page.status, page.is_ok) == (503, False)
    assert [p for _, p, _ in gov_site.requests] == ["/flaky"] * 3
    backoffs = [s for s in sleeps if s >= 1.0]
    assert backoffs[:2] == [1.0, 2.0]


def test_a_404_is_not_retried_and_a_dead_port_is_an_error_not_an_exception(
        gov_site: GovSite) -> None:
    sleeps: list[float] = []
    with fetcher(sleeps, delay_seconds=0.0, retries=1) as web:
        assert web.get(f"{gov_site.base}/broken").status == 404
        dead = web.get("http://127.0.0.1:9/ldxx")  # discard port: nothing listens
    assert len(gov_site.requests) == 1
    assert dead.status is None and dead.error.startswith("ConnectError")


def test_a_page_is_read_up_to_the_cap_only(gov_site: GovSite,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webfetch, "MAX_PAGE_BYTES", 64)
    with fetcher([], delay_seconds=0.0) as web:
        page = web.get(f"{gov_site.base}/ldxx")
    assert page.status == 200 and len(page.html) <= 64  # 64 bytes, a cut character replaced
    assert page.html.startswith("<!DOCTYPE html>")
