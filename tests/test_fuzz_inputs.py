"""Hostile inputs: the registry returns RowErrors, never raises; template data is never code."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mailprobe.config import ProbeSettings
from mailprobe.model import Mailbox, RowError, Unit
from mailprobe.registry import COLUMNS, parse_rows, parse_table, read_csv, read_yaml
from mailprobe.render import render_probe

HEADER = list(COLUMNS)
SENT_AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
LINKISH = re.compile(r"(?i)https?://|ftp://|www\.|<img|data:image")
cells = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
                  st.sampled_from(["county_district", "区县", "a@b.gov.cn", "x@", "@", "＠",
                                   "a@例子.中国", "D01", ""]))
jinja_text = st.text(alphabet=st.sampled_from(list("{}%#()[]'\"|.~_- 区局政府市abc123\\")),
                     min_size=1, max_size=60)


def assert_only_row_errors(result: object) -> None:
    assert all(isinstance(e, RowError) and e.line >= 1 for e in result.errors)  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_as_csv_give_row_errors_only(data: bytes) -> None:
    assert_only_row_errors(parse_table(read_csv(data), "fuzz.csv"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_after_a_valid_header_give_row_errors_only(data: bytes) -> None:
    raw = ",".join(HEADER).encode() + b"\n" + data
    assert_only_row_errors(parse_table(read_csv(raw), "fuzz.csv"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=400).map(str.encode))
def test_random_yaml_gives_row_errors_only(data: bytes) -> None:
    assert_only_row_errors(parse_rows(read_yaml(data), "fuzz.yaml"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(cells, max_size=8), max_size=12))
def test_random_tables_after_a_header_give_row_errors_only(rows: list[list[object]]) -> None:
    records = [(1, HEADER)] + [(n, row) for n, row in enumerate(rows, start=2)]
    result = parse_table(records, "fuzz.xlsx")
    assert_only_row_errors(result)
    assert len(result.units) + len({e.line for e in result.errors}) <= len(rows)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from([*HEADER, "x", "单位名称"]), cells), max_size=12))
def test_random_row_mappings_give_row_errors_only(rows: list[dict[str, object]]) -> None:
    assert_only_row_errors(parse_rows(enumerate(rows, start=2), "fuzz"))


@settings(max_examples=200, deadline=None)
@given(name=jinja_text, unit_id=jinja_text)
def test_jinja_syntax_in_unit_data_is_rendered_verbatim(name: str, unit_id: str) -> None:
    assume(name.strip() and not LINKISH.search(name))
    unit = Unit(unit_id, name, "county_district", (Mailbox("public", "a@b.gov.cn"),))
    probe = render_probe("consult_office_hours", unit, unit.mailboxes[0], "0123456789",
                         ProbeSettings(), SENT_AT)
    assert f"{name}：" in probe.body


@settings(max_examples=100, deadline=None)
@given(local=st.text(alphabet=st.sampled_from(list("{}%#abc.")), min_size=1, max_size=20))
def test_jinja_syntax_in_an_address_is_data(local: str) -> None:
    assume(not local.startswith(".") and not local.endswith(".") and ".." not in local)
    address = f"{local}@b.gov.cn"
    unit = Unit("D1", "区政府", "county_district", (Mailbox("public", address),))
    probe = render_probe("mailbox_test", unit, unit.mailboxes[0], "0123456789",
                         ProbeSettings(), SENT_AT)
    assert address in probe.body and probe.to == address
