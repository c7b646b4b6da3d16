"""Consents on the pages: P.I.P.P.I.'s consent step, submitted without the reference
person's recorded consent, comes back (422) saying in Italian whose consent is missing and
for what, with nothing saved; the consent is recorded on the case file's Consensi page
(who, when, the signed document), the case file lists it, the step then goes through; a
withdrawal keeps it, marked; a wrong entry comes back beside its field. In the browser, the
caseworker records a consent from the case file (screenshots in tests/e2e/screenshots/)."""

from datetime import date
from html import unescape

from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask
from tests.conftest import ROOT
from tests.e2e.browsers import (
    SHOTS,
    assert_no_csp_violation,
    new_page,
    phone_screenshot,
    sign_in,
)
from web import demo_data_pippi as d
from web.extensions import db

GIULIA = engine.Actor("giulia", frozenset({"caseworker"}), None)
MEMBERS = [{"name": "Paolo Colombo", "age": 35, "relationship": "partner"},
           {"name": "Maria Colombo", "age": 33, "relationship": "head"}]
DAY = date(2026, 3, 2)
CONSENT = {"action": "submit", "data_accoglienza": "2026-03-02", "consenso_dato": "true",
           "data_consenso": "2026-03-02", "firmatari[0]": "Maria Colombo",
           "informativa_privacy": "true"}


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def pippi_family(web_app) -> tuple[int, str]:
    """P.I.P.P.I. deployed, the Colombo family (Maria the reference person) pre-assessed:
    the case and its open consent step."""
    forms = web_app.extensions["acompana.forms"]
    with web_app.app_context():
        with unit_of_work(db.session):
            engine.deploy_folder(db.session, ROOT / "processes" / "pippi", forms, "manager")
            case = engine.start_case(db.session, engine.StartCase(
                "pippi", "somma_lombardo", "giulia", "Colombo", members=MEMBERS), GIULIA)
        row = _step(case.id, "preassessment")
        with unit_of_work(db.session):
            engine.complete(db.session, forms, row.id, d.segnalazione(DAY), GIULIA)
        return case.id, _step(case.id, "consenso").id


def _step(case_id: int, bpmn_id: str):
    return db.session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                      HumanTask.bpmn_id == bpmn_id)).first()


def _still_open(web_app, task_id: str) -> bool:
    with web_app.app_context():
        return db.session.get(HumanTask, task_id) is not None


def test_the_consent_step_waits_for_the_recorded_consent_and_then_goes_through(as_person,
                                                                                web_app):
    case_id, task_id = pippi_family(web_app)
    giulia = as_person("giulia")
    notice = ("Questo passo richiede il consenso di Maria Colombo (partecipazione al "
              "programma): registratelo nella scheda del caso.")
    assert notice in page(giulia.get(f"/tasks/{task_id}"))
    refused = giulia.post(f"/tasks/{task_id}", CONSENT, token_from=f"/tasks/{task_id}")
    assert refused.status_code == 422
    assert ("Manca il consenso di Maria Colombo per partecipazione al programma: "
            "registratelo nella scheda del caso (Consensi)" in page(refused))
    assert _still_open(web_app, task_id)
    recorded = giulia.post(f"/cases/{case_id}/consents", {
        "member": "1", "purpose": "participation", "document": "Modulo firmato, cartella 12",
        "given_on": "2026-03-02"}, token_from=f"/cases/{case_id}/consents")
    assert recorded.status_code == 302
    file = page(giulia.get(f"/cases/{case_id}"))
    consents = file.split('id="consents-title"')[1].split("</section>")[0]
    assert "Maria Colombo" in consents and "partecipazione al programma" in consents
    assert "Modulo firmato, cartella 12" in consents and "Giulia Bianchi" in consents
    assert "Consenso registrato: Maria Colombo, partecipazione al programma" in file  # history
    assert notice not in page(giulia.get(f"/tasks/{task_id}"))
    done = giulia.post(f"/tasks/{task_id}", CONSENT, token_from=f"/tasks/{task_id}")
    assert done.status_code == 302 and not _still_open(web_app, task_id)


def test_a_withdrawal_keeps_the_consent_marked_with_its_reason(as_person, web_app):
    case_id, _ = pippi_family(web_app)
    giulia, marco = as_person("giulia"), as_person("marco")
    giulia.post(f"/cases/{case_id}/consents", {
        "member": "0", "purpose": "sharing", "service": "Neuropsichiatria infantile ASST",
        "document": "Modulo firmato", "given_on": "2026-03-01"},
        token_from=f"/cases/{case_id}/consents")
    with web_app.app_context():
        [consent] = engine.consents_of(db.session, case_id, GIULIA)
    blank = marco.post(f"/cases/{case_id}/consents/{consent.id}/withdraw", {"reason": " "},
                       token_from=f"/cases/{case_id}/consents")
    assert blank.status_code == 422 and "Indicate il motivo della revoca" in page(blank)
    done = marco.post(f"/cases/{case_id}/consents/{consent.id}/withdraw",
                      {"reason": "Il padre non vuole più"},
                      token_from=f"/cases/{case_id}/consents")
    assert done.status_code == 302
    consents = page(marco.get(f"/cases/{case_id}")).split('id="consents-title"')[1]
    consents = consents.split("</section>")[0]
    assert "condivisione dei dati con un servizio (Neuropsichiatria infantile ASST)" in consents
    assert "revocato" in consents and "Il padre non vuole più" in consents
    again = marco.post(f"/cases/{case_id}/consents/{consent.id}/withdraw", {"reason": "x"},
                       token_from=f"/cases/{case_id}/consents")
    assert again.status_code == 409 and "già stato revocato da Marco Rossi" in page(again)


def test_a_wrong_consent_comes_back_beside_its_fields_and_nothing_is_saved(as_person,
                                                                           web_app):
    case_id, _ = pippi_family(web_app)
    giulia = as_person("giulia")
    response = giulia.post(f"/cases/{case_id}/consents", {
        "member": "9", "purpose": "sharing", "document": "", "given_on": "2099-01-01"},
        token_from=f"/cases/{case_id}/consents")
    assert response.status_code == 422
    text = page(response)
    for field in ("member", "service", "document", "given_on"):
        assert f'id="{field}-error"' in text
    with web_app.app_context():
        assert engine.consents_of(db.session, case_id, GIULIA) == []


def test_a_colleague_who_does_not_hold_the_case_may_not_record_one(as_person, web_app):
    case_id, _ = pippi_family(web_app)
    response = as_person("ana").post(f"/cases/{case_id}/consents", {
        "member": "1", "purpose": "photos", "document": "x", "given_on": "2026-03-01"},
        token_from="/")
    assert response.status_code == 404  # another country's case: not even seen


def test_the_caseworker_records_a_consent_in_the_browser(chromium, server, web_app):
    case_id, _ = pippi_family(web_app)
    SHOTS.mkdir(exist_ok=True)
    browser = new_page(chromium, {"width": 1280, "height": 900})
    sign_in(browser, server, "giulia")
    browser.goto(f"{server}/cases/{case_id}")
    browser.click("text=Registra o revoca consensi")
    browser.select_option("#member", label="Maria Colombo")
    browser.select_option("#purpose", "photos")
    browser.fill("#document", "Liberatoria foto firmata, cartella 12")
    browser.fill("#given_on", "2026-03-02")
    browser.screenshot(path=SHOTS / "consent-form.png", full_page=True)
    phone_screenshot(browser, SHOTS / "consent-form-phone.png")
    browser.click("button.primary")
    browser.wait_for_selector("text=Consenso registrato: Maria Colombo, fotografie.")
    section = browser.inner_text(".consents-section")
    assert "Maria Colombo" in section and "fotografie" in section and "valido" in section
    browser.locator(".consents-section").screenshot(path=SHOTS / "consent-case-file.png")
    phone_screenshot(browser, SHOTS / "consent-case-file-phone.png")
    assert_no_csp_violation(browser)
    browser.close()
