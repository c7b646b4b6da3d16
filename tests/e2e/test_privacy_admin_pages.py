"""Administración → Privacidad: an administrator finds a case's household, downloads a
member's data (JSON and printable HTML), erases it (confirmed; refused with the reason under
a legal hold), previews the retention run; everything is listed as a request. In the browser
too (screenshots in tests/e2e/screenshots/)."""

import json

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Household, PrivacyRequest, Territory
from tests.e2e.browsers import (
    SHOTS,
    assert_no_csp_violation,
    new_page,
    phone_screenshot,
    sign_in,
)
from web.auth.models import User, UserRole
from web.auth.passwords import hash_password
from web.extensions import db

from .conftest import PASSWORD

MEMBERS = [{"name": "Carla Rojas", "age": 34, "national_id": "15.678.901-1"},
           {"name": "Tomás Ibáñez Rojas", "age": 9, "national_id": "9.876.543-3"}]


@pytest.fixture
def admin_cl(web_app):
    """admin.cl, administrator in Antofagasta."""
    with web_app.app_context():
        place = db.session.scalars(select(Territory).where(Territory.code == "antofagasta")).one()
        user = User(username="admin.cl", full_name="Admin Chile", roles="admin",
                    password_hash=hash_password(PASSWORD), territories=[place])
        user.territory_roles = [UserRole(territory_id=place.id, role="admin")]
        db.session.add(user)
        db.session.commit()
    return "admin.cl"


@pytest.fixture
def case_id(web_app):
    """A Familias case of the Rojas Ibáñez household (Carla and Tomás)."""
    with web_app.app_context():
        actor = engine.Actor("jorge", frozenset({"supervisor"}), None)
        command = engine.StartCase("familias", "antofagasta", "ana", "Rojas Ibáñez",
                                   members=MEMBERS)
        with unit_of_work(db.session):
            return engine.start_case(db.session, command, actor).id


def household_of(web_app, case_id: int) -> Household:
    with web_app.app_context():
        from engine.persistence.models import Case

        return db.session.get(Household, db.session.get(Case, case_id).household_id)


def requests_of(web_app) -> list[tuple]:
    with web_app.app_context():
        return [(r.kind, r.status, r.member) for r in db.session.scalars(
            select(PrivacyRequest).order_by(PrivacyRequest.id))]


def test_the_page_lists_the_household_and_refuses_bad_input(as_person, admin_cl, case_id):
    admin = as_person(admin_cl)
    page = admin.get(f"/admin/privacy?case={case_id}").get_data(as_text=True)
    assert "Tomás Ibáñez Rojas" in page and "9.876.543-3" in page
    assert "Ningún hogar ha cumplido su plazo de retención." in page
    bad = admin.get("/admin/privacy?case=12ab")
    assert bad.status_code == 200
    assert "Caso: escriba el número del caso (solo dígitos)." in bad.get_data(as_text=True)
    missing = admin.get("/admin/privacy?case=99999").get_data(as_text=True)
    assert "El caso 99999 no existe o no tiene acceso a él." in missing


def test_others_than_administrators_are_refused(as_person, case_id):
    assert as_person("jorge").get("/admin/privacy").status_code == 403


def test_an_export_downloads_the_member_and_is_recorded(as_person, admin_cl, case_id, web_app):
    admin = as_person(admin_cl)
    household = household_of(web_app, case_id).id
    got = admin.get(f"/admin/privacy/export/{household}/1.json")
    assert got.headers["Content-Disposition"] == \
        f'attachment; filename="datos-{household}-2.json"'
    data = json.loads(got.get_data(as_text=True))
    assert data["member"] == {"name": "Tomás Ibáñez Rojas", "age": 9,
                              "national_id": "9.876.543-3"}
    assert [c["id"] for c in data["sections"]["cases"]] == [case_id]
    html = admin.get(f"/admin/privacy/export/{household}/1.html").get_data(as_text=True)
    assert "Datos de Tomás Ibáñez Rojas" in html and "case_started" in html
    assert admin.get(f"/admin/privacy/export/{household}/9.json").status_code == 404
    assert requests_of(web_app) == [("export", "done", 1), ("export", "done", 1)]


def test_an_erasure_needs_its_confirmation_and_then_erases(as_person, admin_cl, case_id,
                                                           web_app):
    admin = as_person(admin_cl)
    household = household_of(web_app, case_id).id
    form = f"/admin/privacy?case={case_id}"
    unconfirmed = admin.post("/admin/privacy/erase", {"household": household, "member": 1,
                                                      "case": case_id}, token_from=form)
    assert unconfirmed.status_code == 302
    assert "Confirme el borrado" in admin.get(form).get_data(as_text=True)
    assert household_of(web_app, case_id).members[1]["name"] == "Tomás Ibáñez Rojas"
    done = admin.post("/admin/privacy/erase", {"household": household, "member": 1,
                                               "case": case_id, "confirm": "yes"},
                      token_from=form)
    assert done.status_code == 302
    page = admin.get(form).get_data(as_text=True)
    assert "Datos del integrante borrados" in page and "Tomás" not in page
    assert household_of(web_app, case_id).members[1]["name"] == "[anonimizado]"
    assert requests_of(web_app) == [("erasure", "done", 1)]
    nonsense = admin.post("/admin/privacy/erase", {"household": "x", "member": "-1",
                                                   "confirm": "yes"}, token_from=form)
    assert nonsense.status_code == 302


def test_an_erasure_under_a_legal_hold_is_refused_with_its_reason(
        as_person, admin_cl, case_id, web_app):
    with web_app.app_context():
        forms = web_app.extensions["acompana.forms"]
        ana = engine.Actor("ana", frozenset({"caseworker"}), None)
        with unit_of_work(db.session):
            engine.perform_act(db.session, forms, case_id, "alerta_proteccion",
                               {"fecha": "2026-03-04", "gravedad": "urgente",
                                "descripcion": "Riesgo"}, ana)
    admin = as_person(admin_cl)
    household = household_of(web_app, case_id).id
    form = f"/admin/privacy?case={case_id}"
    admin.post("/admin/privacy/erase", {"household": household, "member": 1, "case": case_id,
                                        "confirm": "yes"}, token_from=form)
    page = admin.get(form).get_data(as_text=True)
    assert "Borrado rechazado: No se borra: el caso" in page
    assert household_of(web_app, case_id).members[1]["name"] == "Tomás Ibáñez Rojas"
    assert requests_of(web_app) == [("erasure", "refused", 1)]


def test_an_administrator_erases_a_member_in_the_browser(chromium, server, admin_cl, case_id,
                                                         web_app):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, {"width": 1280, "height": 900})
    sign_in(page, server, admin_cl)
    page.goto(f"{server}/admin/privacy")
    page.fill("input[name=case]", str(case_id))
    page.click("form.filters button[type=submit]")
    row = page.locator("tr[data-member='1']")
    row.get_by_text("Tomás Ibáñez Rojas").wait_for()
    page.screenshot(path=str(SHOTS / "privacy-household.png"), full_page=True)
    phone_screenshot(page, SHOTS / "privacy-household-phone.png")
    row.locator("input[name=confirm]").check()
    row.locator("button.danger").click()
    page.get_by_text("Datos del integrante borrados").wait_for()
    assert page.locator("tr[data-member='1'] td").nth(1).inner_text() == "[anonimizado]"
    page.screenshot(path=str(SHOTS / "privacy-erased.png"), full_page=True)
    phone_screenshot(page, SHOTS / "privacy-erased-phone.png")
    assert_no_csp_violation(page)
    page.locator("tr[data-member='0']").get_by_text("HTML").click()
    page.get_by_text("Datos de Carla Rojas").first.wait_for()
    page.screenshot(path=str(SHOTS / "privacy-export.png"), full_page=True)
    phone_screenshot(page, SHOTS / "privacy-export-phone.png")
    assert_no_csp_violation(page)
    page.close()


def test_the_retention_preview_lists_an_old_closed_case_and_the_run_anonymises_it(
        as_person, admin_cl, web_app):
    from datetime import UTC, datetime

    with web_app.app_context():
        forms = web_app.extensions["acompana.forms"]
        command = engine.StartCase("familias", "antofagasta", "ana", "Soto Vega",
                                   members=[{"name": "Luis Soto", "age": 40}])
        with unit_of_work(db.session):
            old = engine.start_case(db.session, command, engine.SYSTEM,
                                    datetime(2019, 3, 4, 12, tzinfo=UTC)).id
        with unit_of_work(db.session):
            engine.perform_act(db.session, forms, old, "desistimiento",
                               {"fecha": "2019-03-05", "motivo": "decision_familia",
                                "detalle": "No sigue"}, engine.SYSTEM,
                               datetime(2019, 3, 5, 12, tzinfo=UTC))
    admin = as_person(admin_cl)
    page = admin.get("/admin/privacy").get_data(as_text=True)
    assert "Soto Vega" in page and "Ningún hogar ha cumplido" not in page
    assert admin.post("/admin/privacy/retention", token_from="/admin/privacy").status_code == 302
    page = admin.get("/admin/privacy").get_data(as_text=True)
    assert "1 hogar(es) anonimizado(s)." in page and "Soto Vega" not in page
    assert household_of(web_app, old).family_name == "[anonimizado]"
    assert requests_of(web_app) == [("retention", "done", None)]
