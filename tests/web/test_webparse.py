"""Query-page rules, pure: which site a form belongs to, what its page says, when it answered."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from mailprobe.errors import InputError
from mailprobe.webparse import SiteRule, answer_time, read_answer, site_for, web_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEEN = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)
RULE = SiteRule("example.gov.cn", "https://www.example.gov.cn/q?c={query_code}",
                ".answered", ".reply-body", ".reply-date", "%Y-%m-%d %H:%M")
PAGE = ("<html><body><div class='reply answered'><span class='reply-date'>2026-03-04 10:15"
        "</span><div class='reply-body'><p>您好，</p><p>请携带身份证办理。</p></div></div>"
        "</body></html>")


def test_exact_host_wins_over_a_domain_suffix() -> None:
    suffix = SiteRule("gov.cn", "https://gov.cn/{query_code}", "a", "b")
    exact = SiteRule("www.example.gov.cn", "https://x/{query_code}", "a", "b")
    sites = (suffix, RULE, exact)
    assert site_for("https://www.example.gov.cn/ldxx", sites) is exact
    assert site_for("https://mail.example.gov.cn/ldxx", sites) is RULE  # longest suffix
    assert site_for("https://other.org/ldxx", sites) is None
    assert site_for("https://notexample.gov.cn/", (RULE,)) is None  # a suffix is whole labels


def test_answered_page_gives_text_and_published_time_in_the_campaign_zone() -> None:
    found = read_answer(PAGE, RULE, SEEN, SHANGHAI)
    assert found is not None
    assert found.text == "您好， 请携带身份证办理。"
    assert found.answered_at == datetime(2026, 3, 4, 2, 15, tzinfo=UTC)  # 10:15 Shanghai
    assert found.basis == "published"


def test_page_without_the_answered_marker_is_no_answer() -> None:
    assert read_answer("<div class='status'>办理中</div>", RULE, SEEN, SHANGHAI) is None


def test_a_date_alone_counts_as_1730_that_day() -> None:
    at, basis = answer_time("2026-03-04", "%Y-%m-%d", SEEN, SHANGHAI)
    assert (at, basis) == (datetime(2026, 3, 4, 9, 30, tzinfo=UTC), "published_date")


@pytest.mark.parametrize("published", ["", "昨天", "2026/03/04"])
def test_no_readable_date_falls_back_to_the_poll_that_saw_it(published: str) -> None:
    assert answer_time(published, "%Y-%m-%d", SEEN, SHANGHAI) == (SEEN, "first_seen")


def test_lookup_url_quotes_the_query_code() -> None:
    assert RULE.lookup("A B/1") == "https://www.example.gov.cn/q?c=A%20B%2F1"


def test_web_settings_read_sites_and_refuse_typos() -> None:
    conf = web_settings({"delay_seconds": 0, "sites": {"Example.gov.cn": {
        "lookup_url": "https://e/{query_code}", "answered_selector": ".a",
        "answer_selector": ".b"}}})
    assert conf.delay_seconds == 0 and conf.sites[0].host == "example.gov.cn"
    assert "mailprobe/" in conf.user_agent
    with pytest.raises(InputError, match="has no key 'answer_selectr'"):
        web_settings({"sites": {"e.gov.cn": {"lookup_url": "https://e/{query_code}",
                                              "answered_selector": ".a",
                                              "answer_selectr": ".b"}}})
    with pytest.raises(InputError, match="must hold {query_code}"):
        web_settings({"sites": {"e.gov.cn": {"lookup_url": "https://e/",
                                              "answered_selector": ".a",
                                              "answer_selector": ".b"}}})
