"""In the browser: a manager sees, on the compare page of the draft, how many running cases sit
at the step the draft removes and why they need a mapping; plans the migration, maps the
removed step, simulates it, presses "Migrar" and watches the progress bar reach 100 % (the
batch runs in a thread of the web process: no Redis here). Screenshots (desktop and phone) go
to tests/e2e/screenshots/."""

import threading
from datetime import datetime

import pytest
import time_machine

import engine
from engine import unit_of_work
from engine.commands import process_drafts
from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from tests.e2e.migration_pages_world import LEFT_AT, MIGRATION_PAGES
from web import migration_runs
from web.extensions import db

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
MARTA = engine.Actor("marta", frozenset({"manager"}), None)
BASE = "/programmes/familias/migrations"


@pytest.fixture
def database_seed():
    return MIGRATION_PAGES


@pytest.fixture
def gate(monkeypatch):
    """Batches start (in their thread, as deployed without Redis) once the test opens the
    gate, so the page is seen while its batch waits."""
    opened, real = threading.Event(), migration_runs.start

    def start(app, batch_id):
        threading.Thread(target=lambda: opened.wait(60) and real(app, batch_id),
                         daemon=True).start()

    monkeypatch.setattr(migration_runs, "start", start)
    return opened


@pytest.fixture
def world(web_app, gate):
    """The seeded cases on the day they were left (the clock ticks from there), a draft open,
    and batches run in a thread."""
    web_app.config["REDIS_URL"] = None
    with time_machine.travel(datetime.fromisoformat(LEFT_AT), tick=True):
        with web_app.app_context(), unit_of_work(db.session):
            process_drafts.open_draft(db.session, "familias", MARTA)
        yield web_app


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_manager_sees_the_impact_of_the_draft_then_migrates_and_watches_the_progress_bar(
        chromium, server, world, gate, size):
    page = new_page(chromium, VIEWPORTS[size])
    sign_in(page, server, "marta")
    page.goto(server + "/programmes/familias/modeler")
    page.get_by_role("link", name="Ver impacto en casos en curso").click()
    impact = page.locator("#impact")
    impact.wait_for()
    assert "12 casos en curso" in impact.locator("#impact-total").text_content()
    row = impact.locator('tr[data-element="plan"]')
    assert row.locator(".impact-needs").text_content().strip() == "3"
    assert "Antofagasta: 3" in row.text_content()
    impact.scroll_into_view_if_needed()
    impact.screenshot(path=str(SHOTS / f"{size}-migration-impact.png"))

    page.goto(server + f"{BASE}/new?from=1&to=2")
    page.select_option('select[name="map.plan"]', "diagnostico")
    page.get_by_role("button", name="Simular").click()
    plan = page.locator("#migration-plan")
    plan.wait_for()
    assert "pasan con la correspondencia: 3" in plan.locator("#plan-totals").text_content()
    page.screenshot(path=str(SHOTS / f"{size}-migration-dry-run.png"), full_page=size == "desktop")
    if size == "phone":  # the first cases of the dry run, as the phone shows them
        page.evaluate("document.getElementById('plan-title').scrollIntoView()")
        page.screenshot(path=str(SHOTS / "phone-migration-dry-run-cases.png"))

    page.get_by_role("button", name="Migrar 11 casos").click()
    page.wait_for_selector('#migration-progress[data-state="running"]')
    assert page.locator("#progress-bar").get_attribute("value") == "0"
    page.screenshot(path=str(SHOTS / f"{size}-migration-waiting.png"))
    gate.set()  # the batch runs; the page follows it by itself
    # the page rendered "running"; only its script, polling, sees the end (and reloads)
    page.wait_for_selector('#migration-progress[data-state="done"] #progress-bar[value="12"]')
    page.wait_for_selector(".batch-cases tr[data-status=migrated]")
    bar = page.locator("#progress-bar")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "12"
    assert page.locator('[data-figure="migrated"]').text_content() == "11"
    assert page.locator(".batch-cases tr[data-status=migrated]").count() == 11
    page.screenshot(path=str(SHOTS / f"{size}-migration-done.png"))
    page.locator("#migration-progress").screenshot(path=str(SHOTS / f"{size}-migration-bar.png"))
    assert_no_csp_violation(page)
    page.close()
