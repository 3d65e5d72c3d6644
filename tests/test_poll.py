"""poll.py against the Dovecot test instance: marks, batches, read-only, cuts, IDLE."""

from __future__ import annotations

import threading
import time
from datetime import UTC

import pytest

from mailprobe.config import ImapSettings
from mailprobe.errors import AuthError, ServerUnreachable
from mailprobe.poll import FetchBatch, FolderMark, ImapPoller
from tests.servers.dovecot import Dovecot, MailUser

pytestmark = pytest.mark.servers


def poller(dovecot: Dovecot, user: MailUser, password: str | None = None) -> ImapPoller:
    settings = ImapSettings(
        host="127.0.0.1", port=dovecot.imap_port, tls="none", username=user.address, timeout=10
    )
    return ImapPoller(settings, password=password or user.password)


def raw(n: int) -> bytes:
    return (
        f"From: office@unit.test\r\nTo: probe@probe.test\r\nSubject: reply {n}\r\n"
        f"Message-ID: <r{n}@unit.test>\r\n\r\nbody {n}\r\n"
    ).encode()


def poll(
    dovecot: Dovecot,
    user: MailUser,
    folder: str = "INBOX",
    mark: FolderMark | None = None,
    batch: int = 500,
) -> list[FetchBatch]:
    with poller(dovecot, user) as p:
        return list(p.fetch_new(folder, mark, batch))


def test_poll_returns_new_messages_then_nothing(dovecot: Dovecot, mail_user: MailUser) -> None:
    for n in range(3):
        dovecot.append(mail_user, "INBOX", raw(n))
    (batch,) = poll(dovecot, mail_user)
    assert [m.raw for m in batch.messages] == [raw(n) for n in range(3)]
    assert batch.mark == FolderMark(batch.uidvalidity, 3)
    assert poll(dovecot, mail_user, mark=batch.mark) == []


def test_internaldate_is_aware_utc(dovecot: Dovecot, mail_user: MailUser) -> None:
    dovecot.append(mail_user, "INBOX", raw(1))
    (batch,) = poll(dovecot, mail_user)
    assert batch.messages[0].internaldate.tzinfo == UTC


def test_poll_leaves_seen_flags_unchanged(dovecot: Dovecot, mail_user: MailUser) -> None:
    dovecot.append(mail_user, "INBOX", raw(1))
    dovecot.append(mail_user, "INBOX", raw(2), flags=(b"\\Seen",))
    poll(dovecot, mail_user)
    with dovecot.imap(mail_user) as client:
        client.select_folder("INBOX", readonly=True)
        fetched = client.fetch([1, 2], ["FLAGS"])
    flags = {uid: set(item[b"FLAGS"]) - {b"\\Recent"} for uid, item in fetched.items()}
    assert flags == {1: set(), 2: {b"\\Seen"}}


def test_junk_folder_is_read_too(dovecot: Dovecot, mail_user: MailUser) -> None:
    dovecot.append(mail_user, "Junk", raw(7))
    (batch,) = poll(dovecot, mail_user, folder="Junk")
    assert (batch.folder, [m.raw for m in batch.messages]) == ("Junk", [raw(7)])


def test_missing_folder_is_skipped_with_a_note(dovecot: Dovecot) -> None:
    user = dovecot.create_user(folders=("INBOX",))
    with poller(dovecot, user) as p:
        assert list(p.fetch_new("Junk", None)) == []
        assert not p.has_folder("Junk")
        assert "Junk" in p.notes[0]


def test_batches_of_two_over_five_messages(dovecot: Dovecot, mail_user: MailUser) -> None:
    for n in range(5):
        dovecot.append(mail_user, "INBOX", raw(n))
    batches = poll(dovecot, mail_user, batch=2)
    assert [[m.uid for m in b.messages] for b in batches] == [[1, 2], [3, 4], [5]]
    assert [b.mark.last_uid for b in batches] == [2, 4, 5]


def test_uidvalidity_change_reads_the_folder_again(dovecot: Dovecot, mail_user: MailUser) -> None:
    for n in range(2):
        dovecot.append(mail_user, "INBOX", raw(n))
    (first,) = poll(dovecot, mail_user)
    dovecot.set_uidvalidity(mail_user, "INBOX", first.uidvalidity + 1000)
    (again,) = poll(dovecot, mail_user, mark=first.mark)
    assert again.uidvalidity == first.uidvalidity + 1000
    assert [m.raw for m in again.messages] == [raw(0), raw(1)]


def test_refused_login_raises_auth_error(dovecot: Dovecot, mail_user: MailUser) -> None:
    with pytest.raises(AuthError, match=f"127.0.0.1:{dovecot.imap_port}.*password"):
        poller(dovecot, mail_user, password="wrong").connect()


def test_unreachable_server_raises(dovecot: Dovecot, mail_user: MailUser) -> None:
    from tests.servers.process import free_port

    settings = ImapSettings(host="127.0.0.1", port=free_port(), tls="none", username="x")
    with pytest.raises(ServerUnreachable, match="cannot connect"):
        ImapPoller(settings, password="x").connect()


def test_client_id_is_sent(dovecot: Dovecot, mail_user: MailUser) -> None:
    with poller(dovecot, mail_user) as p:
        p.has_folder("INBOX")
    assert "name=mailprobe" in dovecot.log.read_text(encoding="utf-8", errors="replace")


def test_cut_mid_fetch_keeps_earlier_batches_and_resumes_exactly_once(
    dovecot: Dovecot, mail_user: MailUser
) -> None:
    for n in range(5):
        dovecot.append(mail_user, "INBOX", raw(n))
    with poller(dovecot, mail_user) as p:
        batches = p.fetch_new("INBOX", None, 2)
        first = next(batches)
        dovecot.kick(mail_user)
        with pytest.raises(ServerUnreachable, match="connection lost"):
            next(batches)
    rest = poll(dovecot, mail_user, mark=first.mark, batch=2)
    uids = [m.uid for b in [first, *rest] for m in b.messages]
    assert uids == [1, 2, 3, 4, 5]


def test_idle_wakes_on_append(dovecot: Dovecot, mail_user: MailUser) -> None:
    result: list[bool] = []
    with poller(dovecot, mail_user) as p:
        waiter = threading.Thread(target=lambda: result.append(p.idle_wait("INBOX", 20)))
        waiter.start()
        wait_for_idle(dovecot, mail_user)
        dovecot.append(mail_user, "INBOX", raw(1))
        waiter.join(timeout=10)  # the IDLE itself would wait 20 s
    assert result == [True]  # woken by the append: a timeout returns False


def test_idle_returns_false_when_nothing_arrives(dovecot: Dovecot, mail_user: MailUser) -> None:
    with poller(dovecot, mail_user) as p:
        assert p.idle_wait("INBOX", 0.3) is False


def wait_for_idle(dovecot: Dovecot, user: MailUser, timeout: float = 5.0) -> None:
    """Bounded wait until the server-side imap process shows IDLE in its proctitle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(" IDLE]" in title for title in dovecot.session_titles(user)):
            return
        time.sleep(0.02)
    raise AssertionError(f"no IDLE session for {user.address} after {timeout} s")
