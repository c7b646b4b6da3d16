"""A comune's own calendar: national holidays plus its patron saint, not its province's."""

from datetime import date

import pytest

from engine.programmes.calendars import (
    TerritoryCalendar,
    UnknownMunicipality,
    municipal_calendar,
    municipalities,
)
from engine.programmes.settings import read_settings_file, settings_problems
from tests.conftest import ROOT

AMBITO = TerritoryCalendar("IT", "VA", "Europe/Rome")  # the province: San Vittore, 8 May
SETTINGS = read_settings_file(ROOT / "processes" / "pippi")


def test_each_comune_counts_its_own_patron_and_not_the_provinces():
    somma = municipal_calendar(AMBITO, SETTINGS, "somma_lombardo")
    ferno = municipal_calendar(AMBITO, SETTINGS, "ferno")
    assert somma.holiday_name(date(2027, 1, 21)) == "Sant'Agnese"
    assert ferno.holiday_name(date(2027, 1, 21)) is None
    assert ferno.holiday_name(date(2026, 11, 11)) == "San Martino"
    assert AMBITO.holiday_name(date(2026, 5, 8)) is not None  # no comune: the province's
    assert somma.is_working_day(date(2026, 5, 8)) and ferno.is_working_day(date(2026, 5, 8))
    assert somma.holiday_name(date(2026, 12, 25)) is not None  # national days stay
    # 2 working days from Tue 19 January 2027
    assert somma.add_working_days(date(2027, 1, 19), 2) == date(2027, 1, 22)
    assert ferno.add_working_days(date(2027, 1, 19), 2) == date(2027, 1, 21)


def test_the_nine_comuni_of_the_ambito_are_listed():
    assert len(municipalities(SETTINGS, "somma_lombardo")) == 9
    assert municipalities(SETTINGS, "gallarate") == {}
    assert municipal_calendar(AMBITO, SETTINGS, None) is AMBITO
    with pytest.raises(UnknownMunicipality):
        municipal_calendar(AMBITO, SETTINGS, "varese")


@pytest.mark.parametrize("day", ["21-01", "02-30", "gennaio", 121])
def test_a_patron_day_that_is_not_a_day_is_a_settings_problem(day):
    broken = {**SETTINGS, "municipios": {"ferno": {"nombre": "Ferno", "festivo": day}}}
    assert [(p.field, p.code) for p in settings_problems(broken)] == [
        ("municipios.ferno.festivo", "pattern")]
