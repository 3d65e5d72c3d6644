"""`mailprobe poll --watch`: IDLE with bounded waits, and reconnects when the server restarts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mailprobe.store.messages import all_message_ids
from mailprobe.store.session import open_database
from tests.servers.process import wait_until

pytestmark = pytest.mark.servers


def test_watch_survives_a_server_restart_and_loses_nothing(dovecot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ours = dovecot.create_user()
    db_url = f"sqlite:///{tmp_path / 'mp.db'}"
    env = {**os.environ, "MAILPROBE_DATABASE_URL": db_url, "MAILPROBE_IMAP_HOST": "127.0.0.1",
           "MAILPROBE_IMAP_PORT": str(dovecot.imap_port), "MAILPROBE_IMAP_TLS": "none",
           "MAILPROBE_IMAP_USERNAME": ours.address, "MAILPROBE_IMAP_PASSWORD_ENV": "MP_PW",
           "MP_PW": ours.password, "MAILPROBE_IMAP_IDLE_SECONDS": "1"}
    factory = open_database(db_url)

    def stored() -> int:
        with factory() as s:
            return len(all_message_ids(s))

    dovecot.append(ours, "INBOX", b"From: a@unit.test\nSubject: before\n\n1\n")
    watcher = subprocess.Popen([sys.executable, "-m", "mailprobe", "poll", "--watch",
                                "--max-seconds", "20"], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: stored() == 1, "first message", 15, proc=watcher)
        dovecot.restart()
        dovecot.append(ours, "INBOX", b"From: a@unit.test\nSubject: after\n\n2\n")
        dovecot.append(ours, "Junk", b"From: b@unit.test\nSubject: junk\n\n3\n")
        wait_until(lambda: stored() == 3, "messages after the restart", 18, proc=watcher)
    finally:
        watcher.terminate()
        _, err = watcher.communicate(timeout=10)
    assert stored() == 3, err.decode()
