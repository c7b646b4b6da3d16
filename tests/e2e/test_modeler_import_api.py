"""Importing a file into the draft from the modeler page, and downloading a version's zip:
through the test client, on SQLite and PostgreSQL. Every refusal is a 4xx JSON answer in the
person's language that leaves the draft as it was; every import is in the page's history."""

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from engine.persistence.models import ProcessDraft, ProgrammeEvent, Territory
from tests.conftest import FIXTURES
from tests.e2e.conftest import PASSWORD, Browser, csrf_of
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

BASE = "/programmes/familias/modeler"
IMPORTS = FIXTURES / "imports"
CSRF = re.compile(r'data-csrf="([^"]+)"')


def person(web_app, username: str, roles: str, territory: str) -> Browser:
    """``username`` signed in with ``roles`` in ``territory``; ``.token`` is a CSRF token."""
    with web_app.app_context():
        place = db.session.scalars(select(Territory).where(Territory.code == territory)).one()
        db.session.add(User(username=username, full_name=username.title(), roles=roles,
                            password_hash=hash_password(PASSWORD), territories=[place]))
        db.session.commit()
    browser = Browser(web_app.test_client())
    assert browser.login(username).status_code == 302
    browser.token = csrf_of(browser.get("/").get_data(as_text=True))
    return browser


@pytest.fixture
def marta(web_app) -> Browser:
    """Marta, a manager of Antofagasta, with the modeler open (draft revision 1)."""
    browser = person(web_app, "marta", "manager", "antofagasta")
    browser.token = CSRF.search(browser.get(BASE).get_data(as_text=True)).group(1)
    assert browser.get(BASE + "/draft").get_json()["revision"] == 1
    return browser


def upload(browser: Browser, data: bytes, name: str, revision=1, process=None, token=True):
    form = {"file": (io.BytesIO(data), name), "revision": str(revision)}
    if process:
        form["process"] = process
    headers = {"X-CSRFToken": browser.token} if token else {}
    return browser.client.post(BASE + "/import", data=form, headers=headers,
                               content_type="multipart/form-data")


def fixture(name: str) -> bytes:
    return (IMPORTS / name).read_bytes()


def draft_and_events(web_app) -> tuple[ProcessDraft | None, list[ProgrammeEvent]]:
    with web_app.app_context():
        draft = db.session.get(ProcessDraft, "familias")
        if draft is not None:
            db.session.expunge(draft)
        events = list(db.session.scalars(select(ProgrammeEvent).where(
            ProgrammeEvent.kind == "draft_imported")))
        return draft, events


def test_a_camunda_file_becomes_the_draft_with_every_problem(marta, web_app):
    answer = upload(marta, fixture("camunda7.bpmn"), "camunda7.bpmn")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert (body["choose"], body["revision"], body["file"]) == (False, 2, "camunda7.bpmn")
    problems = body["problems"]
    assert len(problems) == 8 and all(p["text"] and p["fix"] for p in problems)
    assert {p["element"] for p in problems} == {  # the DMN kept is called by no task now
        "Task_Notify", "Flow_Yes", "Flow_No", "trayectoria", "Task_Score", "Task_Review",
        "Task_Mail"}
    juel = next(p for p in problems if p["element"] == "Flow_Yes")
    assert juel["line"] == 19 and "JUEL" in juel["text"] and "${approved == true}" in juel["text"]
    assert "en Python" in juel["fix"]
    assert "8 problemas por corregir" in body["message"]
    assert any("candidateGroups" in n["text"] and "se trajo" in n["text"] for n in body["notes"])
    draft, events = draft_and_events(web_app)
    assert draft.revision == 2 and draft.saved_by == "marta"
    assert set(draft.sources) == {"familias.bpmn", "trayectoria.dmn"}  # the DMN stays
    assert 'id="familias"' in draft.sources["familias.bpmn"]
    assert "Task_Review" in draft.sources["familias.bpmn"]
    assert [(e.actor, e.data["file"], e.data["problems"], e.data["revision"])
            for e in events] == [("marta", "camunda7.bpmn", 8, 2)]
    page = marta.get(BASE).get_data(as_text=True)
    assert "importó camunda7.bpmn (proceso Process_Intake, 8 problemas)" in page
    opened = marta.get(BASE + "/draft").get_json()
    assert opened["revision"] == 2 and "Task_Review" in opened["sources"]["familias.bpmn"]


def test_a_file_with_several_pools_asks_which_then_imports_the_one_chosen(marta, web_app):
    answer = upload(marta, fixture("collaboration.bpmn"), "collaboration.bpmn").get_json()
    assert answer["choose"] is True
    assert {(p["id"], p["pool"]) for p in answer["processes"]} == {
        ("Process_Service", "Servicio social"), ("Process_Family", "Familia")}
    draft, events = draft_and_events(web_app)
    assert (draft.revision, events) == (1, [])  # nothing changed yet
    chosen = upload(marta, fixture("collaboration.bpmn"), "collaboration.bpmn",
                    process="Process_Service").get_json()
    assert (chosen["choose"], chosen["process"], chosen["revision"]) == (
        False, "Process_Service", 2)
    assert any(p["element"] == "Service_Answer" for p in chosen["problems"])
    assert sum("messageFlow" in n["text"] for n in chosen["notes"]) == 2
    _, events = draft_and_events(web_app)
    assert [e.data["process"] for e in events] == ["Process_Service"]
    unknown = upload(marta, fixture("collaboration.bpmn"), "collaboration.bpmn", revision=2,
                     process="Nope")
    assert unknown.status_code == 422 and "no tiene el proceso elegido" in unknown.get_json()[
        "message"]


def test_a_latin_1_file_is_read_and_the_encoding_is_a_problem_in_her_language(marta):
    marta.post("/account/language", {"locale": "it", "next": "/"})
    body = upload(marta, fixture("latin1_declared_utf8.bpmn"), "latin1.bpmn").get_json()
    first = body["problems"][0]
    assert first["code"] == "import.encoding_fallback" and first["line"] == 7
    assert "dichiara" in first["text"], first["text"]
    draft = marta.get(BASE + "/draft").get_json()
    assert "Revisión de la solicitud" in draft["sources"]["familias.bpmn"]


TOO_BIG = b"<x>" + b" " * (2 * 1024 * 1024) + b"</x>"  # what a draft may hold


@pytest.mark.parametrize("data, words", [
    (b"", "está vacío"),
    (fixture("truncated.bpmn"), "está cortado"),
    (b"hello", "no es un archivo XML"),
    (b"<a/>", "no un diagrama BPMN"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>', "DTD"),
    (b"PK\x03\x04 not really a zip", "no es un archivo .zip"),
    (TOO_BIG, "2 MB"),
])
def test_unusable_files_are_refused_and_the_draft_stays(marta, web_app, data, words):
    answer = upload(marta, data, "x.bpmn")
    assert answer.status_code in (413, 422), answer.get_data(as_text=True)
    assert words in answer.get_json()["message"]
    assert "borrador quedó como estaba" in answer.get_json()["message"]
    draft, events = draft_and_events(web_app)
    assert (draft.revision, events) == (1, [])
    assert "familias.bpmn" in draft.sources and "Task_Review" not in draft.sources["familias.bpmn"]


def test_a_body_far_over_the_limit_is_a_413_before_it_is_read(marta):
    answer = upload(marta, b"a" * (3 * 1024 * 1024), "big.bpmn")
    assert answer.status_code == 413 and "2 MB" in answer.get_json()["message"]


def test_a_stale_revision_is_a_409_and_changes_nothing(marta, web_app):
    draft = marta.get(BASE + "/draft").get_json()
    saved = marta.client.put(BASE + "/draft", json={"revision": 1, "sources": draft["sources"]},
                             headers={"X-CSRFToken": marta.token})
    assert saved.get_json()["revision"] == 2
    stale = upload(marta, fixture("camunda7.bpmn"), "camunda7.bpmn", revision=1)
    assert stale.status_code == 409 and stale.get_json()["error"] == "draft.changed_meanwhile"
    draft, events = draft_and_events(web_app)
    assert (draft.revision, events) == (2, [])


@pytest.mark.parametrize("form", [{}, {"revision": "x"}, {"revision": "1"}])
def test_a_request_without_file_or_revision_is_a_400(marta, form):
    if "revision" in form and form["revision"] == "1":
        form = {"revision": "", "file": (io.BytesIO(b"<a/>"), "a.bpmn")}
    answer = marta.client.post(BASE + "/import", data=form, content_type="multipart/form-data",
                               headers={"X-CSRFToken": marta.token})
    assert answer.status_code == 400 and answer.get_json()["message"]


def test_without_the_csrf_header_nothing_is_imported(marta, web_app):
    answer = upload(marta, fixture("camunda7.bpmn"), "camunda7.bpmn", token=False)
    assert answer.status_code == 400 and answer.get_json()["error"] == "request.csrf"
    assert draft_and_events(web_app)[0].revision == 1


def test_caseworkers_and_managers_of_another_country_may_neither_import_nor_export(web_app):
    for browser in (person(web_app, "ana2", "caseworker", "antofagasta"),
                    person(web_app, "lucia", "manager", "somma_lombardo")):
        answer = upload(browser, fixture("camunda7.bpmn"), "camunda7.bpmn")
        assert answer.status_code in (403, 404) and answer.get_json()["message"]
        assert browser.get(BASE + "/export").status_code in (403, 404)
    assert draft_and_events(web_app) == (None, [])


def test_the_export_is_the_cli_export_and_imports_back(marta, web_app, tmp_path):
    answer = marta.get(BASE + "/export")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="familias-v1.zip"'
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    target = tmp_path / "familias.zip"
    result = web_app.test_cli_runner().invoke(args=["process", "export", "familias", "-o",
                                                    str(target)])
    assert result.exit_code == 0, result.output
    assert answer.data == target.read_bytes()
    assert marta.get(BASE + "/export?version=1").data == answer.data
    assert marta.get(BASE + "/export?version=9").status_code == 404
    assert marta.get(BASE + "/export?version=x").status_code == 404
    back = upload(marta, answer.data, "familias-v1.zip").get_json()
    assert (back["revision"], back["problems"], back["process"]) == (2, [], "familias v1")
    page = marta.get(BASE).get_data(as_text=True)
    assert 'id="modeler-export-version"' in page and "importó familias-v1.zip" in page
    assert f'href="{BASE}/export"' in marta.get("/programmes").get_data(as_text=True)


def test_a_refusal_is_worded_in_her_language(marta):
    marta.post("/account/language", {"locale": "en", "next": "/"})
    answer = upload(marta, b"  ", "blank.bpmn").get_json()
    assert answer["message"] == ("blank.bpmn cannot be imported: the file is empty. The draft "
                                 "is as it was.")
    marta.post("/account/language", {"locale": "it", "next": "/"})
    answer = upload(marta, b"<a/>", "a.bpmn").get_json()
    assert answer["message"].startswith("a.bpmn non si può importare: è XML, ma non")


def test_a_zip_with_hostile_xml_inside_is_refused_and_the_draft_stays(marta, web_app):
    exported = zipfile.ZipFile(io.BytesIO(marta.get(BASE + "/export").data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in exported.infolist():
            data = exported.read(info)
            if info.filename == "process/familias.bpmn":
                data = b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + data
            archive.writestr(info.filename, data)
    answer = upload(marta, buffer.getvalue(), "hostil.zip")
    assert 400 <= answer.status_code < 500 and answer.get_json()["message"]
    draft, events = draft_and_events(web_app)
    assert (draft.revision, events) == (1, [])
    assert "<!DOCTYPE" not in draft.sources["familias.bpmn"]
