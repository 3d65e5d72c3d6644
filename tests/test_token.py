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


def test_codes_typed_by_hand_are_still_codes() -> None:
    typed = [
        "关于来信（编号MP－B4Y25－EQMC3）的答复",  # full-width hyphens, in a clerk's new subject
        "ＭＰ-Ｂ4Ｙ25-ＥＱＭＣ3",  # full-width letters and digits
        "re: mp-b4y25-eqmc3",  # lower case
        "MP-B4Y25-\nEQMC3",  # a line break where the mail client wrapped
        "MP – B4Y 25 — EQMC3",  # spaces, en and em dashes
        "编号：B4Y25-EQMC3",  # "编号：" in place of "MP-"
        "答复 MP_B4Y25_EQMC3",  # underscores
        "MP.B4Y25.EQMC3号来信",  # dots
        "> 来信编号：MP-B4Y\n> 25-EQMC3",  # a quoted line the client wrapped, "> " on each
        "编号为：b4y25-eqmc3",  # "编号为：" without "MP-"
        "MP一B4Y25一EQMC3",  # "一" (U+4E00), an input method's dash in Chinese mode
        "mp:b4y25/eqmc3",  # a colon or a slash
        "M P - B 4 Y 2 5 - E Q M C 3",  # every character spaced out
        "M\u200bP-B4Y25\u200b-EQMC3",  # zero-width spaces pasted from a chat app
    ]
    assert [token.tokens_in_codes(t) for t in typed] == [["b4y25eqmc3"]] * len(typed)


def test_look_alike_letters_fold_to_the_digits_the_alphabet_keeps() -> None:
    assert token.tokens_in_codes("MP-B4YL5-EQMCO") == ["b4y15eqmc0"]
    assert token.tokens_in_codes("MP-B4YI5-EQMC3") == ["b4y15eqmc3"]


def test_near_codes_are_not_codes() -> None:
    assert token.tokens_in_codes("MP-B4Y25-EQMU3") == []  # U is not in Crockford's alphabet
    assert token.tokens_in_codes("MP-B4Y25-EQMC3X") == []  # too long
    assert token.tokens_in_codes("SMP-B4Y25-EQMC3") == []  # inside a longer word
    assert token.tokens_in_codes("MP3 player, 2 pieces") == []


def test_a_code_staff_type_normalises_to_its_token() -> None:
    assert token.normalise_code("ｍｐ－b4y25－eqmc3") == "b4y25eqmc3"
    assert token.normalise_code("b4y25eqmc3") == "b4y25eqmc3"
    assert token.normalise_code("no such code") is None
