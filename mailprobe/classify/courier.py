"""Courier MTA bounces ("This is a delivery status notification from ... Courier").

Evidence: Courier's wording in the letter ("Courier mail server at", "courier-mta",
"delivery status notification from") ; recipients and status from its DSN part.

Sample::

    This is a delivery status notification from mx.example.jp,
    running the Courier mail server, version 0.65.2.
"""

from __future__ import annotations

from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "courier"

MARKERS = ("courier mail server", "courier-mta", "running the courier")


def detect(msg: Mail) -> Verdict | None:
    letter = msg.letter
    if "courier" not in msg.hay or not any(m in msg.hay for m in MARKERS):
        return None
    found = collect(msg)
    if not found:
        return None
    return bounce(NAME, msg, found, text=letter, evidence="courier letter")
