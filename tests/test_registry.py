"""The registry: every bad row reported with its line; good rows kept; any file gives data."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

from mailprobe.errors import InputError
from mailprobe.model import Mailbox, Unit
from mailprobe.registry import load_registry, parse_rows, parse_table

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "registry"
CATEGORIES = ("county_district", "city_department")
HEADER = "unit_id,name,category,public_mailbox,leader_mailbox"

BAD_CSV_ERRORS = [
    'units-bad.csv:3: column "public_mailbox": "foo@" is not a valid address '
    "(There must be something after the @-sign.); fix the row",
    'units-bad.csv:4: column "unit_id": is empty; fix the row',
    'units-bad.csv:5: column "name": is empty; fix the row',
    'units-bad.csv:6: column "category": "hospital" is not a known category; '
    "use one of: county_district, city_department; fix the row",
    'units-bad.csv:7: column "unit_id": "D01" is already used on line 2; '
    "each unit needs its own id; fix the row",
    'units-bad.csv:8: column "public_mailbox": "rsj＠example.gov.cn" is not a valid address '
    '(The email address has the "full-width" at-sign (@) character instead of a regular '
    "at-sign.); fix the row",
    'units-bad.csv:9: column "leader_mailbox": "jtj@example.gov.cn" is also the public mailbox; '
    "two probes to one address are not independent, leave one empty; fix the row",
    'units-bad.csv:10: column "public_mailbox": "a@example.gov.cn;b@example.gov.cn" is not a '
    "valid address (The part after the @-sign contains invalid characters: ';', '@'.); "
    "put one address per column; fix the row",
]


def load(path: Path) -> tuple[list[Unit], list[str]]:
    result = load_registry(path, CATEGORIES)
    return result.units, [str(e) for e in result.errors]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_ok_csv_loads_every_unit_with_its_line() -> None:
    units, errors = load(FIXTURES / "units-ok.csv")
    assert errors == []
    assert [(u.unit_id, u.line) for u in units] == [
        ("D01", 2), ("D02", 3), ("C01", 4), ("C02", 5), ("C03", 6)]


def test_ok_csv_keeps_names_categories_and_mailboxes() -> None:
    units, _ = load(FIXTURES / "units-ok.csv")
    assert units[0] == Unit("D01", "某某市某某区人民政府", "county_district",
                            (Mailbox("public", "zwgk@mqq.gov.cn"),
                             Mailbox("leader", "qzxx@mqq.gov.cn")), 2)


def test_empty_mailbox_means_not_published() -> None:
    units, _ = load(FIXTURES / "units-ok.csv")
    by_id = {u.unit_id: u for u in units}
    assert by_id["C02"].mailboxes == (Mailbox("public", None), Mailbox("leader", None))


def test_address_domain_is_lower_cased_and_idn_kept_in_unicode() -> None:
    units, _ = load(FIXTURES / "units-ok.csv")
    by_id = {u.unit_id: u for u in units}
    assert by_id["C01"].mailbox("public") == Mailbox("public", "jyj@example.gov.cn")
    assert by_id["C03"].mailbox("public") == Mailbox("public", "wgl@例子.中国")


def test_punycode_address_is_stored_in_the_same_unicode_form(tmp_path: Path) -> None:
    text = f"{HEADER}\nC03,文旅局,city_department,wgl@xn--fsqu00a.xn--fiqs8s,\n"
    path = write(tmp_path, "u.csv", text)
    units, _ = load(path)
    assert units[0].mailbox("public") == Mailbox("public", "wgl@例子.中国")


def test_bom_csv_with_chinese_headers_crlf_and_category_aliases() -> None:
    units, errors = load(FIXTURES / "units-bom.csv")
    assert errors == []
    assert [(u.unit_id, u.category, u.line) for u in units] == [
        ("D01", "county_district", 2), ("C01", "city_department", 3)]


def test_gbk_csv_as_saved_by_excel_on_chinese_windows(tmp_path: Path) -> None:
    text = (FIXTURES / "units-ok.csv").read_text(encoding="utf-8").replace("例子.中国", "wh.gov.cn")
    path = write(tmp_path, "units-gbk.csv", text.replace("\n", "\r\n").encode("gbk"))
    units, errors = load(path)
    assert errors == []
    assert units[0].name == "某某市某某区人民政府"


def test_gb18030_only_characters_decode(tmp_path: Path) -> None:
    path = write(tmp_path, "u.csv", f"{HEADER}\nD09,喆镕堃区人民政府,county_district,,\n"
                 .encode("gb18030"))
    units, _ = load(path)
    assert units[0].name == "喆镕堃区人民政府"


def test_utf16_tab_separated_unicode_text_from_excel(tmp_path: Path) -> None:
    text = HEADER.replace(",", "\t") + "\nD01\t某区政府\tcounty_district\ta@b.gov.cn\t\n"
    units, errors = load(write(tmp_path, "u.txt", text.encode("utf-16")))
    assert errors == [] and units[0].name == "某区政府"


def test_bad_csv_reports_every_bad_row_with_exact_message() -> None:
    _, errors = load(FIXTURES / "units-bad.csv")
    assert errors == BAD_CSV_ERRORS


def test_bad_csv_keeps_the_good_rows_and_skips_blank_lines() -> None:
    units, _ = load(FIXTURES / "units-bad.csv")
    assert [(u.unit_id, u.line) for u in units] == [("D01", 2), ("C06", 12)]


def test_missing_columns_give_one_error_naming_them(tmp_path: Path) -> None:
    path = write(tmp_path, "u.csv", "unit_id,name,public_mailbox\nD01,x,a@b.gov.cn\n")
    units, errors = load(path)
    assert units == []
    assert errors == ["u.csv:1: missing column(s) category, leader_mailbox; "
                      "the header row names: unit_id, name, public_mailbox; fix the row"]


def test_two_columns_for_one_field_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "u.csv", f"{HEADER},邮箱\n")
    assert load(path)[1] == ['u.csv:1: has two columns for "public_mailbox"; keep one; fix the row']


def test_errors_name_the_column_as_the_file_spells_it(tmp_path: Path) -> None:
    text = "单位编号,单位名称,类别,公共邮箱,领导信箱\nD1,区政府,区县,x@,\n"
    path = write(tmp_path, "u.csv", text)
    assert load(path)[1][0].startswith('u.csv:2: column "公共邮箱": "x@" is not a valid address')


def test_quoted_multiline_cell_keeps_file_line_numbers(tmp_path: Path) -> None:
    text = (f'{HEADER},备注\nD1,区政府,county_district,,,"两行\n备注"\n'
            "D2,县政府,county_district,x@,\n")
    _, errors = load(write(tmp_path, "u.csv", text))
    assert errors[0].startswith("u.csv:4:")


def test_control_characters_in_a_name_are_an_error(tmp_path: Path) -> None:
    _, errors = load(write(tmp_path, "u.csv", f"{HEADER}\nD1,区\x0b政府,county_district,,\n"))
    assert errors == ['u.csv:2: column "name": holds a line break or control character; '
                      "fix the row"]


def test_the_same_address_in_two_units_is_allowed(tmp_path: Path) -> None:
    text = f"{HEADER}\nD1,区政府,county_district,a@b.gov.cn,\nC1,局,city_department,a@b.gov.cn,\n"
    units, errors = load(write(tmp_path, "u.csv", text))
    assert (len(units), errors) == (2, [])


def test_categories_come_from_the_caller(tmp_path: Path) -> None:
    path = write(tmp_path, "u.csv", f"{HEADER}\nS1,某某学校,school,,\n")
    assert load_registry(path, ["school"]).errors == []


def test_xlsx_first_sheet_rows_by_row_number(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位编号", "单位名称", "类别", "公共邮箱", "领导信箱"])
    sheet.append([101, "某某市某某区人民政府", "区县", "zwgk@mqq.gov.cn", None])
    sheet.append([None, None, None, None, None])
    sheet.append([102.0, "某某县人民政府", "county_district", "bad@", None])
    book.create_sheet("other").append(["ignored"])
    book.save(tmp_path / "units.xlsx")
    units, errors = load(tmp_path / "units.xlsx")
    assert [(u.unit_id, u.line) for u in units] == [("101", 2)]
    assert errors == ['units.xlsx:4: column "公共邮箱": "bad@" is not a valid address '
                      "(There must be something after the @-sign.); fix the row"]


def test_corrupt_xlsx_is_one_error(tmp_path: Path) -> None:
    path = write(tmp_path, "units.xlsx", b"PK\x03\x04" + os.urandom(200))
    units, errors = load(path)
    assert units == [] and len(errors) == 1
    assert errors[0].startswith("units.xlsx:1: the file cannot be opened as an XLSX workbook")


def test_old_xls_is_one_error_with_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "units.csv", b"\xd0\xcf\x11\xe0" + bytes(100))
    assert load(path)[1] == ["units.csv:1: the file is an old Excel .xls file; "
                             "save it as .xlsx or CSV UTF-8; fix the file"]


def test_yaml_items_with_start_lines_and_ids_kept_as_text() -> None:
    units, errors = load(FIXTURES / "units.yaml")
    assert errors == []
    assert [(u.unit_id, u.line, u.category) for u in units] == [
        ("0101", 3, "county_district"), ("C01", 8, "city_department"),
        ("C02", 13, "city_department")]


def test_yaml_plain_list_and_row_problems(tmp_path: Path) -> None:
    text = ("- {unit_id: 1, name: 区政府, category: county_district}\n"
            "- just a string\n"
            "- {unit_id: 2, nme: x, category: county_district}\n"
            "- {unit_id: 3, name: [a], category: county_district}\n")
    units, errors = load(write(tmp_path, "u.yml", text))
    assert [u.unit_id for u in units] == ["1"]
    assert errors == [
        "u.yml:2: a unit must be a mapping with the keys unit_id, name, category, "
        "public_mailbox, leader_mailbox; fix the row",
        'u.yml:3: unknown key "nme"; known keys: unit_id, name, category, public_mailbox, '
        "leader_mailbox; fix the row",
        'u.yml:4: key "name" must hold a single value; fix the row']


@pytest.mark.parametrize("text", ["a: [", "just text", "units: 3", ""])
def test_yaml_that_is_not_a_list_is_one_error(tmp_path: Path, text: str) -> None:
    units, errors = load(write(tmp_path, "u.yaml", text))
    assert units == [] and len(errors) == 1 and errors[0].startswith("u.yaml:1: the file ")


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_give_one_error_not_an_exception(tmp_path: Path, seed: int) -> None:
    path = write(tmp_path, "units.csv", os.urandom(4096))
    units, errors = load(path)
    assert units == [] and len(errors) == 1


def test_empty_file_has_no_header(tmp_path: Path) -> None:
    assert load(write(tmp_path, "u.csv", b""))[1] == [
        "u.csv:1: the file has no header row; the first row names the columns; fix the file"]


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the registry"):
        load_registry(tmp_path / "nope.csv", CATEGORIES)


def test_100000_rows_all_load(tmp_path: Path) -> None:
    lines = [HEADER] + [f"U{i},单位{i},city_department,box{i}@dept{i % 97}.gov.cn,"
                        for i in range(100_000)]
    path = write(tmp_path, "big.csv", "\n".join(lines) + "\n")
    result = load_registry(path, CATEGORIES)  # time and memory: benchmarks/registry_bench.py
    assert (len(result.units), result.errors) == (100_000, [])
    assert result.units[-1].unit_id == "U99999"


def test_parse_rows_works_on_plain_data() -> None:
    rows = [(7, {"unit_id": "X", "name": "某局", "category": "city_department",
                 "public_mailbox": "a@b.gov.cn"})]
    result = parse_rows(rows, "memory")
    assert result.units[0].line == 7
    assert result.units[0].mailbox("leader") == Mailbox("leader", None)


def test_parse_table_takes_the_first_non_blank_record_as_header() -> None:
    records = [(1, ["", ""]), (2, HEADER.split(",")), (3, ["D1", "区", "county_district"])]
    result = parse_table(records, "memory")
    assert result.errors == [] and result.units[0].line == 3


def test_non_ascii_local_part_is_refused(tmp_path: Path) -> None:
    text = f"{HEADER}\nD1,区政府,county_district,信箱@政府.cn,\n"
    _, errors = load(write(tmp_path, "u.csv", text))
    assert errors[0].startswith('u.csv:2: column "public_mailbox": "信箱@政府.cn" is not a valid '
                                "address (Internationalized characters before the @-sign")


def test_headers_the_reports_write_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", "单位编号,单位名称,类别,公开信箱,领导信箱\n"
                 "D01,某某区人民政府,县（市、区）,zwgk@a.gov.cn,ld@a.gov.cn\n"
                 "B01,某某市教育局,市直部门,jyj@b.gov.cn,\n")
    units, errors = load(path)
    assert errors == []
    assert [(u.unit_id, u.category, u.mailboxes[0].address) for u in units] == [
        ("D01", "county_district", "zwgk@a.gov.cn"), ("B01", "city_department", "jyj@b.gov.cn")]


def test_a_row_with_missing_columns_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", f"{HEADER}\nD01,某区,county_district,a@a.gov.cn\n"
                 "D02,某县,county_district,b@b.gov.cn,\n")
    units, errors = load(path)
    assert errors == ["r.csv:2: has 4 cells but the header names 5 columns; a column is "
                      "missing (a lost separator?), write empty cells as ,,; fix the row"]
    assert [u.unit_id for u in units] == ["D02"]


def test_a_unit_publishing_no_mailbox_is_imported_with_a_warning_naming_its_row(
        tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", f"{HEADER}\nD01,某区,county_district,a@a.gov.cn,\n"
                 "D02,某县,county_district,,\n")
    result = load_registry(path, CATEGORIES)
    assert result.errors == [] and [u.unit_id for u in result.units] == ["D01", "D02"]
    assert result.warnings == [
        'r.csv:3: unit "D02" (某县) publishes no mailbox; imported, it scores as "no channel '
        'published": confirm with the unit that it has none']
