"""Without Redis, a thread in the web process fires deadlines."""

from datetime import UTC, datetime

import time_machine

import engine
from engine import unit_of_work
from tests.conftest import FIXTURES
from web.background import Sweeper


def test_the_sweeper_fires_what_is_due_as_of_now(app, session, fixture_forms, caseworker):
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez")
    with unit_of_work(session):
        case = engine.start_case(session, command, caseworker, datetime(2026, 3, 2, tzinfo=UTC))
    sweeper = Sweeper(app, period=0.01)
    with time_machine.travel(datetime(2026, 3, 6, tzinfo=UTC), tick=False):
        assert sweeper.run_once().fired == 1  # the reminder of 5 March
        assert sweeper.run_once().fired == 0
    kinds = [e.kind for e in engine.case_history(session, case.id, caseworker)]
    assert kinds == ["case_started", "reminder"]


def test_the_sweeper_thread_stops_when_asked(app):
    sweeper = Sweeper(app, period=0.01)
    sweeper.start()
    sweeper.stop()
    sweeper.join(timeout=5)
    assert not sweeper.is_alive()
