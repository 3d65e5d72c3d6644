"""The run lock as a lease: one `mailprobe run` or `campaign send` at a time, on any backend.

The holder renews its lease while it works; another run takes the lock over only when the
lease has expired (its holder hung or its host died), or at once when the holder's PID is
gone on this host (killed, rebooted)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from mailprobe.service import Clock, Database, utcnow
from mailprobe.store.runs import acquire_lock, release_lock, renew_lock

LEASE = timedelta(minutes=5)
RENEW_EVERY = timedelta(minutes=1)
log = logging.getLogger(__name__)


def this_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def run_lock(factory: Database, name: str = "run", clock: Clock = utcnow, *,
             lease: timedelta = LEASE, renew_every: timedelta = RENEW_EVERY,
             holder: str | None = None) -> Iterator[None]:
    """Hold the named lock for the block, renewing the lease; another holder raises Busy."""
    holder = holder or this_holder()
    with factory() as session, session.begin():
        acquire_lock(session, name, holder, clock(), lease,
                     holder_is_gone=holder_is_gone)
    stop = threading.Event()
    renewer = threading.Thread(target=_renew_until, daemon=True, name=f"lease-{name}",
                               args=(factory, name, holder, clock, lease, renew_every, stop))
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        with factory() as session, session.begin():
            release_lock(session, name, holder)


def _renew_until(factory: Database, name: str, holder: str, clock: Clock, lease: timedelta,
                 every: timedelta, stop: threading.Event) -> None:
    while not stop.wait(every.total_seconds()):
        try:
            with factory() as session, session.begin():
                if not renew_lock(session, name, holder, clock(), lease):
                    # Taken over after expiry; mark_sending still never claims a probe twice.
                    log.error("the %s lock is no longer held by %s", name, holder)
                    return
        except Exception:  # a database hiccup: try again at the next tick
            log.exception("renewing the %s lock failed", name)


def holder_is_gone(holder: str) -> bool:
    """True when ``host:pid`` names a process of this host that no longer exists.

    A holder on another host is never judged: only its lock's expiry frees it."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by another user
    return False
