"""Changing a household after its case was opened, with its history (SQLite, PostgreSQL)."""

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.core.errors import InvalidInput
from engine.persistence.models import Household


@pytest.fixture
def case_id(session, deployed, supervisor):
    with unit_of_work(session):
        return engine.start_case(session, engine.StartCase(
            "familias", "antofagasta", "ana", "Rojas Pérez", address="Calle 1",
            members=[{"name": "Carla Rojas", "age": 34, "relationship": "head"}]),
            supervisor).id


def test_the_caseworker_adds_a_member_and_moves_the_family(session, case_id, caseworker):
    members = [{"name": "Carla Rojas", "age": 34, "relationship": "head"},
               {"name": "Tomás Rojas", "age": 2, "relationship": "child",
                "national_id": "11.111.111-1"}]
    with unit_of_work(session):
        event = engine.update_household(session, case_id, caseworker, family_name="Rojas Pérez",
                                        address="Pasaje 4, Antofagasta", members=members)
    assert event.params == {"parts": ["address", "members"]}
    assert event.data["changed"]["address"] == {"from": "Calle 1",
                                                "to": "Pasaje 4, Antofagasta"}
    household = session.scalars(select(Household)).one()
    assert household.members[1]["national_id"] == "111111111"  # normalised like at opening
    assert "tomas" in household.search_text  # found by the new member's name
    [change] = engine.household_history(session, case_id, caseworker)
    assert (change.actor, change.kind) == ("ana", "household_changed")


def test_nothing_changed_records_nothing(session, case_id, supervisor):
    with unit_of_work(session):
        assert engine.update_household(
            session, case_id, supervisor, family_name="Rojas Pérez", address="Calle 1",
            members=[{"name": "Carla Rojas", "age": 34, "relationship": "head"}]) is None
    assert engine.household_history(session, case_id, supervisor) == []


def test_bad_members_are_refused_and_nothing_is_written(session, case_id, caseworker):
    with pytest.raises(InvalidInput) as refused, unit_of_work(session):
        engine.update_household(session, case_id, caseworker, family_name=" ", address=None,
                                members=[{"name": "X", "age": 300},
                                         {"name": "Y", "national_id": "12.345.678-9"}])
    fields = {e.field for e in refused.value.errors}
    assert fields == {"family_name", "members[0].age", "members[1].national_id"}
    session.expire_all()
    assert session.scalars(select(Household)).one().address == "Calle 1"


def test_only_the_caseworker_or_a_supervisor_of_the_territory(session, case_id, territories):
    pedro = engine.Actor("pedro", frozenset({"caseworker"}),
                         frozenset({territories["antofagasta"].id}))
    giulia = engine.Actor("giulia", frozenset({"caseworker"}),
                          frozenset({territories["somma_lombardo"].id}))
    change = {"family_name": "Otra", "address": None, "members": []}
    with pytest.raises(engine.NotAllowed) as refused, unit_of_work(session):
        engine.update_household(session, case_id, pedro, **change)
    assert refused.value.code == "policy.household_not_allowed"
    with pytest.raises(engine.NotFound), unit_of_work(session):
        engine.update_household(session, case_id, giulia, **change)
    with pytest.raises(engine.NotFound):
        engine.household_history(session, case_id, giulia)
