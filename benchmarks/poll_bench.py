"""Poll benchmark: incremental polls and a first import from a real Dovecot (sdbox).

    .venv/bin/python benchmarks/poll_bench.py [--db sqlite,postgresql] [--small 1000]
        [--large 50000] [--new 100] [--repeats 7] [--fill import] [--fill-compare 2000]

Needs root and Dovecot (tests/servers/dovecot.py starts a throw-away instance). Two users
hold ``--small`` and ``--large`` messages of 3-5 KB: the units' answers of
``mailprobe.demo_world`` (RFC 3464 DSNs, QQ-style and government auto-replies, human
replies quoting the probe, given a multipart/alternative HTML part as mail clients send
them) plus some newsletters, each under a realistic Received/DKIM header block.

* fill: every way of filling the mailbox measured on ``--fill-compare`` messages (IMAP
  APPEND one by one, IMAP MULTIAPPEND in batches, ``doveadm import`` of an mbox,
  ``doveadm save`` one process per message on a sample); then ``--fill`` (default
  ``doveadm import``, run with mail_fsync=never: fastest here) fills both mailboxes.
* incremental poll: ``poll_once`` with the folder mark just below the ``--new`` newest
  messages, best and median of ``--repeats`` runs at both sizes (stored rows removed
  between runs), and the large/small ratio.
* first import: ``poll_once`` of the whole large mailbox into an empty database, in a
  fresh child process (so that the parent's memory does not count): messages/s and
  ru_maxrss without tracing; tracemalloc's peak in a second, traced child.

Prints figures only (no assertions); stops Dovecot and removes its directory and every
throw-away database (SQLite file, PostgreSQL schema) at the end.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests.servers is not an installed package
    sys.path.insert(0, str(ROOT))

from mailprobe.config import ImapSettings, ProbeSettings  # noqa: E402
from mailprobe.demo_world import Behaviour, answer, make_world  # noqa: E402
from mailprobe.render import render_probe  # noqa: E402
from mailprobe.token import new_token  # noqa: E402

PASSWORD_ENV = "MAILPROBE_BENCH_IMAP_PASSWORD"
PASSWORD = "secret"
OURS = "consult@mailprobe-demo.test"
START = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
# Answer mix of a campaign's inbox: bounces, auto-replies, human replies, some noise.
MIX = (("dsn_unknown", 0.22), ("dsn_full", 0.06), ("auto_ack", 0.22), ("human_brief", 0.12),
       ("human", 0.30), ("newsletter", 0.08))

# ---------------------------------------------------------------- the corpus


def _html(text: str) -> str:
    """A Coremail/Foxmail-like HTML alternative (inline styles make it several KB)."""
    style = "font-family:'Microsoft YaHei',微软雅黑,Arial;font-size:14px;line-height:1.5"
    rows = "".join(f"<div>{line or '<br>'}</div>\n" for line in text.splitlines())
    return (f"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
            f"charset=utf-8\"><style>body{{{style}}}</style></head>"
            f"<body>\n{rows}</body></html>\n")


def _newsletter(rng: random.Random, n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"政务服务网 <noreply@news{n % 17}.gov.example>"
    msg["To"] = OURS
    msg["Subject"] = f"【政务快讯】第{n}期：本周办事指南更新"
    msg["Date"] = format_datetime(START + timedelta(hours=n))
    msg["Message-ID"] = make_msgid(domain=f"news{n % 17}.gov.example")
    msg["List-Unsubscribe"] = f"<mailto:unsubscribe-{n}@news.gov.example>"
    text = "\n".join(f"{i}. 关于进一步优化营商环境的若干措施（第{rng.randrange(100)}条）解读"
                     for i in range(1, 30))
    msg.set_content(text)
    msg.add_alternative(_html(text), subtype="html")
    return bytes(msg)


def base_messages(count: int, seed: int = 5) -> list[bytes]:
    """``count`` distinct answers in the proportions of MIX, built by mailprobe.demo_world."""
    rng = random.Random(seed)
    world = make_world(seed, n_county=13, n_department=max(142, count))
    settings = ProbeSettings(from_=OURS, from_name="张明")
    boxes = [(u, m) for u in world.units for m in u.mailboxes if m.address is not None]
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    out: list[bytes] = []
    for n in range(count):
        kind = rng.choices(kinds, weights)[0]
        if kind == "newsletter":
            out.append(_newsletter(rng, n))
            continue
        unit, box = boxes[n % len(boxes)]
        sent = START + timedelta(minutes=n)
        probe = render_probe("consult_office_hours", unit, box, new_token(), settings, sent)
        raw = answer(probe.as_bytes(), Behaviour(kind, 1.0), sent + timedelta(hours=2), OURS,
                     rng)
        assert raw is not None
        if kind in ("auto_ack", "human_brief", "human"):
            msg = message_from_bytes(raw, policy=policy.default)
            assert isinstance(msg, EmailMessage)
            body = msg.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            msg.add_alternative(_html(text), subtype="html")
            raw = bytes(msg)
        out.append(raw)
    return out


def header_block(n: int, rng: random.Random) -> bytes:
    """Received chain, DKIM and authentication results: unique per message (dedupe is by
    SHA-256 of the whole message, so every stored message must differ)."""
    host = f"mx{n % 7}.u{n % 997:03d}.demo.gov.cn"
    when = format_datetime(START + timedelta(seconds=37 * n))
    ip = f"10.{n % 250}.{(n // 250) % 250}.{n % 13 + 1}"
    sig = base64.b64encode(rng.randbytes(258)).decode()
    lines = [
        "Return-Path: <>",
        f"Delivered-To: {OURS}",
        f"Received: from mail.mailprobe-demo.test (localhost [127.0.0.1])\r\n\tby "
        f"mail.mailprobe-demo.test (Postfix) with ESMTP id B{n:08X}\r\n\tfor <{OURS}>; {when}",
        f"Received: from {host} ({host} [{ip}])\r\n\t(using TLSv1.3 with cipher "
        f"TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n\tby mx.mailprobe-demo.test (Postfix) with "
        f"ESMTPS id C{n:08X}\r\n\tfor <{OURS}>; {when}",
        f"Received: from localhost (unknown [127.0.0.1])\r\n\tby {host} (Coremail) with SMTP "
        f"id AQAAf{n:010d}\r\n\tfor <{OURS}>; {when}",
        f"Authentication-Results: mx.mailprobe-demo.test; dkim=pass header.d=u{n % 997:03d}"
        f".demo.gov.cn; spf=pass smtp.mailfrom={host}; dmarc=pass header.from=demo.gov.cn",
        f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=u{n % 997:03d}.demo.gov.cn;"
        f"\r\n\ts=s2048; t={1772400000 + n}; h=From:To:Subject:Date:Message-ID;\r\n\t"
        f"bh={sig[:44]};\r\n\tb={sig[44:120]}\r\n\t {sig[120:200]}\r\n\t {sig[200:]}",
        f"X-Coremail-Antispam: 1UD129KBjvJXoW{sig[:60]}",
        f"X-CM-TRANSID: AQAAf{sig[60:100]}",
        f"X-Originating-IP: [{ip}]",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def _crlf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def corpus(count: int, pool: list[bytes], seed: int = 9) -> Iterator[bytes]:
    """``count`` unique messages (CRLF line ends, as IMAP serves them) from ``pool``."""
    rng = random.Random(seed)
    crlf = [_crlf(raw) for raw in pool]
    for n in range(count):
        yield header_block(n, rng) + crlf[n % len(crlf)]


# ---------------------------------------------------------------- filling Dovecot


def fill_multiappend(server: object, user: object, messages: Iterator[bytes],
                     batch: int = 500) -> int:
    """IMAP MULTIAPPEND (RFC 3502) in batches of ``batch`` messages."""
    total = 0
    with server.imap(user) as client:  # type: ignore[attr-defined]
        chunk: list[bytes] = []
        for raw in messages:
            chunk.append(raw)
            if len(chunk) >= batch:
                client.multiappend("INBOX", chunk)
                total, chunk = total + len(chunk), []
        if chunk:
            client.multiappend("INBOX", chunk)
            total += len(chunk)
    return total


def fill_append(server: object, user: object, messages: Iterator[bytes]) -> int:
    """Plain IMAP APPEND, one round trip per message, on one connection."""
    total = 0
    with server.imap(user) as client:  # type: ignore[attr-defined]
        for raw in messages:
            client.append("INBOX", raw)
            total += 1
    return total


def _mbox_line(n: int) -> bytes:
    when = START + timedelta(seconds=37 * n)
    return f"From MAILER-DAEMON {when:%a %b %d %H:%M:%S %Y}\n".encode()


def fill_doveadm_import(server: object, user: object, messages: Iterator[bytes],
                        workdir: Path) -> int:
    """``doveadm import`` of an mbox file written from ``messages`` (mboxrd quoting)."""
    src = workdir / f"import-{uuid.uuid4().hex[:8]}"
    src.mkdir()
    total = 0
    with (src / "inbox").open("wb") as handle:
        for raw in messages:
            body = raw.replace(b"\r\n", b"\n")
            quoted = b"\n".join(b">" + line if line.lstrip(b">").startswith(b"From ") else line
                                for line in body.split(b"\n"))
            handle.write(_mbox_line(total) + quoted.rstrip(b"\n") + b"\n\n")
            total += 1
    for path in (src, src / "inbox"):  # doveadm syncs (writes indexes) as the mail user
        os.chown(path, server.uid, server.gid)  # type: ignore[attr-defined]
    server.doveadm("-o", "mail_fsync=never", "import", "-u", user.address,  # type: ignore[attr-defined]
                   f"mbox:{src}:INBOX={src / 'inbox'}", "", "mailbox", "INBOX", "all")
    shutil.rmtree(src, ignore_errors=True)
    return total


def fill_doveadm_save(server: object, user: object, messages: Iterator[bytes]) -> int:
    """``doveadm save``: one process per message (stdin)."""
    total = 0
    for raw in messages:
        subprocess.run(["doveadm", "-c", str(server.conf), "save",  # type: ignore[attr-defined]
                        "-u", user.address, "-m", "INBOX"],  # type: ignore[attr-defined]
                       input=raw, check=True, capture_output=True, timeout=30)
        total += 1
    return total


FILLERS = ("multiappend", "import", "append", "save")


def fill(method: str, server: object, user: object, messages: Iterator[bytes],
         workdir: Path) -> int:
    if method == "multiappend":
        return fill_multiappend(server, user, messages, batch=2000)
    if method == "import":
        return fill_doveadm_import(server, user, messages, workdir)
    if method == "append":
        return fill_append(server, user, messages)
    return fill_doveadm_save(server, user, messages)


def compare_fillers(server: object, pool: list[bytes], count: int) -> dict[str, float]:
    """Messages/s of each filler on ``count`` messages (``save``: a 100-message sample)."""
    rates: dict[str, float] = {}
    for method in FILLERS:
        user = server.create_user(folders=("INBOX",))  # type: ignore[attr-defined]
        n = min(count, 100) if method == "save" else count
        began = time.perf_counter()
        done = fill(method, server, user, corpus(n, pool, seed=FILLERS.index(method)),
                    server.root)  # type: ignore[attr-defined]
        rates[method] = done / (time.perf_counter() - began)
    return rates


# ---------------------------------------------------------------- databases


class ThrowAwayDb:
    """A SQLite file in a temp dir or a PostgreSQL schema; ``drop`` removes it."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.schema = ""
        if kind == "sqlite":
            self.url = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        else:
            from tests.servers.postgres import create_schema

            self.schema, self.url = create_schema("mp_bench")
        from mailprobe.store.session import open_database

        self.factory = open_database(self.url)  # migrated to head here, not in the timing

    def drop(self) -> None:
        self.factory.kw["bind"].dispose()
        if self.kind == "sqlite":
            path = Path(self.url.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            from tests.servers.postgres import drop_schema

            drop_schema(self.schema)


def imap_settings(port: int, address: str) -> ImapSettings:
    return ImapSettings(host="127.0.0.1", port=port, tls="none", username=address,
                        password_env=PASSWORD_ENV, folders=("INBOX",))


# ---------------------------------------------------------------- incremental poll


def incremental(db: ThrowAwayDb, settings: ImapSettings, uidvalidity: int, total: int,
                new: int, repeats: int) -> list[float]:
    """Seconds of ``poll_once`` fetching the ``new`` newest of ``total`` messages."""
    from sqlalchemy import delete

    from mailprobe.pipeline import _account, poll_once
    from mailprobe.store.messages import set_folder_mark
    from mailprobe.store.schema import MessageRow

    account = _account(settings)
    times: list[float] = []
    for _ in range(repeats):
        with db.factory() as session, session.begin():
            session.execute(delete(MessageRow))
            set_folder_mark(session, account, "INBOX", uidvalidity, total - new,
                            datetime.now(UTC))
        began = time.perf_counter()
        summary = poll_once(db.factory, settings, lambda: datetime.now(UTC))
        times.append(time.perf_counter() - began)
        if summary.new != new:
            print(f"  ! expected {new} new messages, poll stored {summary.new}")
    return times


# ---------------------------------------------------------------- first import (child)


def child_import(url: str, port: int, address: str, trace: bool, profile: str) -> None:
    """Run in a fresh interpreter: poll everything into the empty database at ``url``."""
    import tracemalloc

    from mailprobe.pipeline import poll_once
    from mailprobe.poll import ImapPoller  # noqa: F401  (imported before the baseline)
    from mailprobe.store.session import open_database

    factory = open_database(url, upgrade=False)
    settings = imap_settings(port, address)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    began = time.perf_counter()
    summary = poll_once(factory, settings, lambda: datetime.now(UTC))
    seconds = time.perf_counter() - began
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    print(json.dumps({"seconds": seconds, "fetched": summary.fetched, "new": summary.new,
                      "base_rss_kb": base_rss,
                      "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "traced_peak": peak}))


def first_import(kind: str, workdir: Path, port: int, address: str, trace: bool,
                 profile: str = "") -> dict[str, float]:
    db = ThrowAwayDb(kind, workdir)
    try:
        cmd = [sys.executable, __file__, "--child-import", db.url, "--port", str(port),
               "--user", address]
        if trace:
            cmd.append("--trace")
        if profile:
            cmd += ["--profile", profile]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, check=False,
                              env={**os.environ, PASSWORD_ENV: PASSWORD})
        if done.returncode != 0:
            raise RuntimeError(f"first import child failed:\n{done.stderr[-3000:]}")
        result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
        return result
    finally:
        db.drop()


# ---------------------------------------------------------------- main


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql")
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=50000)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--fill", choices=FILLERS, default="import")
    parser.add_argument("--fill-compare", type=int, default=2000,
                        help="messages per filler in the comparison (0: skip it)")
    parser.add_argument("--no-trace", action="store_true",
                        help="skip the traced first import (tracemalloc peak)")
    parser.add_argument("--profile", default="",
                        help="write cProfile stats of the (untraced) first import here")
    parser.add_argument("--child-import", default="", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--user", default="", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        child_import(args.child_import, args.port, args.user, args.trace, args.profile)
        return
    run(args)


def run(args: argparse.Namespace) -> None:
    from tests.servers.dovecot import Dovecot

    os.environ[PASSWORD_ENV] = PASSWORD
    kinds = [k.strip() for k in args.db.split(",") if k.strip()]
    workdir = Path(tempfile.mkdtemp(prefix="mailprobe-pollbench-"))
    server = Dovecot.start_new(mail_format="sdbox")
    try:
        began = time.perf_counter()
        pool = base_messages(400)
        sizes = [len(m) for m in corpus(2000, pool)]
        print(f"corpus: 400 distinct answers (demo_world) under unique header blocks; "
              f"size mean {statistics.mean(sizes) / 1024:.1f} KB, median "
              f"{statistics.median(sizes) / 1024:.1f} KB, {min(sizes)}-{max(sizes)} B "
              f"(built in {time.perf_counter() - began:.1f} s)")
        if args.fill_compare:
            rates = compare_fillers(server, pool, args.fill_compare)
            print(f"fill, messages/s ({args.fill_compare} messages; save: 100): " + ", ".join(
                f"{name} {rate:,.0f}" for name, rate in sorted(rates.items(),
                                                               key=lambda kv: -kv[1])))
        users = {}
        for size in (args.small, args.large):
            user = server.create_user(folders=("INBOX",))
            began = time.perf_counter()
            fill(args.fill, server, user, corpus(size, pool, seed=size), server.root)
            print(f"filled {size:,} messages with {args.fill} in "
                  f"{time.perf_counter() - began:.1f} s")
            with server.imap(user) as client:
                info = client.select_folder("INBOX", readonly=True)
            assert int(info[b"EXISTS"]) == size, info
            users[size] = (user, int(info[b"UIDVALIDITY"]))
        for kind in kinds:
            print(f"\n[{kind}]")
            db = ThrowAwayDb(kind, workdir)
            try:
                best: dict[int, float] = {}
                for size in (args.small, args.large):
                    user, uidvalidity = users[size]
                    settings = imap_settings(server.imap_port, user.address)
                    incremental(db, settings, uidvalidity, size, args.new, 1)  # warm-up
                    times = incremental(db, settings, uidvalidity, size, args.new, args.repeats)
                    best[size] = min(times)
                    print(f"incremental poll, {args.new} newest of {size:,}: best "
                          f"{_ms(min(times))}, median {_ms(statistics.median(times))} "
                          f"({args.repeats} runs: {', '.join(_ms(t) for t in times)})")
                print(f"ratio {args.large:,}/{args.small:,}: best "
                      f"{best[args.large] / best[args.small]:.2f} (target <= 1.2)")
            finally:
                db.drop()
            large_user = users[args.large][0]
            plain = first_import(kind, workdir, server.imap_port, large_user.address, False,
                                 args.profile.replace("{db}", kind) if args.profile else "")
            rate = plain["new"] / plain["seconds"]
            print(f"first import of {args.large:,}: {plain['seconds']:.1f} s, "
                  f"{rate:,.0f} messages/s, ru_maxrss {plain['max_rss_kb'] / 1024:.0f} MB "
                  f"(interpreter + imports before polling: {plain['base_rss_kb'] / 1024:.0f} MB)"
                  f" (target <= 300 MB)")
            if not args.no_trace:
                traced = first_import(kind, workdir, server.imap_port, large_user.address,
                                      True)
                print(f"  traced run: tracemalloc peak {traced['traced_peak'] / 2**20:.0f} MB"
                      f", ru_maxrss {traced['max_rss_kb'] / 1024:.0f} MB, "
                      f"{traced['seconds']:.1f} s under tracing")
    finally:
        server.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
