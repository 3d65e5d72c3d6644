"""The receive side through the CLI: ingest, classify, review, explain, reclassify, override,
score and report — on exported mail shaped as the units' systems send it."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailprobe.demo_world import Behaviour, answer
from tests.conftest import cli_runner

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SECRET = "s3cret-for-scan"


@pytest.fixture
def smtp_sink(make_smtp_sink):  # type: ignore[no-untyped-def]
    """The sink demands AUTH, so the password is really used in every test here."""
    return make_smtp_sink(credentials=("mailprobe", SECRET))


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str, smtp_sink):  # type: ignore[no-untyped-def]
    return cli_runner(tmp_path, monkeypatch, {
        "MAILPROBE_DATABASE_URL": db_url, "MAILPROBE_SMTP_HOST": smtp_sink.host,
        "MAILPROBE_SMTP_PORT": str(smtp_sink.port), "MAILPROBE_SMTP_PER_DOMAIN_PER_MINUTE": "1000",
        "MAILPROBE_SMTP_USERNAME": "mailprobe", "MAILPROBE_SMTP_PASSWORD_ENV": "MP_SMTP_PW",
        "MP_SMTP_PW": SECRET})


def sent_campaign(cli, smtp_sink, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Import, create, send; write the units' answers (one of each kind) into a Maildir."""
    cli("units", "import", str(FIXTURES / "registry" / "units-ok.csv"))
    cli("campaign", "create", "r1", "--mailboxes", "public")
    cli("campaign", "launch", "r1", "--yes")
    cli("campaign", "send", "r1")
    maildir = tmp_path / "export"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    kinds = ["dsn_unknown", "auto_ack", "human", "human_brief"]
    rng = random.Random(1)
    arrival = datetime.now(UTC) + timedelta(hours=2)
    for n, (received, kind) in enumerate(zip(smtp_sink.received, kinds, strict=False)):
        raw = answer(received.data, Behaviour(kind), arrival, "consult@example.org", rng)
        assert raw is not None
        (maildir / "new" / f"{int(arrival.timestamp()) + n}.M{n}.x").write_bytes(raw)
    (maildir / "new" / f"{int(arrival.timestamp())}.M99.x").write_bytes(
        b"From: stranger@elsewhere.org\nSubject: hello\n\nunrelated\n")
    return maildir


def test_ingest_matches_every_answer_and_sends_the_stranger_to_review(  # type: ignore[no-untyped-def]
        cli, smtp_sink, tmp_path):
    maildir = sent_campaign(cli, smtp_sink, tmp_path)
    data = json.loads(cli("ingest", str(maildir), "--json"))
    assert (data["new"], data["matched"], data["review"]) == (5, 4, 1)
    again = json.loads(cli("ingest", str(maildir), "--json"))
    assert (again["new"], again["duplicates"]) == (0, 5)
    [stranger] = json.loads(cli("review", "--json"))
    assert stranger["sender"] == "stranger@elsewhere.org"
    status = json.loads(cli("campaign", "status", "r1", "--json"))
    assert status["messages"] == {"bounce": 1, "auto_reply": 1, "human_reply": 2}


def test_explain_names_detector_evidence_and_match(cli, smtp_sink, tmp_path):  # type: ignore[no-untyped-def]
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))
    explained = [json.loads(cli("explain", str(n), "--json")) for n in range(1, 6)]
    bounce = next(e for e in explained if e["verdicts"][-1]["kind"] == "bounce")
    assert bounce["verdicts"][-1]["detector"] and bounce["match"]["evidence"]
    assert bounce["verdicts"][-1]["detail"]["recipients"][0]["status"] == "5.1.1"
    cli("explain", "999", code=3)


def test_reclassify_keeps_the_verdict_history(cli, smtp_sink, tmp_path):  # type: ignore[no-untyped-def]
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))
    data = json.loads(cli("reclassify", "--json"))
    assert data["reclassified"] == 5 and data["changed"] == []
    history = json.loads(cli("explain", "1", "--json"))["verdicts"]
    assert [v["current"] for v in history] == [False, True]


def test_overrides_are_logged_and_change_the_score(cli, smtp_sink, tmp_path):  # type: ignore[no-untyped-def]
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))
    before = json.loads(cli("score", "r1", "--json"))
    brief = next(p for p in before["probes"] if p["outcome"] == "human_non_substantive")
    [msg] = [m for m in before["messages"] if m["probe_id"] == brief["probe_id"]]
    cli("override", "substantive", str(msg["message_id"]), "yes", "--reason", "answered by phone",
        "--actor", "王芳")
    cli("override", "substantive", "1", "maybe", "--reason", "x", "--actor", "王芳", code=3)
    cli("override", "exclude", before["units"][-1]["unit_id"], "--reason", "merged",
        "--actor", "王芳")
    after = json.loads(cli("score", "r1", "--json"))
    changed = next(p for p in after["probes"] if p["probe_id"] == brief["probe_id"])
    assert changed["outcome"] == "human_substantive"
    assert len(after["overrides"]) == 2 and after["excluded_units"]
    log = json.loads(cli("override", "list", "--json"))
    assert [e["action"] for e in log] == ["substantive", "exclude"]


def test_link_ties_a_review_message_to_a_probe(cli, smtp_sink, tmp_path):  # type: ignore[no-untyped-def]
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))
    [stranger] = json.loads(cli("review", "--json"))
    [probe] = json.loads(cli("campaign", "preview", "r1", "--limit", "1", "--json"))
    cli("override", "link", str(stranger["message"]), probe["matched_on"]["code"],
        "--reason", "forwarded by the unit", "--actor", "王芳")
    assert json.loads(cli("review", "--json")) == []
    assert json.loads(cli("explain", str(stranger["message"]), "--json"))["match"]["by"] == "staff"


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "html", "notice"])
def test_report_in_every_format_says_provisional_while_window_open(  # type: ignore[no-untyped-def]
        cli, smtp_sink, tmp_path, fmt):
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))
    out = tmp_path / f"r.{fmt}"
    data = json.loads(cli("report", "r1", "--format", fmt, "-o", str(out), "--json"))
    assert data["provisional"] is True and Path(data["path"]).exists()


def test_secret_never_reaches_database_outputs_or_reports(cli, smtp_sink, tmp_path):  # type: ignore[no-untyped-def]
    outputs = [cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)), "--json")]
    outputs += [cli("score", "r1", "--json"), cli("campaign", "status", "r1", "--json"),
                cli("campaign", "preview", "r1", "--json"), cli("run", "--json", code=0)]
    for fmt in ("csv", "json", "html", "notice"):
        cli("report", "r1", "--format", fmt, "-o", str(tmp_path / f"out.{fmt}"))
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(SECRET not in text for text in outputs)
    assert all(SECRET.encode() not in p.read_bytes() for p in files)


def test_review_resolve_links_a_typed_code_once_and_the_log_shows_the_code(  # type: ignore[no-untyped-def]
        cli, smtp_sink, tmp_path):
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))
    [stranger] = json.loads(cli("review", "--json"))
    assert (stranger["reason"], stranger["candidate"]) == ("unmatched", None)
    [probe] = json.loads(cli("campaign", "preview", "r1", "--limit", "1", "--json"))
    code = probe["matched_on"]["code"]
    typed = code.replace("-", "－").lower()  # as a clerk's input method gives it
    args = ("review", "resolve", str(stranger["message"]), "--link", typed,
            "--reason", "单位转来的回复", "--actor", "王芳")
    assert f"counts for {code}" in cli(*args)
    assert "already in force" in cli(*args)
    log = json.loads(cli("override", "list", "--json"))
    assert [(e["action"], e["value"], e["actor"]) for e in log] == [("link", code, "王芳")]
    assert json.loads(cli("review", "--json")) == []


def test_decisions_that_do_not_fit_exit_3_and_log_nothing(  # type: ignore[no-untyped-def]
        cli, smtp_sink, tmp_path, monkeypatch):
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))
    kinds = {n: json.loads(cli("explain", str(n), "--json"))["verdicts"][-1]["kind"]
             for n in range(1, 6)}
    bounce = next(n for n, k in kinds.items() if k == "bounce")
    who = ("--reason", "checked", "--actor", "王芳")
    cli("override", "substantive", str(bounce), "yes", *who, code=3)
    cli("override", "kind", str(bounce), "spam", *who, code=3)
    cli("override", "link", str(bounce), "MP-ZZZZZ-ZZZZZ", *who, code=3)
    cli("review", "resolve", str(bounce), "--accept", "--unlink", *who, code=3)
    monkeypatch.delenv("USER", raising=False)
    monkeypatch.delenv("MAILPROBE_ACTOR", raising=False)
    cli("override", "unlink", str(bounce), "--reason", "spam", code=3)
    assert json.loads(cli("override", "list", "--json")) == []


def test_unlink_takes_a_message_out_of_review_and_explain_says_why(  # type: ignore[no-untyped-def]
        cli, smtp_sink, tmp_path):
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))
    [stranger] = json.loads(cli("review", "--json"))
    cli("override", "unlink", str(stranger["message"]), "--reason", "与测评无关",
        "--actor", "王芳")
    assert json.loads(cli("review", "--json")) == []
    explained = json.loads(cli("explain", str(stranger["message"]), "--json"))
    assert (explained["match"]["by"], explained["match"]["credited"]) == ("staff", False)
    assert [d["action"] for d in explained["decisions"]] == ["unlink"]
    assert "belongs to no probe" in cli("explain", str(stranger["message"]))


def test_score_as_of_a_moment_leaves_out_what_came_later(cli, smtp_sink, tmp_path):  # type: ignore[no-untyped-def]
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))  # answers arrive in 2 hours
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    later = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    before = json.loads(cli("score", "r1", "--as-of", soon, "--json"))
    assert before["messages"] == [] and before["stats"]["human_replies"] == 0
    assert before["generated_at"][:19] == soon[:19]  # scored at that moment
    after = json.loads(cli("score", "r1", "--as-of", later, "--json"))
    assert len(after["messages"]) == 4 and after["stats"]["human_replies"] == 2
    assert json.loads(cli("score", "r1", "--as-of", later, "--json")) == after  # reproducible
    closed = (datetime.now(UTC) + timedelta(days=90)).isoformat()
    assert json.loads(cli("score", "r1", "--as-of", closed, "--json"))["is_provisional"] is False
    unsent = json.loads(cli("score", "r1", "--as-of", "2020-01-01T00:00", "--json"))
    assert unsent["stats"]["sent"] == 0


def test_score_json_gives_each_rate_as_the_report_json_rate_object(  # type: ignore[no-untyped-def]
        cli, smtp_sink, tmp_path):
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))  # answers arrive in 2 hours
    later = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    scored = json.loads(cli("score", "r1", "--as-of", later, "--json"))
    cli("report", "r1", "--format", "json", "--as-of", later, "-o", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    stats = scored["stats"]
    assert stats["human_reply_rate_sent"] == {
        "value": round(stats["human_replies"] / stats["sent"], 3), "base": "sent",
        "numerator": stats["human_replies"], "denominator": stats["sent"]}
    assert scored["units"][0]["reply_rate"]["base"] == "charged"
    for part in ("stats", "category_stats", "units", "deadlines"):
        assert scored[part] == report[part], part


def test_report_as_of_is_stamped_with_that_moment(cli, smtp_sink, tmp_path):  # type: ignore[no-untyped-def]
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))
    out = tmp_path / "r.json"
    cli("report", "r1", "--format", "json", "-o", str(out), "--as-of", "2030-01-02T09:30")
    doc = json.loads(out.read_text("utf-8"))
    assert doc["as_of"] == "2030-01-02T01:30:00Z" and doc["timezone"] == "Asia/Shanghai"
    assert doc["is_provisional"] is False


def test_console_times_are_in_the_campaign_zone_and_say_so(cli, smtp_sink, tmp_path):  # type: ignore[no-untyped-def]
    cli("ingest", str(sent_campaign(cli, smtp_sink, tmp_path)))
    cli("override", "exclude", "D01", "--reason", "merged", "--actor", "王芳")
    [entry] = json.loads(cli("override", "list", "--json"))
    shown = datetime.fromisoformat(entry["at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{shown:%Y-%m-%d %H:%M} (Asia/Shanghai)" in cli("override", "list")
    assert "(Asia/Shanghai)" in cli("review")
