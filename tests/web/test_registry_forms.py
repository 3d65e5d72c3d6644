"""Registry: a mailbox cell or a *_form column may hold a web form's URL."""

from __future__ import annotations

from pathlib import Path

from mailprobe.model import Mailbox
from mailprobe.registry import load_registry

CATEGORIES = ("county_district", "city_department")


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "units.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_url_in_the_leader_cell_is_that_roles_form(tmp_path: Path) -> None:
    path = write(tmp_path, "unit_id,name,category,public_mailbox,leader_mailbox",
                 "D01,教育局,city_department,jyj@example.gov.cn,https://www.example.gov.cn/ldxx")
    result = load_registry(path, CATEGORIES)
    assert result.errors == []
    leader = result.units[0].mailbox("leader")
    assert leader == Mailbox("leader", None, "https://www.example.gov.cn/ldxx")
    assert leader.channel == "form"
    assert result.units[0].mailbox("public").channel == "email"  # type: ignore[union-attr]


def test_form_columns_sit_beside_an_address_and_chinese_headers(tmp_path: Path) -> None:
    path = write(tmp_path, "单位编号,单位名称,类别,公共邮箱,领导信箱,领导信箱网址",
                 "D01,教育局,市直部门,jyj@example.gov.cn,ld@example.gov.cn,http://example.gov.cn/f")
    leader = load_registry(path, CATEGORIES).units[0].mailbox("leader")
    assert leader == Mailbox("leader", "ld@example.gov.cn", "http://example.gov.cn/f")
    assert leader.channel == "email"  # the address is the channel probed


def test_bad_urls_reject_the_row_with_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "unit_id,name,category,public_mailbox,leader_mailbox,public_form",
                 "D01,教育局,city_department,,https://exa mple.gov.cn/x,",
                 "D02,财政局,city_department,cz@example.gov.cn,,ftp://example.gov.cn/",
                 "D03,人社局,city_department,,https://-bad-.gov.cn/,",
                 "D04,交通局,city_department,https://example.gov.cn/a,https://example.gov.cn/a,")
    result = load_registry(path, CATEGORIES)
    assert result.units == []
    shown = [str(e) for e in result.errors]
    assert [e.line for e in result.errors] == [2, 3, 4, 5]
    assert shown[0].startswith('units.csv:2: column "leader_mailbox": "https://exa mple.gov.cn/x"'
                               " is not a usable web address")
    assert shown[1].startswith('units.csv:3: column "public_form": "ftp://example.gov.cn/" is '
                               "not a web address")
    assert "has no valid host name" in shown[2]
    assert "is also the public form" in shown[3]


def test_two_different_forms_for_one_role_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "unit_id,name,category,public_mailbox,leader_mailbox,leader_form",
                 "D01,教育局,city_department,,https://a.gov.cn/1,https://a.gov.cn/2")
    (error,) = load_registry(path, CATEGORIES).errors
    assert "name two forms for one role; keep one" in str(error)


def test_yaml_accepts_form_keys(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text("- unit_id: D01\n  name: 教育局\n  category: city_department\n"
                    "  public_mailbox: jyj@example.gov.cn\n  leader_mailbox:\n"
                    "  leader_form: https://www.example.gov.cn/ldxx\n", encoding="utf-8")
    result = load_registry(path, CATEGORIES)
    assert result.errors == []
    assert result.units[0].mailbox("leader") == Mailbox("leader", None,
                                                        "https://www.example.gov.cn/ldxx")
