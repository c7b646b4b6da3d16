"""Who looked at what (engine.commands.access_log, engine.queries.access_log): each view of
a case file, a step, a report and each export line about a household is one row; the
database refuses to change or delete one (triggers on SQLite and PostgreSQL); the
administrators read it filtered, only for their countries; a family's file shows its
supervisors who opened it, and nobody else."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import engine
from engine import unit_of_work
from engine.persistence.access_log_models import AccessLog
from engine.queries import access_log as log_queries
from tests.conftest import FIXTURES

MARCH = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
def two_cases(session, fixture_forms, caseworker, territories):
    """A case in Antofagasta, and one as the log knows a case in Somma Lombardo."""
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
        chile = engine.start_case(session, engine.StartCase("mini", "antofagasta", "ana",
                                                            "Pérez"), caseworker, MARCH)
    italy = SimpleNamespace(id=chile.id + 1, household_id=chile.household_id + 1,
                            territory_id=territories["somma_lombardo"].id)
    return chile, italy


def _admin(territory) -> engine.Actor:
    return engine.Actor("admin.cl", frozenset({"admin"}), frozenset({territory.id}))


def test_views_and_export_lines_are_logged_one_row_each(session, two_cases, caseworker,
                                                        supervisor):
    chile, italy = two_cases
    with unit_of_work(session):
        engine.log_view(session, caseworker, "case_file", chile.id, chile, now=MARCH,
                        reason="  visita domiciliaria  ")
        engine.log_view(session, caseworker, "step", "task-1", chile, now=MARCH)
        engine.log_view(session, supervisor, "report", "mini", now=MARCH)
        logged = engine.log_export(session, supervisor, "resultados-mini",
                                   [chile.id, 999_999], now=MARCH)
    assert logged == 1  # a case id that does not exist is no line about a household
    rows = session.query(AccessLog).order_by(AccessLog.id).all()
    assert [(r.actor, r.kind, r.what, r.case_id, r.reason) for r in rows] == [
        ("ana", "case_file", str(chile.id), chile.id, "visita domiciliaria"),
        ("ana", "step", "task-1", chile.id, None),
        ("jorge", "report", "mini", None, None),
        ("jorge", "export", "resultados-mini", chile.id, None)]
    assert rows[0].household_id == chile.household_id


def test_the_database_refuses_to_change_or_delete_a_logged_view(session, two_cases,
                                                                 caseworker):
    chile, _ = two_cases
    with unit_of_work(session):
        engine.log_view(session, caseworker, "case_file", chile.id, chile, now=MARCH)
    for statement in ("UPDATE access_log SET actor = 'mallory'", "DELETE FROM access_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert [r.actor for r in session.query(AccessLog)] == ["ana"]


def test_administrators_read_the_log_of_their_countries_filtered(session, two_cases,
                                                                 caseworker, territories):
    chile, italy = two_cases
    giulia = engine.Actor("giulia", frozenset({"caseworker"}),
                          frozenset({territories["somma_lombardo"].id}))
    with unit_of_work(session):
        engine.log_view(session, caseworker, "case_file", chile.id, chile, now=MARCH)
        engine.log_view(session, caseworker, "step", "t", chile, now=MARCH)
        engine.log_view(session, giulia, "case_file", italy.id, italy, now=MARCH)
    admin = _admin(territories["antofagasta"])
    everything = log_queries.access_page(session, admin, log_queries.AccessFilter())
    assert {r.case_id for r in everything.rows} == {chile.id}  # not the Italian case
    steps = log_queries.access_rows(session, admin, log_queries.AccessFilter(kind="step"))
    assert [r.what for r in steps] == ["t"]
    assert log_queries.access_page(session, admin, log_queries.AccessFilter(
        person="giulia")).total == 0
    with pytest.raises(engine.NotAllowed):
        log_queries.access_page(session, caseworker, log_queries.AccessFilter())


def test_a_familys_supervisor_sees_who_opened_its_file_and_a_caseworker_does_not(
        session, two_cases, caseworker, supervisor):
    chile, _ = two_cases
    with unit_of_work(session):
        engine.log_view(session, caseworker, "case_file", chile.id, chile, now=MARCH)
    assert [r.actor for r in log_queries.case_views(session, supervisor, chile)] == ["ana"]
    assert log_queries.case_views(session, caseworker, chile) is None
