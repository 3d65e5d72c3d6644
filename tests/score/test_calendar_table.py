"""The shipped 2008-2026 table agrees date by date with chinesecalendar and holidays (CN)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import holidays
import pytest

from mailprobe.score.workcal import WorkCalendar, load_calendar

YEARS = range(2008, 2027)


@pytest.fixture(scope="module")
def table_only() -> WorkCalendar:
    return WorkCalendar(load_calendar().table, use_libraries=False)


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def test_table_covers_2008_to_2026(table_only: WorkCalendar) -> None:
    assert all(table_only.is_official(y) for y in YEARS)
    assert not table_only.is_official(2027)


@pytest.mark.parametrize("year", YEARS)
def test_table_matches_chinesecalendar(table_only: WorkCalendar, year: int) -> None:
    wrong = [d for d in _days(year) if table_only.is_workday(d) != chinese_calendar.is_workday(d)]
    assert wrong == []


@pytest.mark.parametrize("year", YEARS)
def test_table_matches_holidays_cn(table_only: WorkCalendar, year: int) -> None:
    cn = holidays.country_holidays("CN", years=year)
    make_up = {d for d in cn.weekend_workdays if d.year == year}
    wrong = [d for d in _days(year)
             if table_only.is_workday(d) != (d in make_up or (d.weekday() < 5 and d not in cn))]
    assert wrong == []
