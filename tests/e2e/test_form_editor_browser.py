"""A manager edits a Familias form in a real headless Chromium: adds a required text field,
sees it in the live preview (the caseworker's renderer), breaks it and sees the problem.
The editor's bundle is built by ./dev (tools/build_assets.mjs), like the modeler's."""

import json

import pytest

from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from tests.e2e.test_programme_settings import managers  # noqa: F401 - the fixture

EDIT = "/programmes/familias/forms/familias/primer_contacto/edit"

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)


@pytest.mark.usefixtures("managers")
def test_a_manager_adds_a_required_field_sees_it_previewed_and_sees_a_problem(
        chromium, server):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS["desktop"])

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"form-editor-{name}.png"), full_page=True)

    sign_in(page, server, "marta")
    page.goto(server + "/programmes/familias/forms")
    page.get_by_role("link", name="Editar Primer contacto").click()
    page.wait_for_selector("#form-editor[data-ready=true]")
    page.wait_for_selector("#form-editor[data-previewed]")
    preview = page.frame_locator(".fe-preview-frame")
    preview.locator(".formkit").wait_for()
    shot("1-opened")

    page.click("button[data-fe-add='/']")
    card = page.locator(".fe-fields-box > .fe-field-list > .fe-fields > li").last
    card.locator(".fe-name").fill("telefono")
    card.locator(".fe-label").fill("Teléfono de contacto")
    card.locator(".fe-required").check()
    label = preview.locator("label[for=f-telefono]")
    label.wait_for()
    assert "Teléfono de contacto" in label.inner_text()
    preview.locator("label[for=f-telefono] .formkit-required").wait_for()
    assert page.locator("#fe-problems").inner_text().strip() == "Sin problemas."
    shot("2-field-added")

    card.locator(".fe-name").fill("mal nombre")
    problem = card.locator(".fe-card-problems li").first
    problem.wait_for()
    assert "«mal nombre»" in problem.inner_text()
    assert "mal nombre" in page.locator("#fe-problems").inner_text()
    assert "fe-card--problem" in card.locator(".fe-card").get_attribute("class")
    assert page.locator(".fe-stale").is_visible()  # the preview is the last one that drew
    page.fill("#fe-form-title", "Primer contacto")
    page.click("#fe-problems .fe-goto")  # the problem in the list leads to its field
    assert page.evaluate("document.activeElement.className") == "fe-name"
    shot("3-problem")

    card.locator(".fe-name").fill("telefono")
    page.locator(".fe-card--problem").first.wait_for(state="detached")  # (no eval: the CSP)
    page.click(".fe-save")
    page.wait_for_selector(".fe-status:has-text('Formulario guardado en el borrador.')")
    shot("4-saved")
    assert page.locator("#fe-json").input_value().count('"telefono"') >= 2  # field + required
    assert_no_csp_violation(page)
    page.close()


@pytest.mark.usefixtures("managers")
def test_choices_a_repeating_group_the_matriz_and_the_json_view(chromium, server):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS["desktop"])
    sign_in(page, server, "marta")
    page.goto(server + "/programmes/familias/forms/familias/visita/edit")  # a new form
    page.wait_for_selector("#form-editor[data-ready=true]")
    preview = page.frame_locator(".fe-preview-frame")
    page.fill("#fe-form-title", "Visita domiciliaria")
    cards = page.locator(".fe-fields-box > .fe-field-list > .fe-fields > li")

    page.click("button[data-fe-add='/']")
    page.click("button[data-fe-add='/']")
    page.click("button[data-fe-add='/']")
    first, second, third = cards.nth(0), cards.nth(1), cards.nth(2)
    first.locator(".fe-kind").select_option("choices")
    first.locator(".fe-label").fill("Temas tratados")
    first.locator(".fe-choices").fill("salud | Salud\nvivienda | Vivienda y entorno")
    second.locator(".fe-label").fill("Asistentes")
    second.locator(".fe-kind").select_option("group")
    third.locator(".fe-kind").select_option("grid")
    third.locator(".fe-label").fill("Matriz de la visita")

    preview.locator("label:has-text('Vivienda y entorno') input[type=checkbox]").wait_for()
    preview.locator(".formkit-field--group button.formkit-add").wait_for()
    preview.locator("table.formkit-grid").first.wait_for()
    assert page.locator(".fe-group .fe-card").count() == 1  # the group's own first field
    page.screenshot(path=str(SHOTS / "form-editor-5-kinds.png"), full_page=True)

    page.click(".fe-json-box summary")
    schema = json.loads(page.locator("#fe-json").input_value())
    group = next(n for n in schema["properties"].values() if n.get("type") == "array"
                 and n["items"].get("type") == "object")
    inner = next(iter(group["items"]["properties"].values()))
    inner.update(minLength=5, maxLength=2)
    broken = json.dumps(schema, indent=2, ensure_ascii=False)
    page.fill("#fe-json", broken)
    problem = second.locator(".fe-card-problems li").first
    problem.wait_for()
    assert "mínimo (5)" in problem.inner_text()
    page.screenshot(path=str(SHOTS / "form-editor-6-json.png"), full_page=True)
    assert_no_csp_violation(page)
    page.close()
