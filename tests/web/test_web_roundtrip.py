"""Web-form channels end to end against a simulated government site on loopback.

create -> (launch) -> worksheet -> the form submitted -> the answer on the query page ->
web poll -> score, on SQLite and PostgreSQL; and the contract an external check relies on.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from tests.conftest import cli_runner
from tests.servers.govsite import GovSite

HEADER = "unit_id,name,category,public_mailbox,leader_mailbox"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str):  # type: ignore[no-untyped-def]
    return cli_runner(tmp_path, monkeypatch, {"MAILPROBE_DATABASE_URL": db_url,
                                              "MAILPROBE_ACTOR": "tester"})


def launch(cli, name: str) -> None:  # type: ignore[no-untyped-def]
    """Web probes are recorded only on a launched campaign (docs/design.md §1)."""
    cli("campaign", "launch", name, "--yes")


def site_config(tmp_path: Path, site: GovSite, date_format: str = "%Y-%m-%d %H:%M") -> None:
    (tmp_path / "mailprobe.toml").write_text(
        "[web]\ndelay_seconds = 0\nretries = 1\ntimeout = 10\n"
        '[web.sites."127.0.0.1"]\n'
        f'lookup_url = "{site.base}/query?code={{query_code}}"\n'
        'answered_selector = ".answered"\nanswer_selector = ".reply-body"\n'
        f'date_selector = ".reply-date"\ndate_format = "{date_format}"\n', encoding="utf-8")


def registry(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "units.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return str(path)


def submit_form(site: GovSite, text: str) -> str:
    """What staff do by hand: paste the text into the form and note the query code."""
    page = httpx.post(f"{site.base}/ldxx", data={"title": "咨询", "content": text}).text
    found = re.search(r"class='qcode'>(Q\d+)<", page)
    assert found, page
    return found.group(1)


def one_form_submitted(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                       gov_site: GovSite) -> tuple[dict[str, str], str]:
    """One unit whose 领导信箱 is the site's form: launched, and the form submitted on the site."""
    cli("units", "import", registry(
        tmp_path, f"D01,教育局,city_department,,{gov_site.base}/ldxx"))
    cli("campaign", "create", "r1")
    launch(cli, "r1")
    (row,) = json.loads(cli("web", "worksheet", "r1", "--json"))
    return row, submit_form(gov_site, row["text"])

def test_form_probe_round_trip_through_the_query_page(cli, tmp_path: Path,
                                                      gov_site: GovSite) -> None:
    gov_site.answer_after_polls = 1  # the site answers after one "办理中" read
    site_config(tmp_path, gov_site)
    cli("units", "import", registry(
        tmp_path, f"D01,教育局,city_department,jyj@example.org,{gov_site.base}/ldxx"))
    created = json.loads(cli("campaign", "create", "r1", "--json"))
    assert (created["probes"], created["manual"]) == (1, 1)
    launch(cli, "r1")
    (row,) = json.loads(cli("web", "worksheet", "r1", "--json"))
    assert set(row) == {"code", "unit_id", "role", "url", "subject", "text"}
    assert (row["unit_id"], row["role"], row["url"]) == ("D01", "leader", f"{gov_site.base}/ldxx")
    assert row["code"] in row["text"] and row["code"] in row["subject"]
    query_code = submit_form(gov_site, row["text"])
    assert row["code"] in gov_site.tickets[query_code].text
    cli("web", "submitted", row["code"], "--at", "2026-03-02T10:00", "--query-code", query_code)
    first = json.loads(cli("web", "poll", "--json"))
    assert (first["checked"], first["waiting"], first["answered"]) == (1, 1, [])
    second = json.loads(cli("web", "poll", "--json"))
    assert [a["basis"] for a in second["answered"]] == ["published"]
    assert json.loads(cli("web", "poll", "--json"))["checked"] == 0  # answered: not re-read
    uas = {ua for method, path, ua in gov_site.requests if path.startswith("/query")}
    assert len(uas) == 1 and uas.pop().startswith("mailprobe/")
    result = json.loads(cli("score", "r1", "--json"))
    (unit,) = result["units"]
    assert unit["leader_outcomes"] == ["human_substantive"]
    probe = next(p for p in result["probes"] if p["mailbox_type"] == "leader")
    assert probe["channel"] == "form" and probe["send_state"] == "submitted"
    # Mon 10:00 -> Wed 10:15 (Shanghai), office hours 8:30-12 and 14:30-17:30: 5 + 6.5 + 1.75.
    assert probe["human_latency"]["working_hours"] == pytest.approx(13.25)
    message = second["answered"][0]["message"]
    explained = json.loads(cli("explain", message, "--json"))
    detail = explained["verdicts"][-1]["detail"]
    assert detail["url"] == f"{gov_site.base}/query?code={query_code}"
    assert "户籍窗口" in detail["text"] and detail["basis"] == "published"


def test_query_page_without_a_time_of_day_ends_latency_at_1730(cli, tmp_path: Path,
                                                              gov_site: GovSite) -> None:
    site_config(tmp_path, gov_site, "%Y-%m-%d")
    row, query_code = one_form_submitted(cli, tmp_path, gov_site)
    cli("web", "submitted", row["code"], "--at", "2026-03-02T09:00", "--query-code", query_code)
    gov_site.answer(query_code, "请拨打12345咨询。", "2026-03-03")
    assert json.loads(cli("web", "poll", "--json"))["answered"][0]["basis"] == "published_date"
    probes = json.loads(cli("score", "r1", "--json"))["probes"]
    probe = next(p for p in probes if p["mailbox_type"] == "leader")
    assert probe["outcome"] == "human_non_substantive"  # a redirection to 12345
    assert probe["human_latency"]["working_hours"] == pytest.approx(12.5)  # Mon 9:00 -> Tue 17:30


def test_broken_form_is_reported_by_web_check_and_scored_unusable(cli, tmp_path: Path,
                                                                 gov_site: GovSite) -> None:
    site_config(tmp_path, gov_site)
    cli("units", "import", registry(
        tmp_path, f"D01,教育局,city_department,,{gov_site.base}/ldxx",
        f"D02,财政局,city_department,,{gov_site.base}/broken",
        f"D03,人社局,city_department,{gov_site.base}/flaky,"))
    checked = json.loads(cli("web", "check", "--json", code=4))
    assert checked["checked"] == 3
    assert {(u["unit_id"], u["status"]) for u in checked["unreachable"]} == {
        ("D02", 404), ("D03", 503)}
    cli("campaign", "create", "r1")
    launch(cli, "r1")
    rows = {r["unit_id"]: r for r in json.loads(cli("web", "worksheet", "r1", "--json"))}
    cli("web", "failed", rows["D02"]["code"], "--reason", "表单页面404")
    cli("web", "failed", rows["D02"]["code"], "--reason", "again", code=3)  # no longer manual
    assert len(json.loads(cli("web", "worksheet", "r1", "--json"))) == 2
    result = json.loads(cli("score", "r1", "--json"))
    d02 = next(u for u in result["units"] if u["unit_id"] == "D02")
    assert d02["leader_outcomes"] == ["channel_unusable"]
    assert "NO_EFFECTIVE_CHANNEL" in d02["flags"]
    status = json.loads(cli("campaign", "status", "r1", "--json"))
    assert (status["counts"]["manual"], status["counts"]["unusable"]) == (2, 1)


def test_staff_records_refuse_what_does_not_fit(cli, tmp_path: Path) -> None:
    cli("units", "import", registry(
        tmp_path, "D01,教育局,city_department,jyj@example.org,https://www.example.gov.cn/ldxx"))
    cli("campaign", "create", "r1")
    launch(cli, "r1")
    (row,) = json.loads(cli("web", "worksheet", "r1", "--json"))
    answer = tmp_path / "answer.txt"
    answer.write_text("您好，可以办理。", encoding="utf-8")
    # An answer before the form was submitted, a code that is no probe, an e-mail probe.
    cli("web", "answered", row["code"], "--at", "2026-03-03T10:00", "--text-file",
        str(answer), code=3)
    cli("web", "submitted", "MP-AAAAA-AAAAA", code=3)
    preview = json.loads(cli("campaign", "preview", "r1", "--json"))
    email = next(p for p in preview if p["mailbox"] == "public")
    cli("web", "submitted", email["matched_on"]["code"], code=3)
    cli("web", "submitted", row["code"], "--at", "2026-03-02T10:00")
    cli("web", "answered", row["code"], "--at", "2026-03-01T10:00", "--text-file",
        str(answer), code=3)  # before the submission
    log = json.loads(cli("override", "list", "--json"))
    assert [(e["action"], e["actor"]) for e in log] == [("web_submitted", "tester")]


def test_a_draft_campaign_takes_no_staff_record(cli, tmp_path: Path) -> None:
    cli("units", "import", registry(
        tmp_path, "D01,教育局,city_department,,https://www.example.gov.cn/ldxx"))
    cli("campaign", "create", "r1")
    (row,) = json.loads(cli("web", "worksheet", "r1", "--json"))
    cli("web", "submitted", row["code"], code=3)
    plan = json.loads(cli("campaign", "launch", "r1", "--yes", "--json"))["plan"]
    assert (plan["probes"], plan["manual"]) == (0, 1)  # a form is never "sent"
    cli("web", "submitted", row["code"])
    cli("campaign", "cancel", "r1", "--reason", "test")
    cli("web", "failed", row["code"], "--reason", "x", code=3)


def test_contract_leader_form_counts_manual_then_scores_a_human_reply(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    """The external check: init, a real sender, a leader_mailbox https://…, create, launch,
    status counts.manual, web submitted + web answered, score shows `human…` for leader."""
    cli = cli_runner(tmp_path, monkeypatch, {
        "MAILPROBE_DATABASE_URL": db_url, "MAILPROBE_PROBE_FROM": "zixun@xxb-test.cn",
        "MAILPROBE_PROBE_RETURN_PATH": "bounce+{token}@xxb-test.cn",
        "MAILPROBE_PROBE_ALLOW_PLACEHOLDER": "false"})  # a real sender, as the check sets
    cli("init")
    cli("units", "import", registry(
        tmp_path, "D01,市教育局,city_department,jyj@example.org,"
                  "https://www.example.gov.cn/ldxx/index.html"))
    (listed,) = json.loads(cli("units", "list", "--json"))
    assert listed["forms"] == {"leader": "https://www.example.gov.cn/ldxx/index.html"}
    created = json.loads(cli("campaign", "create", "c1", "--json"))
    assert created["manual"] == 1
    launch(cli, "c1")
    assert json.loads(cli("campaign", "status", "c1", "--json"))["counts"]["manual"] == 1
    (row,) = json.loads(cli("web", "worksheet", "c1", "--json"))
    cli("web", "submitted", row["code"], "--at", "2026-03-02T10:00:00")
    answer = tmp_path / "answer.txt"
    answer.write_text("您好！您咨询的事项可在区政务服务中心办理，需携带身份证原件。",
                      encoding="utf-8")
    cli("web", "answered", row["code"], "--at", "2026-03-03T15:00:00", "--text-file",
        str(answer))
    (unit,) = json.loads(cli("score", "c1", "--json"))["units"]
    assert unit["leader_outcomes"][0].startswith("human")


def test_worksheet_xlsx_holds_the_text_to_paste(cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    cli("units", "import", registry(
        tmp_path, "D01,教育局,city_department,,https://www.example.gov.cn/ldxx"))
    cli("campaign", "create", "r1")
    cli("web", "worksheet", "r1", "-o", "forms.xlsx")
    sheet = load_workbook(tmp_path / "forms.xlsx").active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert header[:5] == ["探针编码", "单位编号", "单位名称", "信箱类型", "表单网址"]
    assert row[1:5] == ["D01", "教育局", "领导信箱", "https://www.example.gov.cn/ldxx"]
    assert row[0] in row[6] and row[0] in row[5]  # the code is in the subject and the text


def test_run_reads_the_query_pages_of_submitted_forms(cli, tmp_path: Path,
                                                      gov_site: GovSite) -> None:
    site_config(tmp_path, gov_site)
    row, query_code = one_form_submitted(cli, tmp_path, gov_site)
    cli("web", "submitted", row["code"], "--at", "2026-03-02T10:00", "--query-code", query_code)
    assert json.loads(cli("run", "--json"))["web_answered"] == 0
    gov_site.answer(query_code, gov_site.auto_answer, "2026-03-03 09:00")
    assert json.loads(cli("run", "--json"))["web_answered"] == 1
    (unit,) = json.loads(cli("score", "r1", "--json"))["units"]
    assert unit["leader_outcomes"] == ["human_substantive"]


def test_an_email_answer_to_a_form_probe_is_matched_by_its_code(cli, tmp_path: Path) -> None:
    cli("units", "import", registry(
        tmp_path, "D01,教育局,city_department,,https://www.example.gov.cn/ldxx"))
    cli("campaign", "create", "r1")
    launch(cli, "r1")
    (row,) = json.loads(cli("web", "worksheet", "r1", "--json"))
    cli("web", "submitted", row["code"], "--at", "2026-03-02T10:00")
    reply = tmp_path / "reply.eml"
    reply.write_bytes((
        "From: =?utf-8?b?5pWZ6IKy5bGA?= <ldxx@jyj.example.gov.cn>\r\n"
        "To: citizen@xxb-test.cn\r\nDate: Tue, 03 Mar 2026 10:00:00 +0800\r\n"
        f"Subject: =?utf-8?b?5Zue5aSN77ya?= {row['code']}\r\n"
        "Message-ID: <r1@jyj.example.gov.cn>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        "您好，居住证可在户籍窗口办理，需携带身份证和居住证明，工作日受理。\r\n"
        f"来信编号：{row['code']}\r\n").encode())
    assert json.loads(cli("ingest", str(reply), "--json"))["matched"] == 1
    (unit,) = json.loads(cli("score", "r1", "--json"))["units"]
    assert unit["leader_outcomes"] == ["human_substantive"]
