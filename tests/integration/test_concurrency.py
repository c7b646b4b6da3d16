"""Two people, or a person and the timer sweep, acting on one case at once lose nothing."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

import engine
from engine import unit_of_work
from engine.persistence.models import Event
from tests.conftest import FIXTURES
from tests.entry import run, sweep

START = datetime(2026, 3, 2, 12, tzinfo=UTC)
AFTER_REMINDER = datetime(2026, 3, 6, tzinfo=UTC)


@pytest.fixture
def cases(session, fixture_forms, territories, caseworker):
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez")
    with unit_of_work(session):
        return [engine.start_case(session, command, caseworker, START) for _ in range(12)]


def at_once(*calls):
    """Run the calls in threads released together; return each result or exception."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            return call()
        except engine.EngineError as error:
            return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_completions_of_one_task_one_wins(cases, new_session, fixture_forms, caseworker):
    task = engine.list_tasks(new_session(), caseworker)[0]
    data = {"ubicada": True, "fecha": "2026-03-03"}
    outcomes = at_once(
        lambda: run(new_session(), engine.complete, fixture_forms, task.id, data, caseworker),
        lambda: run(new_session(), engine.complete, fixture_forms, task.id, data, caseworker),
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], engine.Conflict)
    assert "already completed" in str(errors[0]) or "changed by someone else" in str(errors[0])
    check = new_session()
    completed = check.query(Event).filter_by(kind="task_completed", task_id=task.id).count()
    assert completed == 1
    assert check.query(Event).filter_by(kind="system_step", case_id=task.case_id).count() == 1


def test_two_sweeps_at_once_fire_every_timer_exactly_once(cases, new_session):
    results = at_once(
        lambda: sweep(new_session(), AFTER_REMINDER),
        lambda: sweep(new_session(), AFTER_REMINDER),
    )
    assert sum(r.fired for r in results) == len(cases)
    check = new_session()
    assert check.query(Event).filter_by(kind="reminder").count() == len(cases)
    assert sweep(check, AFTER_REMINDER).fired == 0


def test_a_person_and_the_sweep_on_one_case_both_land(cases, new_session, fixture_forms,
                                                      caseworker):
    task = engine.list_tasks(new_session(), caseworker)[0]
    data = {"ubicada": False, "fecha": "2026-03-06"}
    calls = [
        lambda: run(new_session(), engine.complete, fixture_forms, task.id, data, caseworker,
                    AFTER_REMINDER),
        lambda: sweep(new_session(), AFTER_REMINDER),
    ]
    outcomes = at_once(*calls)
    for call, outcome in zip(calls, outcomes, strict=True):
        if isinstance(outcome, engine.Conflict):  # the loser is told and simply retries
            call()
    check = new_session()
    kinds = [e.kind for e in check.query(Event).filter_by(case_id=task.case_id)]
    assert kinds.count("task_completed") == 1
    assert kinds.count("reminder") == 1
    assert check.get(engine.persistence.models.Case, task.case_id).outcome == "no_ubicada"
