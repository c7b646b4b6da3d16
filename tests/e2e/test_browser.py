"""A caseworker's day in a real headless Chromium (Debian's), on a desktop and on a phone.

Screenshots land in tests/e2e/screenshots/ for a person to look at (tests/e2e/browsers.py).
"""

import pytest

from engine import unit_of_work
from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from tests.e2e.conftest import PASSWORD
from tests.entry import sweep

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_a_caseworker_fixes_a_rejected_submission_and_finds_it_in_the_timeline(
        chromium, server, start_case, device):
    start_case("Rojas Pérez")
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS[device])

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{device}-{name}.png"), full_page=True)

    page.goto(server + "/")
    page.fill("#username", "ana")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Mis tareas")
    shot("1-inbox")

    page.get_by_role("link", name="Primer contacto con la familia").click()
    page.wait_for_selector("text=Instrucciones")
    page.check("input[name=familia_ubicada][value=true]")
    page.fill("input[name=intentos]", "2")
    shot("2-task")
    page.click("button[value=submit]")
    error = page.locator(".formkit-error").first
    error.wait_for()
    assert "Este campo es obligatorio." in error.inner_text()
    assert page.input_value("input[name=intentos]") == "2"
    shot("3-error")

    page.fill("input[name=fecha_contacto]", "2026-03-05")
    page.click("button[value=submit]")
    page.wait_for_selector("text=completada")
    shot("4-done")

    page.get_by_role("link", name="Rojas Pérez").first.click()
    page.wait_for_selector("text=Historia")
    timeline = page.locator(".timeline").inner_text()
    assert "Primer contacto con la familia" in timeline
    page.wait_for_selector("#diagram[data-ready=true]", timeout=10_000)
    assert page.locator("#diagram svg .djs-element").count() > 5  # bpmn-js drew the process
    shot("5-case")
    assert_no_csp_violation(page)
    page.close()


def test_a_plan_with_two_goals_is_built_with_the_add_button(chromium, server, start_case,
                                                            web_app):
    from datetime import date

    import engine
    from engine.persistence.models import Event
    from web import demo_data
    from web.extensions import db

    case_id = start_case("Vega Muñoz")
    with web_app.app_context():
        forms = web_app.extensions["acompana.forms"]
        ana = engine.Actor("ana", frozenset({"caseworker"}), None)
        for step, data in (("primer_contacto", demo_data.contacto(date.today())),
                           ("ingreso", demo_data.ingreso(date.today())),
                           ("diagnostico", demo_data.diagnostico(date.today()))):
            row = next(t for t in engine.list_tasks(db.session, ana) if t.bpmn_id == step)
            with unit_of_work(db.session):
                engine.complete(db.session, forms, row.id, data, ana)
    page = new_page(chromium, VIEWPORTS["desktop"])
    sign_in(page, server, "ana")
    page.get_by_role("link", name="Plan Familiar de Desarrollo").click()
    page.fill("input[name=fecha_firma_plan]", date.today().isoformat())
    page.select_option("select[name='metas[0].dimension']", "salud")
    page.fill("[name='metas[0].meta']", "Controles de salud al día")
    page.fill("[name='metas[0].acciones[0].accion']", "Pedir hora en el CESFAM")
    page.fill("[name='metas[0].acciones[0].responsable']", "Carla")
    page.fill("input[name='metas[0].acciones[0].fecha_limite']", "2026-12-30")
    page.locator("[data-formkit-add='f-metas']").click()
    new_goal = page.locator("#f-metas-rows > .formkit-item").last
    new_goal.locator("select[name$='.dimension']").select_option("ingresos")
    new_goal.locator("[name$='].meta']").fill("Ahorro mensual")
    new_goal.locator("[name$='.acciones[0].accion']").fill("Abrir cuenta RUT")
    new_goal.locator("[name$='.acciones[0].responsable']").fill("Luis")
    new_goal.locator("input[name$='.acciones[0].fecha_limite']").fill("2027-01-15")
    page.screenshot(path=str(SHOTS / "desktop-6-plan.png"), full_page=True)
    page.click("button[value=submit]")
    page.wait_for_selector("text=completada")
    with web_app.app_context():
        submitted = db.session.query(Event).filter_by(case_id=case_id, bpmn_id="plan").one()
        goals = [g["meta"] for g in submitted.data["submitted"]["metas"]]
    assert goals == ["Controles de salud al día", "Ahorro mensual"]
    assert_no_csp_violation(page)
    page.close()


def test_a_supervisor_sees_the_overdue_dashboard(chromium, server, start_case, web_app):
    from datetime import UTC, datetime

    from web.extensions import db

    for n, month in enumerate((1, 2, 3, 4)):
        start_case(f"Familia {n}", at=datetime(2026, month, 2, 12, tzinfo=UTC))
    with web_app.app_context():
        sweep(db.session)
    page = new_page(chromium, VIEWPORTS["desktop"])
    sign_in(page, server, "jorge")
    page.get_by_role("link", name="Atrasos").click()
    page.wait_for_selector("svg.trend")
    assert "4 pasos vencidos" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "desktop-7-dashboard.png"), full_page=True)
    assert_no_csp_violation(page)
    page.close()


def test_the_language_picker_switches_at_once_under_the_policy(chromium, server):
    page = new_page(chromium, VIEWPORTS["desktop"])
    sign_in(page, server, "ana")
    page.wait_for_selector("text=Mis tareas")
    page.wait_for_load_state("load")  # language.js (deferred) listens from then on
    page.select_option("select[name=locale]", "it")  # language.js submits on change
    page.wait_for_selector("text=Le mie attività")
    assert_no_csp_violation(page)
    page.close()


def test_inline_script_would_be_blocked(chromium, server):
    page = new_page(chromium, VIEWPORTS["desktop"])
    page.goto(server + "/login")
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__ran = true'; document.body.append(s); }""")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in page.evaluate("window.__csp"))
    page.close()
