"""Timer drivers wake when the next timer falls due, not on a fixed poll: the timer index says
when, a timer committed meanwhile that falls due sooner is announced (after its commit only),
and the fixed sweep stays as the safety net. Moments are given or moved, never slept through;
the only waits are for a real PostgreSQL notification or a thread to react."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.persistence.models import ProcessDefinition, ProcessInstance, Timer
from tests.conftest import FIXTURES
from web.background import Sweeper
from web.scheduler import listener_for

START = datetime(2026, 3, 2, 12, tzinfo=UTC)


def start_mini(session, fixture_forms, caseworker, family: str = "Pérez") -> int:
    """A case of the fixture process started at START (a reminder three days later); written
    at START too unless the test moved the clock elsewhere."""
    if not session.scalar(select(ProcessDefinition.id).limit(1)):
        with unit_of_work(session):
            engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", family)
    with unit_of_work(session):
        return engine.start_case(session, command, caseworker, START).id


def reminder_due(session, case_id: int) -> datetime:
    """When the case's first timer (its reminder) falls due."""
    return session.scalar(select(func.min(Timer.due_at))
                          .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
                          .where(ProcessInstance.case_id == case_id))


@pytest.fixture
def heard():
    """The moments announced to this process's listeners, while the test runs."""
    moments = []
    stop = engine.when_a_timer_falls_due_soon(moments.append)
    yield moments
    stop()


def test_a_timer_written_already_due_is_announced_at_once(session, fixture_forms, caseworker,
                                                          heard):
    case_id = start_mini(session, fixture_forms, caseworker)  # March's case written in December
    assert heard == [reminder_due(session, case_id)]


def test_the_timer_index_says_when_the_next_timer_falls_due(session, fixture_forms, caseworker):
    assert engine.next_due_after(session, START) is None
    case_id = start_mini(session, fixture_forms, caseworker)
    due = reminder_due(session, case_id)
    assert engine.next_due_after(session, START) == due
    after = engine.next_due_after(session, due)  # what is due already is the sweep's
    assert after is not None and after > due  # the escalation, days later


def test_a_timer_far_away_is_not_announced_one_falling_due_soon_is_after_its_commit(
        session, fixture_forms, caseworker, heard):
    with time_machine.travel(START, tick=False):
        first = start_mini(session, fixture_forms, caseworker)
    assert heard == []  # three days away: the driver's next read of the index finds it
    due = reminder_due(session, first)
    with time_machine.travel(due - timedelta(seconds=30), tick=False):
        start_mini(session, fixture_forms, caseworker, "Soto")
    assert heard == [due]


def test_a_timer_of_a_transaction_rolled_back_is_never_announced(
        session, fixture_forms, caseworker, heard):
    with time_machine.travel(START, tick=False):
        due = reminder_due(session, start_mini(session, fixture_forms, caseworker))
    heard.clear()
    command = engine.StartCase("mini", "antofagasta", "ana", "Soto")
    with time_machine.travel(due - timedelta(seconds=30), tick=False), \
            pytest.raises(RuntimeError), unit_of_work(session):
        engine.start_case(session, command, caseworker, START)
        raise RuntimeError("the request failed after the case was written")
    assert heard == []
    assert engine.next_due_after(session, START) == due  # and nothing of it stayed


def test_the_sweeper_rests_until_the_next_timer_within_its_bounds(app):
    sweeper = Sweeper(app, period=5.0, min_gap=0.5)
    assert sweeper.rest_seconds(START, None) == 5.0
    assert sweeper.rest_seconds(START, START + timedelta(seconds=2)) == 2.0
    assert sweeper.rest_seconds(START, START + timedelta(milliseconds=10)) == 0.5
    assert sweeper.rest_seconds(START, START + timedelta(hours=1)) == 5.0


def test_the_sweeper_reads_the_next_due_time_after_each_sweep(app, session, fixture_forms,
                                                              caseworker):
    due = reminder_due(session, start_mini(session, fixture_forms, caseworker))
    sweeper = Sweeper(app)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        sweeper.run_once()
    assert sweeper.next_due == due


def test_an_announcement_cuts_the_sweepers_rest_short(app):
    sweeper = Sweeper(app, period=60.0, min_gap=0.01)
    rested = threading.Event()
    thread = threading.Thread(target=lambda: (sweeper._rest(60.0), rested.set()), daemon=True)
    thread.start()
    sweeper.wake(datetime.now(UTC))
    assert rested.wait(timeout=10), "the sweeper kept resting after a timer was announced"


@pytest.mark.postgresql_only
def test_the_scheduler_hears_of_a_soon_timer_committed_by_another_process(
        app, session, fixture_forms, caseworker):
    woken, moments = threading.Event(), []

    class Scheduler:
        def wake(self, due):
            moments.append(due)
            woken.set()

    listener = listener_for(app, Scheduler())
    listener.start()
    try:
        assert listener.listening.wait(timeout=10)
        with time_machine.travel(START, tick=False):
            due = reminder_due(session, start_mini(session, fixture_forms, caseworker))
        with time_machine.travel(due - timedelta(seconds=30), tick=False):
            start_mini(session, fixture_forms, caseworker, "Soto")
        assert woken.wait(timeout=10), "no announcement reached the listener"
        assert moments == [due]
    finally:
        listener.stop()
        listener.join(timeout=5)
