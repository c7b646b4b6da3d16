"""In a real headless Chromium (Debian's): a supervisor who reads Acompaña in English sees a
Chilean case file in English (programme, steps, history, people by name), and a caseworker
filling in the P.I.P.P.I. T0 assessment and the Familias diagnosis sees the reconstructed
Il Mondo del Bambino sub-items and the provisional Matriz indicators marked, with what the
mark means.

Screenshots land in tests/e2e/screenshots/names-*.png for a person to look at.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask
from tests.conftest import ROOT
from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from web import demo_data, demo_data_pippi
from web.auth.models import User
from web.consents.steps import give_needed_consents
from web.extensions import db

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)
GIULIA = engine.Actor("giulia", frozenset({"caseworker"}), None)
MARCO = engine.Actor("marco", frozenset({"supervisor"}), None)
ANA = engine.Actor("ana", frozenset({"caseworker"}), None)


def _complete(web_app, case_id: int, bpmn_id: str, data: dict, actors) -> None:
    forms = web_app.extensions["acompana.forms"]
    row = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                     HumanTask.bpmn_id == bpmn_id)).one()
    who = actors[1] if row.role == "supervisor" else actors[0]
    give_needed_consents(db.session, forms, row, data)  # P.I.P.P.I.'s signed consent
    with unit_of_work(db.session):
        engine.complete(db.session, forms, row.id, data, who)


def _task(case_id: int, bpmn_id: str) -> str:
    return db.session.scalar(select(HumanTask.id).where(HumanTask.case_id == case_id,
                                                        HumanTask.bpmn_id == bpmn_id))


@pytest.fixture
def cases(web_app, start_case):
    """A Familias case at its diagnosis (first contact and entry done) and a P.I.P.P.I. case
    at its T0 assessment; jorge reads in English."""
    familias = start_case()
    day = datetime.now(UTC).date()
    with web_app.app_context():
        _complete(web_app, familias, "primer_contacto", demo_data.contacto(day), (ANA, ANA))
        _complete(web_app, familias, "ingreso", demo_data.ingreso(day), (ANA, ANA))
        db.session.scalars(select(User).where(User.username == "jorge")).one().locale = "en"
        db.session.commit()
        with unit_of_work(db.session):
            engine.deploy_folder(db.session, ROOT / "processes" / "pippi",
                                 web_app.extensions["acompana.forms"], "manager")
        command = engine.StartCase("pippi", "somma_lombardo", "giulia", "Colombo",
                                   members=[{"name": "Maria Colombo", "age": 31}])
        with unit_of_work(db.session):
            pippi = engine.start_case(db.session, command, MARCO).id
        _complete(web_app, pippi, "preassessment", demo_data_pippi.preassessment(day),
                  (GIULIA, MARCO))
        _complete(web_app, pippi, "consenso", demo_data_pippi.consenso(day), (GIULIA, MARCO))
        return {"familias": familias, "diagnosis": _task(familias, "diagnostico"),
                "t0": _task(pippi, "assessment_t0")}


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_an_english_reader_sees_a_chilean_case_file_in_english(chromium, server, cases,
                                                                device):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS[device])
    sign_in(page, server, "jorge")
    page.wait_for_selector("text=Inbox")
    page.goto(f"{server}/cases/{cases['familias']}")
    page.wait_for_selector("text=Families Programme — Comprehensive Support")
    facts, history = page.inner_text("dl.facts"), page.inner_text("ol.timeline")
    tasks = page.inner_text("section[aria-labelledby=tasks-title]")
    assert "Diagnosis with the Wellbeing Matrix" in tasks  # the open step
    assert "Ana Castro" in facts and "Programa Familias —" not in facts
    assert "Completed: First contact with the family" in history and "by Ana Castro" in history
    assert "Primer contacto con la familia" not in history + tasks  # (the diagram is the BPMN)
    page.screenshot(path=str(SHOTS / f"names-{device}-case-file-en.png"), full_page=True)
    assert_no_csp_violation(page)


def test_the_t0_form_marks_the_reconstructed_mondo_del_bambino_sub_items(chromium, server,
                                                                         cases):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS["desktop"])
    sign_in(page, server, "giulia")
    page.goto(f"{server}/tasks/{cases['t0']}")
    page.wait_for_selector(".formkit-provenance-notes")
    assert "Voce ricostruita" in page.inner_text(".formkit-provenance-notes")
    badges = page.locator(".formkit-label .formkit-provenance--reconstructed")
    assert badges.count() == 18
    assert "Voce ricostruita" in badges.first.get_attribute("title")
    page.locator(".formkit-label", has_text="Salute e crescita").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "names-desktop-t0-reconstructed.png"))
    assert_no_csp_violation(page)


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_the_diagnosis_marks_the_provisional_matriz_indicators(chromium, server, cases,
                                                               device):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS[device])
    sign_in(page, server, "ana")
    page.goto(f"{server}/tasks/{cases['diagnosis']}")
    page.wait_for_selector(".formkit-grid")
    marked = page.locator(".formkit-grid .formkit-provenance--provisional")
    assert marked.count() > 0
    known = page.locator(".formkit-grid-row", has_text="i32")
    assert known.locator(".formkit-provenance").count() == 0  # a known indicator: no badge
    marked.first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"names-{device}-diagnosis-provisional.png"))
    assert_no_csp_violation(page)


def test_an_english_reader_sees_the_outcome_report_in_english(chromium, server, cases):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS["desktop"])
    sign_in(page, server, "jorge")
    page.goto(f"{server}/reports/familias")
    page.wait_for_selector("text=Families Programme — Comprehensive Support — results")
    text = page.inner_text("main")
    assert "Closures by type" in text and "Cierres por tipo" not in text
    figure = page.locator("[data-figure=indicadores_cumplidos]")
    assert "provisional" in figure.inner_text()
    page.screenshot(path=str(SHOTS / "names-desktop-report-en.png"), full_page=True)
    assert_no_csp_violation(page)
