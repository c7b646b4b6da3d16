"""Steps through the API: a person's own and their roles' pool, claimed, released, drafted
and completed with the task page's own rules; someone else's territory shows nothing."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import requests

import engine
from engine.persistence.models import HumanTask
from tests.api.steps import CONTACT, event_kinds, open_tasks
from tests.e2e.browsers import server  # noqa: F401 - the app served on a free port
from tests.e2e.conftest import MARCH_2
from tests.entry import sweep
from web.extensions import db


def test_my_steps_and_my_roles_pool_are_listed_apart(start_case, session_api, web_app):
    case_id = start_case()
    ana = session_api("ana")
    mine = ana.get("/api/v1/tasks/mine")
    assert mine.status_code == 200 and mine.headers["X-Total-Count"] == "1"
    [step] = mine.get_json()
    assert (step["case_id"], step["step"], step["assignee"], step["territory"]) == (
        case_id, "primer_contacto", "ana", "antofagasta")
    assert step["title"] == "Primer contacto con la familia" and step["due_at"]
    assert ana.get("/api/v1/tasks/pool").get_json() == []
    english = ana.get("/api/v1/tasks/mine", headers={"Accept-Language": "en"}).get_json()
    assert english[0]["title"] == "First contact with the family"


def test_a_step_shows_its_form_and_the_holders_draft(start_case, session_api, web_app):
    task_id = open_tasks(web_app, start_case())["primer_contacto"]
    ana = session_api("ana")
    shown = ana.get(f"/api/v1/tasks/{task_id}").get_json()
    assert shown["form_key"] == "familias/primer_contacto" and shown["draft"] is None
    assert "familia_ubicada" in shown["form"]["properties"]
    saved = ana.put(f"/api/v1/tasks/{task_id}/draft", json={"data": {"intentos": 1}})
    assert saved.status_code == 200
    assert saved.get_json()["draft"]["data"] == {"intentos": 1}
    assert saved.get_json()["draft"]["author"] == "ana"
    refused = ana.put(f"/api/v1/tasks/{task_id}/draft", json={"data": ["no"]})
    assert refused.status_code == 422 and "data" in refused.get_json()["errors"]


def test_released_to_the_pool_a_client_of_the_role_claims_it(start_case, session_api, api_as,
                                                               web_app):
    task_id = open_tasks(web_app, start_case())["primer_contacto"]
    released = session_api("ana").post(f"/api/v1/tasks/{task_id}/release")
    assert released.status_code == 200 and released.get_json()["assignee"] is None
    visits = api_as("visitas", roles=("caseworker",))
    assert [t["id"] for t in visits.get("/api/v1/tasks/pool").get_json()] == [task_id]
    claimed = visits.post(f"/api/v1/tasks/{task_id}/claim")
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "api:visitas"
    assert [t["id"] for t in visits.get("/api/v1/tasks/mine").get_json()] == [task_id]
    late = api_as("otra", roles=("caseworker",)).post(f"/api/v1/tasks/{task_id}/claim")
    assert late.status_code == 409
    assert late.get_json()["code"] == "task.already_claimed"
    assert event_kinds(web_app, open_case(web_app, task_id))[-2:] == [
        "task_released", "task_claimed"]


def open_case(app, task_id: str) -> int:
    with app.app_context():
        return db.session.get(HumanTask, task_id).case_id


def test_completing_checks_the_data_as_the_task_page_does(start_case, session_api, as_person,
                                                         web_app):
    case_id = start_case()
    task_id = open_tasks(web_app, case_id)["primer_contacto"]
    wrong = {"familia_ubicada": False, "fecha_contacto": "3 de marzo", "intentos": 0}
    refused = session_api("ana").post(f"/api/v1/tasks/{task_id}/complete",
                                      json={"data": wrong})
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["code"] == "task.invalid_data"
    assert sorted(body["errors"]) == ["fecha_contacto", "intentos", "observaciones"]
    page = as_person("ana").post(f"/tasks/{task_id}", {
        "familia_ubicada": "false", "fecha_contacto": "3 de marzo", "intentos": "0"},
        token_from=f"/tasks/{task_id}")
    assert page.status_code == 422  # the page refuses the same fields, with the same words
    for messages in body["errors"].values():
        assert all(m in page.get_data(as_text=True) for m in messages)
    assert open_tasks(web_app, case_id) == {"primer_contacto": task_id}  # nothing changed


def test_a_step_completed_first_by_someone_else_answers_409(start_case, session_api, web_app):
    case_id = start_case()
    task_id = open_tasks(web_app, case_id)["primer_contacto"]
    ana = session_api("ana")
    done = ana.post(f"/api/v1/tasks/{task_id}/complete", json={"data": CONTACT})
    assert done.status_code == 200
    assert [t["step"] for t in done.get_json()["open_tasks"]] == ["ingreso"]
    again = session_api("ana").post(f"/api/v1/tasks/{task_id}/complete",
                                    json={"data": CONTACT},
                                    headers={"Accept-Language": "en"})
    assert again.status_code == 409
    problem = again.get_json()
    assert problem["code"] == "task.already_completed"
    assert problem["params"]["by"] == "ana" and "Ana Castro" in problem["detail"]


def test_a_client_without_the_steps_role_is_refused_with_403(start_case, session_api, api_as,
                                                             web_app):
    task_id = open_tasks(web_app, start_case())["primer_contacto"]
    session_api("ana").post(f"/api/v1/tasks/{task_id}/release")
    registry = api_as("registro", roles=("manager",))
    refused = registry.post(f"/api/v1/tasks/{task_id}/claim")
    assert refused.status_code == 403
    assert refused.get_json()["code"].startswith("policy.")
    held = api_as("visitas", roles=("caseworker",))
    held.post(f"/api/v1/tasks/{task_id}/claim")
    other = api_as("otra", roles=("caseworker",)).post(f"/api/v1/tasks/{task_id}/complete",
                                                       json={"data": CONTACT})
    assert other.status_code == 403
    assert other.get_json()["code"] == "policy.task_held_by_other"


def test_a_client_of_another_territory_sees_none_of_these_steps(start_case, api_as, web_app):
    case_id = start_case(at=MARCH_2)
    task_id = open_tasks(web_app, case_id)["primer_contacto"]
    with web_app.app_context():
        sweep(db.session, datetime(2026, 3, 30, tzinfo=UTC))  # a review waits in the pool
    italy = api_as("ambito", territories=("somma_lombardo",),
                   roles=("caseworker", "supervisor"))
    assert italy.get("/api/v1/tasks/pool").get_json() == []
    assert italy.get("/api/v1/tasks/mine").get_json() == []
    for answer in (italy.get(f"/api/v1/tasks/{task_id}"),
                   italy.post(f"/api/v1/tasks/{task_id}/claim"),
                   italy.post(f"/api/v1/tasks/{task_id}/complete", json={"data": CONTACT})):
        assert answer.status_code == 404 and answer.get_json()["code"] == "api.not_found"
    chile = api_as("unidad", roles=("supervisor",))
    assert [t["step"] for t in chile.get("/api/v1/tasks/pool").get_json()] == [
        "revisar_atraso_primer_contacto"]


def test_two_clients_completing_one_step_at_once_one_wins_the_other_hears_409(
        start_case, make_client, server, web_app):  # noqa: F811 - the served app
    case_id = start_case()
    task_id = open_tasks(web_app, case_id)["primer_contacto"]
    jorge = engine.Actor("jorge", frozenset({"supervisor"}), None)
    with web_app.app_context(), engine.unit_of_work(db.session):  # to the pool of its role
        engine.release(db.session, task_id, jorge)
    tokens = [make_client(name, roles=("caseworker",)) for name in ("uno", "dos")]
    barrier = threading.Barrier(2)

    def complete(token: str) -> requests.Response:
        barrier.wait()
        return requests.post(f"{server}/api/v1/tasks/{task_id}/complete", timeout=30,
                             json={"data": CONTACT},
                             headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(complete, tokens))
    assert sorted(a.status_code for a in answers) == [200, 409]
    lost = next(a for a in answers if a.status_code == 409).json()
    assert lost["code"] == "task.already_completed"
    assert event_kinds(web_app, case_id).count("task_completed") == 1
