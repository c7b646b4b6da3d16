"""Managers change a programme's deadlines in the browser; nobody else can.

Marta manages the programmes of Antofagasta (Chile), Paola those of Somma Lombardo (Italy).
"""

from html.parser import HTMLParser

import pytest

import engine
from engine import unit_of_work
from engine.definitions import catalog
from engine.persistence.models import SettingsChange, Territory
from tests.e2e.browsers import SHOTS, VIEWPORTS, sign_in
from tests.e2e.conftest import PASSWORD, csrf_of
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

SETTINGS = "/programmes/familias/settings"
DIAGNOSIS = "plazo_diagnostico-cantidad"


@pytest.fixture
def managers(web_app):
    with web_app.app_context():
        for username, name, code in (("marta", "Marta Ibáñez", "antofagasta"),
                                     ("paola", "Paola Conti", "somma_lombardo")):
            territory = db.session.query(Territory).filter_by(code=code).one()
            db.session.add(User(username=username, full_name=name, roles="manager",
                                password_hash=hash_password(PASSWORD), territories=[territory]))
        db.session.commit()


class FormValues(HTMLParser):
    """The values a browser would submit from a page's form (inputs and selected options)."""

    def __init__(self):
        super().__init__()
        self.values, self.select = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and "selected" in attrs:
            self.values[self.select] = attrs["value"]


def form_values(page: str) -> dict[str, str]:
    parser = FormValues()
    parser.feed(page)
    return parser.values


def submit(person, **changed):
    """Send the settings form as shown, with ``changed`` values typed in."""
    values = form_values(person.get(SETTINGS).get_data(as_text=True))
    return person.client.post(SETTINGS, data={**values, **changed})


def diagnosis_days(web_app) -> int:
    with web_app.app_context():
        return catalog.settings_of(catalog.programme(db.session, "familias")) \
            .deadlines["diagnostico"].days


def recorded(web_app) -> list[SettingsChange]:
    with web_app.app_context():
        return db.session.query(SettingsChange).all()


def test_a_manager_changes_a_deadline_and_sees_it_in_the_history(as_person, managers,
                                                                   web_app):
    marta = as_person("marta")
    listing = marta.get("/programmes").get_data(as_text=True)
    assert "Programa Familias — Acompañamiento Integral" in listing
    assert "Sin cambios desde el primer despliegue" in listing
    assert 'value="60"' in marta.get(SETTINGS).get_data(as_text=True)

    response = submit(marta, **{DIAGNOSIS: "45"})
    assert response.status_code == 302
    page = marta.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cambios guardados" in page
    assert f'id="{DIAGNOSIS}" name="{DIAGNOSIS}" type="text" value="45"' in page
    history = page.split("Historial de cambios")[1]
    assert "Marta Ibáñez" in history  # by name
    assert "Diagnóstico con la Matriz de Bienestar · días: <del>60</del> → <ins>45</ins>" \
        in history
    assert diagnosis_days(web_app) == 45
    assert "Marta Ibáñez" in marta.get("/programmes").get_data(as_text=True)


def test_a_bad_value_is_shown_beside_its_field_and_nothing_is_saved(as_person, managers,
                                                                   web_app):
    response = submit(as_person("marta"), **{DIAGNOSIS: "-4",
                                             "plazo_plan-aviso_dias": "diez"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No se guardó ningún cambio" in page
    diagnosis = page.split('id="plazo-diagnostico"')[1].split("</fieldset>")[0]
    assert f'aria-describedby="{DIAGNOSIS}-error" aria-invalid="true" id="{DIAGNOSIS}"' \
        in diagnosis
    assert 'value="-4"' in diagnosis
    assert "Debe ser un número entero mayor o igual que 0." in diagnosis
    plan = page.split('id="plazo-plan"')[1].split("</fieldset>")[0]
    assert 'value="diez"' in plan and "Debe ser un número entero" in plan
    assert diagnosis_days(web_app) == 60
    assert recorded(web_app) == []


def test_a_manager_chooses_whom_an_overdue_step_is_escalated_to(as_person, managers,
                                                               web_app):
    marta = as_person("marta")
    assert submit(marta, **{"plazo_plan-escala_a": "caseworker"}).status_code == 302
    with web_app.app_context():
        rules = catalog.settings_of(catalog.programme(db.session, "familias")).deadlines
        assert rules["plan"].escalate_to == "caseworker"
        assert rules["diagnostico"].escalate_to == "supervisor"  # the default
    page = marta.get(SETTINGS).get_data(as_text=True)
    assert ("Firma del Plan Familiar de Desarrollo · al vencer, avisar además a: <del>—</del> "
            "→ <ins>la persona a cargo del caso</ins>") in page
    refused = submit(marta, **{"plazo_plan-escala_a": "alcalde"})
    assert refused.status_code == 422
    plan = refused.get_data(as_text=True).split('id="plazo-plan"')[1].split("</fieldset>")[0]
    assert ("Elija a quién más avisar: la supervisión del territorio, la gestión del programa "
            "en el territorio, la persona a cargo del caso.") in plan


def test_a_form_without_its_csrf_token_is_refused(as_person, managers, web_app):
    marta = as_person("marta")
    values = form_values(marta.get(SETTINGS).get_data(as_text=True))
    del values["csrf_token"]
    response = marta.client.post(SETTINGS, data={**values, DIAGNOSIS: "45"})
    assert response.status_code == 400
    assert diagnosis_days(web_app) == 60


def test_a_form_opened_before_someone_elses_change_does_not_overwrite_it(as_person, managers,
                                                                         web_app):
    marta = as_person("marta")
    values = form_values(marta.get(SETTINGS).get_data(as_text=True))
    with web_app.app_context():
        other = engine.Actor("admin.cl", frozenset({"admin"}), None)
        with unit_of_work(db.session):
            engine.update_settings(db.session, "familias", {"plazos.diagnostico.dias": 50}, other)
    response = marta.client.post(SETTINGS, data={**values, "plazo_plan-cantidad": "80"},
                                 follow_redirects=True)
    assert "Otra persona cambió estos plazos" in response.get_data(as_text=True)
    assert diagnosis_days(web_app) == 50
    assert [c.actor for c in recorded(web_app)] == ["admin.cl"]


@pytest.mark.parametrize("username", ["ana", "jorge"])
def test_caseworkers_and_supervisors_are_refused(as_person, managers, web_app, username):
    person = as_person(username)
    assert ">Programas<" not in person.get("/").get_data(as_text=True)
    assert person.get("/programmes").status_code == 403
    assert person.get(SETTINGS).status_code == 403
    token = csrf_of(person.get("/").get_data(as_text=True))
    response = person.client.post(SETTINGS, data={DIAGNOSIS: "45", "csrf_token": token})
    assert response.status_code == 403
    assert diagnosis_days(web_app) == 60


def test_a_manager_sees_only_the_programmes_of_their_country(as_person, managers):
    marta, paola = as_person("marta"), as_person("paola")
    assert ">Programas<" in marta.get("/").get_data(as_text=True)
    assert "Programa Familias" not in paola.get("/programmes").get_data(as_text=True)
    assert paola.get(SETTINGS).status_code == 403
    assert marta.get("/programmes/pippi/settings").status_code == 404


@pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
def test_a_manager_edits_a_deadline_in_the_browser(chromium, server, managers, web_app):
    SHOTS.mkdir(exist_ok=True)
    page = chromium.new_page(viewport=VIEWPORTS["desktop"])
    sign_in(page, server, "marta")
    page.get_by_role("link", name="Programas").click()
    page.get_by_role("link", name="Programa Familias — Acompañamiento Integral").click()
    page.fill(f"#{DIAGNOSIS}", "cuarenta")
    page.click("text=Guardar cambios")
    error = page.locator(f"#{DIAGNOSIS}-error")
    error.wait_for()
    assert "número entero" in error.inner_text()
    page.locator("#plazo-diagnostico").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "desktop-8-settings-error.png"))

    page.fill(f"#{DIAGNOSIS}", "45")
    page.select_option("#plazo_diagnostico-unidad", "habiles")
    page.click("text=Guardar cambios")
    page.wait_for_selector("text=Cambios guardados")
    assert page.input_value(f"#{DIAGNOSIS}") == "45"
    history = page.locator("#historial").inner_text()
    assert "Diagnóstico con la Matriz de Bienestar · días: 60 → 45" in history
    assert "unidad: días corridos → días hábiles" in history
    page.screenshot(path=str(SHOTS / "desktop-9-settings-saved.png"), full_page=True)
    page.close()
    assert diagnosis_days(web_app) == 45
