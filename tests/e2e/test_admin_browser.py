"""An administrator sets up a new comuna from the browser: the territory with a local
holiday, Familias enabled there, a caseworker and a supervisor invited (the mails caught by a
real local SMTP server, the links used to choose passwords), the caseworker opens a case whose
working-day deadline skips the local holiday, and the administrator hands the caseworker's
work to a colleague and deactivates her."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.core import clock
from engine.persistence.models import HumanTask, Territory
from engine.programmes.calendars import TerritoryCalendar
from tests.e2e.browsers import SHOTS, assert_no_csp_violation, new_page
from tests.integration.conftest import smtp_server  # noqa: F401 - a fixture
from web.auth.models import User, UserRole
from web.auth.passwords import hash_password
from web.extensions import db

from .conftest import PASSWORD

LINK = re.compile(r"http://127\.0\.0\.1:\d+/password/[\w-]+")
CHOSEN = "una clave bien larga"


@pytest.fixture
def admin_cl(web_app, smtp_server):  # noqa: F811
    port, received = smtp_server
    web_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with web_app.app_context():
        place = db.session.scalars(select(Territory).where(Territory.code == "antofagasta")).one()
        user = User(username="admin.cl", full_name="Admin Chile", roles="admin",
                    password_hash=hash_password(PASSWORD), territories=[place])
        user.territory_roles = [UserRole(territory_id=place.id, role="admin")]
        db.session.add(user)
        db.session.commit()
    return received


def _sign_in(page, server, username, password):
    page.goto(server + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def _holiday_and_due():
    """The first working day after today in Calama (the local holiday) and the due date of
    a 15-working-day deadline opened today with and without it."""
    plain = TerritoryCalendar("CL", "AN", "America/Santiago")
    today = plain.local_date(clock.now())
    holiday = plain.add_working_days(today, 1)
    local = TerritoryCalendar("CL", "AN", "America/Santiago", ((holiday, "San Lorenzo", False),))
    return holiday, local.add_working_days(today, 15), plain.add_working_days(today, 15)


def _invite(page, server, username, name, role):
    page.goto(server + "/admin/people/new")
    page.fill("#username", username)
    page.fill("#full_name", name)
    page.fill("#email", f"{username}@calama.cl")
    page.check(f"input[name=role][value='{role}@calama']")
    page.click("button.primary")
    page.wait_for_selector(f"text=le enviamos la invitación a {username}@calama.cl")


def _link_for(mails, address):
    mail = next(m for m in mails if m["To"] == address)
    return LINK.search(mail.get_payload(decode=True).decode()).group(0)


def test_an_administrator_sets_up_a_comuna_in_the_browser(chromium, server, admin_cl,
                                                          web_app):
    mails = admin_cl
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, {"width": 1280, "height": 900})

    def shot(name):
        page.screenshot(path=str(SHOTS / f"admin-{name}.png"), full_page=True)

    holiday, due, due_without = _holiday_and_due()
    assert due > due_without
    _sign_in(page, server, "admin.cl", PASSWORD)
    page.get_by_role("link", name="Administración").click()
    page.get_by_role("link", name="Territorios").click()
    page.fill("#t-code", "calama")
    page.fill("#t-name", "Calama")
    page.fill("#t-region", "AN")
    page.fill("#t-timezone", "America/Santiago")
    page.select_option("#t-country", "CL")
    page.click("text=Crear territorio")
    page.wait_for_selector("text=Territorio Calama creado.")
    page.fill("#h-day", holiday.isoformat())
    page.fill("#h-name", "San Lorenzo")
    page.click("text=Agregar feriado")
    page.wait_for_selector(f"li[data-holiday='{holiday.isoformat()}']")
    row = page.locator("tr[data-programme=familias]")
    row.locator("input[name=starts_on]").fill(
        TerritoryCalendar("CL", "AN", "America/Santiago").local_date(clock.now()).isoformat())
    row.get_by_role("button", name="Habilitar").click()
    page.wait_for_selector("tr[data-programme=familias] >> text=Deshabilitar")
    shot("1-territory")

    _invite(page, server, "carla", "Carla Soto", "caseworker")
    _invite(page, server, "sofia", "Sofía Rivas", "supervisor")
    _invite(page, server, "diego", "Diego Paz", "caseworker")
    shot("2-person")
    assert {m["To"] for m in mails} == {"carla@calama.cl", "sofia@calama.cl", "diego@calama.cl"}
    assert all(PASSWORD not in m.as_string() for m in mails)
    page.goto(server + "/admin/territories/calama/access?programme=familias")
    shot("3-access")
    assert "Sofía Rivas" in page.inner_text("dd[data-role=supervisor]")
    assert_no_csp_violation(page)

    for username in ("carla", "sofia"):
        person = chromium.new_page(locale="es-CL")
        person.goto(_link_for(mails, f"{username}@calama.cl"))
        person.fill("#password", CHOSEN)
        person.fill("#again", CHOSEN)
        if username == "carla":
            person.screenshot(path=str(SHOTS / "admin-4-choose-password.png"), full_page=True)
        person.click("text=Guardar contraseña")
        person.wait_for_selector(f"text=Ingrese con el usuario {username}")
        person.goto(_link_for(mails, f"{username}@calama.cl"))
        assert "Enlace vencido" in person.content()  # a link works once
        _sign_in(person, server, username, CHOSEN)
        person.wait_for_selector("text=Bandeja")
        if username == "carla":
            person.goto(server + "/cases/new")
            person.fill("input[name=family_name]", "Mamani Flores")
            person.select_option("select[name=territory]", "calama")
            person.select_option("select[name=caseworker]", "carla")
            person.click("form.task-form button[type=submit], main form button.primary")
            person.wait_for_selector("text=Familia Mamani Flores")
            person.screenshot(path=str(SHOTS / "admin-5-case.png"), full_page=True)
        person.close()

    with web_app.app_context():
        step = db.session.scalars(select(HumanTask).where(HumanTask.bpmn_id.like("%contacto%"))
                                  .join(Territory, Territory.id == HumanTask.territory_id)
                                  .where(Territory.code == "calama")).one()
        local = TerritoryCalendar("CL", "AN", "America/Santiago")
        assert local.local_date(step.due_at - timedelta(seconds=1)) == due
        assert step.assignee == "carla"

    page.goto(server + "/admin/people/carla")
    page.click("#deactivate")
    page.wait_for_selector("text=entréguelos a un colega")
    page.select_option("#hand-over-to", "diego")
    page.click("button:text-is('Entregar')")
    shot("6-handed-over")
    page.wait_for_selector("text=entregados a diego")
    shot("6-handed-over")
    page.click("#deactivate")
    page.wait_for_selector("text=sus sesiones terminaron")
    with web_app.app_context():
        assert db.session.get(HumanTask, step.id).assignee == "diego"
        assert not db.session.scalars(select(User).where(User.username == "carla")).one().active
    page.goto(server + "/admin/audit?person=carla")
    shot("7-audit")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("8-audit-phone")
    page.goto(server + "/admin/people/diego")
    shot("9-person-phone")
    page.goto(server + "/admin/audit?person=carla")
    kinds = page.locator("tr[data-kind]").evaluate_all("rows => rows.map(r => r.dataset.kind)")
    assert {"person_created", "invitation_sent", "password_set", "steps_handed_over",
            "person_deactivated"} <= set(kinds)
    assert_no_csp_violation(page)
