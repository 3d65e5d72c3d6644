"""Render the HTML report in headless Chromium: it renders, SVG charts are in the DOM, the
hostile subject ran no script, the page fetched nothing but itself, and long unbroken text
does not make it wider than the window.

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
from tests.report.sample import review_score

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTILE = ("<script>document.title='pwned'</script>"
           "<img src=x onerror=\"document.title='pwned'\">")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium"),
]


# A test page (the report itself has no script): the report in a 1280-pixel frame, its
# document's scroll width written into this page once it has loaded.
MEASURE = """<!DOCTYPE html><html><body>
<iframe id="f" src="report.html" style="width:1280px;height:900px;border:0"></iframe>
<script>
document.getElementById("f").onload = function () {
  var root = this.contentDocument.documentElement, out = document.createElement("p");
  out.id = "width"; out.textContent = root.scrollWidth + " " + root.clientWidth;
  document.body.appendChild(out);
};
</script></body></html>"""


class Recorder(SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).requests.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    score = review_score()  # with the review banner and counts, to lay them out too
    hostile = replace(score.messages[0], subject=HOSTILE)
    long_word = replace(score.messages[1], subject="回复：" + "x" * 400)  # no place to break
    score = replace(score, messages=(hostile, long_word, *score.messages[2:]))
    write_report(score, "html", tmp_path / "report.html", lang="en")
    write_report(score, "html", tmp_path / "zh.html", lang="zh")
    (tmp_path / "measure.html").write_text(MEASURE, encoding="utf-8")
    (tmp_path / "phone.html").write_text(PHONE, encoding="utf-8")
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
    assert re.search(r'<p class="banner provisional" id="review">[^<]*4 messages await review',
                     dom)
    assert [r for r in requests if r != "/favicon.ico"] == ["/report.html"]


def test_screenshot_and_no_other_request(served: tuple[str, list[str]], tmp_path: Path) -> None:
    url, requests = served
    shot = Path(os.environ.get("MAILPROBE_SCREENSHOT", "/tmp/mailprobe-html-report.png"))
    result = chromium(tmp_path, "--window-size=1280,2400", f"--screenshot={shot}", url)
    assert shot.exists() and shot.stat().st_size > 10_000, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(requests) <= {"/report.html", "/favicon.ico"}


def test_long_unbroken_text_wraps_inside_the_page_width(
        served: tuple[str, list[str]], tmp_path: Path) -> None:
    url, _ = served
    result = chromium(tmp_path, "--window-size=1400,1000", "--virtual-time-budget=10000",
                      "--dump-dom", url.replace("report.html", "measure.html"))
    found = re.search(r'<p id="width">(\d+) (\d+)</p>', result.stdout)
    assert found, result.stderr[-2000:]
    scroll_width, client_width = map(int, found.groups())
    assert scroll_width <= client_width, (scroll_width, client_width)


# The Chinese report in a 420-pixel frame (a phone): the page must not scroll sideways, and no
# number, time or code may be split over two lines.
PHONE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="zh.html" style="width:420px;height:800px;border:0"></iframe>
<script>
document.getElementById("f").onload = function () {
  var d = this.contentDocument, root = d.documentElement, broken = [], seen = 0;
  d.querySelectorAll("td.n, td.c, span.n").forEach(function (el) {
    if (!el.textContent.trim()) { return; }
    seen += 1;
    var range = d.createRange(); range.selectNodeContents(el);
    var tops = {};
    Array.prototype.forEach.call(range.getClientRects(), function (r) {
      if (r.width > 0) { tops[Math.round(r.top)] = 1; }
    });
    if (Object.keys(tops).length > 1) { broken.push(el.textContent); }
  });
  var out = document.createElement("p");
  out.id = "phone";
  out.textContent = root.scrollWidth + " " + root.clientWidth + " " + seen + " " +
      JSON.stringify(broken);
  document.body.appendChild(out);
};
</script></body></html>"""


def test_phone_width_keeps_numbers_and_codes_whole(
        served: tuple[str, list[str]], tmp_path: Path) -> None:
    url, _ = served
    result = chromium(tmp_path, "--window-size=420,800", "--virtual-time-budget=10000",
                      "--dump-dom", url.replace("report.html", "phone.html"))
    found = re.search(r'<p id="phone">(\d+) (\d+) (\d+) (.*)</p>', result.stdout)
    assert found, result.stderr[-2000:]
    scroll_width, client_width, seen = map(int, found.groups()[:3])
    assert scroll_width <= client_width, (scroll_width, client_width)
    assert seen > 50 and found.group(4) == "[]", found.group(4)


def test_print_puts_sections_on_their_own_pages(
        served: tuple[str, list[str]], tmp_path: Path) -> None:
    url, _ = served
    pdf = tmp_path / "report.pdf"
    result = chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                      url.replace("report.html", "zh.html"))
    assert pdf.exists(), result.stderr[-2000:]
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
    sections = len(re.findall(r"<h2\b", (tmp_path / "zh.html").read_text("utf-8")))
    assert sections >= 8 and pages >= sections, (pages, sections)
