"""The TLS client context shared by the SMTP and IMAP clients."""

from __future__ import annotations

import functools
import ssl


@functools.cache
def client_context(verify: bool) -> ssl.SSLContext:
    """A client context, certificates verified unless ``verify`` is False.

    Built once per process: loading the system CA store costs ~30 ms, paid on every
    connection otherwise (benchmarks/send_bench.py)."""
    context = ssl.create_default_context()
    if not verify:  # only when the config says verify_tls = false
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
