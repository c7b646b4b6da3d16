"""An administrator repairs a case in a real headless Chromium (Debian's): from the case file
to "Mover a otro paso", the dry run, the move with a reason, and the case file with the
reopened step and the move in its history. Screenshots: tests/e2e/screenshots/step-move-*.png.
"""

from datetime import date

import pytest

from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from tests.e2e.test_case_step_move_pages import add_admins, complete
from web.demo_data import contacto, ingreso

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)


def test_an_administrator_moves_a_case_back_to_the_deciding_step(chromium, server, web_app,
                                                                  start_case):
    SHOTS.mkdir(exist_ok=True)
    add_admins(web_app)
    case_id = start_case("Rojas Pérez")
    complete(web_app, case_id, "primer_contacto", contacto(date.today()))
    complete(web_app, case_id, "ingreso", ingreso(date.today()))
    page = new_page(chromium, VIEWPORTS["desktop"])

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"step-move-{name}.png"), full_page=True)

    sign_in(page, server, "ines")
    page.wait_for_selector("text=Bandeja")
    page.goto(f"{server}/cases/{case_id}")
    page.get_by_role("link", name="Mover a otro paso").click()
    page.wait_for_selector("h1:has-text('Mover a otro paso')")
    page.get_by_label("Invitación, ingreso y Carta de Compromiso").check()
    page.get_by_role("button", name="Ver qué pasaría").click()
    page.wait_for_selector("text=Qué pasaría al mover el caso")
    assert "Diagnóstico con la Matriz de Bienestar" in page.inner_text(".plan-closing")
    shot("1-dry-run")
    page.get_by_role("button", name="Mover el caso").click()  # no reason yet
    page.wait_for_selector(".field-error")
    page.get_by_label("Motivo del cambio (obligatorio)").fill(
        "La familia rechazó participar; se registró «acepta» por error.")
    page.get_by_role("button", name="Mover el caso").click()
    page.wait_for_selector("text=Caso movido al paso «Invitación, ingreso y Carta de Compromiso».")
    assert ("Caso movido al paso «Invitación, ingreso y Carta de Compromiso» desde «Diagnóstico "
            "con la Matriz de Bienestar»") in page.inner_text("ol.timeline")
    shot("2-moved")
    assert_no_csp_violation(page)
    page.close()
