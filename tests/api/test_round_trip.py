"""A client program that knows only HTTP: against a real server on a local port, with a
bearer token, it opens a household's case, does its first step, sends the message the case
waits for (documents from another service), does the step that opens, and reads the case's
history — no test client, no engine call, nothing but requests."""

import pytest
import requests

from tests.api.steps import deploy_mensajes
from tests.e2e.browsers import server  # noqa: F401 - the app served on a free port

DOCUMENTS = {"servicio": "Oficina Local de la Niñez", "documentos": 2}


@pytest.fixture
def client(web_app, make_client, server):  # noqa: F811 - the fixture imported above
    """An HTTP session of an intake system: caseworker and supervisor of Antofagasta."""
    deploy_mensajes(web_app)
    token = make_client("intake", roles=("caseworker", "supervisor"))
    http = requests.Session()
    http.headers.update({"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    yield Client(server, http)
    http.close()


class Client:
    """What the program does: JSON in, JSON out, failing loudly on an unexpected status."""

    def __init__(self, base: str, http: requests.Session):
        self.base, self.http = base + "/api/v1", http

    def call(self, method: str, path: str, status: int = 200, **kwargs):
        answer = self.http.request(method, self.base + path, timeout=30, **kwargs)
        assert answer.status_code == status, (method, path, answer.status_code, answer.text)
        return answer.json()

    def step(self, case_id: int, bpmn_id: str) -> dict:
        """The case's open step ``bpmn_id``, found in the pool of the client's roles."""
        pool = self.call("GET", "/tasks/pool", params={"per_page": 100})
        return next(t for t in pool if t["case_id"] == case_id and t["step"] == bpmn_id)


def test_a_program_drives_a_case_from_opening_to_its_history_over_http(client):
    opened = client.call("POST", "/cases", 201, json={
        "programme": "mensajes", "territory": "antofagasta", "caseworker": "ana",
        "family_name": "Pérez Soto", "members": [{"name": "Rosa Pérez", "age": 41}]},
        headers={"Idempotency-Key": "intake-0001"})
    case_id = opened["id"]
    assert opened["household"]["family_name"] == "Pérez Soto"

    visit = client.step(case_id, "visita")
    form = client.call("GET", f"/tasks/{visit['id']}")["form"]
    assert form["required"] == ["ubicada", "fecha"]
    refused = client.call("POST", f"/tasks/{visit['id']}/complete", 422,
                          json={"data": {"ubicada": "sí"}})
    assert set(refused["errors"]) == {"ubicada", "fecha"}
    done = client.call("POST", f"/tasks/{visit['id']}/complete",
                       json={"data": {"ubicada": True, "fecha": "2026-03-02"}})
    assert done["open_tasks"] == []  # the case now waits for the other service

    assert [m["message"] for m in client.call("GET", f"/cases/{case_id}/messages")] == [
        "documentos_recibidos"]
    early = client.call("POST", f"/cases/{case_id}/messages/informe_escolar", 409, json={})
    assert early["code"] == "message.not_awaited"
    delivered = client.call("POST", f"/cases/{case_id}/messages/documentos_recibidos",
                            json=DOCUMENTS)
    assert [t["step"] for t in delivered["open_tasks"]] == ["revisar_documentos"]

    review = client.step(case_id, "revisar_documentos")
    client.call("POST", f"/tasks/{review['id']}/claim")
    client.call("POST", f"/tasks/{review['id']}/complete", json={"data": {"completos": True}})

    assert client.call("GET", f"/cases/{case_id}")["status"] != "open"
    history = client.call("GET", f"/cases/{case_id}/history", params={"per_page": 100})
    kinds = [event["kind"] for event in history]
    assert kinds[0] == "case_started" and "case_closed" in kinds
    assert kinds.index("message_received") > kinds.index("task_completed")
    received = next(e for e in history if e["kind"] == "message_received")
    assert received["actor"] == "api:intake"
    assert received["text"] == "Message received: Documentos del otro servicio"
    assert [e["actor"] for e in history if e["kind"] == "task_completed"] == [
        "api:intake", "api:intake"]
