"""What was recorded, in a real headless Chromium (Debian's), on a desktop and on a phone:
the case file's Matriz over time and plan, a completed step read-only, and its correction.

Screenshots land in tests/e2e/screenshots/recorded-*.png for a person to look at.
"""

import pytest

from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from tests.e2e.recorded_cases import walk_demo_case, walk_soto_fuentes

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)


@pytest.fixture
def soto_fuentes(web_app):
    return walk_soto_fuentes(web_app)


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_the_matriz_over_time_a_read_only_step_and_its_correction(chromium, server,
                                                                   soto_fuentes, device):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS[device])

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"recorded-{device}-{name}.png"), full_page=True)

    sign_in(page, server, "ana")
    page.wait_for_selector("text=Bandeja")
    page.goto(f"{server}/cases/{soto_fuentes}")
    trajectory = page.locator("section.trajectory")
    trajectory.wait_for()
    assert "Matriz de Bienestar en el tiempo" in trajectory.inner_text()
    i33 = trajectory.locator("tr", has_text="i33")
    assert i33.locator("td.cell--better").count() == 1  # crítico → cumplido at the end
    assert "Empleo estable" in page.locator("section.current-plan").inner_text()
    shot("1-case-file")
    trajectory.locator(".trajectory-scroll").first.screenshot(
        path=str(SHOTS / f"recorded-{device}-1-matriz-salud.png"))
    page.locator("section.current-plan").screenshot(
        path=str(SHOTS / f"recorded-{device}-1-plan.png"))

    page.locator("section.trajectory thead a").first.click()  # the diagnosis, read-only
    page.wait_for_selector("section[aria-labelledby=answers-title]")
    answers = page.locator("section[aria-labelledby=answers-title]")
    assert answers.locator("input, textarea, select").count() == 0  # read-only
    assert "Ana Castro" in page.locator(".recorded-status").inner_text() or \
        "Usted ya completó" in page.locator(".recorded-status").inner_text()
    shot("2-read-only")

    page.get_by_role("link", name="Corregir este paso").click()
    page.locator("#f-adultos_sin_empleo").fill("2")
    page.locator("#correction-reason").fill("Eran dos adultos sin empleo, no uno.")
    page.get_by_role("button", name="Guardar corrección").click()
    page.wait_for_selector("section.corrections")
    assert "Eran dos adultos sin empleo" in page.locator("section.corrections").inner_text()
    entry = page.locator(".answers-entry--changed")
    assert entry.count() == 1 and "2" in entry.inner_text()
    shot("3-corrected")
    page.locator("section.corrections").screenshot(
        path=str(SHOTS / f"recorded-{device}-3-correction-history.png"))
    assert_no_csp_violation(page)
    page.close()


@pytest.fixture
def bruno_galli(web_app):
    return walk_demo_case(web_app, "pippi", "Bruno Galli")


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_il_mondo_del_bambino_t0_t1_t2_side_by_side_in_italian(chromium, server, bruno_galli,
                                                               device):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS[device])
    sign_in(page, server, "marco")
    page.wait_for_url(server + "/")
    page.goto(f"{server}/cases/{bruno_galli}")
    trajectory = page.locator("section.trajectory")
    trajectory.wait_for()
    assert "Il Mondo del Bambino" in trajectory.inner_text()
    first = trajectory.locator(".trajectory-scroll").first
    assert first.locator("thead th").count() == 4  # the item, T0, T1, T2
    assert first.locator("tr.trajectory-average td.cell--better").count() == 2
    first.screenshot(path=str(SHOTS / f"recorded-{device}-4-mondo-crescere.png"))
    plan = page.locator("section.current-plan")
    assert "Raggiunto" in plan.inner_text()
    plan.screenshot(path=str(SHOTS / f"recorded-{device}-4-progetto-quadro.png"))
    assert_no_csp_violation(page)
    page.close()
