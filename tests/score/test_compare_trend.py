"""`report --compare`: better / worse / unchanged per unit in both rounds, by a threshold."""

from __future__ import annotations

from dataclasses import replace

from mailprobe.report.notice import render_notice
from mailprobe.report.rows import comparison_table
from mailprobe.score import compare_rounds
from tests.report.sample import sample_score


def _shifted(score, shifts):  # type: ignore[no-untyped-def]
    units = tuple(replace(u, score=u.score + shifts.get(u.unit_id, 0.0))
                  if u.score is not None else u for u in score.units)
    return replace(score, campaign="round2", units=units)


def test_trend_uses_the_threshold_and_only_units_in_both_rounds() -> None:
    before = sample_score()
    scored = [u.unit_id for u in before.units if u.score is not None]
    after = _shifted(before, {scored[0]: 12.0, scored[1]: -10.0, scored[2]: 9.9})
    dropped = before.units[-1].unit_id
    after = replace(after, units=tuple(u for u in after.units if u.unit_id != dropped))
    cmp = compare_rounds(before, after)
    trends = {c.unit_id: c.trend for c in cmp.units}
    assert (trends[scored[0]], trends[scored[1]], trends[scored[2]]) == (
        "better", "worse", "unchanged")
    assert trends[dropped] is None and cmp.by_unit()[dropped].status == "dropped"
    wide = compare_rounds(before, after, threshold=15.0)
    assert wide.trend_counts()["better"] == 0 and wide.threshold == 15.0


def test_the_table_and_the_notice_say_it() -> None:
    before = sample_score()
    scored = [u.unit_id for u in before.units if u.score is not None]
    cmp = compare_rounds(before, _shifted(before, {scored[0]: 20.0}))
    table = comparison_table(cmp)
    assert table.columns[-1].zh == "变化判断（±10分）"
    assert [r[-1] for r in table.rows if r[0] == scored[0]] == ["进步"]
    counts = cmp.trend_counts()
    assert f"得分提高 10 分及以上的 {counts['better']} 个" in render_notice(before, "zh", cmp)
