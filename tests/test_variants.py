"""Templates dealt per mailbox (docs/design.md §4): balanced within category and role,
different for a unit's two mailboxes, reproducible from the seed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from mailprobe.model import Mailbox, Unit
from mailprobe.store.campaigns import create_campaign, get_campaign, template_counts
from mailprobe.store.probes import probe_targets
from mailprobe.store.session import open_database
from mailprobe.store.units import import_units
from mailprobe.token import message_id, new_token
from mailprobe.variants import Slot, assign_templates

TEMPLATES = ["a", "b", "c"]


def slots(units: int, category_of=lambda n: "city_department" if n % 3 else "county",  # type: ignore[no-untyped-def]
          publishes=lambda n, role: True):
    return [Slot(n * 2 + r, f"U{n:03d}", category_of(n), role)
            for n in range(units) for r, role in enumerate(("public", "leader"))
            if publishes(n, role)]


def some_missing(n: int, role: str) -> bool:
    """Every 5th unit publishes no leader mailbox, every 7th no public one."""
    return not ((role == "leader" and n % 5 == 0) or (role == "public" and n % 7 == 0))


@pytest.mark.parametrize("seed", [0, 1, 2026])
@pytest.mark.parametrize("templates", [["a", "b"], TEMPLATES])
@pytest.mark.parametrize("publishes", [lambda n, role: True, some_missing])
def test_each_category_and_role_gets_every_template_within_one(  # type: ignore[no-untyped-def]
        seed: int, templates: list[str], publishes) -> None:
    all_slots = slots(101, publishes=publishes)
    dealt = assign_templates(all_slots, templates, seed)
    groups: dict[tuple[str, str], Counter[str]] = {}
    for slot in all_slots:
        groups.setdefault((slot.category, slot.role), Counter())[dealt[slot.key]] += 1
    for (category, role), counts in groups.items():
        values = [counts[t] for t in templates]
        assert max(values) - min(values) <= 1, (category, role, counts)


def test_a_units_two_mailboxes_get_different_templates() -> None:
    all_slots = slots(60, publishes=some_missing)
    dealt = assign_templates(all_slots, ["a", "b"], 7)
    by_unit: dict[str, set[str]] = {}
    for slot in all_slots:
        by_unit.setdefault(slot.unit_id, set()).add(dealt[slot.key])
    both = [unit for unit in by_unit if int(unit[1:]) % 5 and int(unit[1:]) % 7]
    assert both and all(len(by_unit[unit]) == 2 for unit in both)


def test_the_same_seed_deals_the_same_way_whatever_the_row_order() -> None:
    all_slots = slots(40)
    first = assign_templates(all_slots, TEMPLATES, 99)
    assert assign_templates(list(reversed(all_slots)), TEMPLATES, 99) == first
    assert assign_templates(all_slots, TEMPLATES, 100) != first


def test_one_template_goes_to_every_mailbox() -> None:
    assert set(assign_templates(slots(5), ["only"], 3).values()) == {"only"}


def test_a_stored_campaign_is_dealt_again_identically_from_its_recorded_seed(
        db_url: str) -> None:
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    units = [Unit(f"U{n}", f"单位{n}", "city_department",
                  (Mailbox("public", f"gk@u{n}.gov.cn"), Mailbox("leader", f"ld@u{n}.gov.cn")))
             for n in range(20)]
    factory = open_database(db_url)
    with factory() as s, s.begin():
        import_units(s, units, "t", now)
        for name, seed in (("first", 5), ("again", 5), ("other", 6)):
            create_campaign(s, name, ["consult_office_hours", "elderly_subsidy"],
                            ["public", "leader"], 20, now, new_token,
                            lambda t: message_id(t, "gov.cn"), seed=seed)
    with factory() as s:
        def deal(name: str) -> dict[tuple[str, str], str]:
            campaign = get_campaign(s, name)
            assert campaign.seed is not None
            return {(t.unit.unit_id, t.mailbox_type): t.template
                    for t in probe_targets(s, campaign.id)}
        assert deal("first") == deal("again") != deal("other")
        counts = template_counts(s, get_campaign(s, "first").id)
    assert counts == {("public", "consult_office_hours"): 10, ("public", "elderly_subsidy"): 10,
                      ("leader", "consult_office_hours"): 10, ("leader", "elderly_subsidy"): 10}
