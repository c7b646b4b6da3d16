"""Every step reaches a person, in a real headless Chromium (Debian's), on a desktop and on
a phone: the Comunidad Crece tutor finds his tutorings in his inbox; the coordinator transfers
a case with a picker; a rights alert reaches the coordinator at once (inbox and notices); an
overdue review shows its own due date and closes by itself when the late step is done.

Screenshots land in tests/e2e/screenshots/routing-*.png for a person to look at.
"""

from datetime import UTC, datetime

import pytest

import engine
from engine import unit_of_work
from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from tests.e2e.conftest import PASSWORD
from tests.e2e.crece_world import CRECE, add_crece, complete, tasks, tutored_case
from tests.entry import sweep
from web.demo_data_crece import tutoria
from web.extensions import db

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
DEVICES = list(VIEWPORTS)


@pytest.fixture
def database_seed():
    """Coquimbo's team and Comunidad Crece come with the seed (add_crece finds them)."""
    return CRECE


def _page(chromium, device: str, name: str):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS[device])

    def shot(step: str) -> None:
        page.screenshot(path=str(SHOTS / f"routing-{name}-{device}-{step}.png"), full_page=True)

    return page, shot


@pytest.mark.parametrize("device", DEVICES)
def test_the_tutor_finds_his_tutorings_in_his_inbox(chromium, server, web_app, device):
    add_crece(web_app, PASSWORD)
    tutored_case(web_app, "Matías Rojas")
    page, shot = _page(chromium, device, "tutor-inbox")
    sign_in(page, server, "tomas")
    page.wait_for_selector("main a:has-text('Tutoría individual')")
    assert "Matías Rojas" in page.inner_text("main")
    shot("1-inbox")
    page.get_by_role("link", name="Tutoría individual").first.click()
    page.wait_for_selector("text=Instrucciones")
    assert "Enviar" in page.inner_text("main")  # his to work, not someone else's
    shot("2-task")
    assert_no_csp_violation(page)
    page.close()


@pytest.mark.parametrize("device", DEVICES)
def test_the_coordinator_transfers_a_case_with_a_picker(chromium, server, web_app, device):
    add_crece(web_app, PASSWORD)
    case_id = tutored_case(web_app, "Sofía Muñoz", people={"coordinador": "rodrigo"})
    assert tasks(web_app, case_id) == {"tutoria": None}
    with web_app.app_context():  # the dupla had taken the tutoring
        row_id = db.session.execute(db.text("select id from human_task")).scalar()
        with unit_of_work(db.session):
            engine.claim(db.session, row_id, engine.Actor("valentina", frozenset(
                {"caseworker"}), None))
    page, shot = _page(chromium, device, "transfer")
    sign_in(page, server, "rodrigo")
    page.goto(f"{server}/cases/{case_id}")
    page.wait_for_selector("text=Personas a cargo")
    shot("1-case-file")
    options = page.locator("form.transfer select[name=to] option").all_inner_texts()
    assert options == ["Elija a una persona", "Camila Vega", "Tomás Olivares"]
    page.select_option("form.transfer select[name=to]", "camila")
    page.get_by_role("button", name="Transferir").click()
    page.wait_for_selector("text=Caso transferido a Camila Vega.")
    page.wait_for_selector("text=Caso transferido de Valentina Pizarro a Camila Vega",
                           state="attached")  # the history line, however the page lays it out
    shot("2-transferred")
    assert tasks(web_app, case_id) == {"tutoria": "camila"}
    assert_no_csp_violation(page)
    page.close()


@pytest.mark.parametrize("device", DEVICES)
def test_a_rights_alert_reaches_the_coordinator_at_once(chromium, server, web_app, device):
    add_crece(web_app, PASSWORD)
    case_id = tutored_case(web_app, "Diego Castillo")
    with web_app.app_context():
        complete(case_id, "tutoria", tutoria(datetime.now(UTC).date(), alerta=True),
                 datetime.now(UTC))
    assert tasks(web_app, case_id)["atender_alerta"] == "rodrigo"
    page, shot = _page(chromium, device, "urgent")
    sign_in(page, server, "rodrigo")
    page.wait_for_selector("main a:has-text('Atender alerta de vulneración de derechos')")
    assert "Diego Castillo" in page.inner_text("main")
    shot("1-inbox")
    page.goto(f"{server}/notifications/")
    page.wait_for_selector("text=Urgente")
    assert "Paso urgente para Rodrigo Cortés: Atender alerta" in page.inner_text("main")
    shot("2-notices")
    assert_no_csp_violation(page)
    page.close()


@pytest.mark.parametrize("device", DEVICES)
def test_an_overdue_review_closes_by_itself_when_the_step_is_done(chromium, server, web_app,
                                                                  device):
    add_crece(web_app, PASSWORD)
    case_id = tutored_case(web_app, "Camila Araya")
    with web_app.app_context():
        sweep(db.session, datetime.now(UTC))  # months later: the tutoring is overdue
    assert {"tutoria", "revisar_atraso_tutoria"} <= set(tasks(web_app, case_id))
    page, shot = _page(chromium, device, "review")
    sign_in(page, server, "rodrigo")
    page.goto(f"{server}/cases/{case_id}")
    page.get_by_role("link", name="Revisar atraso: Tutoría individual").click()
    page.wait_for_selector("text=Instrucciones")
    text = page.inner_text("main")
    assert "3 días hábiles" in text and "vence" in text.lower()
    pickers = page.locator("select[name=persona_paso] option").all_inner_texts()
    assert "Camila Vega" in pickers and "Rodrigo Cortés" not in pickers
    shot("1-review")
    with web_app.app_context():  # meanwhile the tutor records the tutoring
        complete(case_id, "tutoria", tutoria(datetime.now(UTC).date()), datetime.now(UTC))
    page.goto(f"{server}/cases/{case_id}")
    page.wait_for_selector("text=Historia")
    main = page.inner_text("main")
    assert "Revisión cerrada sola: «Tutoría individual» ya se completó" in main
    assert "Revisar atraso: Tutoría individual" not in page.inner_text(".open-tasks")
    shot("2-closed")
    assert_no_csp_violation(page)
    page.close()
