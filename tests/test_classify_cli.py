"""`mailprobe classify PATH... --json`: the contract outside checks rely on."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mailprobe.cli import app

DSN = (b"From: MAILER-DAEMON@mx.unit.test\nTo: probe+abcdefghjk@example.org\n"
       b"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
       b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
       b"--b\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
       b"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.unit.test\n\n"
       b"Final-Recipient: rfc822; gone@unit.test\nAction: failed\nStatus: 5.1.1\n"
       b"Diagnostic-Code: smtp; 550 5.1.1 <gone@unit.test>: User unknown\n\n--b--\n")
AUTO = ("From: gzxx@unit.test\nTo: consult@example.org\nSubject: 自动回复: 咨询\n"
        "X-QQ-AUTO-REPLY: true\nContent-Type: text/plain; charset=utf-8\n\n"
        "这是来自QQ邮箱的假期自动回复邮件。\n").encode()


def test_classify_json_walks_files_and_maildirs_in_input_order(tmp_path: Path) -> None:
    (tmp_path / "one.eml").write_bytes(DSN)
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "box" / sub).mkdir(parents=True)
    (tmp_path / "box" / "new" / "1700000000.M1.x").write_bytes(AUTO)
    (tmp_path / "box" / "tmp" / "1700000001.M2.x").write_bytes(b"not delivered yet")
    junk = tmp_path / "junk.eml"
    junk.write_bytes(b"\xff\xfe\x00garbage\x00\r\n\r\n\x80")
    result = CliRunner().invoke(app, ["classify", str(junk), str(tmp_path / "one.eml"),
                                      str(tmp_path / "box"), "--json"])
    assert result.exit_code == 0, result.output
    docs = json.loads(result.stdout)
    assert [Path(d["path"]).name for d in docs] == ["junk.eml", "one.eml", "1700000000.M1.x"]
    _, bounce, auto = docs
    assert bounce["kind"] == "bounce" and bounce["detector"]
    first = bounce["recipients"][0]
    assert (first["address"], first["status"], first["reason"], first["hard"]) == (
        "gone@unit.test", "5.1.1", "userunknown", True)
    assert "abcdefghjk" in bounce["probe_refs"]
    assert auto["kind"] == "auto_reply"
    assert all(set(d) >= {"path", "kind", "detector", "recipients", "probe_refs"} for d in docs)


def test_classify_missing_path_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["classify", str(tmp_path / "none.eml"), "--json"])
    assert result.exit_code == 3
