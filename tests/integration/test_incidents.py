"""Incidents: a failing timer is retried with back-off (the clock is moved, never slept on),
a run that works resolves it, people retry or cancel it on the Incidents page, and only
administrators and the programme's managers see it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Event, Incident, ProcessInstance, Timer
from tests.entry import sweep
from tests.integration import poisoned_world as world

DUE = world.START + timedelta(days=1)  # the poisoned case's timer


@pytest.fixture
def app(database_url):
    """The app with a short CPU limit (restored afterwards)."""
    yield from world.short_limit_app(database_url)


@pytest.fixture
def poisoned(app, session, fixture_forms, caseworker):
    """A poisoned case whose timer already failed once (at DUE), beside healthy cases."""
    cases = world.build(session, fixture_forms, caseworker, "error")
    assert sweep(session, DUE).failed == 1
    return cases


def test_a_failing_timer_is_retried_with_a_growing_wait(poisoned, session):
    incident = world.incident_of(session, poisoned.poisoned)
    assert incident.next_retry_at == DUE + timedelta(minutes=1)
    assert "division by zero" in incident.error
    assert sweep(session, DUE + timedelta(seconds=30)).failed == 0  # waits
    assert world.incident_of(session, poisoned.poisoned).attempts == 1
    moment = DUE + timedelta(minutes=1)
    for attempt, wait in ((2, 2), (3, 4), (4, 8)):
        assert sweep(session, moment).failed == 1
        incident = world.incident_of(session, poisoned.poisoned)
        assert incident.attempts == attempt
        assert incident.next_retry_at == moment + timedelta(minutes=wait)
        moment = incident.next_retry_at
    assert incident.first_seen_at == DUE and incident.last_seen_at == moment - timedelta(minutes=8)


def test_a_retry_that_works_resolves_the_incident(poisoned, session):
    world.tamper(session, "puntaje = 1")  # someone fixed the process
    result = sweep(session, DUE + timedelta(minutes=1))
    assert (result.failed, result.instances) == (0, 1)
    incident = world.incident_of(session, poisoned.poisoned)
    assert incident.status == "resolved" and incident.next_retry_at is None
    kinds = [e.kind for e in session.scalars(select(Event).where(
        Event.case_id == poisoned.poisoned))]
    assert "system_step" in kinds  # the script ran
    assert session.scalars(select(Timer).where(Timer.instance_id == incident.instance_id)
                           ).first() is None


def test_retry_on_the_page_makes_the_case_due_now(poisoned, app, session, territories):
    world.add_person(session, "admin1", "admin", territories["antofagasta"])
    person = world.Browser(app, "admin1")
    incident = world.incident_of(session, poisoned.poisoned)
    world.tamper(session, "puntaje = 1")
    moment = DUE + timedelta(seconds=10)  # before the automatic retry
    assert sweep(session, moment).instances == 0
    answer = person.post(f"/incidents/{incident.id}/retry")
    assert answer.status_code == 302
    retried = world.incident_of(session, poisoned.poisoned)
    assert retried.next_retry_at <= engine.core.clock.now()
    assert sweep(session).instances >= 1  # the next sweep takes it
    assert world.incident_of(session, poisoned.poisoned).status == "resolved"
    trail = session.scalars(select(Event.kind).where(Event.case_id == poisoned.poisoned)).all()
    assert "incident_retried" in trail


def test_cancel_needs_a_reason_and_is_recorded(poisoned, app, session, territories):
    world.add_person(session, "admin1", "admin", territories["antofagasta"])
    person = world.Browser(app, "admin1")
    incident = world.incident_of(session, poisoned.poisoned)
    assert person.post(f"/incidents/{incident.id}/cancel", {"reason": "  "}).status_code == 422
    assert world.incident_of(session, poisoned.poisoned).status == "open"
    answer = person.post(f"/incidents/{incident.id}/cancel", {"reason": "proceso en revisión"})
    assert answer.status_code == 302
    cancelled = world.incident_of(session, poisoned.poisoned)
    assert (cancelled.status, cancelled.cancel_reason, cancelled.cancelled_by) == (
        "cancelled", "proceso en revisión", "admin1")
    event = session.scalars(select(Event).where(Event.kind == "incident_cancelled")).one()
    assert event.case_id == poisoned.poisoned and event.actor == "admin1"
    assert event.data["reason"] == "proceso en revisión"
    # cancelled: no more retries, and the page no longer lists it
    assert sweep(session, DUE + timedelta(days=30)).failed == 0
    assert "Calcular puntaje" not in person.page("/incidents")[1]


def test_who_sees_the_incidents_page(poisoned, app, session, territories):
    incident = world.incident_of(session, poisoned.poisoned)
    world.add_person(session, "ana", "caseworker", territories["antofagasta"])
    world.add_person(session, "jorge", "supervisor", territories["antofagasta"])
    world.add_person(session, "paola", "manager", territories["somma_lombardo"])
    world.add_person(session, "carmen", "manager", territories["antofagasta"])
    assert world.Browser(app, "ana").page("/incidents")[0] == 403
    assert world.Browser(app, "jorge").page("/incidents")[0] == 403
    italian = world.Browser(app, "paola")
    status, page = italian.page("/incidents")
    assert status == 200 and "Calcular puntaje" not in page
    assert italian.post(f"/incidents/{incident.id}/retry").status_code == 404
    assert italian.post(f"/incidents/{incident.id}/cancel", {"reason": "x"}).status_code == 404
    assert world.incident_of(session, poisoned.poisoned).status == "open"
    status, page = world.Browser(app, "carmen").page("/incidents")
    assert status == 200 and "Calcular puntaje" in page and "division by zero" in page


def test_the_dashboard_counts_cases_with_an_open_incident(poisoned, app, session, territories):
    world.add_person(session, "jorge", "supervisor", territories["antofagasta"])
    status, page = world.Browser(app, "jorge").page("/dashboard/")
    assert status == 200
    assert "1 caso con incidente" in page


def test_a_failing_step_is_an_incident_until_a_step_is_completed(app, session, fixture_forms,
                                                                   caseworker):
    with unit_of_work(session):
        engine.deploy_folder(session, world.FIXTURES / "mini", fixture_forms, "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez")
    with unit_of_work(session):
        case = engine.start_case(session, command, caseworker, world.START)
    definition = session.scalars(select(engine.persistence.models.ProcessDefinition)).one()
    script = definition.spec["spec"]["task_specs"]["marcar"]["script"]
    _set_script(session, definition, "raise SystemExit(1)")
    task = engine.list_tasks(session, caseworker)[0]
    data = {"ubicada": True, "fecha": "2026-03-03"}
    with pytest.raises(engine.ScriptFailure, match="SystemExit"), unit_of_work(session):
        engine.complete(session, fixture_forms, task.id, data, caseworker)
    incident = world.incident_of(session, case.id)
    assert (incident.kind, incident.element_id, incident.status) == ("step", "marcar", "open")
    sweep(session)
    assert world.incident_of(session, case.id).status == "open"  # nothing completed since
    _set_script(session, definition, script)
    with unit_of_work(session):
        engine.complete(session, fixture_forms, task.id, data, caseworker)
    sweep(session)  # the next sweep sees the step was completed
    assert world.incident_of(session, case.id).status == "resolved"


def _set_script(session, definition, script: str) -> None:
    from sqlalchemy.orm.attributes import flag_modified

    definition.spec["spec"]["task_specs"]["marcar"]["script"] = script
    flag_modified(definition, "spec")
    session.commit()
    engine.definitions.catalog.forget()


def test_case_data_over_the_limit_is_refused_and_nothing_saved(app, session, fixture_forms,
                                                                caseworker):
    cases = world.build(session, fixture_forms, caseworker, "error", healthy=1)
    world.tamper(session, "puntaje = 'a' * (50 * 1024 * 1024)")  # within the memory bound
    states = select(ProcessInstance.state).order_by(ProcessInstance.id)
    before = session.scalars(states).all()
    result = sweep(session, DUE)
    assert result.failed == 1
    incident = world.incident_of(session, cases.poisoned)
    assert "over the limit of 2 MB per case" in incident.error
    assert incident.element_id == "calcular"
    session.expire_all()
    assert session.scalars(states).all() == before
    assert session.scalar(select(Incident.id).where(Incident.case_id != cases.poisoned)) is None


def test_the_page_speaks_the_persons_language(poisoned, app, session, territories):
    world.add_person(session, "paola", "manager", territories["somma_lombardo"])
    world.add_person(session, "kate", "admin", territories["antofagasta"])
    kate = session.scalars(select(world.User).where(world.User.username == "kate")).one()
    kate.locale = "en"
    session.commit()
    italian = world.Browser(app, "paola").page("/incidents")[1]
    assert "Incidenti" in italian and "Non ci sono incidenti aperti." in italian
    english = world.Browser(app, "kate").page("/incidents")[1]
    assert "1 open incident" in english and "Retry" in english and "Cancel" in english


def test_an_incident_is_worded_in_the_readers_language(poisoned, app, session, territories):
    """What failed is kept as a code and parameters and worded for each reader; the
    technical text stays beside it, folded, for whoever fixes the process."""
    incident = world.incident_of(session, poisoned.poisoned)
    assert incident.code == "script.failed"
    assert incident.params["element"] == incident.element_id
    world.add_person(session, "chiara", "admin", territories["antofagasta"])
    chiara = session.scalars(select(world.User).where(world.User.username == "chiara")).one()
    chiara.locale = "it"
    session.commit()
    page = world.Browser(app, "chiara").page("/incidents")[1]
    assert (f"Un passo automatico del processo non è riuscito ({incident.element_id})"
            in page)
    assert "Dettaglio tecnico" in page and "division by zero" in page
    assert "Un paso automático" not in page
