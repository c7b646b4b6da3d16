"""Working-day arithmetic per territory, with national and regional public holidays."""

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

_LANGUAGES = {"CL": "es", "IT": "it"}


@lru_cache(maxsize=64)
def _holidays(country: str, region: str | None) -> holidays.HolidayBase:
    language = _LANGUAGES.get(country)
    return holidays.country_holidays(country, subdiv=region, language=language)


LocalHoliday = tuple[date, str, bool]  # (day, name, every year on that day)


@dataclass(frozen=True)
class TerritoryCalendar:
    """The calendar a territory's deadlines are counted in: its country's and region's
    public holidays and the ``local`` days it closes on besides (a patron saint's day)."""

    country: str
    region: str | None
    timezone: str
    local: tuple[LocalHoliday, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        """The territory's time zone."""
        return ZoneInfo(self.timezone)

    def holiday_name(self, day: date) -> str | None:
        """The public or local holiday on ``day`` in this territory, if any."""
        return _holidays(self.country, self.region).get(day) or self.local_name(day)

    def local_name(self, day: date) -> str | None:
        """The territory's own holiday on ``day`` (a yearly one on its month and day)."""
        for when, name, yearly in self.local:
            if when == day or (yearly and (when.month, when.day) == (day.month, day.day)):
                return name
        return None

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday and not a national or regional holiday."""
        return day.weekday() < 5 and self.holiday_name(day) is None

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (negative counts go backwards)."""
        step = 1 if count >= 0 else -1
        day, remaining = start, abs(count)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def local_date(self, moment: datetime) -> date:
        """The date ``moment`` falls on in this territory."""
        return moment.astimezone(self.zone).date()

    def at(self, day: date, hour: int = 0) -> datetime:
        """The aware moment ``hour``:00 local time on ``day``."""
        return datetime.combine(day, time(hour), self.zone)


def calendar_of(territory) -> TerritoryCalendar:
    """The calendar of a territory row (its country, region, time zone and local holidays)."""
    local = tuple((h.day, h.name, bool(h.yearly))
                  for h in getattr(territory, "local_holidays", None) or ())
    return TerritoryCalendar(territory.country, territory.region, territory.timezone, local)


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, clamping the day to the target month's length."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, _calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 when end is before start + 1 month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)
