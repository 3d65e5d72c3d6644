"""Hostile and broken mail through the whole receive path: stored, never executed, never lost."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailprobe.classify import classify
from mailprobe.cli import app
from mailprobe.model import Kind
from mailprobe.store.session import open_database

FINDINGS = Path(__file__).resolve().parent / "fixtures" / "fuzz_findings"
TRAVERSAL = (
    b"From: x@unit.test\nSubject: files\nMIME-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nhi\n'
    b"--b\nContent-Type: application/octet-stream\n"
    b'Content-Disposition: attachment; filename="../../../../tmp/mailprobe-pwned"\n'
    b"Content-Transfer-Encoding: base64\n\naGFja2Vk\n--b--\n"
)
HUGE_HEADER = b"From: x@unit.test\nSubject: " + b"A" * 1_000_000 + b"\n\nbody\n"
JUNK_8BIT = (
    b"From: \xff\xfe\xc0\x80@\x81\nSubject: \xb2\xe2\xca\xd4\xd3\xca\xbc\xfe\n\n\xd5\xfd\xce\xc4\n"
)
BAD_CHARSET = (
    b"From: x@unit.test\nSubject: =?x-no-such-charset?B?5rWL6K+V?=\n"
    b"Content-Type: text/plain; charset=x-no-such-charset\n"
    b"Content-Transfer-Encoding: base64\n\n!!!not base64!!!\n"
)


@pytest.mark.parametrize("raw", [TRAVERSAL, HUGE_HEADER, JUNK_8BIT, BAD_CHARSET, b"", b"\x00" * 64])
def test_classify_returns_a_verdict_for_hostile_input(raw: bytes) -> None:
    verdict = classify(raw)
    assert isinstance(verdict.kind, Kind) and verdict.detector


def test_a_nul_in_a_charset_label_does_not_hide_a_real_bounce() -> None:
    # Found by fuzz/classify_fuzz.py: decode_text raised ValueError inside every detector.
    raw = (FINDINGS / "charset-nul-postfix-bounce.raw").read_bytes()
    assert b"charset=utf-8\x00" in raw
    verdict = classify(raw)
    assert verdict.kind is Kind.BOUNCE
    assert [(r.reason, r.hard) for r in verdict.recipients] == [("userunknown", True)]
    for name in ("charset-nul-minimal.raw", "charset-nul-libfuzzer-crash.raw",
                 "charset-nul-8bit-part.raw"):
        assert classify((FINDINGS / name).read_bytes()).error is None


def test_attachment_names_never_become_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MAILPROBE_DATABASE_URL", f"sqlite:///{tmp_path / 'mp.db'}")
    (tmp_path / "in").mkdir()
    for n, raw in enumerate([TRAVERSAL, HUGE_HEADER, JUNK_8BIT, BAD_CHARSET]):
        (tmp_path / "in" / f"{n}.eml").write_bytes(raw)
    open_database(f"sqlite:///{tmp_path / 'mp.db'}", create=True)  # as `mailprobe init` does
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "in"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["new"] == 4  # every message kept, none dropped
    assert not Path("/tmp/mailprobe-pwned").exists()
    written = {p.name for p in tmp_path.iterdir()}
    assert written <= {"in", "mp.db", "mp.db-wal", "mp.db-shm"}, written
    assert sorted(os.listdir(tmp_path / "in")) == [f"{n}.eml" for n in range(4)]
