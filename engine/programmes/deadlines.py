"""Turning a deadline rule into dates: the due day, the reminder moment, the escalation moment.

A step is due at the end of its due day (territory time): the escalation fires at midnight
that starts the next day, the reminder at 08:00 on the reminder day.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .calendars import TerritoryCalendar, add_months
from .settings import STEP_START, DeadlineRule

REMINDER_HOUR = 8


class MissingAnchor(ValueError):
    """The field a deadline counts from has no value yet."""


@dataclass(frozen=True)
class Deadline:
    """One computed deadline, with the rule that produced it."""

    key: str
    anchor: date
    due: date
    reminder: date
    remind_at: datetime
    escalate_at: datetime
    rule: str


def compute(rule: DeadlineRule, data: dict, calendar: TerritoryCalendar, now: datetime) -> Deadline:
    """Compute ``rule`` for a case whose data is ``data`` at moment ``now``."""
    anchor = _anchor(rule, data, calendar, now)
    due = _due(rule, anchor, calendar)
    reminder = _back(due, rule.reminder_days, rule.kind, calendar)
    return Deadline(
        key=rule.key, anchor=anchor, due=due, reminder=reminder,
        remind_at=calendar.at(reminder, REMINDER_HOUR),
        escalate_at=calendar.at(due + timedelta(days=1)),
        rule=rule.describe(),
    )


def _anchor(rule: DeadlineRule, data: dict, calendar: TerritoryCalendar, now: datetime) -> date:
    if rule.anchor == STEP_START:
        return calendar.local_date(now)
    value = data.get(rule.anchor)
    if not value:
        raise MissingAnchor(
            f"deadline '{rule.key}' counts from '{rule.anchor}', which has no value yet")
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _due(rule: DeadlineRule, anchor: date, calendar: TerritoryCalendar) -> date:
    if rule.months is not None:
        return add_months(anchor, rule.months)
    if rule.kind == "habiles":
        return calendar.add_working_days(anchor, rule.days or 0)
    return anchor + timedelta(days=rule.days or 0)


def _back(due: date, days: int, kind: str, calendar: TerritoryCalendar) -> date:
    if kind == "habiles":
        return calendar.add_working_days(due, -days)
    return due - timedelta(days=days)
