"""Probe tokens survive the three places they travel in."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mailprobe import token


def test_token_is_found_in_message_id_verp_and_code() -> None:
    t = token.new_token()
    assert token.is_token(t)
    assert token.tokens_in_message_ids(f"In-Reply-To: {token.message_id(t, 'x.org')}") == [t]
    assert token.tokens_in_verp(token.return_path("probe+{token}@x.org", t)) == [t]
    assert token.tokens_in_codes(f"回复：关于办事时间的咨询 [{token.code(t)}]") == [t]


def test_code_is_found_even_when_lower_cased_by_a_replier() -> None:
    t = token.new_token()
    assert token.tokens_in_codes(f"re: {token.code(t).lower()}") == [t]


def test_plain_return_path_is_left_alone() -> None:
    assert token.return_path("bounces@x.org", "abc") == "bounces@x.org"


@given(st.text())
def test_token_search_never_raises_and_finds_only_valid_tokens(text: str) -> None:
    found = (token.tokens_in_message_ids(text) + token.tokens_in_verp(text)
             + token.tokens_in_codes(text))
    assert all(token.is_token(t) for t in found)
