"""A territory's own holidays count as public ones in every working-day deadline."""

from datetime import date

from engine.core.actors import Actor
from engine.programmes.calendars import TerritoryCalendar

CALAMA = TerritoryCalendar("CL", "AN", "America/Santiago")
PATRON = TerritoryCalendar("CL", "AN", "America/Santiago",
                           ((date(2026, 3, 19), "San José", True),
                            (date(2026, 3, 4), "Cierre municipal", False)))


def test_a_local_holiday_moves_a_working_day_deadline():
    assert CALAMA.add_working_days(date(2026, 3, 2), 15) == date(2026, 3, 23)
    assert PATRON.add_working_days(date(2026, 3, 2), 15) == date(2026, 3, 25)


def test_a_yearly_holiday_returns_and_a_one_off_closure_does_not():
    assert PATRON.holiday_name(date(2027, 3, 19)) == "San José"
    assert PATRON.holiday_name(date(2027, 3, 4)) is None
    assert PATRON.is_working_day(date(2027, 3, 4))
    assert PATRON.holiday_name(date(2026, 5, 1)) == "Día Nacional del Trabajo"


def test_roles_per_territory_hold_only_where_given():
    person = Actor.of_roles("ana", [(1, "caseworker"), (2, "supervisor")])
    assert person.may_work("caseworker", 1) and not person.may_work("caseworker", 2)
    assert person.supervises(2) and not person.supervises(1)
    assert person.roles_in(3) == frozenset() and not person.covers(3)
    legacy = Actor("pedro", frozenset({"caseworker", "supervisor"}), frozenset({1, 2}))
    assert legacy.supervises(1) and legacy.may_work("caseworker", 2)
