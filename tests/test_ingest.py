"""Exported mail: .eml files, Maildir folders and mbox files, with their arrival times."""

from __future__ import annotations

import mailbox
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailprobe.errors import InputError
from mailprobe.ingest import iter_messages, message_files

MSG = (b"Received: from mx.a.gov.cn by mx.example.org; Tue, 3 Mar 2026 10:00:00 +0800\n"
       b"From: a@a.gov.cn\nSubject: hi\n\nbody\n")


def test_eml_arrival_is_the_newest_received_header_not_date(tmp_path: Path) -> None:
    (tmp_path / "one.eml").write_bytes(MSG + b"Date: Sun, 1 Mar 2026 00:00:00 +0000\n")
    [found] = list(iter_messages([tmp_path / "one.eml"]))
    assert found.received_at == datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


def test_maildir_arrival_is_the_delivery_stamp_and_new_and_cur_are_read(tmp_path: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "new" / "1772500000.M1P1.host").write_bytes(MSG)
    (tmp_path / "cur" / "1772500001.M2P1.host:2,S").write_bytes(MSG + b"2")
    (tmp_path / "tmp" / "1772500002.M3P1.host").write_bytes(MSG + b"3")  # not delivered yet
    found = list(iter_messages([tmp_path]))
    assert sorted(f.received_at.timestamp() for f in found) == [1772500000, 1772500001]


def test_mbox_yields_every_message_with_its_from_line_time(tmp_path: Path) -> None:
    box = mailbox.mbox(str(tmp_path / "export.mbox"))
    for n in range(3):
        msg = mailbox.mboxMessage(MSG + str(n).encode())
        msg.set_from("a@a.gov.cn", (2026, 3, 4, 8, 0, n, 0, 0, 0))
        box.add(msg)
    box.close()
    found = list(iter_messages([tmp_path / "export.mbox"]))
    assert [f.source.rsplit("#", 1)[1] for f in found] == ["1", "2", "3"]
    assert found[2].received_at == datetime(2026, 3, 4, 8, 0, 2, tzinfo=UTC)


def test_missing_path_is_a_clear_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(iter_messages([tmp_path / "nope"]))


def test_directory_walk_keeps_eml_and_maildir_files_only(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(MSG)
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "box" / "cur").mkdir(parents=True)
    (tmp_path / "box" / "cur" / "123456789.x").write_bytes(MSG)
    names = [p.name for p in message_files([tmp_path])]
    assert names == ["a.eml", "123456789.x"]


def test_eml_without_received_takes_its_date_not_the_file_time(tmp_path: Path) -> None:
    path = tmp_path / "saved.eml"
    path.write_bytes(b"From: a@a.gov.cn\r\nDate: Wed, 4 Mar 2026 16:30:00 +0800\r\n"
                     b"Subject: hi\r\n\r\nbody\r\n")
    os.utime(path, (1_900_000_000, 1_900_000_000))
    [found] = list(iter_messages([path]))
    assert found.received_at == datetime(2026, 3, 4, 8, 30, tzinfo=UTC)


def test_eml_without_any_time_header_has_no_time_not_the_file_time(tmp_path: Path) -> None:
    path = tmp_path / "bare.eml"
    path.write_bytes(b"From: a@a.gov.cn\nSubject: hi\n\nDate: Wed, 4 Mar 2026 16:30:00 +0800\n")
    [found] = list(iter_messages([path]))
    assert found.received_at is None  # the store gives it the ingest time
