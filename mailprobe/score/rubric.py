"""The scoring rubric: weights, credits, bands and cut points from mailprobe.toml ``[scoring]``.

Defaults and their sources: docs/scoring.md ("Where the defaults come from"); the cut
points are published reply deadlines (1/3/5/7/15/20 working days). ``Rubric.to_dict()`` is
stored with every score so a published table can always be recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from mailprobe.errors import InputError

# deadlines: read by score/deadlines.py; compare_threshold: by `report --compare` (score/rank.py)
_KEYS = {"weights", "response", "timeliness", "unit_weights", "points_budget",
         "overdue_months", "within_days", "evidence", "deadlines", "compare_threshold"}
_EVIDENCE_KEYS = {"confidence", "cut", "min_probes", "unreviewed_human"}


@dataclass(frozen=True)
class Rubric:
    """How one probe, one mailbox and one unit are scored (defaults: docs/scoring.md)."""

    delivery_weight: float = 30.0
    response_weight: float = 40.0
    timeliness_weight: float = 30.0
    credit_substantive: float = 1.0
    credit_non_substantive: float = 0.6
    credit_auto_ack: float = 0.25
    # (working days at most, credit) for the first human reply; later or none -> 0.
    timeliness_bands: tuple[tuple[float, float], ...] = (
        (1, 1.0), (3, 0.9), (5, 0.75), (7, 0.6), (15, 0.4), (20, 0.2))
    public_weight: float = 0.5
    leader_weight: float = 0.5
    points_budget: float = 10.0  # the office's points for the indicator (10-20 published)
    overdue_months: int = 3  # State Council 2019: unanswered > 3 months fails the site
    within_days: tuple[int, ...] = (1, 3, 5, 7, 15, 20)
    # Two probes per unit: at 95 % a Wilson interval never separates 2/2 from 0/2, at 80 %
    # it does, while 1/2 stays "insufficient evidence".
    wilson_confidence: float = 0.8
    evidence_cut: float = 0.5
    min_probes: int = 2
    unreviewed_human: str = "non_substantive"  # a human reply not yet judged counts as this

    @property
    def wilson_z(self) -> float:
        return NormalDist().inv_cdf(1 - (1 - self.wilson_confidence) / 2)

    def timeliness_credit(self, working_days: float | None) -> float:
        """Credit for a first human reply after ``working_days``; None (no reply) -> 0."""
        if working_days is None:
            return 0.0
        for limit, credit in self.timeliness_bands:
            if working_days <= limit:
                return credit
        return 0.0

    def to_dict(self) -> dict[str, Any]:
        """The ``[scoring]`` table that rebuilds this rubric (stored with every score)."""
        return {
            "weights": {"delivery": self.delivery_weight, "response": self.response_weight,
                        "timeliness": self.timeliness_weight},
            "response": {"substantive": self.credit_substantive,
                         "non_substantive": self.credit_non_substantive,
                         "auto_ack": self.credit_auto_ack},
            "timeliness": [[d, c] for d, c in self.timeliness_bands],
            "unit_weights": {"public": self.public_weight, "leader": self.leader_weight},
            "points_budget": self.points_budget,
            "overdue_months": self.overdue_months,
            "within_days": list(self.within_days),
            "evidence": {"confidence": self.wilson_confidence, "cut": self.evidence_cut,
                         "min_probes": self.min_probes,
                         "unreviewed_human": self.unreviewed_human},
        }


def rubric_from_settings(conf: Mapping[str, Any] | None = None) -> Rubric:
    """Build and validate a Rubric from ``[scoring]``; errors name the key and the fix."""
    conf = dict(conf or {})
    _no_unknown(conf, _KEYS, "[scoring]")
    weights = _table(conf, "weights", {"delivery", "response", "timeliness"})
    response = _table(conf, "response", {"substantive", "non_substantive", "auto_ack"})
    units = _table(conf, "unit_weights", {"public", "leader"})
    evidence = _table(conf, "evidence", _EVIDENCE_KEYS)
    d = Rubric()
    rubric = Rubric(
        delivery_weight=_num(weights, "delivery", d.delivery_weight, "weights"),
        response_weight=_num(weights, "response", d.response_weight, "weights"),
        timeliness_weight=_num(weights, "timeliness", d.timeliness_weight, "weights"),
        credit_substantive=_share(response, "substantive", d.credit_substantive, "response"),
        credit_non_substantive=_share(response, "non_substantive", d.credit_non_substantive,
                                      "response"),
        credit_auto_ack=_share(response, "auto_ack", d.credit_auto_ack, "response"),
        timeliness_bands=_bands(conf.get("timeliness", d.timeliness_bands)),
        public_weight=_share(units, "public", d.public_weight, "unit_weights"),
        leader_weight=_share(units, "leader", d.leader_weight, "unit_weights"),
        points_budget=_num(conf, "points_budget", d.points_budget, ""),
        overdue_months=int(_num(conf, "overdue_months", d.overdue_months, "")),
        within_days=_days_list(conf.get("within_days", d.within_days)),
        wilson_confidence=_num(evidence, "confidence", d.wilson_confidence, "evidence"),
        evidence_cut=_share(evidence, "cut", d.evidence_cut, "evidence"),
        min_probes=int(_num(evidence, "min_probes", d.min_probes, "evidence")),
        unreviewed_human=str(evidence.get("unreviewed_human", d.unreviewed_human)),
    )
    _check_sums(rubric)
    return rubric


def _check_sums(r: Rubric) -> None:
    total = r.delivery_weight + r.response_weight + r.timeliness_weight
    if abs(total - 100) > 1e-9:
        raise InputError(f"[scoring] weights: delivery + response + timeliness = {total:g}, "
                         "must be 100 (a mailbox scores 0-100)")
    if abs(r.public_weight + r.leader_weight - 1) > 1e-9:
        raise InputError("[scoring] unit_weights: public + leader must be 1 "
                         f"(got {r.public_weight + r.leader_weight:g})")
    if not 0 < r.wilson_confidence < 1:
        raise InputError("[scoring] evidence.confidence must be between 0 and 1, e.g. 0.8")
    if r.unreviewed_human not in ("substantive", "non_substantive"):
        raise InputError('[scoring] evidence.unreviewed_human must be "substantive" or '
                         '"non_substantive"')
    if r.points_budget < 0 or r.overdue_months < 1 or r.min_probes < 1:
        raise InputError("[scoring] points_budget must be >= 0, overdue_months and "
                         "evidence.min_probes >= 1")


def _no_unknown(conf: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(conf) - allowed)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)} "
                         "(see docs/scoring.md)")


def _table(conf: Mapping[str, Any], key: str, allowed: set[str]) -> dict[str, Any]:
    value = conf.get(key, {})
    if not isinstance(value, Mapping):
        raise InputError(f"[scoring] {key} must be a table, e.g. {key} = {{ ... }}")
    _no_unknown(value, allowed, f"[scoring] {key}")
    return dict(value)


def _num(conf: Mapping[str, Any], key: str, default: float, where: str) -> float:
    value = conf.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        name = f"{where}.{key}" if where else key
        raise InputError(f"[scoring] {name} = {value!r}: expected a number >= 0")
    return float(value)


def _share(conf: Mapping[str, Any], key: str, default: float, where: str) -> float:
    value = _num(conf, key, default, where)
    if value > 1:
        raise InputError(f"[scoring] {where}.{key} = {value:g}: expected a share from 0 to 1")
    return value


def _bands(value: Any) -> tuple[tuple[float, float], ...]:
    hint = "write timeliness = [[1, 1.0], [3, 0.9], ...] as [working days, credit]"
    try:
        bands = tuple((float(d), float(c)) for d, c in value)
    except (TypeError, ValueError):
        raise InputError(f"[scoring] timeliness: {value!r} is not a list of pairs; {hint}") \
            from None
    for (d0, c0), (d1, c1) in zip(bands, bands[1:], strict=False):
        if d1 <= d0 or c1 > c0:
            raise InputError("[scoring] timeliness: days must increase and credits must not "
                             f"increase ({d0:g}->{d1:g} days, {c0:g}->{c1:g}); {hint}")
    if not bands or any(not 0 <= c <= 1 or d < 0 for d, c in bands):
        raise InputError(f"[scoring] timeliness: credits must be 0-1 and days >= 0; {hint}")
    return bands


def _days_list(value: Any) -> tuple[int, ...]:
    try:
        days = tuple(sorted(int(v) for v in value))
    except (TypeError, ValueError):
        raise InputError(f"[scoring] within_days = {value!r}: expected a list of integers") \
            from None
    if not days or days[0] < 0:
        raise InputError("[scoring] within_days: give at least one non-negative day count")
    return days
