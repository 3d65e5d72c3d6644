"""A campaign's lifecycle (docs/design.md §1): launch, cancel, delete a draft."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mailprobe import token as tokens
from mailprobe.config import Settings, from_domain
from mailprobe.errors import InputError
from mailprobe.model import CampaignState
from mailprobe.preflight import check_sender
from mailprobe.service import Clock, open_db, utcnow
from mailprobe.store import Session
from mailprobe.store.campaigns import (
    Campaign,
    Overlap,
    cancel_campaign,
    delete_draft,
    get_campaign,
    launch_campaign,
    overlapping_mailboxes,
    state_counts,
    template_counts,
)
from mailprobe.store.probes import probe_targets

OVERLAPS_NAMED = 20  # the refusal names this many shared mailboxes, then counts the rest


@dataclass(frozen=True)
class LaunchPlan:
    """What `launch` is about to start, for the confirmation and the --json document."""

    campaign: str
    probes: int
    units: int
    mailboxes: list[str]
    templates: dict[str, dict[str, int]]  # mailbox type -> template -> probes
    window_days: int
    sender: str
    message_id_domain: str
    unit_spacing_minutes: int
    overlaps: list[Overlap] = field(default_factory=list)  # allowed with --allow-overlap
    manual: int = 0  # web-form probes, submitted by staff (docs/web.md), not in ``probes``


@dataclass(frozen=True)
class Launched:
    plan: LaunchPlan
    launched_at: str
    state: str = CampaignState.LAUNCHED


class NotConfirmed(InputError):
    """Staff answered no: nothing changed."""


def launch(settings: Settings, name: str, *, allow_overlap: bool = False,
           confirm: Callable[[LaunchPlan], bool] | None = None,
           clock: Clock = utcnow) -> Launched:
    """Launch a draft after the checks: a real sender, no mailbox shared with another open
    campaign (unless ``allow_overlap``), and ``confirm(plan)`` when given. The Message-ID
    domain configured now is fixed for the campaign's life."""
    check_sender(settings)
    domain = from_domain(settings.probe)
    factory = open_db(settings)
    with factory() as session:
        campaign = get_campaign(session, name)
        if campaign.state != CampaignState.DRAFT:
            raise InputError(f'campaign "{name}" is {campaign.state}, not a draft; only a '
                             "draft can be launched")
        plan = _plan(session, campaign, settings, domain)
    if plan.overlaps and not allow_overlap:
        raise InputError(_overlap_refusal(name, plan.overlaps))
    if confirm is not None and not confirm(plan):
        raise NotConfirmed(f'campaign "{name}" not launched (not confirmed); it stays a draft')
    now = clock()
    with factory() as session, session.begin():
        launch_campaign(session, name, now, domain,
                        lambda token: tokens.message_id(token, domain))
    return Launched(plan, now.isoformat())


def _plan(session: Session, campaign: Campaign, settings: Settings,
          domain: str) -> LaunchPlan:
    counts = state_counts(session, campaign.id)
    templates: dict[str, dict[str, int]] = {}
    for (mtype, template), n in sorted(template_counts(session, campaign.id).items()):
        templates.setdefault(mtype, {})[template] = n
    units = len({t.unit.unit_id for t in probe_targets(session, campaign.id)})
    # Web forms are submitted by staff (docs/web.md): counted apart, never "sent".
    manual = counts.get("manual", 0)
    return LaunchPlan(campaign.name, sum(counts.values()) - manual, units,
                      campaign.mailbox_types.split(","), templates, campaign.window_days,
                      settings.probe.from_, domain, campaign.unit_spacing_minutes,
                      overlapping_mailboxes(session, campaign.id), manual)


def _overlap_refusal(name: str, overlaps: list[Overlap]) -> str:
    named = "; ".join(f"{o.address} (in {o.campaign})" for o in overlaps[:OVERLAPS_NAMED])
    more = len(overlaps) - OVERLAPS_NAMED
    rest = f" and {more} more" if more > 0 else ""
    return (f'campaign "{name}" not launched: {len(overlaps)} of its mailboxes are already '
            f"probed by an open campaign: {named}{rest}. The same mailbox probed twice in one "
            "window distorts both; wait until the other closes, cancel it, or launch with "
            "--allow-overlap")


@dataclass(frozen=True)
class Cancelled:
    campaign: str
    reason: str
    cancelled_probes: int  # unsent probes now `cancelled`: never sent, not charged
    counts: dict[str, int]


def cancel(settings: Settings, name: str, reason: str, clock: Clock = utcnow) -> Cancelled:
    """Stop a campaign: nothing more is sent, deferred retries included; what was sent
    stays measured."""
    if not reason.strip():
        raise InputError("--reason is required: the ledger keeps why a campaign was cancelled")
    with open_db(settings)() as session, session.begin():
        stopped = cancel_campaign(session, name, clock(), reason.strip())
        counts = state_counts(session, get_campaign(session, name).id)
    return Cancelled(name, reason.strip(), stopped, counts)


@dataclass(frozen=True)
class Deleted:
    campaign: str
    probes: int


def delete(settings: Settings, name: str) -> Deleted:
    """Delete a draft (drafts are not edited in place: delete and create again)."""
    with open_db(settings)() as session, session.begin():
        return Deleted(name, delete_draft(session, name))
