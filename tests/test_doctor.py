"""`mailprobe doctor` against real servers: Postfix, Dovecot, an aiosmtpd sink, a DNS server
on loopback; a good set-up passes (exit 0), each broken part fails with its fix (exit 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command

from mailprobe.store.session import alembic_config, make_engine
from tests.conftest import cli_runner
from tests.servers.dns import d
from tests.servers.process import free_port

REGISTRY = f"""unit_id,name,category,public_mailbox,leader_mailbox
D01,甲区人民政府,county_district,zwgk@{d("mx-ok")},qzxx@{d("nullmx")}
D02,乙县人民政府,county_district,xzf@{d("a-only")},
"""


def statuses(document: str) -> dict[str, dict[str, str]]:
    return {c["name"]: c for c in json.loads(document)["checks"]}


@pytest.mark.servers
def test_a_good_set_up_passes_and_the_send_test_arrives_by_imap(  # type: ignore[no-untyped-def]
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postfix, dovecot, dns_server) -> None:
    ours = dovecot.create_user()
    local = ours.address.split("@")[0]
    cli = cli_runner(tmp_path, monkeypatch, {
        "MAILPROBE_DATABASE_URL": f"sqlite:///{tmp_path / 'mp.db'}",
        "MAILPROBE_SMTP_PORT": str(postfix.smtp_port),
        "MAILPROBE_IMAP_HOST": "127.0.0.1", "MAILPROBE_IMAP_PORT": str(dovecot.imap_port),
        "MAILPROBE_IMAP_TLS": "none", "MAILPROBE_IMAP_USERNAME": ours.address,
        "MAILPROBE_IMAP_PASSWORD_ENV": "MP_TEST_IMAP_PW", "MP_TEST_IMAP_PW": ours.password,
        "MAILPROBE_PROBE_FROM": ours.address,
        "MAILPROBE_PROBE_RETURN_PATH": f"{local}+{{token}}@probe.test",
        "MAILPROBE_PROBE_ALLOW_PLACEHOLDER": "false",
        "MAILPROBE_DNS_CHECK": "true", **dns_server.env()})
    (tmp_path / "units.csv").write_text(REGISTRY, encoding="utf-8")
    cli("units", "import", str(tmp_path / "units.csv"))
    checks = statuses(cli("doctor", "--send-test", "--json"))
    assert {n: c["status"] for n, c in checks.items()} == {
        "configuration": "ok", "database": "ok", "smtp": "ok", "imap": "ok", "sender": "ok",
        "destinations": "warn", "web forms": "skip", "send test": "ok"}
    assert d("nullmx") in checks["destinations"]["detail"]
    assert "RFC 7505" in checks["destinations"]["detail"]
    assert d("mx-ok") not in checks["destinations"]["detail"]
    assert f"{local}+" in checks["send test"]["detail"]  # the VERP return path arrived
    assert "arrived in INBOX" in checks["send test"]["detail"]
    text = cli("doctor")
    assert "[OK  ] smtp:" in text and "[WARN] destinations:" in text and "fix: " in text


@pytest.mark.servers
def test_a_missing_junk_folder_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                     dovecot) -> None:
    ours = dovecot.create_user(folders=("INBOX",))
    cli = cli_runner(tmp_path, monkeypatch, {
        "MAILPROBE_DATABASE_URL": f"sqlite:///{tmp_path / 'mp.db'}",
        "MAILPROBE_IMAP_PORT": str(dovecot.imap_port), "MAILPROBE_IMAP_TLS": "none",
        "MAILPROBE_IMAP_USERNAME": ours.address, "MAILPROBE_IMAP_PASSWORD_ENV": "MP_PW",
        "MP_PW": ours.password})
    imap = statuses(cli("doctor", "--json", code=3))["imap"]  # no SMTP server: exit 3
    assert imap["status"] == "warn" and "Junk" in imap["detail"]


def test_a_broken_set_up_fails_each_part_with_its_fix(  # type: ignore[no-untyped-def]
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_smtp_sink) -> None:
    sink = make_smtp_sink(credentials=("probe", "right"))
    monkeypatch.chdir(tmp_path)
    cli = cli_runner(tmp_path, monkeypatch, {
        "MAILPROBE_SMTP_PORT": str(sink.port), "MAILPROBE_SMTP_USERNAME": "probe",
        "MAILPROBE_SMTP_PASSWORD_ENV": "MP_PW", "MP_PW": "wrong",
        "MAILPROBE_IMAP_PORT": str(free_port()), "MAILPROBE_IMAP_TLS": "none",
        "MAILPROBE_IMAP_USERNAME": "probe", "MAILPROBE_IMAP_PASSWORD_ENV": "MP_PW",
        "MAILPROBE_PROBE_ALLOW_PLACEHOLDER": "false"})
    checks = statuses(cli("doctor", "--send-test", "--json", code=3))
    assert {n: c["status"] for n, c in checks.items()} == {
        "configuration": "ok", "database": "fail", "smtp": "fail", "imap": "fail",
        "sender": "fail", "destinations": "skip", "web forms": "skip", "send test": "skip"}
    assert "run `mailprobe init`" in checks["database"]["fix"]
    assert "refused login for probe" in checks["smtp"]["detail"]
    assert "password" in checks["smtp"]["fix"]
    assert "cannot connect" in checks["imap"]["detail"]
    assert "placeholder domain example.org" in checks["sender"]["detail"]
    assert sink.received == [] and not (tmp_path / "mailprobe.db").exists()


def test_an_old_schema_and_a_bad_config_fail(tmp_path: Path,  # type: ignore[no-untyped-def]
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'mp.db'}"
    cli = cli_runner(tmp_path, monkeypatch, {"MAILPROBE_DATABASE_URL": url})
    command.downgrade(alembic_config(make_engine(url)), "0001")
    database = statuses(cli("doctor", "--json", code=3))["database"]
    assert database["status"] == "fail" and "has schema 0001" in database["detail"]
    (tmp_path / "mailprobe.toml").write_text("[smtp]\nport = 'x'\n", encoding="utf-8")
    (config,) = statuses(cli("doctor", "--json", code=3)).values()
    assert config["status"] == "fail" and "[smtp] port" in config["detail"]


def test_doctor_lists_web_forms_that_do_not_answer(tmp_path: Path,  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    gov_site) -> None:
    cli = cli_runner(tmp_path, monkeypatch, {
        "MAILPROBE_DATABASE_URL": f"sqlite:///{tmp_path / 'mp.db'}"})
    registry = tmp_path / "units.csv"
    registry.write_text("unit_id,name,category,public_mailbox,leader_mailbox\n"
                        f"D01,甲区人民政府,county_district,,{gov_site.base}/ldxx\n"
                        f"D02,乙县人民政府,county_district,,{gov_site.base}/broken\n",
                        encoding="utf-8")
    cli("units", "import", str(registry))
    forms = statuses(cli("doctor", "--json", code=3))["web forms"]  # no SMTP server: exit 3
    assert forms["status"] == "warn" and "1 of 2" in forms["detail"]
    assert "/broken" in forms["detail"] and "/ldxx" not in forms["detail"]
