"""Plain-text bounce letters from any MTA without a dedicated detector: the last bounce rule.

Evidence: the message reads as a bounce (a daemon sender such as ``MAILER-DAEMON`` /
``postmaster``, a bounce subject such as "Undelivered Mail", "failure notice", "退信",
``multipart/report`` or ``X-Failed-Recipients``) and failure words in its text; the letter
(before the returned original) names an address, or the returned original's ``To:`` does.
The lines after each address are its diagnostic.

Sample::

    From: MAILER-DAEMON@mx.example.net
    Subject: failure notice

    <kijitora@example.jp>:
    550 5.1.1 User unknown
"""

from __future__ import annotations

import re

from mailprobe.classify.dsn import letter_found
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Kind, Verdict

NAME = "generic"

# Names mail systems sign bounces with (Exchange's NDRs: "System Administrator"); weigh.py
# adds its own wider set to the same names.
DAEMON_NAMES = (
    r"mailer-daemon|postmaster|mail delivery (?:system|subsystem|service)|mail-daemon"
    r"|maildaemon|\bmdaemon\b|mail administrator|system administrator|delivery[ -]status"
    r"|mail\.delivery|系统退信|系统管理员"
)
DAEMON_SENDER = re.compile(DAEMON_NAMES + r"|bounce", re.I)
BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|not (?:be )?delivered|delivery (?:status )?(?:notification|failure"
    r"|failed|report|problem)|returned mail|returning message|mail delivery failed"
    r"|failure notice|delivery failure|non-?delivery|nondeliverable|could not be delivered"
    r"|mail system error|message not delivered|bounced?\b|delivery error|permanent error"
    r"|warning: could not|returned to sender|mail failure|delayed mail|delivery delay"
    r"|delivery warning"
    r"|error sending your (?:mail|message)"  # "There was an error sending your mail" (Sisimai
    # lib/Sisimai/Lhost/X6.pm, the subject it recognises)
    r"|error notification|エラー|系统退信|退信|投递失败|未送达|退回|发送失败|the email is returned"
    r"|回弹|弹回"  # "bounce" in Chinese mail systems' subjects (Winmail: 错误回弹信)
    r"|unzustellbar|non remis|no entregado|non recapitabile",
    re.I,
)
FAILURE_WORDS = re.compile(
    r"could not be delivered|couldn't be delivered|undeliverable|delivery (?:has )?failed"
    r"|permanent(?:ly)? (?:error|fatal|failure)|failed|failure|unable to deliver"
    r"|not delivered|rejected|returned|bounced|delivery to the following|error|aborted"
    r"|did not reach|could not|unknown|not (?:exist|found)|no such|退信|失败|无法投递|退回"
    r"|(?:不能|未能|无法)(?:成功的?|成功地)?(?:递送|投递|送达)"
    r"|postponed|delayed|deferred"
    r"|送信できません|エラー",
    re.I,
)


# A delay notice: the mail system is still trying (RFC 3464 "delayed"), nothing final.
DELAY_WORDS = re.compile(
    r"(?:has been|was) (?:postponed|delayed)|will (?:continue to|keep) (?:try|attempt|retry)"
    r"|will be retried|not yet been delivered|still (?:trying|being retried)"
    # "Delivery attempts will continue to be made for 5 day(s)" (Sisimai
    # lib/Sisimai/Reason/Expired.pm index: a notice that the queue keeps the message)
    r"|attempts will continue", re.I)
PERMANENT = re.compile(r"permanent|gave up|given up|giving up", re.I)


def signals(msg: Mail) -> int:
    """How many header-level bounce signals ``msg`` carries."""
    return (bool(DAEMON_SENDER.search(msg.from_text)) + bool(BOUNCE_SUBJECT.search(msg.subject))
            + (msg.content_type == "multipart/report")
            + ("x-failed-recipients" in msg.header_names))


def looks_like_bounce(msg: Mail) -> bool:
    """A bounce signal plus failure words in the letter, or two signals."""
    count = signals(msg)
    if count >= 2:
        return True
    letter = msg.letter[:20000]
    return count == 1 and bool(FAILURE_WORDS.search(letter + " " + msg.subject))


def detect(msg: Mail) -> Verdict | None:
    if not looks_like_bounce(msg):
        return None
    found = letter_found(msg)
    if not found:
        return None
    letter = msg.letter[:20000]
    delay = bool(DELAY_WORDS.search(letter)) and not PERMANENT.search(letter)
    return bounce(NAME, msg, found, text=msg.letter, kind=Kind.DELAY if delay else Kind.BOUNCE,
                  evidence="delay letter" if delay else "bounce letter")
