"""Messages from another service through the API: delivered to the case that waits for them
(routed by its id), the payload becoming case data; refused clearly when nothing waits."""

import pytest

import engine
from engine import unit_of_work
from tests.api.steps import deploy_mensajes, event_kinds, open_tasks
from tests.conftest import FIXTURES
from web.extensions import db

DOCUMENTS = {"servicio": "Oficina Local de la Niñez", "documentos": 3}
MESSAGE = "documentos_recibidos"


@pytest.fixture
def waiting(web_app):
    """Two cases of the ``mensajes`` test process (Ana's, in Antofagasta) whose visit is
    done: both wait for the documents another service sends."""
    deploy_mensajes(web_app)
    with web_app.app_context():
        forms = engine.FormLibrary(FIXTURES / "forms")
        ana = engine.Actor("ana", frozenset({"caseworker"}), None)
        command = engine.StartCase("mensajes", "antofagasta", "ana", "Pérez")
        ids = []
        for _ in range(2):
            with unit_of_work(db.session):
                ids.append(engine.start_case(db.session, command, ana).id)
        for task in engine.list_tasks(db.session, ana):
            with unit_of_work(db.session):
                engine.complete(db.session, forms, task.id,
                                {"ubicada": True, "fecha": "2026-03-02"}, ana)
    return ids


def test_a_case_lists_the_messages_it_waits_for(waiting, api_as):
    answer = api_as("oln").get(f"/api/v1/cases/{waiting[0]}/messages")
    assert answer.status_code == 200
    assert answer.get_json() == [{"message": MESSAGE, "event": "esperar_documentos",
                                  "name": "Documentos del otro servicio",
                                  "sent_by": "Oficina Local de la Niñez",
                                  "form_key": "mensajes/documentos"}]


def test_the_message_reaches_only_its_case_and_becomes_case_data(waiting, api_as, web_app):
    first, second = waiting
    answer = api_as("oln").post(f"/api/v1/cases/{first}/messages/{MESSAGE}", json=DOCUMENTS)
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["case_id"], body["message"], body["event"]) == (
        first, MESSAGE, "esperar_documentos")
    assert [t["step"] for t in body["open_tasks"]] == ["revisar_documentos"]
    assert list(open_tasks(web_app, second)) == []  # the other case still waits
    assert "message_received" in event_kinds(web_app, first)
    assert "message_received" not in event_kinds(web_app, second)
    with web_app.app_context():
        data = engine.show_case(db.session, first, engine.SYSTEM).data
    assert data[MESSAGE] == DOCUMENTS


def test_a_message_nothing_waits_for_is_refused_with_409(waiting, api_as, web_app):
    oln = api_as("oln")
    unknown = oln.post(f"/api/v1/cases/{waiting[0]}/messages/informe_escolar", json={},
                       headers={"Accept-Language": "en"})
    assert unknown.status_code == 409
    problem = unknown.get_json()
    assert problem["code"] == "message.not_awaited"
    assert problem["params"]["awaited"] == MESSAGE
    assert problem["detail"] == (f"Case {waiting[0]} does not wait for the message "
                                 f"“informe_escolar”; it now waits for: {MESSAGE}.")
    assert oln.post(f"/api/v1/cases/{waiting[0]}/messages/{MESSAGE}",
                    json=DOCUMENTS).status_code == 200
    twice = oln.post(f"/api/v1/cases/{waiting[0]}/messages/{MESSAGE}", json=DOCUMENTS)
    assert twice.status_code == 409 and twice.get_json()["params"]["awaited"] == "-"
    assert event_kinds(web_app, waiting[0]).count("message_received") == 1


def test_a_payload_the_events_form_refuses_names_its_fields(waiting, api_as, web_app):
    oln = api_as("oln")
    wrong = oln.post(f"/api/v1/cases/{waiting[0]}/messages/{MESSAGE}",
                     json={"servicio": "", "documentos": "tres", "otro": 1})
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"] == {  # an unknown field is refused as the forms do
        "(formulario)": ["Valor no válido."], "documentos": ["Tipo de dato incorrecto."],
        "servicio": ["No puede estar vacío."]}
    not_object = oln.post(f"/api/v1/cases/{waiting[0]}/messages/{MESSAGE}", json=[1, 2])
    assert not_object.status_code == 422
    assert "message_received" not in event_kinds(web_app, waiting[0])


def test_rights_and_territories_decide_who_may_send(waiting, api_as):
    url = f"/api/v1/cases/{waiting[0]}/messages/{MESSAGE}"
    italy = api_as("ambito", territories=("somma_lombardo",), roles=("supervisor",))
    for answer in (italy.post(url, json=DOCUMENTS),
                   italy.get(f"/api/v1/cases/{waiting[0]}/messages")):
        assert answer.status_code == 404 and answer.get_json()["code"] == "api.not_found"
    colleague = api_as("colega", roles=("caseworker",))  # sees the case, is not its caseworker
    refused = colleague.post(url, json=DOCUMENTS)
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "policy.act_not_allowed"
    assert api_as("oln").post(url, json=DOCUMENTS).status_code == 200
