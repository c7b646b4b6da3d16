"""While the case waits on the family its deadlines stand still, then move by the pause."""

from datetime import UTC, datetime, timedelta

import pytest

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask
from tests.conftest import FIXTURES
from tests.entry import sweep

START = datetime(2026, 3, 2, 12, tzinfo=UTC)          # visit due Mon 9 March
REMINDER = datetime(2026, 3, 5, 11, tzinfo=UTC)       # 08:00 Santiago, 5 March
ESCALATION = datetime(2026, 3, 10, 3, tzinfo=UTC)     # 00:00 Santiago, 10 March


@pytest.fixture
def case_id(session, fixture_forms, caseworker):
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez")
    with unit_of_work(session):
        return engine.start_case(session, command, caseworker, START).id


def kinds(session, case_id, actor):
    return [e.kind for e in engine.case_history(session, case_id, actor)]


def test_a_paused_case_fires_nothing_and_resuming_moves_every_deadline(session, case_id,
                                                                       caseworker):
    with unit_of_work(session):
        engine.pause_deadlines(session, case_id, caseworker, "Familia de viaje",
                               datetime(2026, 3, 3, 12, tzinfo=UTC))
    assert sweep(session, datetime(2026, 3, 20, tzinfo=UTC)).fired == 0
    with unit_of_work(session):
        engine.resume_deadlines(session, case_id, caseworker, datetime(2026, 3, 13, 12, tzinfo=UTC))
    task = session.query(HumanTask).filter_by(case_id=case_id, bpmn_id="visita").one()
    assert task.due_at == ESCALATION + timedelta(days=10)
    assert task.remind_at == REMINDER + timedelta(days=10)
    assert sweep(session, REMINDER + timedelta(days=10)).fired == 1
    assert kinds(session, case_id, caseworker) == [
        "case_started", "deadlines_paused", "deadlines_resumed", "reminder"]


def test_what_was_due_before_the_pause_still_fires(session, case_id, caseworker):
    with unit_of_work(session):
        engine.pause_deadlines(session, case_id, caseworker, "Familia de viaje",
                               datetime(2026, 3, 6, 12, tzinfo=UTC))
    assert kinds(session, case_id, caseworker)[-2:] == ["reminder", "deadlines_paused"]


def test_pausing_twice_or_resuming_a_running_case_is_refused(session, case_id, caseworker):
    with pytest.raises(engine.Conflict), unit_of_work(session):
        engine.resume_deadlines(session, case_id, caseworker)
    with unit_of_work(session):
        engine.pause_deadlines(session, case_id, caseworker, "viaje")
    with pytest.raises(engine.Conflict), unit_of_work(session):
        engine.pause_deadlines(session, case_id, caseworker, "viaje")
