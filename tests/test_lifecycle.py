"""A campaign's lifecycle through the CLI (docs/design.md §1), sending to aiosmtpd on
loopback: a draft is never sent, launch refuses overlaps and placeholder senders, cancel
stops everything unsent, deferred retries included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailprobe.cli import app
from tests.conftest import cli_runner

REGISTRY = Path(__file__).resolve().parent / "fixtures" / "registry" / "units-ok.csv"
PUBLIC = 4  # public mailboxes published in units-ok.csv


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str, smtp_sink):  # type: ignore[no-untyped-def]
    return cli_runner(tmp_path, monkeypatch, {
        "MAILPROBE_DATABASE_URL": db_url, "MAILPROBE_SMTP_PORT": str(smtp_sink.port),
        "MAILPROBE_SMTP_PER_DOMAIN_PER_MINUTE": "1000"})


def status(cli, name: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return json.loads(cli("campaign", "status", name, "--json"))  # type: ignore[no-any-return]


def test_a_created_campaign_is_not_sent_by_run_until_launched(cli, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    cli("units", "import", str(REGISTRY))
    created = json.loads(cli("campaign", "create", "r1", "--mailboxes", "public", "--json"))
    assert created["state"] == "draft" and created["probes"] == PUBLIC
    cli("run", "--quiet")
    assert smtp_sink.received == []
    assert status(cli, "r1")["counts"]["pending"] == PUBLIC
    refused = CliRunner().invoke(app, ["campaign", "send", "r1"])
    assert refused.exit_code == 3 and "campaign launch r1" in refused.stderr
    checked = json.loads(cli("campaign", "send", "r1", "--dry-run", "--json"))
    assert checked["planned"] == PUBLIC and checked["state"] == "draft"
    assert smtp_sink.received == [] and status(cli, "r1")["counts"]["pending"] == PUBLIC

    launched = json.loads(cli("campaign", "launch", "r1", "--yes", "--json"))
    assert launched["state"] == "launched" and launched["plan"]["probes"] == PUBLIC
    cli("run", "--quiet")
    assert len(smtp_sink.received) == PUBLIC
    assert status(cli, "r1")["counts"]["accepted"] == PUBLIC
    listed = {c["name"]: c["state"] for c in json.loads(cli("campaign", "list", "--json"))}
    assert listed == {"r1": "launched"}


def test_launch_without_yes_asks_and_a_no_leaves_a_draft(cli, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    cli("units", "import", str(REGISTRY))
    cli("campaign", "create", "r1", "--mailboxes", "public")
    declined = CliRunner().invoke(app, ["campaign", "launch", "r1"], input="n\n")
    assert declined.exit_code == 3 and f"{PUBLIC} probes" in declined.stderr
    assert status(cli, "r1")["state"] == "draft"
    accepted = CliRunner().invoke(app, ["campaign", "launch", "r1"], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert status(cli, "r1")["state"] == "launched"


def test_cancel_stops_pending_and_deferred_probes_and_keeps_what_was_sent(cli, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    cli("units", "import", str(REGISTRY))
    cli("campaign", "create", "r1", "--mailboxes", "public")
    cli("campaign", "launch", "r1", "--yes")
    smtp_sink.inject("rcpt", "451 4.3.0 try again later")  # one domain defers; paused for the run
    cli("campaign", "send", "r1", code=4)
    before = status(cli, "r1")["counts"]
    assert before["deferred"] == 1 and before["accepted"] == PUBLIC - 1
    cli("campaign", "cancel", "r1", code=3)  # a reason is required
    cancelled = json.loads(cli("campaign", "cancel", "r1", "--reason", "wrong template",
                               "--json"))
    assert cancelled["cancelled_probes"] == 1
    sent = len(smtp_sink.received)
    cli("run", "--quiet")
    cli("campaign", "send", "r1", code=3)
    after = status(cli, "r1")
    assert len(smtp_sink.received) == sent
    assert after["state"] == "cancelled" and after["cancel_reason"] == "wrong template"
    assert after["counts"]["accepted"] == PUBLIC - 1 and after["counts"]["cancelled"] == 1
    assert after["counts"]["deferred"] == 0
    cli("campaign", "launch", "r1", "--yes", code=3)  # a cancelled campaign stays cancelled


def test_launch_refuses_an_overlap_naming_the_mailboxes_even_with_yes(cli, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    cli("units", "import", str(REGISTRY))
    cli("campaign", "create", "r1", "--mailboxes", "public")
    cli("campaign", "launch", "r1", "--yes")
    cli("campaign", "create", "r2", "--mailboxes", "public,leader")
    refused = CliRunner().invoke(app, ["campaign", "launch", "r2", "--yes"])
    assert refused.exit_code == 3
    message = " ".join(refused.stderr.split())
    assert "zwgk@mqq.gov.cn (in r1)" in message and "--allow-overlap" in message
    assert "qzxx@mqq.gov.cn" not in message  # a leader mailbox r1 does not probe
    assert status(cli, "r2")["state"] == "draft"
    cli("campaign", "launch", "r2", "--yes", "--allow-overlap")
    assert status(cli, "r2")["state"] == "launched"


def test_a_cancelled_campaign_no_longer_overlaps(cli, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    cli("units", "import", str(REGISTRY))
    cli("campaign", "create", "r1", "--mailboxes", "public")
    cli("campaign", "launch", "r1", "--yes")
    cli("campaign", "cancel", "r1", "--reason", "restart")
    cli("campaign", "create", "r2", "--mailboxes", "public")
    cli("campaign", "launch", "r2", "--yes")


def test_an_empty_campaign_is_refused_and_its_name_stays_free(cli) -> None:  # type: ignore[no-untyped-def]
    cli("campaign", "create", "r1", code=3)
    assert json.loads(cli("campaign", "list", "--json")) == []
    cli("units", "import", str(REGISTRY))
    assert json.loads(cli("campaign", "create", "r1", "--json"))["probes"] > 0


def test_only_a_draft_can_be_deleted(cli, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    cli("units", "import", str(REGISTRY))
    cli("campaign", "create", "r1", "--mailboxes", "public")
    assert json.loads(cli("campaign", "delete", "r1", "--json"))["probes"] == PUBLIC
    assert json.loads(cli("campaign", "list", "--json")) == []
    cli("campaign", "create", "r1", "--mailboxes", "public")  # the name is free again
    cli("campaign", "launch", "r1", "--yes")
    cli("campaign", "delete", "r1", code=3)
    assert status(cli, "r1")["state"] == "launched"


def test_placeholder_sender_is_refused_at_launch_send_and_run(  # type: ignore[no-untyped-def]
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str, smtp_sink) -> None:
    cli = cli_runner(tmp_path, monkeypatch, {
        "MAILPROBE_DATABASE_URL": db_url, "MAILPROBE_SMTP_PORT": str(smtp_sink.port),
        "MAILPROBE_PROBE_FROM": "consult@gov.example.com",
        "MAILPROBE_PROBE_ALLOW_PLACEHOLDER": "false"})
    cli("units", "import", str(REGISTRY))
    cli("campaign", "create", "r1", "--mailboxes", "public")
    refused = CliRunner().invoke(app, ["campaign", "launch", "r1", "--yes"])
    assert refused.exit_code == 3 and "gov.example.com" in refused.stderr
    monkeypatch.setenv("MAILPROBE_PROBE_ALLOW_PLACEHOLDER", "true")
    cli("campaign", "launch", "r1", "--yes")
    monkeypatch.setenv("MAILPROBE_PROBE_ALLOW_PLACEHOLDER", "false")
    cli("campaign", "send", "r1", code=3)
    cli("run", "--quiet", code=3)
    assert smtp_sink.received == []


def test_message_id_domain_is_fixed_at_launch(  # type: ignore[no-untyped-def]
        cli, smtp_sink, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("units", "import", str(REGISTRY))
    monkeypatch.setenv("MAILPROBE_PROBE_FROM", "consult@created.gov.cn")
    cli("campaign", "create", "r1", "--mailboxes", "public")
    monkeypatch.setenv("MAILPROBE_PROBE_FROM", "consult@launched.gov.cn")
    cli("campaign", "launch", "r1", "--yes")
    monkeypatch.setenv("MAILPROBE_PROBE_FROM", "consult@later.gov.cn")
    cli("campaign", "send", "r1")
    assert status(cli, "r1")["message_id_domain"] == "launched.gov.cn"
    assert {m.message_id.rpartition("@")[2] for m in smtp_sink.received  # type: ignore[union-attr]
            } == {"launched.gov.cn>"}


def test_two_templates_and_a_seed_are_recorded(cli) -> None:  # type: ignore[no-untyped-def]
    cli("units", "import", str(REGISTRY))
    created = json.loads(cli("campaign", "create", "r1", "--template", "consult_office_hours",
                             "--template", "elderly_subsidy", "--seed", "42", "--json"))
    assert created["seed"] == 42 and created["warnings"] == []
    assert created["templates"] == ["consult_office_hours", "elderly_subsidy"]
    assert status(cli, "r1")["seed"] == 42
    single = json.loads(cli("campaign", "create", "r2", "--json"))
    assert "same text" in single["warnings"][0] and isinstance(single["seed"], int)
