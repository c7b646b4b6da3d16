"""Commands compose: the caller's unit of work commits all of them or none (engine.persistence.uow).

Run on SQLite and PostgreSQL, with the engine's real commands on the small ``mini`` process:
a visit (caseworker) with a reminder and an escalation.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.persistence.models import (
    Case,
    Event,
    Household,
    HumanTask,
    ProcessInstance,
    Territory,
    Timer,
)
from tests.conftest import FIXTURES

MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)
VISIT = {"ubicada": True, "fecha": "2026-03-03"}
COMMAND = engine.StartCase("mini", "antofagasta", "ana", "Pérez Soto")


@pytest.fixture
def mini(session, fixture_forms, territories):
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")


def rows(session) -> dict[str, int]:
    """How many rows each table a started case writes to holds."""
    return {model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Household, Case, ProcessInstance, HumanTask, Timer, Event)}


def first_task(session, case_id: int) -> str:
    return session.scalar(select(HumanTask.id).where(HumanTask.case_id == case_id))


def test_start_and_first_step_in_one_unit_of_work_land_together(session, mini, caseworker,
                                                                 fixture_forms):
    with unit_of_work(session):
        case = engine.start_case(session, COMMAND, caseworker, MARCH_2)
        engine.complete(session, fixture_forms, first_task(session, case.id), VISIT,
                        caseworker, MARCH_2)
    view = engine.show_case(session, case.id, caseworker)
    assert view.case.status == "closed"
    assert [e.kind for e in view.history] == ["case_started", "task_completed",
                                              "system_step", "case_closed"]


def test_a_failure_in_the_second_part_undoes_the_first(session, mini, caseworker,
                                                        fixture_forms):
    before = rows(session)
    with pytest.raises(engine.InvalidTaskData), unit_of_work(session):
        case = engine.start_case(session, COMMAND, caseworker, MARCH_2)
        engine.complete(session, fixture_forms, first_task(session, case.id),
                        {"ubicada": "sí"}, caseworker, MARCH_2)
    assert rows(session) == before  # no household, case, instance, task, timer or event


def test_the_caller_failing_after_both_commands_undoes_both(session, mini, caseworker,
                                                            fixture_forms):
    before = rows(session)
    with pytest.raises(RuntimeError, match="the caller changed its mind"), \
            unit_of_work(session):
        case = engine.start_case(session, COMMAND, caseworker, MARCH_2)
        engine.complete(session, fixture_forms, first_task(session, case.id), VISIT,
                        caseworker, MARCH_2)
        raise RuntimeError("the caller changed its mind")
    assert rows(session) == before


def test_a_nested_unit_of_work_is_a_savepoint(session, mini, caseworker, fixture_forms):
    """One savepoint per row, as a bulk import does: a row is a case and its first visit;
    the row whose visit is refused is undone alone, its case with it."""
    visits = {"Rojas": VISIT, "Soto": {"ubicada": "sí"}, "Vega": VISIT}
    refused = []
    with unit_of_work(session):
        for family, visit in visits.items():
            try:
                with unit_of_work(session):
                    case = engine.start_case(session, engine.StartCase(
                        "mini", "antofagasta", "ana", family), caseworker, MARCH_2)
                    engine.complete(session, fixture_forms, first_task(session, case.id),
                                    visit, caseworker, MARCH_2)
            except engine.InvalidTaskData as invalid:
                refused.append((family, sorted(e.field for e in invalid.errors)))
    names = session.scalars(select(Household.family_name).order_by(Household.id)).all()
    assert names == ["Rojas", "Vega"]
    assert refused == [("Soto", ["fecha", "ubicada"])]
    assert rows(session)["Case"] == 2 and rows(session)["ProcessInstance"] == 2


def test_a_dry_run_does_everything_and_keeps_nothing(session, mini, caseworker):
    before = rows(session)
    with unit_of_work(session, dry_run=True) as work:
        case = engine.start_case(session, COMMAND, caseworker, MARCH_2)
        assert session.get(Case, case.id).status == "open"  # seen inside the unit
    assert rows(session) == before
    assert [type(e).__name__ for e in work.handled] == ["Recorded"]  # case_started was handled


def test_a_command_outside_a_unit_of_work_is_refused_and_writes_nothing(session, mini,
                                                                        caseworker):
    before = rows(session)
    with pytest.raises(engine.NoUnitOfWork, match="unit of work"):
        engine.start_case(session, COMMAND, caseworker, MARCH_2)
    assert rows(session) == before


def test_the_sweep_never_touches_its_callers_session(session, mini, caseworker):
    with unit_of_work(session):
        engine.start_case(session, COMMAND, caseworker, MARCH_2)
    pending = Territory(code="ovalle", name="Ovalle", country="CL", region="CL-CO",
                        timezone="America/Santiago")
    session.add(pending)  # the caller's own unfinished work
    result = engine.fire_due_timers(session.get_bind(), datetime(2026, 3, 20, tzinfo=UTC))
    assert result.fired == 2  # the reminder and the escalation
    assert pending in session.new  # neither flushed, committed nor rolled back by the sweep
    session.commit()
    assert session.scalar(select(Territory.id).where(Territory.code == "ovalle")) is not None
    assert session.scalar(select(func.count()).select_from(Event)
                          .where(Event.kind.in_(("reminder", "escalation")))) == 2


def test_work_of_a_finished_savepoint_is_undone_with_its_unit(session, mini, caseworker):
    """A savepoint that went well is still part of its unit: undone when the unit is (on
    SQLite too, whose driver would otherwise commit when the first savepoint is released)."""
    before = rows(session)
    with pytest.raises(RuntimeError), unit_of_work(session):
        with unit_of_work(session):
            engine.start_case(session, COMMAND, caseworker, MARCH_2)
        raise RuntimeError("the unit fails after its savepoint")
    assert rows(session) == before
