"""Microsoft Exchange (2003-2019) and Office 365 / Outlook.com non-delivery reports.

Evidence: ``X-MS-Exchange-*`` headers or ``X-MimeOLE``/Exchange wording ("did not reach
the following recipient(s)", "Delivery has failed to these recipients or groups", "Your
message couldn't be delivered", "Remote Server returned", ``RESOLVER.ADR.RecipNotFound``).
Recipients and status from the DSN when present, else from the letter.

Sample::

    Delivery has failed to these recipients or groups:
    kijitora@example.jp
    The e-mail address you entered couldn't be found.
    Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'
"""

from __future__ import annotations

from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "exchange"

MARKERS = (
    "did not reach the following recipient", "delivery has failed to these recipients",
    "your message couldn't be delivered", "your message couldnt be delivered",
    "remote server returned", "microsoft exchange", "resolver.",
    "diagnostic information for administrators",
    "your message did not reach some or all of the intended recipients", "office 365",
    "outlook.com", "undeliverable:",
)


def detect(msg: Mail) -> Verdict | None:
    letter = msg.letter
    if not any(m in msg.hay for m in MARKERS) and not (
            any(h.startswith("x-ms-exchange") for h in msg.header_names)
            and any(m in msg.subject.lower() for m in MARKERS)):
        return None
    found = collect(msg)
    if not found:
        return None
    return bounce(NAME, msg, found, text=letter, evidence="exchange NDR")
