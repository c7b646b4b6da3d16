"""Every page does what its user expects: inbox, task form, drafts, case file, new case."""

from datetime import UTC, datetime

import pytest

from tests.e2e.conftest import MARCH_2
from tests.entry import sweep
from web.extensions import db

pytestmark = pytest.mark.both_databases  # the core pages, on the embedded default too


def test_my_tasks_show_family_programme_step_and_due_date(as_person, start_case):
    start_case("Rojas Pérez")
    start_case("Soto Fuentes", caseworker="pedro")
    page = as_person("ana").get("/").get_data(as_text=True)
    assert "Rojas Pérez" in page and "Soto Fuentes" not in page
    assert "Primer contacto con la familia" in page
    assert "Programa Familias" in page
    assert "1 tarea" in page


def test_overdue_tasks_are_marked_and_can_be_filtered(as_person, start_case, web_app):
    start_case("Rojas Pérez", at=MARCH_2)
    page = as_person("ana").get("/?status=overdue").get_data(as_text=True)
    assert "Vencida" in page and "Rojas Pérez" in page  # due 23 March 2026, long past
    page = as_person("ana").get("/?status=due_soon").get_data(as_text=True)
    assert "Rojas Pérez" not in page


def test_the_inbox_filters_by_step_and_paginates(as_person, start_case):
    for n in range(27):
        start_case(f"Familia {n:02d}")
    ana = as_person("ana")
    first = ana.get("/").get_data(as_text=True)
    assert "27 tareas" in first and "Página 1 de 2" in first
    second = ana.get("/?page=2").get_data(as_text=True)
    assert second.count('class="task task--') == 2
    assert "0 tareas" in ana.get("/?step=ingreso").get_data(as_text=True)


def test_the_pool_offers_unclaimed_tasks_of_my_role_and_claiming_takes_one(
        as_person, start_case, web_app):
    case_id = start_case(at=MARCH_2)
    with web_app.app_context():
        sweep(db.session, datetime(2026, 3, 30, tzinfo=UTC))
    jorge = as_person("jorge")
    pool = jorge.get("/?tab=pool").get_data(as_text=True)
    assert "Revisar atraso: Primer contacto con la familia" in pool
    assert "Revisar atraso" not in as_person("ana").get("/?tab=pool").get_data(as_text=True)
    review = jorge.open_tasks(case_id)["revisar_atraso_primer_contacto"]
    response = jorge.post(f"/tasks/{review}/claim")
    assert response.status_code == 302
    assert "Revisar atraso" in jorge.get("/").get_data(as_text=True)
    jorge.post(f"/tasks/{review}/release")
    assert "Revisar atraso" in jorge.get("/?tab=pool").get_data(as_text=True)


def test_a_supervisor_reassigns_a_task(as_person, start_case):
    case_id = start_case()
    jorge = as_person("jorge")
    task_id = jorge.open_tasks(case_id)["primer_contacto"]
    response = jorge.post(f"/tasks/{task_id}/reassign", {"assignee": "pedro"})
    assert response.status_code == 302
    assert "Rojas Pérez" in as_person("pedro").get("/").get_data(as_text=True)
    assert "Rojas Pérez" not in as_person("ana").get("/").get_data(as_text=True)
    refused = jorge.post(f"/tasks/{task_id}/reassign", {"assignee": "giulia"})
    assert refused.status_code == 302
    assert "Rojas Pérez" in as_person("pedro").get("/").get_data(as_text=True)


def test_the_task_page_shows_instructions_and_the_form(as_person, start_case):
    case_id = start_case()
    ana = as_person("ana")
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    page = ana.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Instrucciones" in page
    assert 'name="familia_ubicada"' in page and 'name="fecha_contacto"' in page
    assert "Guardar borrador" in page


def test_a_submission_with_a_missing_field_keeps_the_values_and_names_the_field(
        as_person, start_case):
    case_id = start_case()
    ana = as_person("ana")
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    response = ana.post(f"/tasks/{task_id}", {"action": "submit", "familia_ubicada": "true",
                                              "intentos": "3"}, token_from=f"/tasks/{task_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Este campo es obligatorio." in page
    assert 'aria-invalid="true"' in page and 'value="3"' in page
    assert ana.open_tasks(case_id) == {"primer_contacto": task_id}


def test_a_draft_is_kept_and_shown_again(as_person, start_case):
    case_id = start_case()
    ana = as_person("ana")
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    ana.post(f"/tasks/{task_id}", {"action": "draft", "observaciones": "Nadie en casa",
                                   "intentos": "2"}, token_from=f"/tasks/{task_id}")
    page = ana.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Nadie en casa" in page and 'value="2"' in page


def test_a_step_with_nothing_of_hers_after_it_goes_back_to_the_inbox(as_person, start_case):
    case_id = start_case()
    ana = as_person("ana")
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    data = {"action": "submit", "familia_ubicada": "false", "fecha_contacto": "2026-03-05",
            "intentos": "3", "observaciones": "Se mudó sin dejar dirección"}
    # not found: the case ends, no step of hers follows
    response = ana.post(f"/tasks/{task_id}", data, token_from=f"/tasks/{task_id}")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    inbox = ana.get("/").get_data(as_text=True)
    assert "completada" in inbox and "también a su cargo" not in inbox
    assert ana.open_tasks(case_id) == {}


def test_a_valid_submission_completes_the_step_and_shows_in_the_timeline(as_person, start_case):
    case_id = start_case()
    ana = as_person("ana")
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    data = {"action": "submit", "familia_ubicada": "true", "fecha_contacto": "2026-03-05",
            "intentos": "1"}
    response = ana.post(f"/tasks/{task_id}", data, token_from=f"/tasks/{task_id}")
    assert list(ana.open_tasks(case_id)) == ["ingreso"]
    # the next step is hers too: she goes straight to it, told so, not back to the inbox
    following = ana.open_tasks(case_id)["ingreso"]
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tasks/{following}"
    page = ana.get(f"/tasks/{following}").get_data(as_text=True)
    assert "completada" in page and "de la misma familia, también a su cargo" in page
    case_page = ana.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Primer contacto con la familia" in case_page and "task_completed" in case_page


def test_the_case_file_shows_household_tasks_and_timeline(as_person, start_case):
    case_id = start_case()
    page = as_person("ana").get(f"/cases/{case_id}").get_data(as_text=True)
    for text in ("Familia Rojas Pérez", "Carla Rojas", "34 años", "Antofagasta",
                 "Primer contacto con la familia", "case_started", 'id="diagram"'):
        assert text in page


def test_the_diagram_data_marks_done_and_current_steps(as_person, start_case):
    case_id = start_case()
    state = as_person("ana").get(f"/cases/{case_id}/diagram").get_json()
    assert state["xml"].startswith("<?xml")
    assert state["current"] == ["primer_contacto"]


def test_a_new_case_is_opened_from_its_form(as_person):
    ana = as_person("ana")
    page = ana.get("/cases/new").get_data(as_text=True)
    assert "Nuevo caso" in page
    response = ana.post("/cases/new", {
        "family_name": "Vega Muñoz", "address": "Pasaje 3 #45",
        "members": "Rosa Vega, 41\nTomás Muñoz, 9", "programme": "familias",
        "territory": "antofagasta", "caseworker": "ana"}, token_from="/cases/new")
    assert response.status_code == 302
    case_page = ana.get(response.headers["Location"]).get_data(as_text=True)
    assert "Familia Vega Muñoz" in case_page and "Tomás Muñoz" in case_page
    assert "Vega Muñoz" in ana.get("/").get_data(as_text=True)


def test_the_new_case_form_reports_missing_fields(as_person):
    ana = as_person("ana")
    response = ana.post("/cases/new", {"programme": "familias", "territory": "antofagasta",
                                       "caseworker": "ana"}, token_from="/cases/new")
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_a_new_case_needs_a_caseworker_of_that_territory(as_person):
    ana = as_person("ana")
    response = ana.post("/cases/new", {"family_name": "Vega", "programme": "familias",
                                       "territory": "antofagasta", "caseworker": "giulia"},
                        token_from="/cases/new")
    assert response.status_code == 422
    assert "Vega" not in ana.get("/").get_data(as_text=True)


def test_notifications_are_listed_counted_and_marked_read(as_person, start_case, web_app):
    start_case(at=MARCH_2)
    with web_app.app_context():  # the sweep notifies as it fires the reminder and escalation
        sweep(db.session, datetime(2026, 3, 30, tzinfo=UTC))
    ana = as_person("ana")
    assert 'Avisos <span class="badge badge--overdue">2</span>' in ana.get("/").get_data(
        as_text=True)
    page = ana.get("/notifications/").get_data(as_text=True)
    assert "Plazo vencido" in page and "Recordatorio" in page and "Rojas Pérez" in page
    ana.post("/notifications/read", token_from="/notifications/")
    assert 'badge--overdue">2' not in ana.get("/").get_data(as_text=True)


def test_the_task_page_says_which_deadline_rule_applied(as_person, start_case):
    case_id = start_case()
    ana = as_person("ana")
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    page = ana.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Primer contacto con la familia: 15 días hábiles desde la asignación del caso" in page
    assert "feriados de Antofagasta" in page


def test_deadlines_are_paused_and_resumed_from_the_case_file(as_person, start_case):
    case_id = start_case()
    ana = as_person("ana")
    ana.post(f"/cases/{case_id}/pause", {"reason": "Familia fuera de la ciudad"},
             token_from=f"/cases/{case_id}")
    page = ana.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "En pausa desde" in page and "deadlines_paused" in page
    ana.post(f"/cases/{case_id}/resume", token_from=f"/cases/{case_id}")
    page = ana.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Pausar plazos" in page and "deadlines_resumed" in page
