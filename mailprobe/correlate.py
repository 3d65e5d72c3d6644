"""Tie a classified message to the probe it answers, by evidence in a fixed order. Pure.

Order (VERP first, as Mailman does): token in our return address → token or Message-ID
inside the returned original → In-Reply-To/References → the code in subject or body → the
failed recipient of a bounce (unless the returned original is another message: backscatter
of forged mail), or the sender, within the campaign window → otherwise the review list.
Every match carries its evidence and a confidence (docs/design.md §3): direct evidence is
``high``; the probe forwarded to us ("转发：", "Fw:") by anyone but the probed address
carries the probe's own code and thread headers, so it is ``low``; a sender who only shares
the probed unit's own domain (or its mail host's) is ``low`` and goes to review, with a
candidate only when the probes there all went to one unit. Shared and free-mail domains
never match by domain: a stranger writing from 163.com is not the unit that publishes a
163.com mailbox.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mailprobe.model import Kind, RefKind, Verdict

REVIEW = "review"
RECIPIENT_WINDOW = "recipient+window"
DOMAIN_WINDOW = "domain+window"
STAFF = "staff"

HIGH = "high"
LOW = "low"

# Review reasons (docs/design.md §3); an item with a reason is credited to no probe.
UNMATCHED = "unmatched"
LOW_CONFIDENCE = "low_confidence"
CONFLICT = "conflict"
UNKNOWN_KIND = "unknown_kind"
REVIEW_REASONS = (UNMATCHED, LOW_CONFIDENCE, CONFLICT, UNKNOWN_KIND)

# Free and shared mail services whose users are strangers to each other: a sender there
# says nothing about the unit. `[correlate] shared_domains` adds to this list.
SHARED_DOMAINS: tuple[str, ...] = (
    "163.com", "126.com", "yeah.net", "vip.163.com", "vip.126.com", "188.com",
    "qq.com", "vip.qq.com", "foxmail.com", "sina.com", "sina.cn", "vip.sina.com",
    "sohu.com", "aliyun.com", "139.com", "189.cn", "wo.cn", "21cn.com", "263.net",
    "tom.com", "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com",
    "msn.com", "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com",
    "proton.me", "protonmail.com", "gmx.com", "gmx.net", "mail.com", "yandex.com",
    "zoho.com", "sina.com.cn", "163.net", "china.com", "eyou.com", "wo.com.cn", "2980.com",
    "citiz.net", "yahoo.com.cn", "yahoo.cn", "live.cn", "hotmail.co.uk", "mail.ru",
    "yandex.ru", "web.de", "gmx.de", "naver.com",
)

_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|答复|回复|转发)\s*[:：]\s*)+", re.I)
# The outermost subject prefix of a forward (RFC 5322 leaves it to clients; "Fw:"/"Fwd:" in
# English clients, "转发：" in Chinese webmail and Outlook, "WG:" in German Outlook, "TR:" in
# French). "（自动回复）" or "回复：转发：" is not a forward: the reply prefix is outermost.
_FORWARD_PREFIX = re.compile(r"^\s*(?:\[[^]]*]\s*)?(?:fw|fwd|wg|tr|转发)\s*[:：]", re.I)
# Evidence a forward carries from the probe itself: the forwarded copy holds our code, and
# some clients keep In-Reply-To/References on a forward.
_CARRIED_BY_FORWARD = (RefKind.IN_REPLY_TO, RefKind.CODE)


@dataclass(frozen=True)
class ProbeKey:
    """What correlation needs to know of one sent probe."""

    probe_id: int
    token: str
    message_id: str  # without angle brackets, lower case
    address: str  # lower case
    sent_at: datetime | None
    window_ends_at: datetime | None
    subject: str = ""  # the probe's subject as sent, for "the reply quotes the probe"
    unit: str = ""  # the unit's id: its mailboxes often share one domain


@dataclass
class ProbeIndex:
    """Lookup tables over the probes that replies may still belong to."""

    by_token: dict[str, ProbeKey] = field(default_factory=dict)
    by_message_id: dict[str, ProbeKey] = field(default_factory=dict)
    by_address: dict[str, list[ProbeKey]] = field(default_factory=lambda: defaultdict(list))
    by_domain: dict[str, list[ProbeKey]] = field(default_factory=lambda: defaultdict(list))
    shared_domains: frozenset[str] = frozenset(SHARED_DOMAINS)

    @classmethod
    def build(cls, probes: list[ProbeKey],
              shared_domains: Iterable[str] = SHARED_DOMAINS) -> ProbeIndex:
        index = cls(shared_domains=frozenset(d.strip().lower() for d in shared_domains))
        for probe in probes:
            index.by_token[probe.token] = probe
            index.by_message_id[probe.message_id] = probe
            index.by_address[probe.address].append(probe)
            index.by_domain[probe.address.rpartition("@")[2]].append(probe)
        return index

    def related(self, domain: str) -> list[ProbeKey]:
        """Probes at ``domain``; failing that, at a domain it is a subdomain of or at one of
        its subdomains: a unit's mail host (mail.unit.gov.cn) answers for unit.gov.cn."""
        return self.by_domain.get(domain) or [
            probe for probed, probes in self.by_domain.items()
            if probed.endswith("." + domain) or domain.endswith("." + probed)
            for probe in probes]

    def is_shared(self, domain: str) -> bool:
        """True for a listed domain or any subdomain of one (e.g. vip.163.com)."""
        parts = domain.lower().split(".")
        return any(".".join(parts[i:]) in self.shared_domains for i in range(len(parts) - 1))


@dataclass(frozen=True)
class Match:
    """The probe a message belongs to (or would, pending review) and why.

    ``review`` names the review reason; a match with a reason is credited to no probe,
    ``probe_id`` then being the candidate staff are asked about (None when unmatched)."""

    probe_id: int | None
    evidence: str  # a RefKind value, RECIPIENT_WINDOW, DOMAIN_WINDOW, STAFF, or REVIEW
    confidence: str | None = HIGH  # HIGH, LOW, or None when nothing ties it
    review: str | None = None  # one of REVIEW_REASONS
    note: str = ""  # the evidence in words, for `mailprobe explain`

    @property
    def credited(self) -> int | None:
        """The probe this message counts for now (None while it awaits review)."""
        return None if self.review else self.probe_id


_REF_ORDER = (RefKind.RETURN_PATH, RefKind.RETURNED_ORIGINAL, RefKind.IN_REPLY_TO, RefKind.CODE)


def correlate(verdict: Verdict, received_at: datetime, index: ProbeIndex) -> Match:
    """Return the probe ``verdict`` belongs to, or a review entry when nothing ties it."""
    match = _match_by_ref(verdict, index) or _match_by_address(verdict, received_at, index)
    if verdict.kind == Kind.UNKNOWN and match.review is None:
        # What it is decides the credit; staff say it (override kind) before it counts.
        return Match(match.probe_id, match.evidence, match.confidence, UNKNOWN_KIND, match.note)
    return match


def _match_by_ref(verdict: Verdict, index: ProbeIndex) -> Match | None:
    for ref_kind in _REF_ORDER:
        for ref in verdict.refs:
            if ref.kind != ref_kind:
                continue
            probe = index.by_token.get(ref.value.lower()) or index.by_message_id.get(
                ref.value.strip("<>").lower())
            if probe is not None:
                return _forwarded(verdict, probe, ref_kind) or Match(
                    probe.probe_id, ref_kind.value, HIGH, None, f"{ref_kind.value} {ref.value}")
    return None


def _forwarded(verdict: Verdict, probe: ProbeKey, ref_kind: RefKind) -> Match | None:
    """A forward of the probe sent by anyone but the probed address: low confidence.

    The probe forwarded to us carries its own code and thread headers, so they say only that
    the sender had the probe in hand, not that the unit answered it; staff decide."""
    sender = (verdict.sender or "").lower()
    if (ref_kind not in _CARRIED_BY_FORWARD or sender == probe.address
            or not _FORWARD_PREFIX.match(verdict.subject)):
        return None
    return Match(probe.probe_id, ref_kind.value, LOW, LOW_CONFIDENCE,
                 f"{sender or 'the sender'} forwards the probe ({ref_kind.value}); a forward "
                 "shows the probe was passed on, not answered")


def _match_by_address(verdict: Verdict, received_at: datetime, index: ProbeIndex) -> Match:
    if verdict.kind in (Kind.BOUNCE, Kind.DELAY):
        other = _returns_another_message(verdict, index)
        if other:
            return unmatched(f"the returned original is <{other}>, no probe of ours: a bounce "
                             "of someone else's mail (backscatter), whoever it names")
        for recipient in verdict.recipients:
            address = recipient.address.lower()
            probe = _one_in_window(index.by_address.get(address, []), received_at)
            if probe is not None:
                return Match(probe.probe_id, RECIPIENT_WINDOW, HIGH, None,
                             f"failed recipient {address} is the probed address")
        return unmatched("no probe token, and no failed recipient probed in the window")
    sender = (verdict.sender or "").lower()
    if not sender or verdict.kind in (Kind.UNPARSEABLE, Kind.FEEDBACK_REPORT):
        return unmatched("no probe token and no usable sender")
    probe = _one_in_window(index.by_address.get(sender, []), received_at)
    if probe is not None:
        return Match(probe.probe_id, RefKind.SENDER_WINDOW.value, HIGH, None,
                     f"sent by the probed address {sender}")
    return _match_by_domain(verdict, sender, received_at, index)


def _returns_another_message(verdict: Verdict, index: ProbeIndex) -> str | None:
    """The returned original's Message-ID when it is none of our probes' (it came back with
    the bounce, so the bounce is about that message, even if it names a probed address)."""
    returned = verdict.original_message_id
    return returned if returned and returned not in index.by_message_id else None


def _match_by_domain(verdict: Verdict, sender: str, received_at: datetime,
                     index: ProbeIndex) -> Match:
    domain = sender.rpartition("@")[2]
    if index.is_shared(domain):
        return unmatched(f"{sender}: {domain} is a shared mail domain, never matched by domain")
    # A colleague at the unit's own domain often answers. The reply that quotes one probe's
    # subject names it; otherwise only a domain whose probes in the window all went to one
    # unit (its public and leader mailboxes) gives a candidate, and a guess for staff.
    live = [p for p in index.related(domain) if _in_window(p, received_at)]
    quoted = [p for p in live if _quotes_subject(verdict.subject, p.subject)]
    if len(quoted) == 1 and not _FORWARD_PREFIX.match(verdict.subject):
        return Match(quoted[0].probe_id, DOMAIN_WINDOW, HIGH, None,
                     f"{sender} at the probed domain, and the subject quotes the probe's")
    probe = _one_unit_candidate(live)
    if probe is None:
        return unmatched(f"{sender}: no single unit probed at or around {domain} in the window")
    others = sorted(p.address for p in live if p is not probe)
    also = f" (the unit's other mailboxes probed: {', '.join(others)})" if others else ""
    return Match(probe.probe_id, DOMAIN_WINDOW, LOW, LOW_CONFIDENCE,
                 f"only the domain {domain} ties {sender} to the probe{also}")


def _one_unit_candidate(live: list[ProbeKey]) -> ProbeKey | None:
    """The earliest probe when every live candidate went to the same unit, else None."""
    if not live or (len(live) > 1 and (not live[0].unit
                                       or any(p.unit != live[0].unit for p in live))):
        return None
    return min(live, key=lambda p: p.probe_id)


def _quotes_subject(subject: str, probe_subject: str) -> bool:
    """True when a reply's subject, without Re:/回复: prefixes, is the probe's subject."""
    if not probe_subject.strip():
        return False
    bare = _REPLY_PREFIX.sub("", subject).strip()
    return bool(bare) and bare == probe_subject.strip()


def unmatched(note: str) -> Match:
    return Match(None, REVIEW, None, UNMATCHED, note)


def _one_in_window(candidates: list[ProbeKey], received_at: datetime) -> ProbeKey | None:
    live = [p for p in candidates if _in_window(p, received_at)]
    return live[0] if len(live) == 1 else None


def _in_window(probe: ProbeKey, received_at: datetime) -> bool:
    if probe.sent_at is None or received_at < probe.sent_at - timedelta(minutes=5):
        return False
    return probe.window_ends_at is None or received_at <= probe.window_ends_at
