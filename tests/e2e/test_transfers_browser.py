"""The family's transfers in a real headless Chromium: on 20 May 2026 (months 1 and 2 begun;
nobody proved their Control Niño Sano, so month 1's was withheld on 15 April and month 2's on
16 May) the Jefe/a opens the case file's Transferencias, marks month 1's Bono de Protección
paid and sees it in the history.

Screenshots land in tests/e2e/screenshots/transfers-*.png for a person to look at.
"""

from datetime import UTC, datetime

import pytest

import engine
from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from web.extensions import db

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
MAY_20 = datetime(2026, 5, 20, 13, tzinfo=UTC)


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_the_jefe_marks_a_transfer_paid_from_the_case_file(chromium, server, web_app, entered,
                                                           device):
    SHOTS.mkdir(exist_ok=True)
    case_id, traveller = entered
    traveller.move_to(MAY_20)
    with web_app.app_context():
        engine.fire_due_timers(db.engine, MAY_20)
        db.session.remove()
    page = new_page(chromium, VIEWPORTS[device])
    sign_in(page, server, "jorge")
    page.wait_for_selector("text=Bandeja")
    page.goto(f"{server}/cases/{case_id}")
    page.get_by_role("link", name="Transferencias monetarias de la familia").click()
    page.wait_for_selector("h1:has-text('Transferencias monetarias')")
    withheld = page.locator("tr[data-status=withheld]")
    assert withheld.count() == 2
    assert "Sin acreditación del Control Niño Sano en el plazo." in withheld.first.inner_text()
    assert page.locator("tr[data-status=due]").count() == 4  # protección and base, months 1–2
    page.screenshot(path=str(SHOTS / f"transfers-{device}-1-list.png"), full_page=True)

    first = page.locator("tr[data-kind=proteccion][data-status=due]").first
    first.get_by_role("button", name="Marcar pagado").click()
    page.wait_for_selector("text=Transferencia marcada pagada.")
    paid = page.locator("tr[data-status=paid]")
    assert paid.count() == 1 and "pagada por Jorge Alvarado" in paid.inner_text()
    assert "1 · $22.000" in page.inner_text("[data-total=paid]")
    page.screenshot(path=str(SHOTS / f"transfers-{device}-2-paid.png"), full_page=True)
    assert_no_csp_violation(page)
    page.goto(f"{server}/cases/{case_id}")
    history = page.inner_text("ol.timeline")
    assert "Transferencia pagada: Bono de Protección, mes 1 ($22.000)" in history
    assert "Transferencia retenida: Bono Control Niño Sano, mes 2 ($14.000)" in history
    page.close()
