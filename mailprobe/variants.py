"""Which probe template each mailbox gets (docs/design.md §4). Pure.

Blocked randomisation: within each category the units are shuffled with the campaign's
seed, those publishing both mailboxes first. Each role's mailboxes, in that order, are dealt
the templates in turn, the leader deal starting one template further on; so within a
category each template goes to as many mailboxes of each role as any other, give or take
one, and a unit's two mailboxes (dealt at the same position) get different texts whenever
a second template exists. The same seed deals the same way again.
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
    roles_of: dict[str, dict[str, set[str]]] = {}  # category -> unit -> roles
    for slot in slots:
        roles_of.setdefault(slot.category, {}).setdefault(slot.unit_id, set()).add(slot.role)
    position: dict[tuple[str, str], int] = {}  # (unit, role) -> place in the role's deal
    for category in sorted(roles_of):
        units = sorted(roles_of[category])  # the deal depends on the seed, not on row order
        rng.shuffle(units)
        most = max(len(roles) for roles in roles_of[category].values())
        units.sort(key=lambda u: len(roles_of[category][u]) < most)  # stable: both first
        dealt: dict[str, int] = {}
        for unit_id in units:
            for role in sorted(roles_of[category][unit_id]):
                position[(unit_id, role)] = dealt.get(role, 0)
                dealt[role] = dealt.get(role, 0) + 1
    count = len(templates)
    return {slot.key: templates[(position[(slot.unit_id, slot.role)]
                                 + _role_offset(slot.role)) % count]
            for slot in slots}


def _role_offset(role: str) -> int:
    return MAILBOX_TYPES.index(role) if role in MAILBOX_TYPES else 0
