"""In a real headless Chromium: Marta, manager of Programa Familias, opens the instruments
from *Programas*, sees the Matriz de Bienestar marked provisional, uploads a file with a
wrong row (each one listed, nothing loaded), then the official list of 63, and publishes it.
Screenshots land in tests/e2e/screenshots/instruments-*.png for a person to look at."""

import pytest

from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from tests.e2e.instruments_world import official_csv
from tests.e2e.test_programme_settings import managers  # noqa: F401 - the fixture

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
BAD = "codigo;dimension;texto\ni1;salud;Bien.\ni2;deporte;Dimensión mal escrita.\n"


@pytest.mark.usefixtures("managers")
def test_a_manager_loads_the_official_matriz_and_publishes_it(chromium, server):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS["desktop"])

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"instruments-{name}.png"), full_page=True)

    sign_in(page, server, "marta")
    page.goto(server + "/programmes")
    page.locator("a[href='/programmes/familias/instruments']").click()
    card = page.locator("[data-instrument=matriz_bienestar]")
    card.wait_for()
    assert card.get_attribute("data-state") == "provisional"
    assert card.locator("tbody tr").count() == 21
    assert card.locator("tbody .formkit-provenance--provisional").count() == 16
    shot("1-provisional")

    card.locator("input[type=file]").set_input_files(
        {"name": "matriz.csv", "mimeType": "text/csv", "buffer": BAD.encode("utf-8")})
    card.get_by_role("button", name="Cargar en el borrador").click()
    errors = page.locator("[role=alert].load-errors")
    errors.wait_for()
    assert "Fila 3, columna dimension" in errors.inner_text()
    assert page.locator("[data-instrument=matriz_bienestar] tbody tr").count() == 21
    shot("2-refused")

    card = page.locator("[data-instrument=matriz_bienestar]")
    card.locator("input[type=file]").set_input_files(
        {"name": "matriz-oficial.csv", "mimeType": "text/csv", "buffer": official_csv()})
    card.get_by_role("button", name="Cargar en el borrador").click()
    page.wait_for_selector("text=Lista cargada en el borrador: 63 indicadores")
    card = page.locator("[data-instrument=matriz_bienestar]")
    assert card.get_attribute("data-state") == "oficial"
    assert card.locator("tbody tr").count() == 63
    assert card.locator(".formkit-provenance--provisional").count() == 0
    shot("3-loaded")

    page.get_by_role("button", name="Publicar el borrador").click()
    page.wait_for_selector("text=Publicada la versión 2")
    assert "No hay borrador abierto" in page.inner_text("main")
    shot("4-published")
    assert_no_csp_violation(page)
    page.close()
