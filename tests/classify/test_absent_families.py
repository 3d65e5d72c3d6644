"""Bounce formats of MTA families the shared corpus lacks, read by the generic and DSN paths.

Each message is written here (generated, not evidence) from the shape that Sisimai's decoder
for the family describes (sisimai/p5-sisimai, ``lib/Sisimai/Lhost/<Family>.pm``: the headers it
checks, its boundary lines, where the address and the diagnostic sit). mailprobe has no
detector for these families: the test is that its general paths find recipient, status and
reason in each shape anyway.
"""

from __future__ import annotations

import pytest

from mailprobe.classify import classify

ORIGINAL = (
    "From: Probe <probe@sender.example.cn>\n"
    "To: {rcpt}\n"
    "Subject: =?utf-8?b?5ZKo6K+i?=\n"
    "Message-ID: <mp-1@sender.example.cn>\n"
    "\n"
    "MP-B4Y25-EQMC3\n"
)


def mixed(headers: str, letter: str, rcpt: str, original_type: str = "message/rfc822") -> bytes:
    """A multipart/mixed bounce: ``letter`` as text/plain, then the returned original."""
    return (
        f"{headers}"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b0"\n'
        "\n"
        "--b0\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "\n"
        f"{letter}\n"
        "--b0\n"
        f"Content-Type: {original_type}\n"
        "\n"
        f"{ORIGINAL.format(rcpt=rcpt)}"
        "--b0--\n"
    ).encode()


# Lhost/Activehunter.pm: X-AHMailID header; "----- The following addresses had permanent
# fatal errors -----", then ">>> address <address>", then the remote reply under "Transcript".
ACTIVEHUNTER = mixed(
    "From: \"MAILER-DAEMON\" <postmaster@ah.example.org>\n"
    "To: probe@sender.example.cn\n"
    "Subject: FAILURE NOTICE :\n"
    "X-AHMailID: 0000000001\n",
    "  ----- The following addresses had permanent fatal errors -----\n"
    "\n"
    ">>> kijitora@example.org <kijitora@example.org>\n"
    "\n"
    "  ----- Transcript of session follows -----\n"
    "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)\n",
    "kijitora@example.org")

# Lhost/ApacheJames.pm: Subject "[BOUNCE]", a JavaMail Message-ID; "Error message below:" then
# the reply, "Message details:" with "  RCPT TO: address".
APACHE_JAMES = mixed(
    "From: postmaster@james.example.org\n"
    "To: probe@sender.example.cn\n"
    "Subject: [BOUNCE]\n"
    "Message-ID: <2129.1430237650.JavaMail.root@james.example.org>\n",
    "Hi. This is the James mail server at james.example.org.\n"
    "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
    "\n"
    "Error message below:\n"
    "550 - Requested action not taken: no such user here\n"
    "\n"
    "Message details:\n"
    "  Subject: MP-B4Y25-EQMC3\n"
    "  Sent date: Thu Apr 29 01:20:50 JST 2015\n"
    "  MAIL FROM: probe@sender.example.cn\n"
    "  RCPT TO: kijitora@example.org\n"
    "  From: Probe <probe@sender.example.cn>\n"
    "  To: kijitora@example.org\n"
    "  Size (in bytes): 1024\n"
    "  Number of lines: 6\n",
    "kijitora@example.org")

# Lhost/Biglobe.pm: From postmaster@biglobe.ne.jp, Subject "Returned mail: ...", the address
# alone on a line under "----- The following addresses had delivery problems -----", the
# reason under "----- Non-delivered information -----".
BIGLOBE = mixed(
    "From: postmaster@biglobe.ne.jp\n"
    "To: probe@sender.example.cn\n"
    "Subject: Returned mail: Delivery failed\n",
    "   ----- The following addresses had delivery problems -----\n"
    "kijitora@mail.biglobe.ne.jp\n"
    "\n"
    "   ----- Non-delivered information -----\n"
    "The number of messages in recipient's mailbox exceeded the local limit.\n",
    "kijitora@mail.biglobe.ne.jp")

# Lhost/InterScanMSS.pm: From "InterScan MSS", Subject "Mail could not be delivered"; the
# session as "Sent <<< RCPT TO:<address>" and "Received >>> reply".
INTERSCAN = mixed(
    "From: \"InterScan MSS\" <postmaster@imss.example.co.jp>\n"
    "To: probe@sender.example.cn\n"
    "Subject: Mail could not be delivered\n",
    "This message was created automatically by the mail system.\n"
    "\n"
    "Sent <<< RCPT TO:<kijitora@example.co.jp>\n"
    "Received >>> 550 5.1.1 <kijitora@example.co.jp>... user unknown\n",
    "kijitora@example.co.jp")

# Lhost/MailFoundry.pm: Subject "Message delivery has failed", "(MAILFOUNDRY) id" in Received;
# "Unable to deliver message to: <address>", "Delivery failed for the following reason:".
MAILFOUNDRY = mixed(
    "Received: from mf.example.org ([192.0.2.1]) by mf.example.org (MAILFOUNDRY) id 0001\n"
    "From: MAILER-DAEMON@mf.example.org\n"
    "To: probe@sender.example.cn\n"
    "Subject: Message delivery has failed\n",
    "Unable to deliver message to: <kijitora@example.org>\n"
    "Delivery failed for the following reason:\n"
    "Server mx22.example.org[192.0.2.222] failed with: 550 5.2.2 <kijitora@example.org>"
    " Mailbox is full\n"
    "\n"
    "This has been a permanent failure.  No further delivery attempts will be made.\n",
    "kijitora@example.org")

# Lhost/MessageLabs.pm: X-Msg-Ref header, From MAILER-DAEMON@messagelabs.com, Subject "Mail
# Delivery Failure"; a message/delivery-status part, then text/rfc822-headers.
MESSAGELABS = (
    "From: MAILER-DAEMON@messagelabs.com\n"
    "To: probe@sender.example.cn\n"
    "Subject: Mail Delivery Failure\n"
    "X-Msg-Ref: server-11.tower-143.messagelabs.com!1419367175!36473369!1\n"
    "MIME-Version: 1.0\n"
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\n'
    "\n"
    "--b1\n"
    "Content-Type: text/plain\n"
    "\n"
    "This is an automatically generated Delivery Status Notification.\n"
    "\n"
    "--b1\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; server-11.tower-143.messagelabs.com\n"
    "\n"
    "Final-Recipient: rfc822; kijitora@example.jp\n"
    "Action: failed\n"
    "Status: 5.0.0\n"
    "Remote-MTA: dns; mail.example.jp\n"
    "Diagnostic-Code: smtp; 550 No such user\n"
    "\n"
    "--b1\n"
    "Content-Type: text/rfc822-headers\n"
    "\n"
    f"{ORIGINAL.format(rcpt='kijitora@example.jp')}"
    "--b1--\n"
).encode()

# Lhost/Verizon.pm (vtext.com): From post_master@vtext.com, a ".vtext.com (" Received line;
# after "Error: ", the reply line ("550 - ...") and "  RCPT TO: address" under "Message
# details:".
VERIZON = mixed(
    "Received: from smtp.vtext.com (smtp.vtext.com [192.0.2.5]) by mx.sender.example.cn\n"
    "From: post_master@vtext.com\n"
    "To: probe@sender.example.cn\n"
    "Subject: Undeliverable Message\n",
    "Error: Message could not be delivered\n"
    "550 - Requested action not taken: no such user here\n"
    "\n"
    "Message details:\n"
    "  Subject: MP-B4Y25-EQMC3\n"
    "  Sent date: Wed Jun 12 02:21:53 GMT 2013\n"
    "  MAIL FROM: probe@sender.example.cn\n"
    "  RCPT TO: 0000000000@vtext.com\n",
    "0000000000@vtext.com")

# Lhost/X6.pm: Subject "There was an error sending your mail"; "We had trouble delivering your
# message. Full details follow:", "SMTP Server <host> rejected recipient <address> (Error
# following RCPT command). It responded as follows: [reply]".
X6 = mixed(
    "From: mailer@x6.example.net\n"
    "To: probe@sender.example.cn\n"
    "Subject: There was an error sending your mail\n",
    "We had trouble delivering your message. Full details follow:\n"
    "\n"
    "Subject: 'MP-B4Y25-EQMC3'\n"
    "Date: 'Thu, 29 Apr 2012 23:34:45 +0000'\n"
    "\n"
    "1 error(s):\n"
    "\n"
    "SMTP Server <mta2.example.jp> rejected recipient <kijitora@example.jp> (Error following"
    " RCPT command). It responded as follows: [550 5.1.1 User unknown]\n"
    "\n"
    "The attachment contains the original mail headers\n",
    "kijitora@example.jp", original_type="text/rfc822-headers")

# Lhost/X5.pm: the notice (From "Mail Delivery Subsystem" in an RFC 2047 word, To
# "NotificationRecipients") carries only a message/rfc822 part, and that attached message is
# the multipart/report whose delivery-status part names the recipient.
X5 = (
    'From: "=?iso-2022-jp?B?TWFpbCBEZWxpdmVyeSBTdWJzeXN0ZW0=?=" <MAILER-DAEMON@mx.example.jp>\n'
    "To: NotificationRecipients\n"
    "Subject: =?iso-2022-jp?B?UmV0dXJuZWQgbWFpbDogVXNlciB1bmtub3du?=\n"
    "MIME-Version: 1.0\n"
    'Content-Type: multipart/mixed; boundary="outer"\n'
    "\n"
    "--outer\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>\n"
    "To: probe@sender.example.cn\n"
    "Subject: Returned mail: User unknown\n"
    "MIME-Version: 1.0\n"
    'Content-Type: multipart/report; report-type=delivery-status; boundary="inner"\n'
    "\n"
    "--inner\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "\n"
    "The original message was received at Thu, 29 Apr 2010 23:34:45 +0900\n"
    "\n"
    "   ----- The following addresses had permanent fatal errors -----\n"
    "kijitora@example.jp\n"
    "\n"
    "--inner\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.jp\n"
    "\n"
    "Final-Recipient: RFC822; kijitora@example.jp\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Diagnostic-Code: SMTP; 550 5.1.1 <kijitora@example.jp>... User Unknown\n"
    "\n"
    "--inner\n"
    "Content-Type: message/rfc822\n"
    "\n"
    f"{ORIGINAL.format(rcpt='kijitora@example.jp')}"
    "--inner--\n"
    "--outer--\n"
).encode()


CASES = [
    # name, message, address, status, reason, hard
    ("activehunter", ACTIVEHUNTER, "kijitora@example.org", "5.1.1", "userunknown", True),
    # no enhanced status and no SMTP command: the "user unknown" words are read as Sisimai
    # reads them (filtered), the recipient is found
    ("apachejames", APACHE_JAMES, "kijitora@example.org", None, "filtered", False),
    ("biglobe", BIGLOBE, "kijitora@mail.biglobe.ne.jp", None, "mailboxfull", False),
    ("interscanmss", INTERSCAN, "kijitora@example.co.jp", "5.1.1", "userunknown", True),
    ("mailfoundry", MAILFOUNDRY, "kijitora@example.org", "5.2.2", "mailboxfull", False),
    ("messagelabs", MESSAGELABS, "kijitora@example.jp", "5.0.0", "userunknown", True),
    ("verizon", VERIZON, "0000000000@vtext.com", None, "filtered", False),
    ("x5", X5, "kijitora@example.jp", "5.1.1", "userunknown", True),
    ("x6", X6, "kijitora@example.jp", "5.1.1", "userunknown", True),
]


@pytest.mark.parametrize(("name", "raw", "address", "status", "reason", "hard"), CASES,
                         ids=[c[0] for c in CASES])
def test_family_shape_is_read_by_the_general_paths(
        name: str, raw: bytes, address: str, status: str | None, reason: str,
        hard: bool) -> None:
    verdict = classify(raw)
    assert verdict.kind.value == "bounce", (name, verdict.kind, verdict.detector)
    got = [(r.address, r.status, r.reason, r.hard) for r in verdict.recipients]
    assert got == [(address, status, reason, hard)], (name, verdict.detector)


def test_a_report_nested_in_an_attached_message_names_the_returned_original() -> None:
    assert classify(X5).original_message_id == "mp-1@sender.example.cn"
