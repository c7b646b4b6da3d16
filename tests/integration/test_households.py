"""Households: members checked against the programme's household schema on the server, and
the reference person's RUT or codice fiscale unique per territory."""

import shutil
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.core.errors import InvalidInput
from engine.definitions import households
from engine.persistence.models import Case, Household, Territory
from tests.conftest import FIXTURES

MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)
CARLA = {"name": "Carla Rojas", "age": 34, "relationship": "head",
         "national_id": "12.345.678-5"}


@pytest.fixture
def world(session, fixture_forms, territories, tmp_path):
    """The mini programme in Antofagasta and Calama (Chile), its Italian twin ``mini_it`` in
    Somma Lombardo (Italy), and a caseworker working in all three."""
    calama = Territory(code="calama", name="Calama", country="CL", region="AN",
                       timezone="America/Santiago")
    session.add(calama)
    session.commit()
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    with unit_of_work(session):
        engine.deploy_folder(session, italian_mini(tmp_path), fixture_forms, "tester")
    ids = frozenset({calama.id, *(t.id for t in territories.values())})
    return engine.Actor("ana", frozenset({"caseworker"}), ids)


def italian_mini(tmp_path):
    """The mini programme as an Italian one (a programme runs in one country's territories)."""
    folder = tmp_path / "mini_it"
    shutil.copytree(FIXTURES / "mini", folder)
    settings = folder / "settings.toml"
    settings.write_text(settings.read_text(encoding="utf-8")
                        .replace('clave = "mini"', 'clave = "mini_it"')
                        .replace('pais = "CL"', 'pais = "IT"'), encoding="utf-8")
    bpmn = folder / "mini.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace('"mini"', '"mini_it"'),
                    encoding="utf-8")
    return folder


def start(session, actor, territory="antofagasta", family="Rojas Pérez", **household):
    programme = "mini_it" if territory == "somma_lombardo" else "mini"
    command = engine.StartCase(programme, territory, "ana", family, **household)
    with unit_of_work(session):
        return engine.start_case(session, command, actor, MARCH_2)


def refused(session, actor, **household) -> dict[str, engine.FieldError]:
    before = session.scalar(select(func.count()).select_from(Household))
    with pytest.raises(InvalidInput) as raised:
        start(session, actor, **household)
    assert session.scalar(select(func.count()).select_from(Household)) == before
    return {e.field: e for e in raised.value.errors}


def test_the_household_key_and_member_ids_are_stored_normalised(session, world):
    case = start(session, world, members=[CARLA, {"name": "Tomás", "age": 9,
                                                  "relationship": "child"}],
                 national_id="12345678-5")
    household = session.get(Household, case.household_id)
    assert household.national_key == "123456785"
    assert household.members[0] == {**CARLA, "national_id": "123456785"}
    view = engine.show_case(session, case.id, world)
    assert view.household_key == "12.345.678-5"
    assert [(m.name, m.age, m.relationship, m.national_id) for m in view.members] == [
        ("Carla Rojas", 34, "head", "12.345.678-5"), ("Tomás", 9, "child", None)]


def test_the_same_rut_twice_in_one_territory_is_refused_naming_the_family(session, world):
    first = start(session, world, national_id="12.345.678-5")
    errors = refused(session, world, family="Rojas", national_id="123456785")
    assert errors["national_id"].code == "household_exists"
    assert errors["national_id"].limit == {"household_id": first.household_id,
                                           "family_name": "Rojas Pérez"}


def test_the_registered_household_gets_the_new_case(session, world):
    first = start(session, world, national_id="12.345.678-5")
    again = start(session, world, household_id=first.household_id)
    assert again.household_id == first.household_id and again.id != first.id
    assert session.scalar(select(func.count()).select_from(Household)) == 1
    assert session.scalar(select(func.count()).select_from(Case)) == 2


def test_the_same_rut_in_another_territory_is_another_household(session, world):
    start(session, world, national_id="12.345.678-5")
    other = start(session, world, territory="calama", national_id="12.345.678-5")
    keys = session.execute(select(Household.territory_id, Household.national_key)).all()
    assert len(keys) == 2 and {k for _, k in keys} == {"123456785"}
    assert other.territory.code == "calama"


def test_households_without_a_national_id_are_not_one_household(session, world):
    start(session, world)
    start(session, world)
    assert session.scalar(select(func.count()).select_from(Household)) == 2


def test_a_household_of_another_territory_cannot_get_the_case(session, world):
    first = start(session, world, territory="calama")
    with pytest.raises(engine.NotFound):
        start(session, world, household_id=first.household_id)
    with pytest.raises(engine.NotFound):
        start(session, world, household_id=2**40)


def test_a_wrong_check_digit_is_refused_beside_its_field(session, world):
    errors = refused(session, world, national_id="12.345.678-4",
                     members=[{**CARLA, "national_id": "12.345.678-K"}])
    assert errors["national_id"].code == "national_id_checksum"
    assert errors["members[0].national_id"].code == "national_id_checksum"


def test_an_italian_household_is_keyed_by_its_codice_fiscale(session, world):
    case = start(session, world, territory="somma_lombardo", family="Colombo",
                 national_id="rss mra 85t10 a562s")
    assert session.get(Household, case.household_id).national_key == "RSSMRA85T10A562S"
    errors = refused(session, world, territory="somma_lombardo", national_id="12.345.678-5")
    assert errors["national_id"].code == "national_id_format"
    assert errors["national_id"].limit == "codice fiscale"


def test_every_member_problem_is_named_by_member_and_field(session, world):
    errors = refused(session, world, members=[
        {"name": "Carla", "age": 150}, {"age": 3}, {"name": "Ana", "relationship": "tía"},
        {"name": "Luis", "birth_date": "31-12-2020"}, {"nombre": "Pedro"}])
    assert {field: e.code for field, e in errors.items()} == {
        "members[0].age": "maximum", "members[1].name": "required",
        "members[2].relationship": "enum", "members[3].birth_date": "format",
        "members[4]": "additionalProperties", "members[4].name": "required"}


def test_a_blank_family_name_and_a_bad_member_are_refused_together(session, world):
    errors = refused(session, world, family=" ", members=[{"name": ""}])
    assert {f: e.code for f, e in errors.items()} == {"family_name": "required",
                                                      "members[0].name": "minLength"}


def test_members_stored_in_earlier_shapes_read_the_same():
    household = Household(members=[{"nombre": "Carla Rojas", "edad": 34},
                                   {"nome": "Luca Colombo", "eta": 7}, "not a member"])
    assert [(m.name, m.age) for m in households.members_of(household)] == [
        ("Carla Rojas", 34), ("Luca Colombo", 7)]
