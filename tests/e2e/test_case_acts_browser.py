"""A withdrawal recorded from the case file in a real headless Chromium (Debian's), on a
desktop and on a phone: Ana opens the Acciones menu, is told what a blank form lacks, records
the withdrawal, and the case file shows the case closed and the act in its history; and she
hands another family over to La Serena, whose caseworker finds it with its hand-over step.

Screenshots land in tests/e2e/screenshots/acts-*.png for a person to look at.
"""

import pytest
from sqlalchemy import select

from engine.persistence.models import Territory
from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from tests.e2e.conftest import PASSWORD
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_a_caseworker_records_a_withdrawal_from_the_case_file(chromium, server, start_case,
                                                              device):
    SHOTS.mkdir(exist_ok=True)
    case_id = start_case("Rojas Pérez")
    page = new_page(chromium, VIEWPORTS[device])

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"acts-{device}-{name}.png"), full_page=True)

    sign_in(page, server, "ana")
    page.wait_for_selector("text=Bandeja")
    page.goto(f"{server}/cases/{case_id}")
    page.get_by_text("Acciones", exact=True).click()
    menu = page.locator(".acts-menu")
    assert menu.get_attribute("open") is not None
    assert [t.strip() for t in menu.locator("li a").all_inner_texts()] == [
        "Desistimiento de la familia", "Traslado a otra comuna", "Alerta de protección",
        "Cambio en la familia", "Mesa de Análisis de Caso", "Contacto o sesión adicional"]
    shot("1-menu")

    menu.get_by_role("link", name="Desistimiento de la familia").click()
    page.wait_for_selector("h1:has-text('Desistimiento de la familia')")
    assert "cierra el caso" in page.inner_text(".warning")
    page.get_by_role("button", name="Registrar").click()
    page.wait_for_selector("text=Revise los campos marcados: no se registró nada.")
    assert page.locator("[aria-invalid=true]").count() >= 2
    shot("2-blank-refused")

    page.get_by_label("Fecha del desistimiento").fill("2026-03-10")
    page.get_by_label("Decisión de la familia").check()
    page.get_by_label("Detalle").fill("La familia se muda con parientes al sur.")
    page.get_by_role("button", name="Registrar").click()
    page.wait_for_selector("text=Acción registrada: Desistimiento de la familia.")
    facts = page.inner_text("dl.facts")
    assert "Cerrado (Desistimiento)" in facts
    assert page.locator(".acts-menu").count() == 0  # a closed case offers no more acts
    history = page.inner_text("ol.timeline")
    assert "Acción registrada: Desistimiento de la familia" in history
    assert "Caso cerrado" in history
    shot("3-closed")
    assert_no_csp_violation(page)
    page.close()


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_a_caseworker_hands_a_family_over_to_another_comuna(chromium, server, start_case,
                                                             web_app, device):
    SHOTS.mkdir(exist_ok=True)
    with web_app.app_context():
        serena = db.session.scalars(select(Territory).where(Territory.code == "la_serena")).one()
        db.session.add(User(username="rosa", full_name="Rosa Díaz", roles="caseworker",
                            password_hash=hash_password(PASSWORD), territories=[serena]))
        db.session.commit()
    case_id = start_case("Muñoz Soto")
    page = new_page(chromium, VIEWPORTS[device])

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"acts-{device}-move-{name}.png"), full_page=True)

    sign_in(page, server, "ana")
    page.wait_for_selector("text=Bandeja")
    page.goto(f"{server}/cases/{case_id}/acts/traslado")
    page.get_by_label("Fecha del traslado").fill("2026-03-10")
    page.get_by_role("radio", name="La Serena", exact=True).check()  # the one comuna offered
    page.get_by_label("Rosa Díaz — La Serena").check()
    page.get_by_label("Motivo del traslado").fill("Nuevo trabajo en La Serena")
    shot("1-form")
    page.get_by_role("button", name="Registrar").click()
    page.wait_for_selector("text=El caso pasó a otro territorio")
    shot("2-handed-over")
    page.close()

    rosa = new_page(chromium, VIEWPORTS[device])
    sign_in(rosa, server, "rosa")
    rosa.wait_for_selector("text=Bandeja")
    rosa.goto(f"{server}/cases/{case_id}")
    facts = rosa.inner_text("dl.facts")
    assert "La Serena" in facts and "Rosa Díaz" in facts
    assert "Recibir familia trasladada" in rosa.inner_text("ul.open-tasks")
    assert "Caso trasladado de Antofagasta a La Serena" in rosa.inner_text("ol.timeline")
    rosa.screenshot(path=str(SHOTS / f"acts-{device}-move-3-received.png"), full_page=True)
    assert_no_csp_violation(rosa)
    rosa.close()
