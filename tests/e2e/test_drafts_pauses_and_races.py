"""The task and case pages keep drafts and pauses to the right people, and a step completed a
moment earlier is explained (who, when, and what the late person typed), never refused."""

import logging
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

import engine
from engine.persistence.models import Case, Event, HumanTask
from web.extensions import db

FILLED = {"familia_ubicada": "true", "fecha_contacto": "2026-03-05", "intentos": "1"}

pytestmark = pytest.mark.both_databases  # SQLite's locking differs: the races too


def row(web_app, task_id):
    with web_app.app_context():
        return db.session.get(HumanTask, task_id)


def trail(web_app, kind):
    with web_app.app_context():
        return list(db.session.scalars(select(Event).where(Event.kind == kind)))


def refusals(caplog):
    return [r for r in caplog.records if r.name == "acompana.access"]


def santiago_time(moment) -> str:
    local = moment.astimezone(ZoneInfo("America/Santiago"))
    return f"{local.hour}:{local.minute:02d}"


@pytest.fixture
def contact(as_person, start_case):
    """Ana (signed in), her new case and its first step, assigned to her."""
    ana = as_person("ana")
    case_id = start_case()
    return ana, case_id, ana.open_tasks(case_id)["primer_contacto"]


def save_draft(person, task_id, **fields):
    return person.post(f"/tasks/{task_id}", {"action": "draft", **fields},
                       token_from=f"/tasks/{task_id}")


def test_the_assignee_sees_her_draft_and_a_supervisor_sees_whose_it_is(
        contact, as_person, web_app):
    ana, _, task_id = contact
    assert save_draft(ana, task_id, observaciones="Nadie en casa").status_code == 302
    own = ana.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Su borrador, guardado el" in own and "Nadie en casa" in own
    page = as_person("jorge").get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Borrador de Ana Castro, guardado el" in page and "Nadie en casa" in page
    assert "<fieldset disabled>" in page and 'value="draft"' not in page  # read, not edit
    [saved] = trail(web_app, "draft_saved")
    assert saved.actor == "ana" and saved.data["fields"] == ["observaciones"]


def test_a_colleague_neither_reads_nor_overwrites_the_draft(contact, as_person, web_app, caplog):
    ana, _, task_id = contact
    save_draft(ana, task_id, observaciones="Nadie en casa")
    pedro = as_person("pedro")
    page = pedro.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Nadie en casa" not in page and "Borrador" not in page.split("</nav>")[-1]
    assert "Solo Ana Castro, a quien está asignada" in page
    with caplog.at_level(logging.WARNING, logger="acompana.access"):
        response = save_draft(pedro, task_id, observaciones="Lo borro")
    assert response.status_code == 403
    assert any("pedro" in r.getMessage() for r in caplog.records)  # a real refusal, logged
    assert row(web_app, task_id).draft == {"observaciones": "Nadie en casa"}
    assert as_person("giulia").get(f"/tasks/{task_id}").status_code == 404


def test_a_draft_on_a_pool_task_claims_it(contact, as_person, web_app):
    ana, _, task_id = contact
    ana.post(f"/tasks/{task_id}/release", token_from=f"/tasks/{task_id}")
    pedro = as_person("pedro")
    response = save_draft(pedro, task_id, observaciones="La tomo yo")
    assert response.status_code == 302
    assert "la tarea quedó asignada a usted" in pedro.get(
        response.headers["Location"]).get_data(as_text=True)
    assert (row(web_app, task_id).assignee, row(web_app, task_id).draft) == (
        "pedro", {"observaciones": "La tomo yo"})


def test_an_oversized_draft_is_refused_with_a_message_and_the_old_draft_stays(contact, web_app):
    ana, _, task_id = contact
    save_draft(ana, task_id, observaciones="Nadie en casa")
    huge = "x" * (engine.MAX_DRAFT_BYTES + 10)
    response = save_draft(ana, task_id, observaciones=huge)
    assert response.status_code == 422
    assert "El borrador no se guardó: supera 256 KB" in response.get_data(as_text=True)
    assert row(web_app, task_id).draft == {"observaciones": "Nadie en casa"}
    assert len(trail(web_app, "draft_saved")) == 1


def test_only_the_caseworker_and_supervisors_see_and_use_the_pause_buttons(
        contact, as_person, web_app):
    ana, case_id, _ = contact
    pedro, jorge = as_person("pedro"), as_person("jorge")
    assert "Pausar plazos" in ana.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Pausar plazos" in jorge.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Pausar plazos" not in pedro.get(f"/cases/{case_id}").get_data(as_text=True)
    page = f"/cases/{case_id}"
    assert pedro.post(f"{page}/pause", {"reason": "x"}, token_from=page).status_code == 403
    assert ana.post(f"{page}/pause", {"reason": "viaje"}, token_from=page).status_code == 302
    assert "Reanudar plazos" not in pedro.get(page).get_data(as_text=True)
    assert pedro.post(f"{page}/resume", token_from=page).status_code == 403
    assert as_person("giulia").post(f"{page}/resume", token_from="/").status_code == 404
    assert jorge.post(f"{page}/resume", token_from=page).status_code == 302
    with web_app.app_context():
        assert db.session.get(Case, case_id).deadlines_paused_at is None
    assert [e.actor for e in trail(web_app, "deadlines_resumed")] == ["jorge"]


def test_an_overlong_pause_reason_is_refused_with_a_message(contact, web_app):
    ana, case_id, _ = contact
    page = f"/cases/{case_id}"
    response = ana.post(f"{page}/pause", {"reason": "x" * 10_000}, token_from=page)
    assert response.status_code == 422
    refusal = "Los plazos no se pausaron: «Motivo»: Máximo 200 caracteres."
    assert refusal in response.get_data(as_text=True)
    with web_app.app_context():
        assert db.session.get(Case, case_id).deadlines_paused_at is None


def test_a_double_click_shows_the_first_submission_and_keeps_what_was_typed(
        contact, web_app, caplog):
    ana, _, task_id = contact
    first = ana.post(f"/tasks/{task_id}", {"action": "submit", **FILLED},
                     token_from=f"/tasks/{task_id}")
    assert first.status_code == 302
    with caplog.at_level(logging.WARNING, logger="acompana.access"):
        second = ana.post(f"/tasks/{task_id}", {"action": "submit", **FILLED,
                                                "observaciones": "Segundo clic"})
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    [done] = trail(web_app, "task_completed")
    assert "Usted ya completó este paso el" in page
    assert f"a las {santiago_time(done.at)}" in page
    assert "Segundo clic" in page and "Lo que usted escribió (no se guardó)" in page
    assert refusals(caplog) == []  # not an access refusal


def test_someone_who_submits_a_step_completed_by_a_colleague_is_told_who_and_when(
        contact, as_person, web_app, caplog):
    ana, case_id, task_id = contact
    ana.post(f"/tasks/{task_id}/release", token_from=f"/tasks/{task_id}")
    pedro = as_person("pedro")
    form_page = f"/tasks/{task_id}"
    token_page = pedro.get(form_page).get_data(as_text=True)  # pedro opens the form first
    assert 'value="submit"' in token_page
    ana.post(form_page, {"action": "submit", **FILLED}, token_from=form_page)
    with caplog.at_level(logging.WARNING, logger="acompana.access"):
        late = pedro.post(form_page, {"action": "submit", **FILLED, "intentos": "4",
                                      "observaciones": "Fui el martes"}, token_from="/")
    page = late.get_data(as_text=True)
    [done] = trail(web_app, "task_completed")
    assert late.status_code == 409
    assert re.search(r"Ana Castro completó este paso el [^<]+ a las "
                     + re.escape(santiago_time(done.at)), page)
    assert "Fui el martes" in page and 'value="4"' in page
    assert f"/cases/{case_id}" in page
    assert refusals(caplog) == []
    assert len(trail(web_app, "task_completed")) == 1
    reopened = pedro.get(form_page)  # the back button: the same explanation, no 404
    assert reopened.status_code == 200 and "Ana Castro completó este paso" in reopened.get_data(
        as_text=True)
    assert as_person("giulia").post(form_page, FILLED, token_from="/").status_code == 404


def test_the_labels_and_the_explanation_speak_the_persons_language(as_person, start_case):
    # Familias runs only in Chile, so the Italian readers are Chileans who chose Italian
    case_id = start_case("Bianchi")
    ana, jorge = as_person("ana"), as_person("jorge")
    for person in (ana, jorge):
        person.post("/account/language", {"locale": "it", "next": "/"})
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    save_draft(ana, task_id, observaciones="Nessuno in casa")
    assert "Bozza di Ana Castro, salvata il" in jorge.get(f"/tasks/{task_id}").get_data(
        as_text=True)
    ana.post(f"/tasks/{task_id}", {"action": "submit", **FILLED}, token_from=f"/tasks/{task_id}")
    again = ana.post(f"/tasks/{task_id}", {"action": "submit", **FILLED})
    assert "Lei ha già completato questo passo il" in again.get_data(as_text=True)
    assert "Ana Castro ha completato questo passo il" in jorge.get(
        f"/tasks/{task_id}").get_data(as_text=True)
