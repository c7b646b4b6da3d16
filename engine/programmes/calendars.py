"""Working-day arithmetic per territory, with national and regional public holidays.

A programme may give a calendar per municipality inside its territories (P.I.P.P.I.: each
comune of an Ambito keeps its own patron saint's day, ``[municipios.<code>]`` in its
settings, with ``territorio`` (the territory code it belongs to), ``festivo = "MM-DD"`` and
``nombre_festivo``):
a case of such a municipality counts in the national holidays plus its own days, never in
another municipality's (:func:`municipal_calendar`).
"""

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
    public holidays and the ``local`` days it closes on besides (a municipal closure, a
    municipality's patron saint: a yearly one on its month and day)."""

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


_LOCAL_KEPT = 1024
_local_days: dict[str, tuple[LocalHoliday, ...]] = {}  # by the territory's holidays stamp


def calendar_of(territory) -> TerritoryCalendar:
    """The calendar of a territory row (its country, region, time zone and local holidays).
    The holidays are read once per process and change of them (the row's
    ``holidays_stamp``, new with each change; none without local holidays)."""
    stamp = getattr(territory, "holidays_stamp", None)
    local = _local_days.get(stamp) if stamp else ()
    if local is None:
        local = tuple((h.day, h.name, bool(h.yearly)) for h in territory.local_holidays)
        if len(_local_days) >= _LOCAL_KEPT:
            _local_days.clear()
        _local_days[stamp] = local
    return TerritoryCalendar(territory.country, territory.region, territory.timezone, local)


MUNICIPALITIES = "municipios"  # settings table: one calendar per municipality


class UnknownMunicipality(ValueError):
    """A municipality the programme's settings do not list."""


def municipalities(settings: dict, territory: str | None = None) -> dict[str, dict]:
    """The municipalities a programme's settings list, by code (empty when none); with
    ``territory``, only those of that territory code (``territorio``)."""
    table = settings.get(MUNICIPALITIES, {})
    found = {k: v for k, v in table.items() if isinstance(v, dict)} if isinstance(
        table, dict) else {}
    return {k: v for k, v in found.items()
            if territory is None or v.get("territorio") in (None, territory)}


def municipal_calendar(calendar: TerritoryCalendar, settings: dict,
                       municipality: str | None) -> TerritoryCalendar:
    """The calendar of a case of ``municipality`` (a code of the settings'
    ``[municipios]``): the national holidays plus the municipality's own day (``festivo =
    "MM-DD"``) and the territory's own closures, instead of the territory's regional
    holidays. Without a municipality, the
    territory's calendar."""
    if not municipality:
        return calendar
    entry = municipalities(settings).get(municipality)
    if entry is None:
        raise UnknownMunicipality(municipality)
    return TerritoryCalendar(calendar.country, None, calendar.timezone,
                             calendar.local + tuple(_local_day(entry, municipality)))


def municipality_problems(settings: dict) -> list[tuple[str, str]]:
    """``(field, message)`` for each municipality whose own day is not a ``MM-DD`` day."""
    problems = []
    for code, entry in municipalities(settings).items():
        try:
            list(_local_day(entry, code))
        except (TypeError, ValueError):
            problems.append((f"{MUNICIPALITIES}.{code}.festivo",
                             f"{MUNICIPALITIES}.{code}.festivo must be a day as MM-DD, "
                             f"not {entry.get('festivo')!r}"))
    return problems


def _local_day(entry: dict, code: str):
    """A municipality's own holiday as a yearly local day, if it has one."""
    feast = entry.get("festivo")
    if not feast:
        return
    month, day = (int(part) for part in str(feast).split("-"))
    day_of_year = date(2024, month, day)  # a real day of the year (2024 has 29 February)
    name = entry.get("nombre_festivo") or entry.get("nombre") or code
    yield day_of_year, str(name), True


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
