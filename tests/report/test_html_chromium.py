"""Render the HTML report in headless Chromium: it renders, SVG charts are in the DOM, the
hostile subject ran no script, and the page fetched nothing but itself.

The page is served by a loopback HTTP server that records every request; every other host
name resolves to nothing (--host-resolver-rules). A screenshot is kept for the notes at
$MAILPROBE_SCREENSHOT (default /tmp/mailprobe-html-report.png).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mailprobe.report import write_report
from tests.report.sample import sample_score

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTILE = ("<script>document.title='pwned'</script>"
           "<img src=x onerror=\"document.title='pwned'\">")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium"),
]


class Recorder(SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).requests.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    score = sample_score()
    hostile = replace(score.messages[0], subject=HOSTILE)
    score = replace(score, messages=(hostile, *score.messages[1:]))
    write_report(score, "html", tmp_path / "report.html", lang="en")
    requests: list[str] = []
    handler = type("H", (Recorder,), {"requests": requests})

    def make(*args: object) -> Recorder:
        return handler(*args, directory=str(tmp_path))  # type: ignore[arg-type]

    server = ThreadingHTTPServer(("127.0.0.1", 0), make)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/report.html", requests
    finally:
        server.shutdown()
        server.server_close()


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", f"--user-data-dir={profile}",
           "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def test_renders_svg_without_running_injected_script(
        served: tuple[str, list[str]], tmp_path: Path) -> None:
    url, requests = served
    result = chromium(tmp_path, "--dump-dom", url)
    dom = result.stdout
    assert "</html>" in dom, result.stderr[-2000:]
    assert len(re.findall(r"<svg\b", dom)) == 4
    assert re.search(r"<title>Mailbox assessment report · 2025-H1</title>", dom)
    assert "pwned</title>" not in dom
    assert not re.search(r"<img\b", dom) and not re.search(r"<script\b", dom)
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom
    assert [r for r in requests if r != "/favicon.ico"] == ["/report.html"]


def test_screenshot_and_no_other_request(served: tuple[str, list[str]], tmp_path: Path) -> None:
    url, requests = served
    shot = Path(os.environ.get("MAILPROBE_SCREENSHOT", "/tmp/mailprobe-html-report.png"))
    result = chromium(tmp_path, "--window-size=1280,2400", f"--screenshot={shot}", url)
    assert shot.exists() and shot.stat().st_size > 10_000, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(requests) <= {"/report.html", "/favicon.ico"}
