"""Which probe template each mailbox gets (docs/design.md §4). Pure.

Blocked randomisation: within each category the units are shuffled with the campaign's seed
and dealt templates in turn, the public mailbox of the i-th unit getting template i and its
leader mailbox template i+1 (mod the number of templates). Each template then goes to as
many mailboxes of each role as any other, give or take one per category (exactly so when
every unit publishes both mailboxes), and a unit's two mailboxes get different texts
whenever a second template exists. The same seed deals the same way again.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from mailprobe.model import MAILBOX_TYPES


@dataclass(frozen=True)
class Slot:
    """One mailbox to probe: ``key`` identifies it to the caller (the mailbox id)."""

    key: int
    unit_id: str
    category: str
    role: str  # one of MAILBOX_TYPES


def new_seed() -> int:
    """A fresh seed, recorded with the campaign so that its deal can be reproduced."""
    return secrets.randbelow(2**31)


def assign_templates(slots: Sequence[Slot], templates: Sequence[str],
                     seed: int) -> dict[int, str]:
    """The template of every slot, by ``key``."""
    if not templates:
        raise ValueError("at least one template is needed")
    rng = random.Random(seed)
    by_category: dict[str, list[str]] = {}
    for slot in slots:
        units = by_category.setdefault(slot.category, [])
        if slot.unit_id not in units:
            units.append(slot.unit_id)
    position: dict[str, int] = {}
    for category in sorted(by_category):
        units = sorted(by_category[category])  # the deal depends on the seed, not on row order
        rng.shuffle(units)
        position.update((unit_id, i) for i, unit_id in enumerate(units))
    count = len(templates)
    return {slot.key: templates[(position[slot.unit_id] + _role_offset(slot.role)) % count]
            for slot in slots}


def _role_offset(role: str) -> int:
    return MAILBOX_TYPES.index(role) if role in MAILBOX_TYPES else 0
