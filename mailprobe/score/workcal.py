"""Working time on the Chinese official calendar: holidays, make-up workdays (调休), office hours.

Sources, first match per year wins:

1. the override table (``calendar_cn.toml`` shipped for 2008-2026, plus the user's extra
   file or ``[calendar.years]`` in mailprobe.toml, which override the shipped dates);
2. PyPI ``chinesecalendar`` (2004-2026 in 1.11.0; raises NotImplementedError for others);
3. PyPI ``holidays`` (CN), only for a year in which it lists make-up workdays: for later
   years it extrapolates holidays *without* make-up days, which would silently miscount;
4. an estimate (``estimated:holidays``): Monday-Friday minus the statutory holidays computed
   by ``holidays``' CN rules - the fixed-date ones (元旦, 劳动节, 国庆) and the lunisolar
   ones (春节 with 除夕, 清明, 端午, 中秋) from its Chinese calendar, with the weekday it
   gives off when one falls on a weekend - but no make-up workdays, which only the yearly
   notice fixes;
5. plain Monday-Friday (``estimated``) when even that is unavailable.
Every span touching a year of source 4 or 5 is flagged ``estimated``.

Definitions (docs/scoring.md): ``working_hours`` is the time inside office hours on working
days; ``working_days`` counts the working days after the receipt day up to and including the
reply day (the receipt day is not counted), so a reply by the end of the next working day is
1 working day.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from mailprobe.errors import InputError

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(12, 0)),
    (time(14, 30), time(17, 30)),
)
TABLE_PATH = Path(__file__).with_name("calendar_cn.toml")
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkSpan:
    """Working time between two instants; ``estimated`` when a year lacks official data."""

    working_hours: float
    working_days: float
    estimated: bool

    def to_dict(self) -> dict[str, Any]:
        return {"working_hours": round(self.working_hours, 4),
                "working_days": self.working_days, "estimated": self.estimated}


@dataclass(frozen=True)
class YearTable:
    """Rest days and make-up workdays of one year, as the State Council notice lists them."""

    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str


class WorkCalendar:
    """Working days and office hours in Asia/Shanghai; pure once constructed."""

    def __init__(
        self,
        table: Mapping[int, YearTable] | None = None,
        office_hours: Iterable[tuple[time, time]] = DEFAULT_OFFICE_HOURS,
        tz: ZoneInfo = SHANGHAI,
        use_libraries: bool = True,
    ) -> None:
        self.table = dict(table or {})
        self.office_hours = tuple(office_hours)
        self.tz = tz
        self.use_libraries = use_libraries
        self._days: dict[date, bool] = {}
        self._sources: dict[int, str] = {}
        self._cum: dict[int, list[int]] = {}
        self.hours_per_day = sum(_hours(a, b) for a, b in self.office_hours)

    # --- days -------------------------------------------------------------------------

    def year_source(self, year: int) -> str:
        """Where this year's data comes from: table:<file>, chinesecalendar, holidays, estimated."""
        if year not in self._sources:
            self._sources[year] = self._find_source(year)
        return self._sources[year]

    def is_official(self, year: int) -> bool:
        return not self.year_source(year).startswith("estimated")

    def is_workday(self, day: date) -> bool:
        """True on a working day: Mon-Fri minus holidays, plus make-up workdays."""
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._decide(day)
        return known

    def _find_source(self, year: int) -> str:
        if year in self.table:
            return f"table:{self.table[year].source}"
        if self.use_libraries and _chinesecalendar_covers(year):
            return "chinesecalendar"
        if self.use_libraries and _holidays_workdays(year):
            return "holidays"
        if self.use_libraries and estimated_holidays(year):
            return "estimated:holidays"
        return "estimated"

    def _decide(self, day: date) -> bool:
        source = self.year_source(day.year)
        if source.startswith("table:"):
            year = self.table[day.year]
            if day in year.workdays:
                return True
            return day not in year.holidays and day.weekday() < 5
        if source == "chinesecalendar":
            import chinese_calendar

            return bool(chinese_calendar.is_workday(day))
        if source == "holidays":
            return _holidays_is_workday(day)
        if source == "estimated:holidays":
            return day.weekday() < 5 and day not in estimated_holidays(day.year)
        return day.weekday() < 5

    def estimated_between(self, first: date, last: date) -> bool:
        """True if any year from ``first`` to ``last`` lacks official data."""
        return any(not self.is_official(y) for y in range(first.year, last.year + 1))

    def count_workdays(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last`` inclusive (0 if last < first)."""
        if last < first:
            return 0
        if first.year == last.year:
            cum = self._cumulative(first.year)
            return cum[last.timetuple().tm_yday] - cum[first.timetuple().tm_yday - 1]
        total = self.count_workdays(first, date(first.year, 12, 31))
        for year in range(first.year + 1, last.year):
            total += self._cumulative(year)[-1]
        return total + self.count_workdays(date(last.year, 1, 1), last)

    def _cumulative(self, year: int) -> list[int]:
        """cum[i] = working days among the first i days of ``year``."""
        cum = self._cum.get(year)
        if cum is None:
            cum = [0]
            day = date(year, 1, 1)
            while day.year == year:
                cum.append(cum[-1] + self.is_workday(day))
                day += _ONE_DAY
            self._cum[year] = cum
        return cum

    def roll_to_workday(self, day: date) -> date:
        """The day itself if a working day, else the next working day (deadline rule)."""
        while not self.is_workday(day):
            day += _ONE_DAY
        return day

    def nth_working_day(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (``day`` itself not counted); n=0 gives ``day``."""
        while n > 0:
            day += _ONE_DAY
            if self.is_workday(day):
                n -= 1
        return day

    # --- instants ---------------------------------------------------------------------

    def local_date(self, at: datetime) -> date:
        return _aware(at).astimezone(self.tz).date()

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Deadline for "within n working days" of ``start``: the end of the n-th working day.

        Returned as the next local midnight (an exclusive bound, in UTC).
        """
        last = self.nth_working_day(self.local_date(start), n)
        return datetime.combine(last + _ONE_DAY, time(0), self.tz).astimezone(UTC)

    def add_calendar_months(self, start: datetime, months: int) -> datetime:
        """Deadline ``months`` calendar months after ``start``, rolled to a working day."""
        day = self.local_date(start)
        year, month = divmod(day.month - 1 + months, 12)
        target = _clamped_date(day.year + year, month + 1, day.day)
        target = self.roll_to_workday(target)
        return datetime.combine(target + _ONE_DAY, time(0), self.tz).astimezone(UTC)

    def working_time(self, start: datetime, end: datetime) -> WorkSpan:
        """Working hours and working days from ``start`` to ``end`` (zero if end <= start)."""
        start_l = _aware(start).astimezone(self.tz)
        end_l = _aware(end).astimezone(self.tz)
        first, last = start_l.date(), end_l.date()
        estimated = self.estimated_between(first, max(first, last))
        if end_l <= start_l:
            return WorkSpan(0.0, 0.0, estimated)
        seconds = self._office_seconds(first, start_l, end_l) if self.is_workday(first) else 0.0
        if last > first:
            if self.is_workday(last):
                seconds += self._office_seconds(last, start_l, end_l)
            between = self.count_workdays(first + _ONE_DAY, last - _ONE_DAY)
            seconds += between * self.hours_per_day * 3600
        days = self.count_workdays(first + _ONE_DAY, last)
        return WorkSpan(seconds / 3600.0, float(days), estimated)

    def _office_seconds(self, day: date, start: datetime, end: datetime) -> float:
        total = 0.0
        for open_, close in self.office_hours:
            lo = max(start, datetime.combine(day, open_, self.tz))
            hi = min(end, datetime.combine(day, close, self.tz))
            if hi > lo:
                total += (hi - lo).total_seconds()
        return total

    def describe(self, years: Iterable[int] = ()) -> dict[str, Any]:
        """Office hours and the source of each year, for the reports."""
        return {
            "timezone": str(self.tz),
            "office_hours": [f"{a:%H:%M}-{b:%H:%M}" for a, b in self.office_hours],
            "hours_per_working_day": self.hours_per_day,
            "year_sources": {str(y): self.year_source(y) for y in sorted(set(years))},
        }


# --- building a calendar --------------------------------------------------------------


def load_calendar(settings: Mapping[str, Any] | None = None,
                  base_dir: Path | None = None) -> WorkCalendar:
    """Build the calendar from mailprobe.toml's ``[calendar]`` (the one file read here).

    Keys: ``office_hours`` (list of "HH:MM-HH:MM"), ``extra`` (a TOML file shaped like
    calendar_cn.toml, relative to ``base_dir``), ``years`` (the same tables inline),
    ``use_libraries`` (default true).
    """
    conf = dict(settings or {})
    unknown = set(conf) - {"office_hours", "extra", "years", "use_libraries", "timezone"}
    if unknown:
        raise InputError(f"[calendar]: unknown key(s) {sorted(unknown)}; "
                         "allowed: office_hours, extra, years, use_libraries, timezone")
    table = parse_table(tomllib.loads(TABLE_PATH.read_text(encoding="utf-8")), TABLE_PATH.name)
    if conf.get("extra"):
        path = Path(str(conf["extra"]))
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise InputError(f"{path}: {err}; fix [calendar] extra in mailprobe.toml") from None
        table = merge_tables(table, parse_table(data, path.name))
    if conf.get("years"):
        table = merge_tables(table, parse_table(dict(conf["years"]), "mailprobe.toml"))
    hours = parse_office_hours(conf.get("office_hours", DEFAULT_OFFICE_HOURS))
    tz = ZoneInfo(str(conf.get("timezone", "Asia/Shanghai")))
    return WorkCalendar(table, hours, tz, bool(conf.get("use_libraries", True)))


def parse_table(data: Mapping[str, Any], source: str) -> dict[int, YearTable]:
    """``{"2026": {"holidays": [...], "workdays": [...]}}`` -> YearTables; errors name the date."""
    out: dict[int, YearTable] = {}
    for key, entry in data.items():
        if not str(key).isdigit() or not isinstance(entry, Mapping):
            raise InputError(f"{source}: [{key}] is not a year table; write [2027] with "
                             "holidays = [...] and workdays = [...]")
        year = int(key)
        holidays = frozenset(d for item in entry.get("holidays", ())
                             for d in _parse_dates(str(item), source, year))
        workdays = frozenset(d for item in entry.get("workdays", ())
                             for d in _parse_dates(str(item), source, year))
        clash = holidays & workdays
        if clash:
            raise InputError(f"{source}: [{year}] {min(clash)} is both a holiday and a workday")
        out[year] = YearTable(holidays, workdays, source)
    return out


def merge_tables(base: Mapping[int, YearTable],
                 extra: Mapping[int, YearTable]) -> dict[int, YearTable]:
    """Overlay ``extra`` on ``base`` date by date (a date named in extra takes extra's side)."""
    out = dict(base)
    for year, new in extra.items():
        old = out.get(year)
        if old is None:
            out[year] = new
            continue
        holidays = (old.holidays - new.workdays) | new.holidays
        workdays = (old.workdays - new.holidays) | new.workdays
        out[year] = YearTable(holidays, workdays, f"{old.source}+{new.source}")
    return out


def parse_office_hours(spec: Iterable[Any]) -> tuple[tuple[time, time], ...]:
    """["08:30-12:00", "14:30-17:30"] (or time pairs) -> sorted, non-overlapping intervals."""
    out: list[tuple[time, time]] = []
    for item in spec:
        if isinstance(item, tuple):
            out.append((item[0], item[1]))
            continue
        try:
            first, second = str(item).split("-")
            out.append((time.fromisoformat(first.strip()), time.fromisoformat(second.strip())))
        except ValueError:
            raise InputError(f'[calendar] office_hours: "{item}" is not "HH:MM-HH:MM"') from None
    if not out:
        raise InputError("[calendar] office_hours is empty; give at least one interval")
    out.sort()
    for (opens, closes), nxt in zip(out, [*out[1:], None], strict=True):
        if closes <= opens or (nxt is not None and nxt[0] < closes):
            raise InputError(f"[calendar] office_hours: {opens:%H:%M}-{closes:%H:%M} is empty or "
                             "overlaps the next interval")
    return tuple(out)


def _parse_dates(item: str, source: str, year: int) -> list[date]:
    try:
        if ".." in item:
            a, b = (date.fromisoformat(p.strip()) for p in item.split(".."))
        else:
            a = b = date.fromisoformat(item.strip())
    except ValueError:
        raise InputError(f'{source}: [{year}] "{item}" is not a date (YYYY-MM-DD or '
                         "YYYY-MM-DD..YYYY-MM-DD)") from None
    if b < a:
        raise InputError(f'{source}: [{year}] range "{item}" ends before it starts')
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


def _chinesecalendar_covers(year: int) -> bool:
    import chinese_calendar

    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _holidays_workdays(year: int) -> frozenset[date]:
    import holidays

    cn = holidays.country_holidays("CN", years=year)
    return frozenset(d for d in getattr(cn, "weekend_workdays", ()) if d.year == year)


@lru_cache(maxsize=64)
def estimated_holidays(year: int) -> frozenset[date]:
    """Statutory rest days of ``year`` computed by ``holidays``' CN rules (lunar ones included)."""
    import holidays

    try:
        cn = holidays.country_holidays("CN", years=year)
    except (NotImplementedError, ValueError, KeyError):
        return frozenset()
    return frozenset(d for d in cn if d.year == year)


def _holidays_is_workday(day: date) -> bool:
    import holidays

    cn = holidays.country_holidays("CN", years=day.year)
    if day in _holidays_workdays(day.year):
        return True
    return day.weekday() < 5 and day not in cn


def _hours(a: time, b: time) -> float:
    return (datetime.combine(date.min, b) - datetime.combine(date.min, a)).total_seconds() / 3600


def _clamped_date(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: workcal needs aware datetimes (UTC)")
    return at
