"""A manager imports a diagram drawn in another tool and downloads a version, in a real
headless Chromium.

Marta (a manager of Antofagasta) opens the modeler of Programa Familias, imports a Signavio
file with two pools, chooses the social service's process among them, sees the import's
problems in the list and as markers on the diagram, finds the import in the process history,
then downloads version 1 as a zip: the bytes ``flask process export`` writes. Screenshots
land in tests/e2e/screenshots/modeler-import-*.png.
"""

import pytest
from sqlalchemy import select

from engine.commands import process_import
from engine.persistence.models import ProcessDraft, ProgrammeEvent
from tests.conftest import FIXTURES
from tests.e2e.browsers import SHOTS, assert_no_csp_violation, new_page, sign_in
from web.extensions import db

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
FILE = FIXTURES / "imports" / "collaboration.bpmn"


@pytest.fixture
def marta(web_app):
    """Marta, who manages the programmes of Antofagasta."""
    from engine.persistence.models import Territory
    from tests.e2e.conftest import PASSWORD
    from web.auth.models import User
    from web.auth.passwords import hash_password

    with web_app.app_context():
        antofagasta = db.session.scalars(select(Territory).where(
            Territory.code == "antofagasta")).one()
        db.session.add(User(username="marta", full_name="Marta Ibáñez", roles="manager",
                            password_hash=hash_password(PASSWORD), territories=[antofagasta]))
        db.session.commit()
    return "marta"


def test_a_manager_imports_a_two_pool_file_and_downloads_the_export(
        chromium, server, web_app, marta, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, {"width": 1400, "height": 1000})

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"modeler-import-{name}.png"), full_page=True)

    sign_in(page, server, marta)
    page.goto(server + "/programmes/familias/modeler")
    page.wait_for_selector("#modeler-status:has-text('revisión 1')", timeout=15_000)
    page.wait_for_selector("#modeler-import-button:enabled")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_file_chooser() as chooser:
        page.click("#modeler-import-button")
    chooser.value.set_files(str(FILE))
    page.wait_for_selector("#modeler-choose:visible")
    assert "revisión 1" in asked[0] and "collaboration.bpmn" in asked[0]
    choices = page.locator("#modeler-choose-list label")
    assert choices.count() == 2
    assert "Servicio social" in choices.nth(0).inner_text() + choices.nth(1).inner_text()
    shot("1-choose")

    page.check("#modeler-choose-list input[value=Process_Service]")
    page.click("#modeler-choose-ok")
    page.wait_for_selector("#modeler-notice:has-text('importado en el borrador (revisión 2)')",
                           timeout=15_000)
    page.wait_for_selector(".djs-element.acompana-problem[data-element-id=Service_Answer]")
    assert page.is_hidden("#modeler-choose")
    problem = page.locator(".modeler__problem[data-element=Service_Answer]").first
    assert "Service_Answer" in problem.inner_text()
    assert page.locator("#modeler-history li").first.inner_text().endswith(
        "importó collaboration.bpmn (proceso Process_Service, "
        f"{page.locator('.modeler__problem:not(.modeler__problem--lint)').count()} problemas)")
    page.click("#modeler-import-notes summary")
    assert "messageFlow" in page.inner_text("#modeler-import-notes")
    shot("2-imported")

    with page.expect_download() as download:
        page.click("#modeler-export")
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "familias-v1.zip"
    assert_no_csp_violation(page)
    page.close()

    with web_app.app_context():
        _, expected = process_import.version_zip(db.session, "familias", 1)
        assert saved.read_bytes() == expected
        draft = db.session.get(ProcessDraft, "familias")
        assert draft.revision == 2 and "Service_Answer" in draft.sources["familias.bpmn"]
        event = db.session.scalars(select(ProgrammeEvent).where(
            ProgrammeEvent.kind == "draft_imported")).one()
        assert (event.actor, event.data["process"]) == ("marta", "Process_Service")


def test_in_italian_a_stale_page_is_told_and_the_encoding_is_a_problem(
        chromium, server, web_app, marta):
    page = new_page(chromium, {"width": 1280, "height": 900})
    sign_in(page, server, marta)
    page.goto(server + "/programmes/familias/modeler")
    page.select_option("select[name=locale]", "it")
    page.wait_for_selector("#modeler-status:has-text('Bozza aperta')", timeout=15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    with web_app.app_context():  # Rosa saves the same draft meanwhile
        import engine
        from engine.commands import process_drafts

        rosa = engine.Actor("rosa", frozenset({"manager"}), None)
        with engine.unit_of_work(db.session):
            process_drafts.save_draft(db.session, "familias", rosa, revision=1)
    latin1 = str(FIXTURES / "imports" / "latin1_declared_utf8.bpmn")
    page.set_input_files("#modeler-import-file", latin1)
    page.wait_for_selector("#modeler-alert:has-text('rosa ha salvato questa bozza')")
    assert page.is_visible("#modeler-reload")
    page.click("#modeler-reload")  # and imports at once: the import's problems win
    page.wait_for_selector("#modeler-status:has-text('revisione 2')")
    page.set_input_files("#modeler-import-file", latin1)
    page.wait_for_selector("#modeler-notice:has-text('importato nella bozza (revisione 3)')",
                           timeout=15_000)
    first = page.locator(".modeler__problem").first.inner_text()
    assert "dichiara" in first and "UTF-8" in first, first
    page.screenshot(path=str(SHOTS / "modeler-import-3-italiano.png"), full_page=True)
    assert_no_csp_violation(page)
    page.close()
