"""IBM/HCL (Lotus) Domino and Notes bounces.

Evidence: "Domino" / "Lotus Notes" wording in the letter ("was not found in the Domino
Directory", "Domino ディレクトリには見つかりません", "Your message was not delivered"), an
``X-Mailer: Lotus Notes`` or ``Lotus Domino`` in the letter; recipients from the DSN when
present, else from the letter.

Sample::

    Your message was not delivered to:
       kijitora@example.jp
    because: User kijitora (kijitora@example.jp) not listed in Domino Directory
"""

from __future__ import annotations

from mailprobe.classify import reasons
from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "domino"

MARKERS = ("domino", "lotus notes", "notes mail")


def detect(msg: Mail) -> Verdict | None:
    letter = msg.letter
    mailer = str(msg.get("X-Mailer", ""))
    if not any(m in msg.hay or m in mailer.lower() for m in MARKERS):
        return None
    found = collect(msg)
    if not found:
        return None
    text = letter + " ".join(f.diagnostic for f in found)
    return bounce(NAME, msg, found, text=letter, evidence="domino letter",
                  reason=reasons.vendor_reason("domino", text))
