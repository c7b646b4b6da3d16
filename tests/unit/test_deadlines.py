"""Deadlines in calendar and working days, around national and regional holidays."""

from datetime import UTC, date, datetime

import pytest

from engine.programmes.calendars import TerritoryCalendar, add_months, months_between
from engine.programmes.deadlines import MissingAnchor, compute
from engine.programmes.settings import DeadlineRule

ANTOFAGASTA = TerritoryCalendar("CL", "AN", "America/Santiago")
CHILLAN = TerritoryCalendar("CL", "NB", "America/Santiago")
SANTIAGO = TerritoryCalendar("CL", "RM", "America/Santiago")
VARESE = TerritoryCalendar("IT", "VA", "Europe/Rome")
NOON = datetime(2026, 1, 5, 12, tzinfo=UTC)


def working(days, anchor="fecha_asignacion", reminder=0):
    return DeadlineRule("k", "K", days=days, kind="habiles", anchor=anchor, reminder_days=reminder)


def test_working_days_skip_a_chilean_national_holiday():
    # Thursday 21 May 2026 is Día de las Glorias Navales
    deadline = compute(working(5), {"fecha_asignacion": "2026-05-18"}, ANTOFAGASTA, NOON)
    assert deadline.due == date(2026, 5, 26)
    assert deadline.rule == "5 días hábiles desde fecha_asignacion"


def test_a_regional_holiday_counts_only_in_its_region():
    # 20 August: birth of O'Higgins, a holiday in Chillán (Ñuble) only
    data = {"fecha_asignacion": "2026-08-19"}
    assert compute(working(1), data, CHILLAN, NOON).due == date(2026, 8, 21)
    assert compute(working(1), data, SANTIAGO, NOON).due == date(2026, 8, 20)


def test_working_days_skip_an_italian_national_holiday():
    # Tuesday 2 June 2026 is Festa della Repubblica
    deadline = compute(working(3), {"fecha_asignacion": "2026-05-29"}, VARESE, NOON)
    assert deadline.due == date(2026, 6, 4)


def test_reminder_counts_back_in_working_days_and_fires_at_eight_local():
    deadline = compute(working(5, reminder=2), {"fecha_asignacion": "2026-05-18"}, ANTOFAGASTA,
                       NOON)
    assert deadline.reminder == date(2026, 5, 22)  # 26 → 25 (Mon) → 22 (Fri)
    assert deadline.remind_at == datetime(2026, 5, 22, 12, tzinfo=UTC)  # 08:00 Santiago (UTC-4)


def test_escalation_fires_at_local_midnight_after_the_due_day():
    rule = DeadlineRule("k", "K", days=30, kind="corridos", anchor="fecha_asignacion")
    deadline = compute(rule, {"fecha_asignacion": "2026-01-10"}, VARESE, NOON)
    assert deadline.due == date(2026, 2, 9)
    assert deadline.escalate_at == datetime(2026, 2, 9, 23, tzinfo=UTC)  # 00:00 Rome, 10 Feb


def test_step_start_anchor_uses_the_territory_date_of_now():
    rule = DeadlineRule("k", "K", days=10, kind="corridos")
    late_evening_utc = datetime(2026, 3, 3, 2, tzinfo=UTC)  # still 2 March in Santiago
    assert compute(rule, {}, ANTOFAGASTA, late_evening_utc).anchor == date(2026, 3, 2)


def test_month_deadlines_clamp_to_the_end_of_month():
    rule = DeadlineRule("k", "K", months=1, anchor="fecha_ingreso")
    assert compute(rule, {"fecha_ingreso": "2026-01-31"}, ANTOFAGASTA, NOON).due == date(
        2026, 2, 28)
    assert add_months(date(2026, 3, 15), 24) == date(2028, 3, 15)
    assert months_between(date(2026, 3, 15), date(2027, 3, 14)) == 11
    assert months_between(date(2026, 3, 15), date(2027, 3, 15)) == 12


def test_a_missing_anchor_says_which_field():
    with pytest.raises(MissingAnchor, match="fecha_ingreso"):
        compute(DeadlineRule("plan", "Plan", days=90, anchor="fecha_ingreso"), {}, ANTOFAGASTA,
                NOON)
