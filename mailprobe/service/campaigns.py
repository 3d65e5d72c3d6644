"""Campaigns: create, preview, send, follow and list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailprobe import token as tokens
from mailprobe.campaign import SendSummary, render_target, require_launched, send_campaign
from mailprobe.channels import mark_dead_domains
from mailprobe.config import Settings, from_domain, template_dir
from mailprobe.errors import InputError
from mailprobe.model import MAILBOX_TYPES
from mailprobe.mx import DomainCheck
from mailprobe.preflight import check_sender
from mailprobe.render import list_templates
from mailprobe.service import Clock, open_db, utcnow
from mailprobe.service.lock import run_lock
from mailprobe.store.campaigns import (
    create_campaign,
    get_campaign,
    list_campaigns,
    reply_counts,
    state_counts,
    template_counts,
)
from mailprobe.store.probes import probe_addresses, probe_targets
from mailprobe.variants import new_seed


@dataclass(frozen=True)
class Created:
    campaign: str
    templates: list[str]
    mailboxes: list[str]
    window_days: int
    probes: int
    seed: int
    state: str
    unit_spacing_minutes: int
    by_template: dict[str, dict[str, int]]  # mailbox type -> template -> probes
    warnings: list[str]
    unusable: int = 0  # probes to domains dead by DNS: recorded, never sent
    dead_domains: list[DomainCheck] | None = None  # None: the DNS check is off
    manual: int = 0  # web-form probes, waiting for staff (docs/web.md); not in `probes`
    deadline_days: int | None = None  # the campaign's on-time rule; None: [scoring.deadlines]


def create(settings: Settings, name: str, templates: list[str] | None, mailboxes: list[str],
           window: int | None, seed: int | None = None, clock: Clock = utcnow, *,
           deadline_days: int | None = None) -> Created:
    """A draft: one pending probe per published mailbox of the chosen types, templates dealt
    per mailbox with ``seed`` (random when None, recorded). Nothing is sent before launch."""
    chosen = list(dict.fromkeys(templates or [settings.campaign.template]))
    available = list_templates(template_dir(settings.campaign))
    missing = [t for t in chosen if t not in available]
    if missing:
        raise InputError(
            f"no probe template {', '.join(missing)}; available: {', '.join(available)}")
    if not mailboxes or any(t not in MAILBOX_TYPES for t in mailboxes):
        raise InputError(f"--mailboxes takes {', '.join(MAILBOX_TYPES)}; "
                         f"got {','.join(mailboxes)!r}")
    window_days = window if window is not None else settings.campaign.window_days
    if window_days < 1:
        raise InputError("--window must be at least 1 working day")
    if deadline_days is not None and deadline_days < 1:
        raise InputError("--deadline-days must be at least 1 working day")
    domain = from_domain(settings.probe)
    seed = new_seed() if seed is None else seed
    spacing = max(0, settings.campaign.unit_spacing_minutes)
    factory = open_db(settings)
    with factory() as session, session.begin():
        campaign = create_campaign(
            session, name, chosen, mailboxes, window_days, clock(), tokens.new_token,
            lambda t: tokens.message_id(t, domain), seed=seed, unit_spacing_minutes=spacing,
            deadline_days=deadline_days)
    dns = mark_dead_domains(factory, name, settings, clock()) if settings.dns.check else None
    with factory() as session:
        counts = state_counts(session, campaign.id)
        dealt = template_counts(session, campaign.id)
    by_template: dict[str, dict[str, int]] = {}
    for (mtype, template), n in sorted(dealt.items()):
        by_template.setdefault(mtype, {})[template] = n
    warnings = []
    if len(chosen) == 1 and len(mailboxes) > 1:
        warnings.append(f"only one template ({chosen[0]}): a unit's {' and '.join(mailboxes)} "
                        "mailboxes get the same text; give a second with --template")
    return Created(name, chosen, mailboxes, window_days, counts["pending"], seed,
                   campaign.state, spacing, by_template, warnings, counts.get("unusable", 0),
                   dns.dead if dns else None, counts["manual"], deadline_days)


def preview(settings: Settings, name: str, unit: str | None, limit: int) -> list[dict[str, Any]]:
    """Rendered probes and what a reply or bounce will be matched on."""
    with open_db(settings)() as session:
        campaign = get_campaign(session, name)
        targets = probe_targets(session, campaign.id, unit_id=unit)[:limit]
    if not targets:
        raise InputError(f'campaign "{name}" has no probe' + (f" for unit {unit}" if unit else ""))
    items: list[dict[str, Any]] = []
    for target in targets:
        rendered = render_target(target, settings)
        verp = "{token}" in settings.probe.return_path
        items.append({
            "unit_id": target.unit.unit_id,
            "mailbox": target.mailbox_type,
            "to": target.address,
            "template": target.template,
            "subject": rendered.subject,
            "body": rendered.body,
            "matched_on": {
                "return_path": tokens.return_path(settings.probe.return_path, target.token)
                if verp else None,
                "message_id": rendered.message_id,
                "code": tokens.code(target.token),
                "sender_window": target.address,
            },
        })
    return items


def send(settings: Settings, name: str, *, limit: int | None = None, dry_run: bool = False,
         progress: Callable[[int], Callable[[int], None]] | None = None,
         clock: Clock = utcnow) -> SendSummary:
    """Send the due probes under the run lock; ``progress(total)`` gives a step callback."""
    factory = open_db(settings)
    if not dry_run:  # a dry run checks a draft before launch, too
        with factory() as session:
            require_launched(get_campaign(session, name))
        check_sender(settings)
    with run_lock(factory, "run", clock):
        with factory() as session:
            campaign = get_campaign(session, name)
            counts = state_counts(session, campaign.id)
        due = counts.get("pending", 0) + counts.get("deferred", 0)
        step = progress(min(due, limit or due)) if progress else None
        return send_campaign(factory, name, settings, clock, limit=limit, dry_run=dry_run,
                             progress=step)


@dataclass(frozen=True)
class Status:
    campaign: str
    window_days: int
    state: str
    created_at: str
    launched_at: str | None
    closed_at: str | None
    cancelled_at: str | None
    cancel_reason: str | None
    seed: int | None
    message_id_domain: str | None
    unit_spacing_minutes: int
    counts: dict[str, int]
    messages: dict[str, int]
    uncertain: list[str]


def status(settings: Settings, name: str) -> Status:
    """Probes per send state and matched messages per kind."""
    with open_db(settings)() as session:
        campaign = get_campaign(session, name)
        counts = state_counts(session, campaign.id)
        replies = reply_counts(session, campaign.id)
        uncertain = probe_addresses(session, campaign.id, "uncertain")
    return Status(name, campaign.window_days, campaign.state, campaign.created_at.isoformat(),
                  _iso(campaign.launched_at), _iso(campaign.closed_at),
                  _iso(campaign.cancelled_at), campaign.cancel_reason, campaign.seed,
                  campaign.message_id_domain, campaign.unit_spacing_minutes, counts, replies,
                  uncertain)


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


@dataclass(frozen=True)
class Listed:
    name: str
    template: str
    mailboxes: str
    window_days: int
    created_at: str
    closed: bool
    state: str
    probes: int


def list_all(settings: Settings) -> list[Listed]:
    with open_db(settings)() as session:
        campaigns = list_campaigns(session)
        sizes = {c.id: sum(state_counts(session, c.id).values()) for c in campaigns}
    return [Listed(c.name, c.template, c.mailbox_types, c.window_days, c.created_at.isoformat(),
                   c.closed_at is not None, c.state, sizes[c.id]) for c in campaigns]
