"""Shared launcher plumbing: free ports, templates, bounded waits, terminate by PID."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

CONF = Path(__file__).resolve().parent / "conf"


class StartError(RuntimeError):
    """A test server did not come up; the message carries its log tail."""


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def render(template: str, target: Path, **values: object) -> Path:
    """Fill ``@@NAME@@`` placeholders of ``conf/<template>`` (configs are full of $ and {})."""
    text = (CONF / template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@@{key.upper()}@@", str(value))
    if "@@" in text:
        raise ValueError(f"{template}: unfilled placeholder near {text[text.index('@@') :][:40]!r}")
    target.write_text(text, encoding="utf-8")
    return target


def log_tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return f"({path} does not exist)"
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(
    ready: Callable[[], bool],
    what: str,
    timeout: float,
    *,
    proc: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
) -> None:
    """Poll ``ready`` every 20 ms for at most ``timeout`` s; fail with the log tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if proc is not None and proc.poll() is not None:
            raise StartError(
                f"{what}: process exited {proc.returncode}\n{log_tail(log) if log else ''}"
            )
        time.sleep(0.02)
    raise StartError(f"{what}: not ready after {timeout} s\n{log_tail(log) if log else ''}")


def stop(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Terminate one process we started and wait for it (bounded), then kill it."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def world_readable_dir(prefix: str) -> Path:
    """A fresh directory under /tmp that unprivileged mail UIDs can traverse.

    pytest's own tmp directories are 0700 root, which nobody/postfix cannot enter."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(path, 0o755)
    return path
