"""The group sessions pages and the places left at enrolment, as La Serena's facilitator uses
them (HTTP, on SQLite and PostgreSQL): a charla recorded once moves each attending family's
case; a second submit changes nothing; the places left per modality show on the enrolment
step and on the case file, and a full modality is said before and after enrolling."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.persistence.models import Event, GroupSession
from tests.e2e.triple_p_world import TRIPLE_P, task_of
from web.extensions import db


@pytest.fixture
def database_seed():
    return TRIPLE_P


def yesterday() -> str:
    return (datetime.now(UTC) - timedelta(days=1)).astimezone().date().isoformat()


def text(response) -> str:
    return response.get_data(as_text=True)


def completed(web_app, case_id: int, step: str) -> int:
    with web_app.app_context():
        return db.session.scalar(select(func.count()).where(
            Event.case_id == case_id, Event.kind == "task_completed", Event.bpmn_id == step))


def new_talk(lucia) -> int:
    page = lucia.post("/group-sessions/triple_p", {
        "modalidad": "charlas", "fecha_sesion": yesterday(), "lugar": "escuela",
        "tema": "ninos_seguros"}, token_from="/group-sessions/triple_p")
    assert page.status_code == 302
    return int(page.headers["Location"].rsplit("/", 1)[1])


def test_a_charla_recorded_once_moves_each_attending_family_and_a_second_submit_nothing(
        web_app, seed_data, as_person):
    lucia = as_person("lucia")
    assert "Sesiones grupales" in text(lucia.get("/"))  # the inbox links to the page
    group_id = new_talk(lucia)
    talks = seed_data["talks"]
    page = text(lucia.get(f"/group-sessions/{group_id}"))
    assert all(f'name="attended" value="{c}"' in page for c in talks)
    absent = talks[:2]
    form = {"action": "submit", "version": "1", "listed": [str(c) for c in talks],
            "attended": [str(c) for c in talks if c not in absent]}
    path = f"/group-sessions/{group_id}"

    first = lucia.post(path, form, token_from=path)
    again = lucia.post(path, form, token_from=path)

    assert first.status_code == again.status_code == 302
    shown = text(lucia.get(path))
    assert "Registrada por Lucía Fernández" in shown
    assert shown.count("Su caso avanzó.") == len(talks) - 2
    assert shown.count("No asistió: su caso sigue en el mismo paso.") == 2
    assert [completed(web_app, c, "charla") for c in talks] == [
        0 if c in absent else 1 for c in talks]
    case_page = text(lucia.get(f"/cases/{absent[0]}"))
    assert "No asistió a la sesión grupal del" in case_page


def test_a_charla_with_too_few_families_is_refused_with_the_reason(web_app, seed_data,
                                                                     as_person):
    lucia = as_person("lucia")
    group_id = new_talk(lucia)
    few = [str(c) for c in seed_data["talks"][:5]]
    path = f"/group-sessions/{group_id}"
    page = lucia.post(path, {"action": "submit", "version": "1", "listed": few,
                             "attended": few}, token_from=path)
    assert page.status_code == 422
    assert "necesita al menos 20" in text(page)
    with web_app.app_context():
        assert db.session.get(GroupSession, group_id).status == "open"
    assert all(completed(web_app, int(c), "charla") == 0 for c in few)


def test_a_facilitator_of_another_territory_does_not_see_the_sessions(as_person):
    group_id = new_talk(as_person("lucia"))
    ana = as_person("ana")  # Antofagasta, where Triple P is enabled too: her own sessions
    assert "La Serena" not in text(ana.get("/group-sessions/triple_p"))
    assert ana.get(f"/group-sessions/{group_id}").status_code == 404
    assert ana.post(f"/group-sessions/{group_id}", {"action": "submit"}).status_code == 404
    assert as_person("giulia").get("/group-sessions/triple_p").status_code == 403  # Italy
    assert as_person("lucia").get("/group-sessions/nada").status_code == 404


def test_bad_input_on_the_new_session_form_is_said_beside_its_field(as_person):
    lucia = as_person("lucia")
    page = lucia.post("/group-sessions/triple_p", {
        "modalidad": "charlas", "fecha_sesion": "2999-01-01", "lugar": "escuela",
        "tema": "<script>"}, token_from="/group-sessions/triple_p")
    assert page.status_code == 422
    assert "Elija una de las opciones" in text(page) and "&lt;script&gt;" not in text(page)
    assert lucia.post("/group-sessions/1", {"listed": ["x' or 1=1"]},
                      token_from="/group-sessions/triple_p").status_code in (400, 404)


def test_the_places_left_per_modality_show_at_enrolment_and_a_full_one_is_said(
        web_app, seed_data, as_person):
    lucia = as_person("lucia")
    newcomer = seed_data["newcomer"]
    with web_app.app_context():
        task_id = task_of(newcomer, "inscripcion")
    page = text(lucia.get(f"/tasks/{task_id}"))
    assert "Cupos por modalidad en La Serena" in page
    assert 'data-modality="talleres"' in page and "completa" in page
    assert "«Talleres grupales» no tiene cupos libres" in page
    assert "lugar n.º 1" in page
    assert "1179" in page  # charlas: 1200 places, 21 taken
    assert "Este paso requiere el consentimiento de Carolina Pizarro" in page  # the caregiver

    enrolment = {
        "action": "submit", "fecha_inscripcion": yesterday(), "respuesta": "acepta",
        "cuidador": "Carolina Araya", "parentesco": "madre", "ninos[0].nombre": "Tomás",
        "ninos[0].edad": "4", "modalidad": "talleres", "consentimiento": "true"}
    refused = lucia.post(f"/tasks/{task_id}", enrolment, token_from=f"/tasks/{task_id}")
    assert refused.status_code == 422  # the caregiver's signed consent is not recorded yet
    assert "Falta el consentimiento de Carolina Pizarro" in text(refused)
    recorded = lucia.post(f"/cases/{newcomer}/consents", {
        "member": "0", "purpose": "participation", "document": "Consentimiento firmado",
        "given_on": yesterday()}, token_from=f"/cases/{newcomer}/consents")
    assert recorded.status_code == 302, text(recorded)
    done = lucia.post(f"/tasks/{task_id}", enrolment, token_from=f"/tasks/{task_id}")
    assert done.status_code == 302, text(done)
    inbox = text(lucia.get("/"))
    assert "no tiene cupos: la familia quedó en su lista de espera (n.º 1)" in inbox
    case_page = text(lucia.get(f"/cases/{newcomer}"))
    assert "En la lista de espera de «Talleres grupales», n.º 1." in case_page
    workshop_case = text(lucia.get(f"/cases/{seed_data['workshop'][0]}"))
    assert "Cupo asignado en «Talleres grupales»." in workshop_case
    assert "Quedan 0 cupos libres de 3" in workshop_case
