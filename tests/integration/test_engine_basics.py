"""The engine API on a small process: deploy, start, deadlines, timers, completion, history."""

from datetime import UTC, datetime

import pytest

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask
from tests.conftest import FIXTURES
from tests.entry import sweep

MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)  # a Monday


@pytest.fixture
def mini(session, fixture_forms, territories):
    with unit_of_work(session):
        return engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")


def start(session, caseworker, at=MARCH_2):
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez Soto")
    with unit_of_work(session):
        return engine.start_case(session, command, caseworker, at)


def open_task(session, actor, bpmn_id):
    return next(t for t in engine.list_tasks(session, actor) if t.bpmn_id == bpmn_id)


def kinds(session, case_id, actor):
    return [e.kind for e in engine.case_history(session, case_id, actor)]


def test_deploying_unchanged_files_keeps_the_version(session, mini, fixture_forms):
    with unit_of_work(session):
        again = engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    assert (mini.version, mini.created) == (1, True)
    assert (again.version, again.created) == (1, False)


def test_a_new_case_waits_on_its_first_task_with_deadline_from_settings(session, mini,
                                                                        caseworker):
    case = start(session, caseworker)
    task = open_task(session, caseworker, "visita")
    assert task.assignee == "ana" and task.role == "caseworker"
    # 5 working days from Monday 2 March = Monday 9 March; overdue from midnight, Santiago time
    assert task.due_at == datetime(2026, 3, 10, 3, tzinfo=UTC)
    # reminder 2 working days before the due day, at 08:00 local
    assert task.remind_at == datetime(2026, 3, 5, 11, tzinfo=UTC)
    assert kinds(session, case.id, caseworker) == ["case_started"]


def test_reminder_then_escalation_fire_on_their_days(session, mini, caseworker, supervisor):
    case = start(session, caseworker)
    assert sweep(session, datetime(2026, 3, 5, 10, tzinfo=UTC)).fired == 0
    assert sweep(session, datetime(2026, 3, 5, 11, tzinfo=UTC)).fired == 1
    assert kinds(session, case.id, caseworker)[-1] == "reminder"
    assert sweep(session, datetime(2026, 3, 10, 2, tzinfo=UTC)).fired == 0
    assert sweep(session, datetime(2026, 3, 10, 3, tzinfo=UTC)).fired == 1
    review = open_task(session, supervisor, "revisar_atraso")
    assert review.role == "supervisor" and review.assignee is None
    still_open = open_task(session, caseworker, "visita")
    assert still_open.due_at == datetime(2026, 3, 10, 3, tzinfo=UTC)


def test_sweeping_twice_fires_nothing_twice(session, mini, caseworker):
    start(session, caseworker)
    first = sweep(session, datetime(2026, 3, 20, tzinfo=UTC))
    second = sweep(session, datetime(2026, 3, 20, tzinfo=UTC))
    assert (first.fired, second.fired) == (2, 0)


def test_completing_runs_the_process_to_its_end(session, mini, caseworker, fixture_forms):
    case = start(session, caseworker)
    task = open_task(session, caseworker, "visita")
    with unit_of_work(session):
        engine.complete(session, fixture_forms, task.id, {"ubicada": True, "fecha": "2026-03-04"},
                        caseworker, datetime(2026, 3, 4, 15, tzinfo=UTC))
    view = engine.show_case(session, case.id, caseworker)
    assert view.case.status == "closed" and view.case.outcome == "ok"
    assert view.data["visitas"] == 1 and view.data["fecha_visita"] == "2026-03-04"
    assert view.tasks == [] and view.timers == []
    assert kinds(session, case.id, caseworker) == [
        "case_started", "task_completed", "system_step", "case_closed"]


def test_invalid_data_names_each_field_and_changes_nothing(session, mini, caseworker,
                                                            fixture_forms):
    case = start(session, caseworker)
    task = open_task(session, caseworker, "visita")
    with pytest.raises(engine.InvalidTaskData) as raised, unit_of_work(session):
        engine.complete(session, fixture_forms, task.id, {"ubicada": "sí", "fecha": "4/3/26"},
                        caseworker)
    assert {(e.field, e.code) for e in raised.value.errors} == {
        ("ubicada", "type"), ("fecha", "format")}
    assert open_task(session, caseworker, "visita").id == task.id
    assert kinds(session, case.id, caseworker) == ["case_started"]


def test_a_case_in_another_territory_is_invisible(session, mini, caseworker, territories):
    case = start(session, caseworker)
    outsider = engine.Actor("luca", frozenset({"caseworker"}),
                            frozenset({territories["somma_lombardo"].id}))
    with pytest.raises(engine.NotFound):
        engine.show_case(session, case.id, outsider)
    assert engine.list_tasks(session, outsider) == []


def test_a_supervisor_task_needs_the_supervisor_role(session, mini, caseworker, supervisor,
                                                      fixture_forms):
    start(session, caseworker)
    sweep(session, datetime(2026, 3, 20, tzinfo=UTC))
    review = open_task(session, supervisor, "revisar_atraso")
    with pytest.raises(engine.NotAllowed), unit_of_work(session):
        engine.complete(session, fixture_forms, review.id, {}, caseworker)
    with unit_of_work(session):
        engine.claim(session, review.id, supervisor)
    with unit_of_work(session):
        engine.complete(session, fixture_forms, review.id, {"comentario": "Llamé a Ana"},
                        supervisor)
    assert [t.bpmn_id for t in engine.list_tasks(session, supervisor)] == []


def test_a_task_row_the_workflow_no_longer_has_is_a_conflict_not_a_crash(session, mini,
                                                                          caseworker,
                                                                          fixture_forms):
    start(session, caseworker)
    real = open_task(session, caseworker, "visita")
    ghost = HumanTask(**{c.name: getattr(real, c.name) for c in HumanTask.__table__.columns})
    ghost.id = "00000000-0000-4000-8000-000000000000"
    session.add(ghost)
    session.commit()
    with pytest.raises(engine.Conflict, match="closed meanwhile"), unit_of_work(session):
        engine.complete(session, fixture_forms, ghost.id, {"ubicada": True,
                                                           "fecha": "2026-03-03"}, caseworker)
