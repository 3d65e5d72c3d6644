"""Working time on the Chinese calendar: hand-computed cases (office hours 08:30-12:00,
14:30-17:30, Beijing time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from mailprobe.errors import InputError
from mailprobe.score.workcal import WorkCalendar, load_calendar, parse_office_hours
from tests.score.factories import calendar, cst

CASES = [
    # name, start (Beijing), end (Beijing), working hours, working days, estimated
    # 2025 Spring Festival: rest 01-28..02-04, make-up Sun 01-26 and Sat 02-08.
    # 1.5 (Fri 16:00-17:30) + 6.5 (Sun 26) + 6.5 (Mon 27) + 3x6.5 (Feb 5-7) + 1.5 (Sat 8)
    ("spring-2025", (2025, 1, 24, 16, 0), (2025, 2, 8, 10, 0), 35.5, 6, False),
    # 2025 National Day: rest 10-01..10-08, make-up Sun 09-28; received on a rest Saturday.
    # 6.5 (Sun 28) + 13 (Mon 29, Tue 30) + 0.5 (Thu 10-09 08:30-09:00)
    ("national-2025", (2025, 9, 27, 9, 0), (2025, 10, 9, 9, 0), 20.0, 4, False),
    # 2026 Spring Festival: rest 02-15..02-23, make-up Sat 02-14 and Sat 02-28; lunch start.
    # 3 (Fri 14:30-17:30) + 6.5 (Sat 14) + 4x6.5 (Feb 24-27) + 3.5 + 0.5 (Sat 28 to 15:00)
    ("spring-2026", (2026, 2, 13, 12, 30), (2026, 2, 28, 15, 0), 39.5, 6, False),
    # 2026 National Day: rest 10-01..10-07, make-up Sat 10-10; reply on rest Sunday 10-11.
    # 0.5 (Wed 09-30 17:00-17:30) + 13 (Thu 8, Fri 9) + 6.5 (Sat 10) + 0 (Sun 11)
    ("national-2026", (2026, 9, 30, 17, 0), (2026, 10, 11, 11, 0), 20.0, 3, False),
    # Office-hour boundaries on an ordinary Monday.
    ("before-open", (2025, 3, 3, 7, 0), (2025, 3, 3, 12, 0), 3.5, 0, False),
    ("across-lunch", (2025, 3, 3, 11, 59), (2025, 3, 3, 14, 31), 2 / 60, 0, False),
    ("close-to-open", (2025, 3, 3, 17, 30), (2025, 3, 4, 8, 30), 0.0, 1, False),
    # Reply on a rest day: no working time passes, and no working day is counted.
    ("reply-saturday", (2025, 3, 7, 17, 0), (2025, 3, 8, 10, 0), 0.5, 0, False),
    # 2008 Beijing Olympics year: make-up Sat 09-27 and Sun 09-28, rest 09-29..10-05.
    ("national-2008", (2008, 9, 26, 17, 0), (2008, 10, 6, 9, 0), 0.5 + 13 + 0.5, 3, False),
    # 2027 has no official data yet: statutory holidays computed, flagged estimated.
    # 6 (Thu 2026-12-31 from 09:00) + 0 (Fri 2027-01-01, 元旦) + 6.5 (Mon 4) + 0.5 (Tue 5)
    ("into-2027", (2026, 12, 31, 9, 0), (2027, 1, 5, 9, 0), 13.0, 2, True),
    # 春节 2027 computed from the lunar calendar: 除夕 Fri 02-05 to Wed 02-10 (two weekdays
    # given for the weekend days); Thu 02-04 17:00 to Thu 02-11 09:00 is 0.5 + 0.5 hours.
    ("spring-2027", (2027, 2, 4, 17, 0), (2027, 2, 11, 9, 0), 1.0, 1, True),
]


@pytest.mark.parametrize(("name", "start", "end", "hours", "days", "estimated"), CASES,
                         ids=[c[0] for c in CASES])
def test_working_time_hand_cases(name: str, start: tuple[int, ...], end: tuple[int, ...],
                                 hours: float, days: int, estimated: bool) -> None:
    span = calendar().working_time(cst(*start), cst(*end))
    assert span.working_hours == pytest.approx(hours)
    assert (span.working_days, span.estimated) == (days, estimated)


def test_reply_before_start_is_zero_not_negative() -> None:
    span = calendar().working_time(cst(2025, 3, 4, 9, 0), cst(2025, 3, 3, 9, 0))
    assert (span.working_hours, span.working_days) == (0.0, 0.0)


def test_make_up_days_are_workdays_and_holidays_are_not() -> None:
    cal = calendar()
    for d in ("2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
              "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
              "2026-10-10", "2008-02-02", "2008-02-03", "2008-05-04", "2008-09-27"):
        assert cal.is_workday(date.fromisoformat(d)), d
    assert not cal.is_workday(date(2025, 10, 8))
    assert not cal.is_workday(date(2026, 2, 23))


def test_add_working_days_skips_spring_festival() -> None:
    # Received Fri 2025-01-24: day 1 Sun 01-26, day 2 Mon 01-27, day 3 Wed 02-05.
    deadline = calendar().add_working_days(cst(2025, 1, 24, 16, 0), 3)
    assert deadline == cst(2025, 2, 6, 0, 0)


def test_add_working_days_zero_is_end_of_receipt_day() -> None:
    assert calendar().add_working_days(cst(2025, 3, 3, 9, 0), 0) == cst(2025, 3, 4, 0, 0)


def test_calendar_month_deadline_on_holiday_rolls_to_next_working_day() -> None:
    # 2025-07-01 + 3 months = 2025-10-01 (National Day); next working day is Thu 10-09.
    assert calendar().add_calendar_months(cst(2025, 7, 1, 10, 0), 3) == cst(2025, 10, 10, 0, 0)


def test_calendar_month_deadline_clamps_month_end_onto_make_up_saturday() -> None:
    # 2025-11-30 + 3 months -> 2026-02-28 (clamped), a make-up Saturday, so no roll.
    assert calendar().add_calendar_months(cst(2025, 11, 30, 10, 0), 3) == cst(2026, 3, 1, 0, 0)


def test_year_sources() -> None:
    cal = calendar()
    assert cal.year_source(2025) == "table:calendar_cn.toml"
    assert cal.year_source(2005) == "chinesecalendar"
    assert cal.year_source(2027) == "estimated:holidays"
    assert cal.year_source(2300) == "estimated"  # beyond the lunar tables: Mon-Fri only
    assert not cal.is_official(2030)


def test_far_future_year_is_plain_weekdays_never_a_crash() -> None:
    span = calendar().working_time(cst(2031, 1, 6, 8, 30), cst(2031, 1, 13, 8, 30))
    assert (span.working_hours, span.working_days, span.estimated) == (32.5, 5, True)


def test_user_extra_file_adds_2027(tmp_path: object) -> None:
    from pathlib import Path

    extra = Path(str(tmp_path)) / "cal2027.toml"
    extra.write_text('[2027]\nholidays = ["2027-01-01..2027-01-03"]\nworkdays = []\n',
                     encoding="utf-8")
    cal = load_calendar({"extra": str(extra)})
    assert cal.year_source(2027) == "table:cal2027.toml"
    assert not cal.is_workday(date(2027, 1, 1))
    span = cal.working_time(cst(2026, 12, 31, 9, 0), cst(2027, 1, 5, 9, 0))
    assert (span.working_hours, span.working_days, span.estimated) == (13.0, 2, False)


def test_inline_years_override_shipped_dates() -> None:
    cal = load_calendar({"years": {"2025": {"workdays": ["2025-10-08"]}}})
    assert cal.is_workday(date(2025, 10, 8))
    assert not cal.is_workday(date(2025, 10, 7))


def test_office_hours_configurable() -> None:
    cal = load_calendar({"office_hours": ["09:00-12:00", "13:00-18:00"]})
    assert cal.hours_per_day == 8
    assert cal.working_time(cst(2025, 3, 3, 8, 0), cst(2025, 3, 3, 20, 0)).working_hours == 8


@pytest.mark.parametrize("spec", [["9-12"], ["12:00-09:00"], ["08:00-12:00", "11:00-13:00"], []])
def test_bad_office_hours_raise_input_error(spec: list[str]) -> None:
    with pytest.raises(InputError, match="office_hours"):
        parse_office_hours(spec)


def test_bad_calendar_date_names_the_year_and_value() -> None:
    with pytest.raises(InputError, match=r'\[2027\] "2027-02-30"'):
        load_calendar({"years": {"2027": {"holidays": ["2027-02-30"]}}})


def test_unknown_calendar_key_is_an_error() -> None:
    with pytest.raises(InputError, match="unknown key"):
        load_calendar({"office_hour": []})


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        calendar().working_time(datetime(2025, 3, 3, 9), datetime(2025, 3, 3, 10, tzinfo=UTC))


def test_without_libraries_uncovered_years_are_estimated() -> None:
    cal = WorkCalendar({}, ((time(9), time(17)),), use_libraries=False)
    assert cal.year_source(2025) == "estimated"


def test_fast_working_time_matches_day_by_day_sum() -> None:
    import random
    from datetime import timedelta

    cal, rnd = calendar(), random.Random(7)
    for _ in range(300):
        start = cst(2025, 1, 1) + timedelta(minutes=rnd.randrange(0, 60 * 24 * 800))
        end = start + timedelta(minutes=rnd.randrange(0, 60 * 24 * 90))
        span = cal.working_time(start, end)
        first, last = cal.local_date(start), cal.local_date(end)
        seconds, day, days = 0.0, first, 0
        while day <= last:
            if cal.is_workday(day):
                seconds += cal._office_seconds(day, start.astimezone(cal.tz),
                                               end.astimezone(cal.tz))
                days += day > first
            day += timedelta(days=1)
        assert span.working_hours == pytest.approx(seconds / 3600)
        assert span.working_days == days


@pytest.mark.parametrize(("name", "day"), [
    ("元旦", date(2028, 1, 1)), ("春节 除夕", date(2028, 1, 25)), ("春节", date(2028, 1, 26)),
    ("清明", date(2028, 4, 4)), ("劳动节", date(2028, 5, 2)), ("端午", date(2028, 5, 28)),
    ("中秋 and 国庆", date(2028, 10, 3)), ("国庆", date(2028, 10, 2)),
])
def test_estimated_year_rests_on_computed_statutory_holidays(name: str, day: date) -> None:
    cal = calendar()
    assert cal.year_source(2028) == "estimated:holidays" and not cal.is_official(2028)
    assert not cal.is_workday(day), name


def test_report_calendar_source_says_estimated_per_year() -> None:
    sources = calendar().describe([2026, 2027])["year_sources"]
    assert sources == {"2026": "table:calendar_cn.toml", "2027": "estimated:holidays"}
