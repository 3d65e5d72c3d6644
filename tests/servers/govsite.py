"""A small simulated government site on loopback: a 领导信箱 form, its query page, a broken form.

- ``GET /ldxx`` the form; ``POST /ldxx`` takes a message and shows a query code (查询码).
- ``GET /query?code=Q`` shows "办理中" until the site answers: after ``answer_after_polls``
  reads of that code, or at once when a test calls :meth:`GovSite.answer`. The answered page
  carries the reply text and its published date (and time, unless ``date_only``).
- ``GET /broken`` answers 404, ``GET /flaky`` answers 503 (a form behind a failing server).
Every request is recorded (path, User-Agent) so tests can check what the client sent.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Ticket:
    text: str
    reads: int = 0
    answer: str | None = None
    published: str = ""


@dataclass
class GovSite:
    """State of the simulated site; the server thread reads and changes it."""

    answer_after_polls: int | None = None  # answer a code by itself after N reads
    auto_answer: str = "您好，居住证可在户籍窗口办理，需携带身份证和居住证明，工作日受理。"
    auto_published: str = "2026-03-04 10:15"
    tickets: dict[str, Ticket] = field(default_factory=dict)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, UA
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def open_ticket(self, code: str, text: str = "") -> None:
        self.tickets[code] = Ticket(text)

    def answer(self, code: str, text: str, published: str) -> None:
        ticket = self.tickets.setdefault(code, Ticket(""))
        ticket.answer, ticket.published = text, published

    def query_page(self, code: str) -> str:
        ticket = self.tickets.get(code)
        if ticket is None:
            return _page("<p class='notice'>查询码不存在</p>")
        ticket.reads += 1
        if ticket.answer is None and self.answer_after_polls is not None \
                and ticket.reads > self.answer_after_polls:
            ticket.answer, ticket.published = self.auto_answer, self.auto_published
        if ticket.answer is None:
            return _page("<div class='status'>办理中</div>")
        return _page(
            "<div class='status'>已办结</div><div class='reply answered'>"
            f"<span class='reply-date'>{html.escape(ticket.published)}</span>"
            f"<div class='reply-body'><p>{html.escape(ticket.answer)}</p></div></div>")


def _page(body: str) -> str:
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>市长信箱</title></head>"
            f"<body><div id='main'>{body}</div></body></html>")


FORM = _page("<form method='post' action='/ldxx'><input name='title'>"
             "<textarea name='content'></textarea><button>提交</button></form>")


def make_handler(site: GovSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def _send(self, status: int, body: str) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            site.requests.append(("GET", self.path, self.headers.get("User-Agent", "")))
            if url.path == "/ldxx":
                self._send(200, FORM)
            elif url.path == "/query":
                code = parse_qs(url.query).get("code", [""])[0]
                self._send(200, site.query_page(code))
            elif url.path == "/flaky":
                self._send(503, _page("服务暂不可用"))
            else:
                self._send(404, _page("页面不存在"))

        def do_POST(self) -> None:  # noqa: N802
            site.requests.append(("POST", self.path, self.headers.get("User-Agent", "")))
            length = int(self.headers.get("Content-Length", "0"))
            text = parse_qs(self.rfile.read(length).decode("utf-8")).get("content", [""])[0]
            code = f"Q{len(site.tickets) + 1:05d}"
            site.open_ticket(code, text)
            self._send(200, _page(f"<p>提交成功，查询码：<b class='qcode'>{code}</b></p>"))

    return Handler


class GovSiteServer:
    """Runs a GovSite on 127.0.0.1 (port 0) in a daemon thread; stop() shuts it down."""

    def __init__(self, site: GovSite) -> None:
        self.site = site
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(site))
        site.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> GovSite:
        self.thread.start()
        return self.site

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
