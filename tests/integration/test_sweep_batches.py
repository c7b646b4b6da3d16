"""The sweep fires due cases a batch per transaction: a few statements for the whole batch,
each timer once, and a failing case that leaves the rest of its batch fired."""

from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from engine.commands import sweep as sweeping
from engine.persistence.models import Event, Incident, ProcessInstance, Timer
from tests.entry import sweep
from tests.integration import poisoned_world as world
from tests.integration.conftest import MINI_START

DUE = MINI_START + timedelta(days=30)  # every mini case's reminder and escalation


@pytest.fixture
def app(database_url):
    """The app with the poisoned world's short CPU limit (restored afterwards)."""
    yield from world.short_limit_app(database_url)


@contextmanager
def counted(session):
    """The SQL statements run on the session's database inside the block."""
    statements: list[str] = []
    bind = session.get_bind()

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(bind, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", note)


def fired(session) -> Counter:
    session.expire_all()
    kinds = session.scalars(select(Event.kind).where(Event.kind.in_(("reminder", "escalation"))))
    return Counter(kinds)


@pytest.mark.postgresql_only  # round trips; SQLite (in-process) inserts RETURNING row by row
def test_a_batch_of_cases_costs_fewer_statements_than_cases(session, mini_cases):
    cases = sweeping.BATCH_CASES * 2
    mini_cases(cases)
    session.commit()
    with counted(session) as statements:
        result = sweep(session, DUE)
    assert result.instances == cases and result.failed == 0
    assert fired(session) == Counter({"reminder": cases, "escalation": cases})
    assert len(statements) < cases  # one read, one write of each kind per batch
    assert session.scalar(select(Timer.id).where(Timer.due_at <= DUE)) is None


def test_a_second_sweep_finds_nothing_left_to_fire(session, mini_cases):
    mini_cases(sweeping.BATCH_CASES + 3)
    assert sweep(session, DUE).instances == sweeping.BATCH_CASES + 3
    again = sweep(session, DUE + timedelta(minutes=1))
    assert (again.instances, again.fired, again.failed) == (0, 0, 0)
    assert fired(session) == Counter({"reminder": sweeping.BATCH_CASES + 3,
                                      "escalation": sweeping.BATCH_CASES + 3})


def test_a_failing_case_leaves_the_rest_of_its_batch_fired(app, session, fixture_forms,
                                                          caseworker):
    cases = world.build(session, fixture_forms, caseworker, "error", healthy=5)
    versions = dict(session.execute(select(ProcessInstance.case_id,
                                           ProcessInstance.lock_version)).all())
    result = sweep(session, DUE)  # the poisoned case and the healthy ones: one batch
    assert (result.failed, result.instances) == (1, len(cases.healthy))
    incident = session.scalars(select(Incident).where(Incident.case_id == cases.poisoned)).one()
    assert incident.status == "open" and "division by zero" in incident.error
    session.expire_all()
    after = dict(session.execute(select(ProcessInstance.case_id,
                                        ProcessInstance.lock_version)).all())
    assert after[cases.poisoned] == versions[cases.poisoned]  # nothing of it was saved
    assert all(after[case] > versions[case] for case in cases.healthy)
    assert fired(session) == Counter({"reminder": len(cases.healthy),
                                      "escalation": len(cases.healthy)})
