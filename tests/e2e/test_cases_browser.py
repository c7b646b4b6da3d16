"""The cases page in a real headless Chromium (Debian's), on a desktop and on a phone: a
supervisor finds a family by its RUT as typed and by the start of its name.

Screenshots land in tests/e2e/screenshots/cases-*.png for a person to look at.
"""

from datetime import UTC, datetime, timedelta

import pytest

import engine
from engine import unit_of_work
from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from web.extensions import db

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)
FAMILIES = [("Rojas Pérez", "12.345.678-5", "ana"), ("Muñoz Soto", None, "pedro"),
            ("Araya Díaz", None, "ana"), ("Soto Vega", "11.111.111-1", "pedro")]


@pytest.fixture
def families(web_app):
    with web_app.app_context():
        actor = engine.Actor("jorge", frozenset({"supervisor"}), None)
        for n, (family, national_id, caseworker) in enumerate(FAMILIES):
            command = engine.StartCase("familias", "antofagasta", caseworker, family,
                                       national_id=national_id,
                                       members=[{"name": f"Carla {family.split()[0]}",
                                                 "age": 34}])
            with unit_of_work(db.session):
                engine.start_case(db.session, command, actor, MARCH_2 + timedelta(days=n))


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_a_supervisor_finds_a_family_by_rut_and_by_name(chromium, server,
                                                         families, device):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS[device])

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"cases-{device}-{name}.png"), full_page=True)

    sign_in(page, server, "jorge")
    page.wait_for_selector("text=Bandeja")
    page.get_by_role("link", name="Casos", exact=True).click()
    page.wait_for_selector("text=4 casos")
    shot("1-all")

    page.fill("input[name=national_id]", "12345678-5")
    page.get_by_role("button", name="Buscar").click()
    page.wait_for_selector("text=1 caso")
    assert "national_id=12345678-5" in page.url  # bookmarkable
    assert page.locator("table.cases tbody tr").count() == 1
    assert "Rojas Pérez" in page.locator("table.cases").inner_text()
    shot("2-by-rut")

    page.fill("input[name=national_id]", "12.345.678-9")
    page.get_by_role("button", name="Buscar").click()
    page.wait_for_selector("#national_id-error")
    assert "No es un RUT ni un codice fiscale válido." in page.inner_text("#national_id-error")
    shot("3-bad-rut")

    page.fill("input[name=national_id]", "")
    page.fill("input[name=q]", "sot")
    page.select_option("select[name=sort]", "family")
    page.get_by_role("button", name="Buscar").click()
    page.wait_for_selector("text=2 casos")
    rows = page.locator("table.cases tbody tr")
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(2)] == [
        "Muñoz Soto", "Soto Vega"]
    assert "Pedro Morales" in page.locator("table.cases").inner_text()
    shot("4-by-name")

    page.get_by_role("link", name="Soto Vega").click()
    page.wait_for_selector("text=Historia")
    assert_no_csp_violation(page)
    page.close()
