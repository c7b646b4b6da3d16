"""A completed step opens read-only with its answers, who and when; corrections add, never
overwrite; and only those who may see the case see it."""

import pytest
from sqlalchemy import select

from engine.persistence.models import Event
from tests.e2e.recorded_cases import first_contact_done, walk_soto_fuentes
from web.extensions import db


@pytest.fixture
def done_step(web_app, start_case, as_person):
    """A case whose first contact Ana completed (two attempts); returns (case, task)."""
    case_id = start_case()
    task_id = as_person("ana").open_tasks(case_id)["primer_contacto"]
    first_contact_done(web_app, case_id, task_id)
    return case_id, task_id


def _correction(reason="El segundo intento fue una llamada, no una visita; fueron tres."):
    return {"familia_ubicada": "true", "fecha_contacto": "2026-03-05", "intentos": "3",
            "observaciones": "", "reason": reason}


def test_a_completed_step_opens_read_only_with_its_answers_who_and_when(as_person, done_step):
    case_id, task_id = done_step
    page = as_person("pedro").get(f"/tasks/{task_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Ana Castro" in html  # who, by name
    assert "¿Se ubicó a la familia?" in html and "Número de intentos de contacto" in html
    assert '<dd><span class="answers-text">Sí</span></dd>' in html
    assert '<dd><span class="answers-text">2</span></dd>' in html
    assert 'name="intentos"' not in html  # nothing to type into
    assert "Corregir este paso" not in html  # Pedro neither wrote it nor supervises


def test_the_case_history_links_each_completed_step(as_person, done_step):
    case_id, task_id = done_step
    html = as_person("ana").get(f"/cases/{case_id}").get_data(as_text=True)
    assert f'href="/tasks/{task_id}"' in html


def test_another_territorys_caseworker_gets_404(as_person, done_step):
    _case_id, task_id = done_step
    giulia = as_person("giulia")
    assert giulia.get(f"/tasks/{task_id}").status_code == 404
    assert giulia.get(f"/tasks/{task_id}/correct").status_code == 404
    assert giulia.post(f"/tasks/{task_id}/correct", _correction()).status_code == 404


def test_a_caseworker_cannot_correct_someone_elses_step(web_app, as_person, done_step):
    _case_id, task_id = done_step
    pedro = as_person("pedro")
    assert pedro.get(f"/tasks/{task_id}/correct").status_code == 403
    assert pedro.post(f"/tasks/{task_id}/correct", _correction()).status_code == 403
    assert _corrections(web_app) == []


def test_the_author_corrects_with_a_reason_and_the_original_is_kept(web_app, as_person,
                                                                   done_step):
    case_id, task_id = done_step
    ana = as_person("ana")
    form = ana.get(f"/tasks/{task_id}/correct").get_data(as_text=True)
    assert 'value="2"' in form  # the current answers, to change
    response = ana.post(f"/tasks/{task_id}/correct", _correction(),
                        token_from=f"/tasks/{task_id}/correct")
    assert response.status_code == 302
    html = ana.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert '<dd><span class="answers-text">3</span></dd>' in html
    assert "corregido" in html and "fueron tres" in html
    assert "Número de intentos de contacto</th><td>2</td><td>3</td>" in html
    with web_app.app_context():
        original = db.session.scalars(select(Event).where(
            Event.task_id == task_id, Event.kind == "task_completed")).one()
        assert original.data["submitted"]["intentos"] == 2  # never overwritten
    [correction] = _corrections(web_app)
    assert correction.data["corrects"] == original.id
    assert correction.data["changed"] == {"intentos": {"from": 2, "to": 3}}
    history = ana.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Corregido: Primer contacto" in history


def test_a_supervisor_corrects_and_bad_input_changes_nothing(web_app, as_person, done_step):
    _case_id, task_id = done_step
    jorge = as_person("jorge")
    page = f"/tasks/{task_id}/correct"
    no_reason = jorge.post(page, _correction(reason="  "), token_from=page)
    assert no_reason.status_code == 422
    assert "Este campo es obligatorio." in no_reason.get_data(as_text=True)
    same = jorge.post(page, {**_correction(), "intentos": "2"}, token_from=page)
    assert same.status_code == 422
    assert "La corrección no cambia ninguna respuesta." in same.get_data(as_text=True)
    invalid = jorge.post(page, {**_correction(), "intentos": "0"}, token_from=page)
    assert invalid.status_code == 422
    assert _corrections(web_app) == []
    assert jorge.post(page, _correction(), token_from=page).status_code == 302
    assert len(_corrections(web_app)) == 1


def test_a_correction_without_its_csrf_token_is_refused(web_app, as_person, done_step):
    _case_id, task_id = done_step
    ana = as_person("ana")
    response = ana.client.post(f"/tasks/{task_id}/correct", data=_correction())
    assert response.status_code == 400
    assert _corrections(web_app) == []


def test_an_open_or_unknown_step_has_nothing_to_correct(as_person, start_case):
    case_id = start_case()
    ana = as_person("ana")
    open_id = ana.open_tasks(case_id)["primer_contacto"]
    assert ana.get(f"/tasks/{open_id}/correct").status_code == 404
    assert ana.get("/tasks/no-such-task/correct").status_code == 404
    assert ana.get(f"/tasks/{'x' * 500}/correct").status_code == 404


def _corrections(web_app) -> list[Event]:
    with web_app.app_context():
        return list(db.session.scalars(select(Event).where(Event.kind == "step_corrected")))


@pytest.fixture
def soto_fuentes(web_app):
    return walk_soto_fuentes(web_app)


def test_the_case_file_shows_the_matriz_over_time_and_the_current_plan(as_person,
                                                                       soto_fuentes):
    html = as_person("pedro").get(f"/cases/{soto_fuentes}").get_data(as_text=True)
    assert "Matriz de Bienestar en el tiempo" in html
    assert html.count('class="trajectory-grid"') == 5  # one table per dimension
    assert "cell--better" in html and "provisional" in html
    assert "Plan vigente" in html and "Empleo estable" in html and "Postular a Yo Trabajo" in html
    assert as_person("giulia").get(f"/cases/{soto_fuentes}").status_code == 404


def test_the_case_file_speaks_italian_to_an_italian_reader(as_person, soto_fuentes):
    jorge = as_person("jorge")
    jorge.post("/account/language", {"locale": "it", "next": "/"})
    html = jorge.get(f"/cases/{soto_fuentes}").get_data(as_text=True)
    assert "Matriz de Bienestar nel tempo" in html and "Piano in corso" in html
