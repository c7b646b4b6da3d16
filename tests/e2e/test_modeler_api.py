"""The modeler's JSON endpoints: rights, CSRF, conflicts and hostile input, each refused
with a clear 4xx JSON answer worded in the person's language — never a 500."""

import re

import pytest
from sqlalchemy import select

from engine.persistence.models import Territory
from tests.e2e.conftest import PASSWORD, Browser
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

BASE = "/programmes/familias/modeler"
CSRF = re.compile(r'data-csrf="([^"]+)"')


@pytest.fixture
def manager(web_app) -> Browser:
    """Marta, a manager of Antofagasta, signed in; ``.token`` is her page's CSRF token."""
    with web_app.app_context():
        antofagasta = db.session.scalars(select(Territory).where(
            Territory.code == "antofagasta")).one()
        db.session.add(User(username="marta", full_name="Marta Ibáñez", roles="manager",
                            password_hash=hash_password(PASSWORD), territories=[antofagasta]))
        db.session.commit()
    person = Browser(web_app.test_client())
    assert person.login("marta").status_code == 302
    page = person.get(BASE)
    assert page.status_code == 200
    person.token = CSRF.search(page.get_data(as_text=True)).group(1)
    return person


def send(person: Browser, method: str, path: str, body=None, *, token=True, raw=None):
    headers = {"X-CSRFToken": person.token} if token else {}
    return person.client.open(BASE + path, method=method, json=body if raw is None else None,
                              data=raw, headers=headers, content_type="application/json")


def test_a_caseworker_gets_neither_the_page_nor_the_draft(as_person):
    ana = as_person("ana")
    assert ana.get(BASE).status_code in (403, 404)
    answer = ana.get(BASE + "/draft")
    assert answer.status_code in (403, 404) and answer.get_json()["message"]


def test_a_save_without_the_csrf_header_is_refused(manager):
    answer = send(manager, "PUT", "/draft", {"revision": 1}, token=False)
    assert answer.status_code == 400 and answer.get_json()["error"] == "request.csrf"


def test_a_stale_save_is_a_409_naming_who_saved(manager, web_app):
    draft = manager.get(BASE + "/draft").get_json()
    assert draft["revision"] == 1 and "familias.bpmn" in draft["sources"]
    assert draft["deadlines"]["contacto"] == "Primer contacto con la familia"
    first = send(manager, "PUT", "/draft", {"revision": 1, "sources": draft["sources"]})
    assert first.status_code == 200 and first.get_json() == {
        **first.get_json(), "revision": 2, "problems": []}
    stale = send(manager, "PUT", "/draft", {"revision": 1, "sources": draft["sources"]})
    assert stale.status_code == 409
    assert stale.get_json()["error"] == "draft.changed_meanwhile"
    assert "Marta Ibáñez guardó este borrador" in stale.get_json()["message"]


@pytest.mark.parametrize("body", [
    None, [], {"revision": "1"}, {"revision": True}, {"revision": 1, "sources": "x"},
    {"revision": 1, "sources": {"../../etc/passwd.bpmn": "<a/>"}},
    {"revision": 1, "sources": {"f.bpmn": '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'}},
    {"revision": 1, "forms": {"x": "not a schema"}}, {"revision": 1, "settings": []},
    {"revision": 1, "sources": {"f.bpmn": "\ud800"}}, {"revision": 2**40},
])
def test_malformed_or_hostile_bodies_are_4xx_json(manager, body):
    manager.get(BASE + "/draft")
    answer = send(manager, "PUT", "/draft", raw=b"{not json" if body is None else None,
                  body=body)
    assert 400 <= answer.status_code < 500, answer.get_data(as_text=True)
    assert answer.get_json()["message"]


def test_odd_settings_still_open_and_are_reported(manager):
    manager.get(BASE + "/draft")
    odd = {"programa": [], "plazos": [1, 2], "ciclos": 7, "roles": "x"}
    saved = send(manager, "PUT", "/draft", {"revision": 1, "settings": odd})
    assert saved.status_code == 200 and saved.get_json()["problems"]
    draft = manager.get(BASE + "/draft").get_json()
    assert (draft["deadlines"], draft["cycles"]) == ({}, [])


def test_a_body_over_the_limit_is_a_413_json(manager):
    answer = send(manager, "PUT", "/draft", raw=b'{"revision": 1, "x": "' + b"a" * 1_100_000
                  + b'"}')
    assert answer.status_code == 413 and answer.get_json()["error"] == "http.413"


def test_validate_lists_every_problem_and_publish_refuses_them(manager):
    draft = manager.get(BASE + "/draft").get_json()
    bpmn = draft["sources"]["familias.bpmn"].replace(
        '<spiffworkflow:property name="formKey" value="familias/ingreso" />', "").replace(
        '<spiffworkflow:property name="deadline" value="diagnostico" />',
        '<spiffworkflow:property name="deadline" value="no_existe" />')
    saved = send(manager, "PUT", "/draft", {"revision": 1,
                                            "sources": {**draft["sources"], "familias.bpmn": bpmn}})
    problems = saved.get_json()["problems"]
    assert {p["element"] for p in problems} == {"ingreso", "diagnostico"}
    assert all(p["line"] and p["text"] and p["fix"] for p in problems)
    assert send(manager, "POST", "/validate", {}).get_json()["problems"] == problems
    refused = send(manager, "POST", "/publish", {"revision": 2, "comment": "x"})
    assert refused.status_code == 422 and len(refused.get_json()["problems"]) == 2
    broken = send(manager, "PUT", "/draft", {"revision": 2,
                                             "sources": {"familias.bpmn": "<bpmn:definitions"}})
    assert broken.status_code == 200
    assert [p["code"] for p in broken.get_json()["problems"]] == ["process.xml_syntax"]


def test_publish_and_discard(manager, start_case):
    manager.get(BASE + "/draft")
    published = send(manager, "POST", "/publish", {"revision": 1, "comment": "igual"})
    assert published.status_code == 200 and published.get_json()["created"] is False
    again = manager.get(BASE + "/draft").get_json()
    assert again["revision"] == 1
    assert send(manager, "POST", "/discard", {"revision": 5}).status_code == 409
    assert send(manager, "POST", "/discard", {"revision": 1}).status_code == 200
    assert send(manager, "POST", "/validate", {}).status_code == 404
    page = manager.get(BASE).get_data(as_text=True)
    assert "descartó el borrador" in page


def test_a_manager_creates_a_programme_from_the_template(manager):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      manager.get("/programmes/new").get_data(as_text=True)).group(1)
    refused = manager.client.post("/programmes/new", data={
        "key": "Mal", "name": "x", "country": "CL", "csrf_token": token})
    assert refused.status_code == 422
    created = manager.client.post("/programmes/new", data={
        "key": "apoyo_escolar", "name": "Apoyo escolar", "country": "CL", "csrf_token": token})
    assert created.status_code == 302 and created.location.endswith(
        "/programmes/apoyo_escolar/modeler")
    draft = manager.get("/programmes/apoyo_escolar/modeler/draft").get_json()
    assert set(draft["sources"]) == {"apoyo_escolar.bpmn"}
    assert "apoyo_escolar" in manager.get("/programmes").get_data(as_text=True)


def test_code_is_checked_as_it_is_typed(manager):
    manager.get(BASE + "/draft")
    fine = send(manager, "POST", "/check-code", {"code": 'plazo("contacto")', "mode": "eval"})
    assert fine.status_code == 200 and fine.get_json()["problems"] == []
    unsafe = send(manager, "POST", "/check-code", {"code": "import os", "mode": "exec"})
    assert [p["code"] for p in unsafe.get_json()["problems"]] == ["process.unsafe_code"]
    broken = send(manager, "POST", "/check-code", {"code": "a ==", "mode": "eval"})
    assert broken.get_json()["problems"][0]["text"]
    assert send(manager, "POST", "/check-code", {"code": "x", "mode": "rm"}).status_code == 422
    assert send(manager, "POST", "/check-code", {"code": 7, "mode": "eval"}).status_code == 422


NEW_FORM = {"type": "object", "title": "Llamada previa",
            "properties": {"resultado": {"type": "string", "title": "Resultado"}}}


def save_form(person: Browser, key: str, schema: dict, revision):
    return person.client.post(f"/programmes/familias/forms/{key}",
                              json={"schema": schema, "revision": revision},
                              headers={"X-CSRFToken": person.token})


def test_the_modeler_and_the_form_editor_save_the_same_draft_in_turn(manager):
    draft = manager.get(BASE + "/draft").get_json()  # the modeler opens revision 1
    editor = manager.get("/programmes/familias/forms/familias/llamada_previa/edit?from=modeler")
    page = editor.get_data(as_text=True)
    assert '"revision": 1' in page  # so does the editor, with its way back to the modeler
    assert '"fromModeler": true' in page and f'"modelerUrl": "{BASE}"' in page
    sources = draft["sources"]
    assert send(manager, "PUT", "/draft", {"revision": 1, "sources": sources}
                ).get_json()["revision"] == 2  # the modeler's autosave
    form = save_form(manager, "familias/llamada_previa", NEW_FORM, 1)  # the editor, on 1
    assert form.status_code == 200
    assert (form.get_json()["revision"], form.get_json()["previous_revision"]) == (3, 2)
    diagram = send(manager, "PUT", "/draft", {"revision": 2, "sources": sources})  # on 2
    assert diagram.status_code == 200 and diagram.get_json()["revision"] == 4
    assert diagram.get_json()["form_titles"]["familias/llamada_previa"] == "Llamada previa"
    assert manager.get(BASE + "/draft").get_json()["forms"]["familias/llamada_previa"] == NEW_FORM


def test_a_genuine_conflict_is_still_refused_naming_who_saved(manager):
    draft = manager.get(BASE + "/draft").get_json()
    assert save_form(manager, "familias/llamada_previa", NEW_FORM, 1).status_code == 200
    changed = {**NEW_FORM, "title": "Otra"}  # the same form, from a page opened on 1
    stale = save_form(manager, "familias/llamada_previa", changed, 1)
    assert stale.status_code == 409
    assert "Marta Ibáñez guardó este borrador" in stale.get_json()["message"]
    assert send(manager, "PUT", "/draft", {"revision": 2, "sources": draft["sources"]}
                ).status_code == 200  # the diagram: revision 3
    stale = send(manager, "PUT", "/draft", {"revision": 2, "sources": draft["sources"]})
    assert stale.status_code == 409  # the diagram saved since from elsewhere
    assert send(manager, "PUT", "/draft", {"revision": 1, "forms": draft["forms"]}
                ).status_code == 409  # every form at once, on 1: the new one was saved since


def test_the_history_is_given_again_after_a_save_in_the_readers_language(manager):
    draft = manager.get(BASE + "/draft").get_json()
    assert manager.get(BASE + "/history").get_json()["lines"] == []
    send(manager, "PUT", "/draft", {"revision": 1, "sources": draft["sources"]})
    lines = manager.get(BASE + "/history").get_json()["lines"]
    assert len(lines) == 1 and lines[0].endswith("· Marta Ibáñez · guardó el borrador (revisión 2)")
    send(manager, "POST", "/publish", {"revision": 2, "comment": "igual"})
    manager.post("/account/language", {"locale": "it", "next": "/"})
    lines = manager.get(BASE + "/history").get_json()["lines"]
    assert "Marta Ibáñez" in lines[0] and "«igual»" in lines[0] and "2" in lines[1]
    assert lines[0] != lines[1]


def test_a_caseworker_gets_no_history(as_person):
    assert as_person("ana").get(BASE + "/history").status_code in (403, 404)
