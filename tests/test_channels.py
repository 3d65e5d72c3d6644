"""Destination domains dead by DNS are found at `campaign create`: their probes are stored
`unusable` (never sent) and score as channel_unusable, charged like a hard bounce."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import cli_runner
from tests.servers.dns import d

REGISTRY = f"""unit_id,name,category,public_mailbox,leader_mailbox
D01,甲区人民政府,county_district,zwgk@{d("mx-ok")},qzxx@{d("nullmx")}
D02,乙县人民政府,county_district,xzf@{d("nxdomain")},ld@{d("nothing")}
D03,丙县人民政府,county_district,xzf@{d("servfail")},
"""


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str,  # type: ignore[no-untyped-def]
        dns_server, smtp_sink):
    run = cli_runner(tmp_path, monkeypatch, {
        "MAILPROBE_DATABASE_URL": db_url, "MAILPROBE_SMTP_PORT": str(smtp_sink.port),
        "MAILPROBE_DNS_CHECK": "true", **dns_server.env()})
    (tmp_path / "units.csv").write_text(REGISTRY, encoding="utf-8")
    run("units", "import", str(tmp_path / "units.csv"))
    return run


def test_dead_domains_are_recorded_unusable_and_never_sent(cli, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    created = json.loads(cli("campaign", "create", "r1", "--json"))
    dead = {d["domain"]: d["detail"] for d in created["dead_domains"]}
    assert set(dead) == {d("nullmx"), d("nxdomain"), d("nothing")}
    assert "RFC 7505" in dead[d("nullmx")] and "NXDOMAIN" in dead[d("nxdomain")]
    # SERVFAIL is unknown, never dead: that probe stays pending and is sent.
    assert (created["probes"], created["unusable"]) == (2, 3)
    cli("campaign", "launch", "r1", "--yes")
    cli("campaign", "send", "r1")
    assert sorted(smtp_sink.handler.rcpt_seen) == [f"xzf@{d('servfail')}", f"zwgk@{d('mx-ok')}"]
    counts = json.loads(cli("campaign", "status", "r1", "--json"))["counts"]
    assert (counts["accepted"], counts["unusable"]) == (2, 3)


def test_unusable_channels_score_like_hard_bounces(cli) -> None:  # type: ignore[no-untyped-def]
    cli("campaign", "create", "r1")
    cli("campaign", "launch", "r1", "--yes")
    cli("campaign", "send", "r1")
    units = {u["unit_id"]: u for u in json.loads(cli("score", "r1", "--json"))["units"]}
    assert units["D02"]["public_outcomes"] == ["channel_unusable"]
    assert units["D02"]["leader_outcomes"] == ["channel_unusable"]
    assert "NO_EFFECTIVE_CHANNEL" in units["D02"]["flags"]
    assert units["D01"]["leader_outcomes"] == ["channel_unusable"]
    assert "NO_EFFECTIVE_CHANNEL" not in units["D01"]["flags"]
    assert units["D02"]["leader_score"] == 0.0
