"""The cases page's query: every filter, the sort and pages, and the access policy (a
caseworker of another territory sees nothing; managers and administrators by country)."""

from datetime import UTC, datetime, timedelta

import pytest

import engine
from engine import queries, unit_of_work
from engine.core import national_ids
from engine.persistence.models import HumanTask, Incident, ProcessInstance, Territory
from engine.queries import CaseSearch
from tests.conftest import FIXTURES
from tests.integration.test_households import italian_mini

MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)
VISIT = {"ubicada": True, "fecha": "2026-03-04"}


@pytest.fixture
def world(session, fixture_forms, territories, tmp_path):
    """Four Chilean cases in Antofagasta (one closed, one paused, one with an incident), one
    in Calama, and an Italian one in Somma Lombardo."""
    session.add(Territory(code="calama", name="Calama", country="CL", region="AN",
                          timezone="America/Santiago"))
    session.commit()
    for folder in (FIXTURES / "mini", italian_mini(tmp_path)):
        with unit_of_work(session):
            engine.deploy_folder(session, folder, fixture_forms, "tester")
    cases = {}

    def start(key, territory, caseworker, family, minutes, **household):
        programme = "mini_it" if territory == "somma_lombardo" else "mini"
        command = engine.StartCase(programme, territory, caseworker, family, **household)
        with unit_of_work(session):
            cases[key] = engine.start_case(session, command, engine.SYSTEM,
                                           MARCH_2 + timedelta(minutes=minutes)).id

    start("rojas", "antofagasta", "ana", "Rojas Pérez", 1, national_id="12.345.678-5",
          members=[{"name": "Carla Rojas", "age": 34, "relationship": "head"},
                   {"name": "Tomás Núñez", "age": 9, "national_id": "11.111.111-1"}])
    start("munoz", "antofagasta", "ana", "Muñoz Soto", 2)
    start("closed", "antofagasta", "pedro", "Araya Díaz", 3)
    start("paused", "antofagasta", "pedro", "Soto Vega", 4)
    start("italy", "somma_lombardo", "giulia", "Rossi Bianchi", 5,
          national_id="RSSMRA85T10A562S")
    task = session.query(HumanTask).filter_by(case_id=cases["closed"], bpmn_id="visita").one()
    with unit_of_work(session):
        engine.complete(session, fixture_forms, task.id, VISIT,
                        engine.Actor("pedro", frozenset({"caseworker"}), None),
                        MARCH_2 + timedelta(days=2))
    with unit_of_work(session):
        engine.pause_deadlines(session, cases["paused"], engine.SYSTEM, "De viaje")
    instance = session.query(ProcessInstance).filter_by(case_id=cases["munoz"]).one()
    session.add(Incident(case_id=cases["munoz"], instance_id=instance.id, kind="timer",
                         element_id="recordatorio_visita", error="boom", first_seen_at=MARCH_2,
                         last_seen_at=MARCH_2, status="open"))
    session.commit()
    ids = {t.code: t.id for t in session.query(Territory)}
    return cases, ids


def found(session, actor, **search) -> list[int]:
    return [c.id for c in queries.search_cases(session, actor, CaseSearch(**search))]


def everyone():
    return engine.SYSTEM


def test_by_family_or_member_name_as_the_start_of_a_word(session, world):
    cases, _ = world
    assert found(session, everyone(), name="rojas") == [cases["rojas"]]
    assert found(session, everyone(), name="PER") == [cases["rojas"]]  # Pérez, no accent
    assert found(session, everyone(), name="tomas nun") == [cases["rojas"]]  # a member
    assert found(session, everyone(), name="muñoz") == [cases["munoz"]]
    assert found(session, everyone(), name="oto") == []  # not the start of a word
    assert set(found(session, everyone(), name="soto")) == {cases["munoz"], cases["paused"]}
    assert found(session, everyone(), name="%") == found(session, everyone())  # no wildcard


def test_by_national_id_as_typed(session, world):
    cases, _ = world
    for typed in ("12.345.678-5", "12345678-5", "123456785", " 12345678 5 "):
        keys = tuple(national_ids.search_keys(typed))
        assert found(session, everyone(), national_keys=keys) == [cases["rojas"]], typed
    member = tuple(national_ids.search_keys("11111111-1"))
    assert found(session, everyone(), national_keys=member) == [cases["rojas"]]
    italian = tuple(national_ids.search_keys("rssmra85t10a562s"))
    assert found(session, everyone(), national_keys=italian) == [cases["italy"]]
    assert national_ids.search_keys("12.345.678-9") == []  # wrong check digit
    assert national_ids.search_keys("a\x00b") == []


def test_by_status(session, world):
    cases, _ = world
    assert found(session, everyone(), status="closed") == [cases["closed"]]
    assert found(session, everyone(), status="paused") == [cases["paused"]]
    assert found(session, everyone(), status="incident") == [cases["munoz"]]
    assert set(found(session, everyone(), status="open")) == {
        cases["rojas"], cases["munoz"], cases["italy"]}


def test_by_caseworker_programme_territory_and_step(session, world):
    cases, _ = world
    assert set(found(session, everyone(), caseworker="pedro")) == {cases["closed"],
                                                                     cases["paused"]}
    assert found(session, everyone(), programme="mini_it") == [cases["italy"]]
    assert found(session, everyone(), territory="somma_lombardo") == [cases["italy"]]
    open_visits = found(session, everyone(), step="visita")
    assert cases["closed"] not in open_visits and cases["rojas"] in open_visits
    assert found(session, everyone(), step="VISIT") == open_visits  # part of the title
    assert found(session, everyone(), step="nada así") == []


def test_sorted_and_paged_with_a_total(session, world):
    cases, _ = world
    by_family = queries.case_page(session, everyone(), CaseSearch(sort="family", limit=2))
    assert (by_family.total, by_family.pages, by_family.page) == (5, 3, 1)
    assert [r.case.household.family_name for r in by_family.rows] == ["Araya Díaz",
                                                                     "Muñoz Soto"]
    last = queries.case_page(session, everyone(), CaseSearch(sort="family", limit=2,
                                                              page=99))
    assert last.page == 3 and [r.case.id for r in last.rows] == [cases["paused"]]
    newest = queries.case_page(session, everyone(), CaseSearch(limit=10))
    assert [r.case.id for r in newest.rows][0] == cases["italy"]
    by_activity = queries.case_page(session, everyone(), CaseSearch(sort="activity", limit=10))
    assert by_activity.total == 5
    rows = {r.case.id: r for r in newest.rows}
    assert rows[cases["munoz"]].incident and not rows[cases["rojas"]].incident
    assert rows[cases["paused"]].paused and rows[cases["rojas"]].steps == ["Visita"]
    assert rows[cases["closed"]].steps == []


def test_a_name_search_is_paged_and_counted_like_any_other(session, world):
    """A search narrowed by name counts in the same statement as its page: the total, the
    pages and a page past the last must still be right."""
    cases, _ = world

    def page(number):
        return queries.case_page(session, everyone(), CaseSearch(name="soto", sort="family",
                                                                 limit=1, page=number))
    first, second, past = page(1), page(2), page(9)
    assert [(p.total, p.pages, p.page) for p in (first, second, past)] == [(2, 2, 1),
                                                                          (2, 2, 2),
                                                                          (2, 2, 2)]
    assert [r.case.id for r in first.rows] == [cases["munoz"]]
    assert [r.case.id for r in second.rows] == [r.case.id for r in past.rows] == [
        cases["paused"]]
    nobody = queries.case_page(session, everyone(), CaseSearch(name="zzz", page=3))
    assert (nobody.total, nobody.pages, nobody.page, nobody.rows) == (0, 1, 1, [])


def test_a_name_matching_very_many_is_counted_as_more_than(session, world, monkeypatch):
    """Past MAX_COUNTED matching households the total is a floor ("more than") and the page
    is walked in the order asked for, with the same rows a counted search gives."""
    cases, _ = world
    search = CaseSearch(name="soto", sort="family", limit=1)
    counted = queries.case_page(session, everyone(), search)
    monkeypatch.setattr("engine.queries.cases.MAX_COUNTED", 1)
    walked = queries.case_page(session, everyone(), search)
    assert not counted.at_least and walked.at_least
    assert (walked.total, walked.pages, walked.page) == (1, 1, 1)
    assert [r.case.id for r in walked.rows] == [r.case.id for r in counted.rows] == [
        cases["munoz"]]
    newest = queries.case_page(session, everyone(), CaseSearch(name="soto", limit=5))
    assert newest.at_least and [r.case.id for r in newest.rows] == [cases["paused"],
                                                                    cases["munoz"]]


def test_the_policy_decides_what_is_found(session, world):
    cases, ids = world
    chile, italy = ids["antofagasta"], ids["somma_lombardo"]

    def person(name, role, *where):
        return engine.Actor(name, frozenset({role} if role else ()), frozenset(where))

    chilean = {cases[k] for k in ("rojas", "munoz", "closed", "paused")}
    assert set(found(session, person("ana", "caseworker", chile))) == chilean
    assert found(session, person("giulia", "caseworker", italy)) == [cases["italy"]]
    assert found(session, person("giulia", "caseworker", italy), name="rojas") == []
    assert found(session, person("calama", "caseworker", ids["calama"])) == []
    assert set(found(session, person("jorge", "supervisor", chile))) == chilean
    assert set(found(session, person("marta", "manager", chile))) == chilean
    assert found(session, person("paola", "admin", italy)) == [cases["italy"]]
    assert found(session, person("nadie", None, chile)) == []
    page = queries.case_page(session, person("giulia", "caseworker", italy), CaseSearch())
    assert page.total == 1
    assert [t.code for t in queries.case_territories(session, person("x", "manager", chile))
            ] == ["antofagasta"]
