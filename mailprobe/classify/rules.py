"""Rule provenance as data: every phrase, pattern or header rule has an id and the files behind it.

A rule cites the groups of files that motivated it (``sources``):

- ``shared:<family>``: a file family of the shared bounce corpus (``lhost-postfix``, ...);
- ``corpus:<source>``: a folder of ``tests/corpus/`` (real mail gathered with provenance);
- ``fixtures``: ``tests/fixtures`` (written by this project: unit fixtures, not evidence);
- ``doc:<reference>``: a public description of the format (``doc:RFC3463``, vendor docs).

The leave-one-source-out benchmark judges each group by rules that were not written for it:
inside ``disabled({group})`` every rule citing that group is off. ``trace()`` collects the ids
of the rules that decided something, so a benchmark can list rules that fire on one file only.
Both are context variables: a rule check costs one ``ContextVar.get`` when nothing is active.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

GROUP_KINDS: tuple[str, ...] = ("shared:", "corpus:", "doc:", "fixtures")


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: ``id`` unique across the classifier, ``sources`` the groups that motivated it."""

    id: str
    sources: tuple[str, ...]
    covers: str = ""


_RULES: dict[str, Rule] = {}
_OFF: ContextVar[frozenset[str]] = ContextVar("mailprobe_rules_off", default=frozenset())
_FIRED: ContextVar[set[str] | None] = ContextVar("mailprobe_rules_fired", default=None)


def valid_group(group: str) -> bool:
    return group == "fixtures" or (
        group.startswith(GROUP_KINDS[:3]) and len(group.partition(":")[2]) > 0)


def register(rule_id: str, sources: Iterable[str], covers: str = "") -> Rule:
    """Declare a rule; a second rule with the same id or a malformed group is a bug."""
    cited = tuple(dict.fromkeys(sources))
    bad = [g for g in cited if not valid_group(g)]
    if bad:
        raise ValueError(f"rule {rule_id}: malformed source group(s) {bad}")
    if rule_id in _RULES and _RULES[rule_id].sources != cited:
        raise ValueError(f"rule {rule_id} declared twice")
    rule = Rule(rule_id, cited, covers)
    _RULES[rule_id] = rule
    return rule


def fire(rule_id: str) -> bool:
    """Whether rule ``rule_id`` may decide now; when it may, record it in the active trace.

    Call it when the rule has matched, just before its answer is used.
    """
    off = _OFF.get()
    if off and rule_id in off:
        return False
    fired = _FIRED.get()
    if fired is not None:
        fired.add(rule_id)
    return True


def is_on(rule_id: str) -> bool:
    """Whether ``rule_id`` is switched on (no trace): for checks made before matching."""
    off = _OFF.get()
    return not off or rule_id not in off


def switched_off() -> frozenset[str]:
    """The ids switched off now (empty outside ``disabled``): one lookup for a loop of checks."""
    return _OFF.get()


@contextmanager
def disabled(groups: Iterable[str]) -> Iterator[frozenset[str]]:
    """Switch off every rule that cites one of ``groups`` while the block runs.

    Yields the ids switched off. Nested blocks add to the outer one's set.
    """
    wanted = frozenset(groups)
    _load_all()
    ids = frozenset(r.id for r in _RULES.values() if wanted.intersection(r.sources))
    token = _OFF.set(_OFF.get() | ids)
    try:
        yield ids
    finally:
        _OFF.reset(token)


@contextmanager
def trace() -> Iterator[set[str]]:
    """Yield a set that collects the id of every rule that fires while the block runs."""
    fired: set[str] = set()
    token = _FIRED.set(fired)
    try:
        yield fired
    finally:
        _FIRED.reset(token)


def rule_sources() -> dict[str, tuple[str, ...]]:
    """Every rule id and the groups it cites."""
    _load_all()
    return {rule_id: rule.sources for rule_id, rule in sorted(_RULES.items())}


def all_rules() -> tuple[Rule, ...]:
    _load_all()
    return tuple(rule for _, rule in sorted(_RULES.items()))


def _load_all() -> None:
    # Rules are declared by the modules that use them; importing the package declares them all.
    import mailprobe.classify  # noqa: F401
