"""In a real headless Chromium: Jorge, supervisor in Antofagasta, opens *Importar familias*
from the menu, uploads a registry export (Latin-1, semicolons) of 1,500 families, three of them
with a wrong RUT, corrects the column the page guessed wrong, reads the dry run, runs the
import, watches the progress bar fill and downloads the per-row report. Screenshots land in
tests/e2e/screenshots/household-import-*.png for a person to look at."""

import pytest

from tests.e2e.browsers import (
    SHOTS,
    VIEWPORTS,
    assert_no_csp_violation,
    new_page,
    phone_screenshot,
    sign_in,
)
from tests.integration.import_files import registry_csv

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)


def export() -> bytes:
    """The export as the registry writes it, its family column named unusually."""
    text, _bad = registry_csv(1500, bad_every=500, first=40_000_000)
    return text.replace("Apellidos", "Grupo familiar", 1).encode("latin-1")


def test_a_supervisor_imports_a_registry_export_in_the_browser(chromium, server, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS["desktop"])

    def shot(name: str, phone: bool = False) -> None:
        page.screenshot(path=str(SHOTS / f"household-import-{name}.png"), full_page=True)
        if phone:  # and as a phone shows it: nothing wider than the screen
            phone_screenshot(page, SHOTS / f"household-import-{name}-phone.png")

    sign_in(page, server, "jorge")
    page.get_by_role("link", name="Importar familias").click()
    page.locator("#file").set_input_files({"name": "rsh-antofagasta.csv",
                                           "mimeType": "text/csv", "buffer": export()})
    shot("1-upload", phone=True)
    page.get_by_role("button", name="Subir y elegir columnas").click()
    page.wait_for_selector("#import-mapping")
    assert "windows-1252" in page.inner_text("#file-facts")
    assert page.locator("#map-national_id").input_value() == "RUT"
    assert page.locator("#map-family_name").input_value() == ""  # not a name it knows
    page.select_option("#map-family_name", "Grupo familiar")
    shot("2-mapping", phone=True)

    page.get_by_role("button", name="Revisar (ensayo, no guarda nada)").click()
    page.wait_for_selector("#dry-run-result")
    totals = page.locator("#dry-totals")
    assert totals.locator("[data-figure=created]").inner_text() == "1497"
    assert totals.locator("[data-figure=failed]").inner_text() == "3"
    failed = page.locator("tr[data-status=failed]")
    assert failed.count() == 3
    assert "Columna «RUT»: El dígito verificador del RUT no corresponde." in \
        failed.first.inner_text()
    shot("3-dry-run", phone=True)

    page.get_by_role("button", name="Importar 1497 familias").click()
    page.wait_for_selector("#import-progress")
    assert page.locator("#progress-bar").count() == 1
    page.wait_for_function("() => { const bar = document.getElementById('progress-bar');"
                           " return bar && bar.value > 0; }", timeout=60_000)
    shot("4-progress")  # the bar filling, most often part-way
    page.wait_for_selector("#import-progress[data-state=done]", timeout=120_000)
    page.wait_for_load_state("load")
    figures = page.locator("#progress-figures")
    assert figures.locator("[data-figure=created]").inner_text() == "1497"
    assert figures.locator("[data-figure=failed]").inner_text() == "3"
    assert page.locator("#progress-bar").get_attribute("value") == "1500"
    assert page.locator("tr[data-row]").count() == 3
    shot("5-done", phone=True)

    with page.expect_download() as download:
        page.locator("#report-csv").click()
    saved = tmp_path / "report.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1501 and lines[0].startswith("fila,resultado")
    assert sum(1 for line in lines if ",error," in line) == 3
    assert_no_csp_violation(page)
    page.close()
