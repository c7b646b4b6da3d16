"""The case file's "Mover a otro paso": administrators only; the list of steps the case
passed, the dry run, the move with a reason and its line in the history (es/it/en); every
refusal is a page with words (403, 404, 409, 422), never a 500."""

from datetime import date

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Event, HumanTask, ProcessInstance, Territory
from tests.e2e.conftest import PASSWORD
from web.auth.models import User
from web.auth.passwords import hash_password
from web.demo_data import contacto, diagnostico, ingreso
from web.extensions import db

REASON = "La familia rechazó participar; se registró «acepta» por error."


def add_admins(web_app) -> None:
    """Inés administers Antofagasta, Piero the Ambito di Somma Lombardo."""
    with web_app.app_context():
        for username, name, code in (("ines", "Inés Soto", "antofagasta"),
                                     ("piero", "Piero Conti", "somma_lombardo")):
            where = db.session.scalars(select(Territory).where(Territory.code == code)).one()
            db.session.add(User(username=username, full_name=name, roles="admin",
                                password_hash=hash_password(PASSWORD), territories=[where]))
        db.session.commit()


def complete(web_app, case_id: int, bpmn_id: str, data: dict) -> None:
    with web_app.app_context():
        ana = engine.Actor("ana", frozenset({"caseworker"}), None)
        row = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                         HumanTask.bpmn_id == bpmn_id)).one()
        with unit_of_work(db.session):
            engine.complete(db.session, web_app.extensions["acompana.forms"], row.id, data, ana)


def open_steps(web_app, case_id: int) -> list[str]:
    with web_app.app_context():
        return sorted(db.session.scalars(select(HumanTask.bpmn_id)
                                         .where(HumanTask.case_id == case_id)))


def lock_version(web_app, case_id: int) -> int:
    with web_app.app_context():
        return db.session.scalars(select(ProcessInstance.lock_version)
                                  .where(ProcessInstance.case_id == case_id)).one()


def moves(web_app) -> list[Event]:
    with web_app.app_context():
        return list(db.session.scalars(select(Event).where(Event.kind == "case_step_moved")))


@pytest.fixture
def wrong_branch(web_app, start_case):
    """A case whose entry step was recorded as accepted by mistake: at the diagnosis."""
    add_admins(web_app)
    case_id = start_case()
    complete(web_app, case_id, "primer_contacto", contacto(date.today()))
    complete(web_app, case_id, "ingreso", ingreso(date.today()))
    return case_id, f"/cases/{case_id}"


def test_only_an_administrator_sees_the_action_and_the_page(as_person, wrong_branch):
    case_id, page = wrong_branch
    assert "Mover a otro paso" in as_person("ines").get(page).get_data(as_text=True)
    for person in ("ana", "jorge"):
        assert "Mover a otro paso" not in as_person(person).get(page).get_data(as_text=True)
        refused = as_person(person).get(f"{page}/move")
        assert refused.status_code == 403
        assert "Solo un administrador" in refused.get_data(as_text=True)
    assert as_person("piero").get(f"{page}/move").status_code == 404
    assert as_person("piero").post(f"{page}/move", {"to": "ingreso", "preview": "1"},
                                   token_from="/").status_code == 404


def test_the_page_lists_the_steps_passed_and_the_dry_run_changes_nothing(as_person, web_app,
                                                                         wrong_branch):
    case_id, page = wrong_branch
    ines = as_person("ines")
    html = ines.get(f"{page}/move").get_data(as_text=True)
    assert 'value="primer_contacto"' in html and 'value="ingreso"' in html
    assert 'value="diagnostico"' not in html
    before = lock_version(web_app, case_id)
    preview = ines.post(f"{page}/move", {"to": "ingreso", "preview": "1"},
                        token_from=f"{page}/move")
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert "Qué pasaría" in text and "Diagnóstico con la Matriz de Bienestar" in text
    assert f'name="lock_version" value="{before}"' in text
    assert open_steps(web_app, case_id) == ["diagnostico"]
    assert lock_version(web_app, case_id) == before and moves(web_app) == []


def test_confirming_with_a_reason_moves_the_case_and_the_history_says_so(as_person, web_app,
                                                                          wrong_branch):
    case_id, page = wrong_branch
    ines = as_person("ines")
    undone = open_steps(web_app, case_id)
    assert undone == ["diagnostico"]
    response = ines.post(f"{page}/move", {"to": "ingreso", "reason": REASON,
                                          "lock_version": lock_version(web_app, case_id)},
                         token_from=f"{page}/move")
    assert response.status_code == 302 and response.location.endswith(page)
    html = ines.get(page).get_data(as_text=True)
    assert "Caso movido al paso «Invitación, ingreso y Carta de Compromiso»" in html
    assert REASON in html
    assert open_steps(web_app, case_id) == ["ingreso"]
    with web_app.app_context():
        completed = db.session.scalars(select(Event.task_id).where(
            Event.case_id == case_id, Event.bpmn_id == "ingreso",
            Event.kind == "task_completed")).one()
    assert ines.get(f"/tasks/{completed}").status_code == 200  # the undone step still reads
    for language, words in (("it", "Caso riportato al passo"), ("en", "Case moved back to")):
        ines.post("/account/language", {"locale": language, "next": "/"}, token_from="/")
        assert words in ines.get(page).get_data(as_text=True)


def test_a_missing_reason_and_an_unknown_step_are_422_with_words(as_person, web_app,
                                                               wrong_branch):
    case_id, page = wrong_branch
    ines = as_person("ines")
    version = lock_version(web_app, case_id)
    blank = ines.post(f"{page}/move", {"to": "ingreso", "reason": "  ", "lock_version": version},
                      token_from=f"{page}/move")
    assert blank.status_code == 422
    assert "obligatorio" in blank.get_data(as_text=True)
    unknown = ines.post(f"{page}/move", {"to": "plan", "preview": "1"}, token_from=f"{page}/move")
    assert unknown.status_code == 422
    assert "elija uno de la lista" in unknown.get_data(as_text=True)
    assert ines.post(f"{page}/move", {"to": "ingreso", "reason": REASON, "lock_version": "x"},
                     token_from=f"{page}/move").status_code == 422
    assert moves(web_app) == []


def test_a_case_changed_since_the_dry_run_is_409_and_nothing_moves(as_person, web_app,
                                                                 wrong_branch):
    case_id, page = wrong_branch
    ines = as_person("ines")
    version = lock_version(web_app, case_id)
    complete(web_app, case_id, "diagnostico", diagnostico(date.today()))
    refused = ines.post(f"{page}/move", {"to": "ingreso", "reason": REASON,
                                         "lock_version": version}, token_from=f"{page}/move")
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert "Ana Castro" in text and "no se movió nada" in text
    assert open_steps(web_app, case_id) == ["plan"]
    assert moves(web_app) == []


def test_a_closed_case_is_refused_in_words(as_person, web_app, wrong_branch):
    case_id, page = wrong_branch
    with web_app.app_context(), unit_of_work(db.session):
        engine.perform_act(db.session, web_app.extensions["acompana.forms"], case_id,
                           "desistimiento", {"fecha": "2026-03-10",
                                             "motivo": "decision_familia",
                                             "detalle": "Deja el programa."},
                           engine.Actor("ana", frozenset({"caseworker"}), None))
    ines = as_person("ines")
    assert "Mover a otro paso" not in ines.get(page).get_data(as_text=True)
    refused = ines.get(f"{page}/move")
    assert refused.status_code == 409
    assert "El caso está cerrado" in refused.get_data(as_text=True)
