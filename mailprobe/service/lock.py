"""The run lock: one `mailprobe run` or `campaign send` at a time, on any backend."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from mailprobe.service import Clock, Database, utcnow
from mailprobe.store import queries

LOCK_TTL = timedelta(hours=6)


def this_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def run_lock(factory: Database, name: str = "run", clock: Clock = utcnow) -> Iterator[None]:
    """Hold the named lock for the block; another holder raises Busy (exit 0)."""
    holder = this_holder()
    with factory() as session, session.begin():
        queries.acquire_lock(session, name, holder, clock(), LOCK_TTL,
                             holder_is_gone=holder_is_gone)
    try:
        yield
    finally:
        with factory() as session, session.begin():
            queries.release_lock(session, name, holder)


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
