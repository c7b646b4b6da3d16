"""An Italian supervisor reads, in Italian, the history of a case a Chilean colleague worked
in Spanish: the trail stores what happened as codes, worded when read in each reader's
language, the steps and the programme named as the version's names.toml names them in that
language, the people by their full names."""

from datetime import UTC, datetime

import pytest
import time_machine

from engine.persistence.models import Event
from tests.e2e.readers import APRIL_10, late_on_april_10, timeline
from web.extensions import db

CONTACT = {"familia_ubicada": "true", "fecha_contacto": "2026-03-05", "intentos": "1"}
FIRST_CONTACT = "Primer contacto con la familia"
ENTRY = "Invitación, ingreso y Carta de Compromiso"
FIRST_CONTACT_IT = "Primo contatto con la famiglia"
ENTRY_IT = "Invito, ingresso e Lettera d&#39;impegno"  # as the page escapes it
FIRST_CONTACT_EN, ENTRY_EN = "First contact with the family", ("Invitation, enrolment and "
                                                              "Commitment Letter")


@pytest.fixture
def worked_case(web_app, as_person, start_case):
    """A Familias case ana (Chile, Spanish) opened on 2 March and whose first contact she
    completed on the case page on 5 March; on 10 April the entry's deadline has passed."""

    def first_contact(case_id, traveller):
        traveller.move_to(datetime(2026, 3, 5, 15, tzinfo=UTC))
        ana = as_person("ana")
        task_id = ana.open_tasks(case_id)["primer_contacto"]
        sent = ana.post(f"/tasks/{task_id}", {"action": "submit", **CONTACT},
                        token_from=f"/tasks/{task_id}")
        assert sent.status_code == 302

    return late_on_april_10(web_app, start_case, first_contact)


def test_an_italian_readers_history_of_a_chilean_case_is_in_italian(
        worked_case, as_person, chiara):
    with time_machine.travel(APRIL_10, tick=False):
        page = as_person(chiara).get(f"/cases/{worked_case}")
    assert page.status_code == 200
    history = timeline(page.get_data(as_text=True))
    assert "Caso aperto in Programa Familias — Accompagnamento integrale (versione 1)" in history
    assert f"Completato: {FIRST_CONTACT_IT}" in history and "da Ana Castro" in history
    assert f"Promemoria di scadenza: {ENTRY_IT}" in history
    assert f"Scadenza superata: {ENTRY_IT}" in history and "da Sistema" in history
    for spanish in ("Completado:", "Plazo vencido", "Aviso de plazo", "Caso abierto", "por ana",
                    "por Sistema", FIRST_CONTACT, ENTRY, "da ana"):
        assert spanish not in history
    assert "05/03/26" in history  # the day ana completed the contact, as Italians write it


def test_a_spanish_reader_sees_the_same_events_in_spanish(worked_case, as_person):
    with time_machine.travel(APRIL_10, tick=False):
        history = timeline(as_person("jorge").get(f"/cases/{worked_case}").get_data(
            as_text=True))
    assert "Caso abierto en Programa Familias — Acompañamiento Integral (versión 1)" in history
    assert f"Completado: {FIRST_CONTACT}" in history and "por Ana Castro" in history
    assert f"Aviso de plazo: {ENTRY}" in history
    assert f"Plazo vencido: {ENTRY}" in history and "por Sistema" in history
    for italian in ("Completato", "Scadenza", "Promemoria", "da ana"):
        assert italian not in history


def test_an_english_reader_sees_english(worked_case, as_person):
    with time_machine.travel(APRIL_10, tick=False):
        jorge = as_person("jorge")
        jorge.post("/account/language", {"locale": "en", "next": "/"})
        history = timeline(jorge.get(f"/cases/{worked_case}").get_data(as_text=True))
    assert f"Completed: {FIRST_CONTACT_EN}" in history
    assert f"Deadline passed: {ENTRY_EN}" in history
    assert "by System" in history and "by Ana Castro" in history
    assert "Completado" not in history and FIRST_CONTACT not in history


def test_events_written_before_codes_keep_their_stored_title(
        worked_case, as_person, chiara, web_app):
    with web_app.app_context():
        db.session.add(Event(case_id=worked_case, kind="task_completed", actor="ana",
                             at=datetime(2026, 3, 3, tzinfo=UTC), title="Visita domiciliaria",
                             data={}, code=None, params=None))
        db.session.commit()
    with time_machine.travel(APRIL_10, tick=False):
        page = as_person(chiara).get(f"/cases/{worked_case}")
    history = timeline(page.get_data(as_text=True))
    assert "Visita domiciliaria" in history and f"Completato: {FIRST_CONTACT_IT}" in history


def test_the_trail_stores_codes_and_params_not_sentences(worked_case, web_app):
    with web_app.app_context():
        events = db.session.query(Event).filter_by(case_id=worked_case).order_by(Event.id).all()
    escalation = next(e for e in events if e.kind == "escalation" and e.params["host"] == ENTRY)
    assert escalation.code == "event.escalation"
    assert escalation.params["deadline"] == "ingreso" and escalation.params["due"]
    completed = next(e for e in events if e.kind == "task_completed")
    assert (completed.code, completed.params) == ("event.task_completed",
                                                  {"step": FIRST_CONTACT})


def test_an_italian_supervisors_notifications_are_in_italian(
        chiara, worked_case, as_person):
    with time_machine.travel(APRIL_10, tick=False):
        page = as_person(chiara).get("/notifications/").get_data(as_text=True)
    assert f"Scadenza superata: {ENTRY_IT} · Rojas Pérez" in page
    assert "Plazo vencido —" not in page
