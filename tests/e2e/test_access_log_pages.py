"""Who looked at what, from the pages: opening a case file, a step (open or completed), a
report, and each line of a CSV export about a household is logged with the person, when
and what (and why, ``?motivo=``); the case file shows its supervisor who opened it, not its
caseworker; ``/admin/access-log`` is the administrators' (filters, CSV), refused to
everybody else. In the browser the administrator filters the log (screenshot in
tests/e2e/screenshots/)."""

import csv
import io
from html import unescape

import pytest
from sqlalchemy import select

from engine.persistence.access_log_models import AccessLog
from engine.persistence.models import Territory
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

CONTACT = {"action": "submit", "familia_ubicada": "true", "fecha_contacto": "2026-03-05",
           "intentos": "1"}


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def _body(text: str) -> str:
    return text.split("<tbody>")[1].split("</tbody>")[0]


def _log(web_app) -> list[tuple]:
    with web_app.app_context():
        return [(r.actor, r.kind, r.what, r.case_id, r.reason)
                for r in db.session.scalars(select(AccessLog).order_by(AccessLog.id))]


@pytest.fixture
def admin_cl(web_app):
    """The administrator of the Chilean territories."""
    with web_app.app_context():
        place = db.session.scalars(select(Territory).where(Territory.code == "antofagasta")).one()
        user = User(username="admin.cl", full_name="Admin Chile", roles="admin",
                    password_hash=hash_password(PASSWORD), territories=[place])
        user.territory_roles = [UserRole(territory_id=place.id, role="admin")]
        db.session.add(user)
        db.session.commit()


def test_every_kind_of_view_is_logged_with_who_what_and_why(as_person, start_case, web_app):
    case_id = start_case()
    ana, jorge = as_person("ana"), as_person("jorge")
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    ana.get(f"/cases/{case_id}?motivo=Visita domiciliaria")
    ana.get(f"/tasks/{task_id}")
    ana.post(f"/tasks/{task_id}", CONTACT, token_from=f"/tasks/{task_id}")  # logs a view too
    before = len(_log(web_app))
    jorge.get(f"/tasks/{task_id}")  # the completed step
    jorge.get("/reports/familias")
    jorge.get("/reports/familias.csv")
    jorge.get("/dashboard/overdue.csv")  # nothing overdue: no line, nothing logged
    log = _log(web_app)
    assert ("ana", "case_file", str(case_id), case_id, "Visita domiciliaria") in log
    assert ("ana", "step", task_id, case_id, None) in log
    assert log[before:] == [("jorge", "step", task_id, case_id, None),
                            ("jorge", "report", "familias", None, None),
                            ("jorge", "export", log[-1][2], case_id, None)]
    assert log[-1][2].startswith("resultados-familias-")


def test_someone_who_does_not_hold_the_case_is_asked_why_and_the_reason_is_kept(
        as_person, start_case, web_app):
    case_id = start_case()
    assert 'name="motivo"' not in page(as_person("ana").get(f"/cases/{case_id}"))
    pedro = as_person("pedro")
    assert 'name="motivo"' in page(pedro.get(f"/cases/{case_id}"))
    pedro.get(f"/cases/{case_id}?motivo=Cubro a Ana esta semana")
    assert _log(web_app)[-1] == ("pedro", "case_file", str(case_id), case_id,
                                 "Cubro a Ana esta semana")


def test_a_refused_view_leaves_no_line(as_person, start_case, web_app):
    case_id = start_case()
    assert as_person("giulia").get(f"/cases/{case_id}").status_code == 404
    assert _log(web_app) == []


def test_the_supervisor_sees_who_opened_the_familys_file_and_the_caseworker_does_not(
        as_person, start_case):
    case_id = start_case()
    ana, jorge = as_person("ana"), as_person("jorge")
    assert "Chi ha aperto" not in page(ana.get(f"/cases/{case_id}"))
    text = page(jorge.get(f"/cases/{case_id}"))
    assert "Quién abrió esta ficha" in text
    seen = text.split('id="case-views-title"')[1].split("</section>")[0]
    assert "Ana Castro" in seen and "Jorge Alvarado" in seen
    assert "Quién abrió esta ficha" not in page(ana.get(f"/cases/{case_id}"))


def test_only_administrators_read_the_access_log_filtered_and_as_csv(as_person, start_case,
                                                                     admin_cl):
    case_id = start_case()
    ana, jorge = as_person("ana"), as_person("jorge")
    ana.get(f"/cases/{case_id}")
    jorge.get("/reports/familias")
    for person in (ana, jorge):
        assert person.get("/admin/access-log").status_code == 403
    admin = as_person("admin.cl")
    text = page(admin.get("/admin/access-log?person=ana"))
    assert "1 acceso(s)" in text and "Ficha del caso" in _body(text)
    assert "Informe" not in _body(text)
    reports = _body(page(admin.get("/admin/access-log?kind=report")))
    assert "Jorge Alvarado" in reports and "Ana Castro" not in reports
    rows = list(csv.DictReader(io.StringIO(admin.get("/admin/access-log?format=csv&case="
                                                     f"{case_id}").get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    assert [(r["actor"], r["kind"], r["case"]) for r in rows] == [
        ("ana", "case_file", str(case_id))]
    assert admin.get("/admin/access-log?case=x&since=nope&page=-1&kind=<b>").status_code == 200


def test_the_administrator_filters_the_access_log_in_the_browser(chromium, server, as_person,
                                                                 start_case, admin_cl):
    case_id = start_case()
    as_person("ana").get(f"/cases/{case_id}?motivo=Llamada de la escuela")
    as_person("jorge").get(f"/cases/{case_id}")
    SHOTS.mkdir(exist_ok=True)
    browser = new_page(chromium, {"width": 1280, "height": 900})
    sign_in(browser, server, "admin.cl")
    browser.goto(server + "/admin/people")
    browser.click("nav.tabs >> text=Accesos")
    browser.fill("input[name=person]", "ana")
    browser.click("button[type=submit] >> text=Filtrar")
    browser.wait_for_selector("text=1 acceso(s)")
    row = browser.inner_text("table.access-log tbody")
    assert "Ana Castro" in row and "Llamada de la escuela" in row and "Jorge" not in row
    browser.screenshot(path=SHOTS / "access-log.png", full_page=True)
    phone_screenshot(browser, SHOTS / "access-log-phone.png")
    assert_no_csp_violation(browser)
    browser.close()
