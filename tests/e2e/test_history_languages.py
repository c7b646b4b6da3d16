"""An Italian supervisor reads, in Italian, the history of a case a Chilean colleague worked
in Spanish: the trail stores what happened as codes, worded when read in each reader's
language, the steps and the programme named as the version's names.toml names them in that
language, the people by their full names."""

from datetime import UTC, datetime

import pytest
import time_machine

from engine.persistence.models import Event, Territory
from tests.e2e.conftest import PASSWORD
from tests.entry import sweep
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)
APRIL_10 = datetime(2026, 4, 10, 12, tzinfo=UTC)  # the entry (30 days from 2 March) is late
CONTACT = {"familia_ubicada": "true", "fecha_contacto": "2026-03-05", "intentos": "1"}
FIRST_CONTACT = "Primer contacto con la familia"
ENTRY = "Invitación, ingreso y Carta de Compromiso"
FIRST_CONTACT_IT = "Primo contatto con la famiglia"
ENTRY_IT = "Invito, ingresso e Lettera d&#39;impegno"  # as the page escapes it
FIRST_CONTACT_EN, ENTRY_EN = "First contact with the family", ("Invitation, enrolment and "
                                                              "Commitment Letter")


def timeline(page: str) -> str:
    """The history section of a case page."""
    return page.split('<ol class="timeline">')[1].split("</ol>")[0]


@pytest.fixture
def italian_supervisor(web_app):
    """Chiara, a supervisor of Antofagasta who reads Acompaña in Italian."""
    with web_app.app_context():
        antofagasta = db.session.query(Territory).filter_by(code="antofagasta").one()
        db.session.add(User(username="chiara", full_name="Chiara Conti", roles="supervisor",
                            locale="it", password_hash=hash_password(PASSWORD),
                            territories=[antofagasta]))
        db.session.commit()
    return "chiara"


@pytest.fixture
def worked_case(web_app, as_person, start_case):
    """A Familias case ana (Chile, Spanish) opened on 2 March and whose first contact she
    completed on the case page; on 10 April the entry's deadline has passed."""
    with time_machine.travel(MARCH_2, tick=False) as traveller:
        case_id = start_case()
        traveller.move_to(datetime(2026, 3, 5, 15, tzinfo=UTC))
        ana = as_person("ana")
        task_id = ana.open_tasks(case_id)["primer_contacto"]
        sent = ana.post(f"/tasks/{task_id}", {"action": "submit", **CONTACT},
                        token_from=f"/tasks/{task_id}")
        assert sent.status_code == 302
        traveller.move_to(APRIL_10)
        with web_app.app_context():
            sweep(db.session)
    return case_id


def test_an_italian_readers_history_of_a_chilean_case_is_in_italian(
        worked_case, as_person, italian_supervisor):
    with time_machine.travel(APRIL_10, tick=False):
        page = as_person(italian_supervisor).get(f"/cases/{worked_case}")
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
        worked_case, as_person, italian_supervisor, web_app):
    with web_app.app_context():
        db.session.add(Event(case_id=worked_case, kind="task_completed", actor="ana",
                             at=datetime(2026, 3, 3, tzinfo=UTC), title="Visita domiciliaria",
                             data={}, code=None, params=None))
        db.session.commit()
    with time_machine.travel(APRIL_10, tick=False):
        page = as_person(italian_supervisor).get(f"/cases/{worked_case}")
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
        italian_supervisor, worked_case, as_person):
    with time_machine.travel(APRIL_10, tick=False):
        page = as_person(italian_supervisor).get("/notifications/").get_data(as_text=True)
    assert f"Scadenza superata: {ENTRY_IT} · Rojas Pérez" in page
    assert "Plazo vencido —" not in page
