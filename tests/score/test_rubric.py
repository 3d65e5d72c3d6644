"""The rubric from [scoring]: defaults, overrides, validation errors that name the key."""

from __future__ import annotations

import pytest

from mailprobe.errors import InputError
from mailprobe.score.rubric import Rubric, rubric_from_settings


def test_defaults_are_domain_rubric() -> None:
    r = rubric_from_settings({})
    assert (r.delivery_weight, r.response_weight, r.timeliness_weight) == (30, 40, 30)
    assert [r.timeliness_credit(d) for d in (0, 1, 2, 3, 5, 7, 8, 15, 20, 21, None)] == \
        [1.0, 1.0, 0.9, 0.9, 0.75, 0.6, 0.4, 0.4, 0.2, 0.0, 0.0]


def test_to_dict_round_trips() -> None:
    r = rubric_from_settings({"weights": {"delivery": 20, "response": 50, "timeliness": 30},
                              "points_budget": 15, "timeliness": [[3, 1.0], [10, 0.5]]})
    assert rubric_from_settings(r.to_dict()) == r
    assert r.timeliness_credit(4) == 0.5


@pytest.mark.parametrize(("conf", "message"), [
    ({"weights": {"delivery": 50}}, "must be 100"),
    ({"weight": {}}, "unknown key"),
    ({"response": {"substantive": 1.5}}, "response.substantive"),
    ({"response": {"auto_ack": "high"}}, "expected a number"),
    ({"timeliness": [[3, 0.9], [1, 1.0]]}, "days must increase"),
    ({"timeliness": "fast"}, "list of pairs"),
    ({"unit_weights": {"public": 0.7}}, "public \\+ leader"),
    ({"evidence": {"confidence": 1.0}}, "confidence"),
    ({"evidence": {"unreviewed_human": "maybe"}}, "unreviewed_human"),
    ({"within_days": ["x"]}, "within_days"),
])
def test_bad_settings_raise_input_error(conf: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        rubric_from_settings(conf)


def test_wilson_z_for_confidence() -> None:
    assert Rubric(wilson_confidence=0.95).wilson_z == pytest.approx(1.959964, abs=1e-6)
