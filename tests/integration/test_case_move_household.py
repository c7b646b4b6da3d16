"""A moved case takes its household along, unless another case of that household stays open
where it was: then the moved case takes a copy to its new territory and the team left behind
keeps the household as it was (a household belongs to one territory)."""

import engine
from engine import unit_of_work
from engine.persistence.models import Household
from tests.integration.test_case_acts_familias import (  # noqa: F401 - its fixtures
    act,
    calama,
    database_seed,
    family,
)


def _move_to_calama(f, calama_row):
    rosa = engine.Actor("rosa", frozenset({"caseworker"}), frozenset({calama_row.id}))
    act(f, "traslado", {"fecha": "2026-03-10", "territorio_destino": "calama",
                        "profesional_destino": "rosa", "motivo": "Cambio de trabajo"},
        staff={"rosa": rosa}.get)
    return f.refreshed_case()


def test_a_household_with_no_other_open_case_moves_with_it(family, calama):  # noqa: F811
    before = family.case.household_id
    case = _move_to_calama(family, calama)
    assert case.household_id == before
    assert family.session.get(Household, before).territory_id == calama.id


def test_a_household_with_another_open_case_stays_and_the_moved_case_takes_a_copy(
        family, calama, supervisor):  # noqa: F811
    f = family
    household = f.case.household
    with unit_of_work(f.session):
        other = engine.start_case(f.session, engine.StartCase(
            "familias", "antofagasta", "pedro", household.family_name,
            household_id=household.id), supervisor)
    case = _move_to_calama(f, calama)
    copy = f.session.get(Household, case.household_id)
    assert copy.id != household.id and copy.territory_id == calama.id
    assert (copy.family_name, copy.members) == (household.family_name, household.members)
    f.session.refresh(household)
    assert household.territory_id != calama.id  # the other team's case keeps it
    assert f.session.get(type(other), other.id).household_id == household.id
