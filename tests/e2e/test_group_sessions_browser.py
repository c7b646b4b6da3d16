"""The attendance page in a real headless Chromium (Debian's), as La Serena's facilitator
uses it: from the menu to a new charla, its 21 waiting families ticked (two absent), the
session registered, and what became of each family on the page. On a phone the same page
lays the list out as cards.

Screenshots land in tests/e2e/screenshots/group-session-*.png for a person to look at.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.persistence.models import Event
from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from tests.e2e.triple_p_world import TALKS, TRIPLE_P, task_of
from web.extensions import db

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)


@pytest.fixture
def database_seed():
    return TRIPLE_P


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_the_facilitator_records_a_charla_with_its_attendance_list(
        chromium, server, web_app, seed_data, device):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS[device])

    def shot(step: str) -> None:
        page.screenshot(path=str(SHOTS / f"group-session-{device}-{step}.png"), full_page=True)

    sign_in(page, server, "lucia")
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="Sesiones grupales").click()
    page.wait_for_selector("h2:has-text('Nueva sesión')")
    assert "Lista de 20 a 200 familias por sesión." in page.inner_text("main")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).astimezone().date().isoformat()
    page.fill("input[name=fecha_sesion]", yesterday)
    page.select_option("select[name=lugar]", "jardin_infantil")
    page.select_option("select[name=tema]", "ninos_resilientes")
    shot("1-new")
    page.get_by_role("button", name="Crear sesión").click()
    page.wait_for_selector("text=Sesión creada")
    page.wait_for_load_state("load")  # the list's deferred script follows the ticks
    boxes = page.locator("input[name=attended]")
    assert boxes.count() == TALKS
    absent = seed_data["talks"][:2]
    for case_id in seed_data["talks"]:
        if case_id not in absent:
            page.check(f"input[name=attended][value='{case_id}']")
    for case_id in absent:  # on the list, not there
        page.check(f"input[name=listed][value='{case_id}']")
    assert page.is_checked(f"input[name=listed][value='{seed_data['talks'][5]}']")  # follows
    page.wait_for_selector(f"text=En la lista: {TALKS} · asistieron: {TALKS - 2}")
    shot("2-attendance")
    page.get_by_role("button", name="Registrar la sesión").click()
    page.wait_for_selector("text=Sesión registrada: 19 familias avanzaron, 2 no asistieron")
    main = page.inner_text("main")
    assert "Registrada por Lucía Fernández" in main
    assert main.count("Su caso avanzó.") == TALKS - 2
    assert main.count("No asistió: su caso sigue en el mismo paso.") == 2
    shot("3-registered")
    with web_app.app_context():
        moved = db.session.scalar(select(func.count()).where(
            Event.kind == "task_completed", Event.bpmn_id == "charla"))
    assert moved == TALKS - 2
    with web_app.app_context():
        enrolment = task_of(seed_data["newcomer"], "inscripcion")
    page.goto(f"{server}/tasks/{enrolment}")  # the places left, as the facilitator enrols
    page.wait_for_selector("text=Cupos por modalidad en La Serena")
    assert "«Talleres grupales» no tiene cupos libres" in page.inner_text("main")
    shot("4-enrolment-places")
    assert_no_csp_violation(page)
    page.close()
