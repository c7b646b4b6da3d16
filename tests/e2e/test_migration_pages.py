"""A programme's manager sees, before publishing a draft, what it would do to the running cases;
plans a migration of them from one version to another (which cases, where a removed step's
cases go, whether deadlines keep their date), sees the dry run case by case, starts it, follows
it and rolls it back; nobody else may, and a wrong address or value is told in words and changes
nothing.

The world (tests/e2e/migration_pages_world.py): twelve Familias cases in Antofagasta left on
6 March 2026: 2 at first contact, 2 at entry, 3 at diagnosis, 3 at the plan step version 2
removes, 1 in its sessions, 1 with its deadlines paused.
"""

import html
import re
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.commands import migrations, process_drafts
from engine.persistence.models import (
    Case,
    CaseMigration,
    HumanTask,
    MigrationBatch,
    ProcessInstance,
)
from tests.e2e.migration_pages_world import LEFT_AT, MIGRATION_PAGES
from web import migration_runs
from web.demo_data import diagnostico
from web.extensions import db

BASE = "/programmes/familias/migrations"
MARTA = engine.Actor("marta", frozenset({"manager"}), None)
MAPPED = f"{BASE}/new?from=1&to=2&map.plan=diagnostico&deadlines=keep&simulate=1"


@pytest.fixture
def database_seed():
    return MIGRATION_PAGES


@pytest.fixture(autouse=True)
def clock():
    """The day the cases were left (timers due later do not fire meanwhile)."""
    with time_machine.travel(datetime.fromisoformat(LEFT_AT), tick=False) as traveller:
        yield traveller


@pytest.fixture
def started(monkeypatch):
    """The batches the pages start (run by the test itself, to the end, when it says so)."""
    batches = []
    monkeypatch.setattr(migration_runs, "start", lambda app, batch_id: batches.append(batch_id))
    return batches


def text(response) -> str:
    page = re.sub(r"<script.*?</script>|<[^>]+>", " ", response.get_data(as_text=True),
                  flags=re.DOTALL)
    return " ".join(html.unescape(page).split())


def part(response, pattern: str) -> str:
    found = re.search(pattern, response.get_data(as_text=True), re.DOTALL)
    assert found, pattern
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def batches(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MigrationBatch))


def open_draft(app) -> None:
    with app.app_context(), unit_of_work(db.session):
        process_drafts.open_draft(db.session, "familias", MARTA)  # begun from version 2


def run_batch(app, batch_id: int):
    with app.app_context():
        return migrations.run_batch(db.engine, batch_id)


def complete(app, task_id: str, data: dict) -> None:
    """Ana does a step of her case (the case moves on)."""
    ana = engine.Actor("ana", frozenset({"caseworker"}), None)
    with app.app_context():
        if db.session.get(HumanTask, task_id).assignee is None:
            with unit_of_work(db.session):
                engine.claim(db.session, task_id, ana)
        with unit_of_work(db.session):
            engine.complete(db.session, app.extensions["acompana.forms"], task_id, data, ana)


def migrate(as_person, app, started, url: str = MAPPED) -> int:
    marta = as_person("marta")
    sent = marta.post(f"{BASE}/new", dict(re.findall(
        r'type="hidden" name="([^"]+)" value="([^"]*)"',
        marta.get(url).get_data(as_text=True).split('class="migration-go"')[1])),
        token_from=url)
    assert sent.status_code == 302
    batch_id = started[-1]
    assert sent.headers["Location"].endswith(f"{BASE}/{batch_id}")
    run_batch(app, batch_id)
    return batch_id


def test_the_draft_compared_shows_how_many_running_cases_sit_at_each_removed_step_and_why(
        web_app, as_person, seed_data):
    open_draft(web_app)
    marta = as_person("marta")
    page = marta.get("/programmes/familias/versions/compare?to=draft")
    assert page.status_code == 200
    impact = part(page, r'<section class="impact".*?</section>')
    assert "Impacto en los casos en curso" in impact
    assert ("12 casos en curso (versiones 1, 2): pasarían por sí solos: 8; necesitan una "
            "correspondencia: 3; no pueden pasar: 1.") in impact
    plan = part(page, r'<tr data-element="plan">.*?</tr>')
    assert plan.startswith("Plan Familiar de Desarrollo se elimina Antofagasta: 3 0 3 0")
    assert "El paso «Plan Familiar de Desarrollo» (plan) no existe en la nueva versión" in plan
    assert f'href="{BASE}/new?to=3"' in page.get_data(as_text=True)
    print(f"\nimpact section: {part(page, r'data-ms=.[0-9]+')} ms")
    two_versions = marta.get("/programmes/familias/versions/compare?from=1&to=2")
    assert two_versions.status_code == 200 and 'id="impact"' not in two_versions.get_data(
        as_text=True)  # only a draft is shown with its impact
    modeler = marta.get("/programmes/familias/modeler").get_data(as_text=True)
    assert "Ver impacto en casos en curso" in modeler
    assert 'href="/programmes/familias/versions/compare?to=draft#impact"' in modeler


def test_the_impact_section_waits_for_the_version_to_be_published_before_planning(
        web_app, as_person):
    page = as_person("marta").get(f"{BASE}/new?to=3")
    assert page.status_code == 200
    assert "La versión 3 todavía no está publicada" in text(page)


def test_a_new_migration_offers_the_versions_with_cases_the_filters_and_a_mapping_per_gone_step(
        web_app, as_person):
    page = as_person("marta").get(f"{BASE}/new?from=1&to=2")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert '<option value="1" selected>1 (12 casos en curso)</option>' in body
    assert '<option value="antofagasta">Antofagasta</option>' in body
    assert '<option value="plan">Plan Familiar de Desarrollo (3)</option>' in body
    assert '<option value="ana">Ana Castro</option>' in body
    mapping = part(page, r'<select name="map.plan".*?</select>')
    assert "Diagnóstico" in mapping and "Encuesta de egreso" in mapping
    assert 'name="map.sesion"' not in body  # kept by version 2: mapped by its id


def test_the_dry_run_lists_each_case_and_changes_nothing(web_app, as_person, seed_data):
    marta = as_person("marta")
    page = marta.get(f"{BASE}/new?from=1&to=2&simulate=1")
    assert page.status_code == 200
    assert ("Casos elegidos: 12. Pasan por sí solos: 8; pasan con la correspondencia: 0; "
            "necesitan una correspondencia: 3; no pueden pasar: 1.") in text(page)
    at_plan = part(page, rf'<tr data-case="{seed_data["plan"][0]}".*?</tr>')
    assert ("Antofagasta Ana Castro Plan Familiar de Desarrollo necesita una correspondencia"
            in at_plan)
    assert "no existe en la nueva versión: indique a qué paso pasa" in at_plan
    paused = part(page, rf'<tr data-case="{seed_data["paused"][0]}".*?</tr>')
    assert "no puede pasar Los plazos del caso están en pausa." in paused
    contact = part(page, rf'<tr data-case="{seed_data["primer_contacto"][0]}".*?</tr>')
    assert "pasa por sí solo" in contact and re.search(r"\(vencimiento\): \S+ \S+ / ", contact)
    assert "Migrar 8 casos" in text(page)

    mapped = marta.get(MAPPED)
    assert "Migrar 11 casos" in text(mapped)
    assert "pasa con la correspondencia" in part(
        mapped, rf'<tr data-case="{seed_data["plan"][0]}".*?</tr>')
    assert batches(web_app) == 0


def test_migrating_starts_a_batch_whose_page_shows_each_case_and_the_list_shows_it(
        web_app, as_person, started, seed_data):
    batch_id = migrate(as_person, web_app, started)
    marta = as_person("marta")
    page = marta.get(f"{BASE}/{batch_id}")
    assert page.status_code == 200
    assert 'data-state="done"' in page.get_data(as_text=True)
    assert "12 / 12 casos tratados · 11 migrados · 1 no migrados · 0 fallidos" in text(page)
    paused = part(page, rf'<tr data-case="{seed_data["paused"][0]}".*?</tr>')
    assert "no migrado" in paused and "Los plazos del caso están en pausa." in paused
    assert f'href="/cases/{seed_data["plan"][0]}"' in page.get_data(as_text=True)
    progress = marta.get(f"{BASE}/{batch_id}/progress").get_json()
    assert progress == {"status": "done", "total": 12, "done": 12, "migrated": 11,
                        "skipped": 1, "failed": 0, "pending": 0, "rolled_back": 0,
                        "to_roll_back": 0, "finished": True}
    listing = part(marta.get(BASE), rf'<tr data-batch="{batch_id}".*?</tr>')
    assert "versión 1 → 2" in listing and "todos los casos en curso" in listing
    assert "Marta Ibáñez" in listing and "terminada" in listing
    assert "11 migrados, 1 no migrados, 0 fallidos, 0 devueltos" in listing


def test_the_list_counts_a_batch_under_way_as_it_is_now(web_app, as_person, started):
    marta = as_person("marta")
    sent = marta.post(f"{BASE}/new", dict(re.findall(
        r'type="hidden" name="([^"]+)" value="([^"]*)"',
        marta.get(MAPPED).get_data(as_text=True).split('class="migration-go"')[1])),
        token_from=MAPPED)
    assert sent.status_code == 302
    batch_id = started[-1]
    with web_app.app_context():
        migrations.migrate_next(db.engine, batch_id, limit=3)  # a runner three cases in
    listing = part(marta.get(BASE), rf'<tr data-batch="{batch_id}".*?</tr>')
    assert "en curso" in listing and "3 migrados, 0 no migrados, 0 fallidos" in listing


def test_a_selection_by_territory_step_and_caseworker_takes_only_those_cases(
        web_app, as_person, started, seed_data):
    url = (f"{BASE}/new?from=1&to=2&territory=antofagasta&step=diagnostico&caseworker=ana"
           f"&deadlines=recompute&simulate=1")
    page = as_person("marta").get(url)
    assert re.findall(r'<tr data-case="(\d+)"', page.get_data(as_text=True)) == [
        str(c) for c in seed_data["diagnostico"] + seed_data["paused"]]
    batch_id = migrate(as_person, web_app, started, url)
    shown = as_person("marta").get(f"{BASE}/{batch_id}")
    assert "en «Diagnóstico con la Matriz de Bienestar»" in text(shown)
    assert "se recalculan con la regla nueva" in text(shown)


def test_the_batch_is_rolled_back_except_a_case_that_moved_on_which_is_listed_with_why(
        web_app, as_person, started, seed_data):
    batch_id = migrate(as_person, web_app, started)
    moved_on, back = seed_data["diagnostico"][:2]
    ana = as_person("ana")
    task_id = ana.open_tasks(moved_on)["diagnostico"]
    complete(web_app, task_id, diagnostico(datetime.fromisoformat(LEFT_AT).date()))
    marta = as_person("marta")
    one = marta.post(f"{BASE}/{batch_id}/cases/{back}/rollback", token_from=f"{BASE}/{batch_id}")
    assert one.status_code == 302
    refused = marta.post(f"{BASE}/{batch_id}/cases/{moved_on}/rollback",
                         token_from=f"{BASE}/{batch_id}")
    assert refused.status_code == 409
    assert "avanzó después de la migración" in part(refused, r'<ul class="refusal-list".*?</ul>')
    paused = seed_data["paused"][0]
    skipped = marta.post(f"{BASE}/{batch_id}/cases/{paused}/rollback",
                         token_from=f"{BASE}/{batch_id}")
    assert skipped.status_code == 409
    assert f"El caso {paused} no fue migrado (estado: no migrado)." in text(skipped)
    asked = marta.post(f"{BASE}/{batch_id}/rollback", token_from=f"{BASE}/{batch_id}")
    assert asked.status_code == 302 and started[-1] == batch_id
    running = marta.get(f"{BASE}/{batch_id}")
    assert "se está deshaciendo en segundo plano" in text(running)
    assert "deshaciéndose" in text(running) and 'id="rollback-batch"' not in text(running)
    figures = marta.get(f"{BASE}/{batch_id}/progress").get_json()
    assert (figures["status"], figures["to_roll_back"], figures["finished"]) == (
        "rolling_back", 10, False)
    run_batch(web_app, batch_id)  # the background runner, to the end
    page = marta.get(f"{BASE}/{batch_id}")
    assert "10 devueltos" in text(page) and "terminada" in text(page)
    why = part(page, r'<ul class="refusal-list".*?</ul>')
    assert f"Caso {moved_on} : El caso {moved_on} avanzó después de la migración" in why
    assert "Ana Castro" in why
    with web_app.app_context():
        versions = dict(db.session.execute(select(ProcessInstance.case_id,
                                                  ProcessInstance.definition_id)).all())
    assert sorted(c for c, v in versions.items() if v != 1) == [moved_on]


@pytest.mark.parametrize(("username", "words"), [
    ("ana", "Su rol no le permite hacer esto."),
    ("jorge", "Su rol no le permite hacer esto."),
    ("paola", "Lei non lavora in nessun territorio di CL, dove opera familias."),
])
def test_only_the_programmes_managers_may_see_or_start_migrations(
        web_app, as_person, started, username, words):
    person = as_person(username)
    for path in (BASE, f"{BASE}/new", MAPPED, f"{BASE}/1", f"{BASE}/1/progress"):
        answer = person.get(path)
        assert (answer.status_code, words in text(answer)) == (403, True), path
    sent = person.post(f"{BASE}/new", {"from": "1", "to": "2"}, token_from="/")
    assert sent.status_code == 403
    back = person.post(f"{BASE}/1/rollback", token_from="/")
    assert back.status_code == 403
    assert batches(web_app) == 0 and started == []


def test_the_draft_impact_is_not_shown_to_whom_may_not_migrate(web_app, as_person):
    open_draft(web_app)
    page = as_person("jorge").get("/programmes/familias/versions/compare?to=draft")
    assert page.status_code == 403 and "Impacto" not in text(page)


@pytest.mark.parametrize(("url", "status", "words"), [
    ("/programmes/nada/migrations", 404, "no existe"),
    (f"{BASE}/new?from=7&to=2&simulate=1", 404, "No existe la versión familias v7"),
    (f"{BASE}/new?from=uno&to=2", 422, "«uno» no es un número de versión."),
    (f"{BASE}/new?from=1&to=99999999999999&simulate=1", 422, "no es un número de versión"),
    (f"{BASE}/new?from=2&to=2&simulate=1", 422, "son la misma"),
    (f"{BASE}/new?from=1&to=2&map.plan=nada&simulate=1", 422,
     "«Plan Familiar de Desarrollo» no puede pasar a «nada»"),
    (f"{BASE}/new?from=1&to=2&map.plan=recordatorio_ingreso&simulate=1", 422,
     "no puede pasar a «recordatorio_ingreso»"),
    (f"{BASE}/new?from=1&to=2&map.diagnostico=ingreso&simulate=1", 422, "no lleva correspondencia"),
    (f"{BASE}/new?from=1&to=2&step=inventado&simulate=1", 422,
     "El paso «inventado» no es un paso de la versión 1."),
    (f"{BASE}/new?from=1&to=2&territory=marte&simulate=1", 422, "Ese territorio no tiene"),
    (f"{BASE}/new?from=1&to=2&caseworker=nadie&simulate=1", 422, "Esa persona no tiene"),
    (f"{BASE}/new?from=1&to=2&deadlines=siempre&simulate=1", 422, "conservan su fecha o se"),
    (f"{BASE}/404", 404, "No existe la migración 404."),
    (f"{BASE}/abc", 404, "no existe"),
    (f"{BASE}/99999999999999999999", 404, "no existe"),
])
def test_a_wrong_address_or_value_is_told_in_words_and_changes_nothing(
        web_app, as_person, url, status, words):
    answer = as_person("marta").get(url)
    assert answer.status_code == status
    assert words in text(answer)
    assert batches(web_app) == 0


def test_a_posted_migration_is_checked_again_and_needs_its_form_token(
        web_app, as_person, started):
    marta = as_person("marta")
    bad = marta.post(f"{BASE}/new", {"from": "1", "to": "2", "map.plan": "fin_egreso"},
                     token_from=f"{BASE}/new")
    assert bad.status_code == 422 and "no puede pasar a «fin_egreso»" in text(bad)
    same = marta.post(f"{BASE}/new", {"from": "2", "to": "2"}, token_from=f"{BASE}/new")
    assert same.status_code == 422
    forged = marta.client.post(f"{BASE}/new", data={"from": "1", "to": "2"})
    assert forged.status_code == 400
    assert batches(web_app) == 0 and started == []


def test_migrating_is_refused_when_the_cases_changed_since_the_dry_run(
        web_app, as_person, started, seed_data):
    marta = as_person("marta")
    dry_run = marta.get(MAPPED).get_data(as_text=True).split('class="migration-go"')[1]
    fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', dry_run))
    assert fields["expected"] == "12"
    with web_app.app_context(), unit_of_work(db.session):  # a case closes meanwhile
        db.session.get(Case, seed_data["ingreso"][0]).status = "closed"
    sent = marta.post(f"{BASE}/new", fields, token_from=MAPPED)
    assert sent.status_code == 409
    assert "Los casos elegidos cambiaron desde la simulación: no se migró nada." in text(sent)
    assert batches(web_app) == 0 and started == []


def test_a_batch_is_only_found_under_its_own_programme(web_app, as_person, started, tmp_path):
    batch_id = migrate(as_person, web_app, started)
    with web_app.app_context(), unit_of_work(db.session):
        from tests.conftest import ROOT

        engine.deploy_folder(db.session, ROOT / "processes" / "comunidad_crece",
                             web_app.extensions["acompana.forms"], "marta")
    marta = as_person("marta")
    elsewhere = marta.get(f"/programmes/comunidad_crece/migrations/{batch_id}")
    assert elsewhere.status_code == 404 and f"No existe la migración {batch_id}." in text(elsewhere)
    back = marta.post(f"/programmes/comunidad_crece/migrations/{batch_id}/rollback",
                      token_from=BASE)
    assert back.status_code == 404
    with web_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CaseMigration).where(
            CaseMigration.status == "rolled_back")) == 0


@pytest.mark.parametrize(("locale", "migrated", "rolled_back"), [
    ("es", "Caso migrado de la versión 1 a la 2 (correspondencia: Plan Familiar de Desarrollo "
           "→ Diagnóstico con la Matriz de Bienestar; plazos: conservan su fecha)",
     "Migración deshecha: el caso vuelve de la versión 2 a la 1"),
    ("it", "Caso migrato dalla versione 1 alla 2 (corrispondenza: Piano familiare di sviluppo → "
           "Diagnosi con la Matrice del Benessere; scadenze: mantengono la loro data)",
     "Migrazione annullata"),
    ("en", "Case migrated from version 1 to 2 (mapping: Family Development Plan → Diagnosis "
           "with the Wellbeing Matrix; deadlines: keep their date)", "Migration rolled back"),
])
def test_the_case_history_tells_the_migration_and_its_rollback_in_the_readers_language(
        web_app, as_person, started, seed_data, locale, migrated, rolled_back):
    batch_id = migrate(as_person, web_app, started)
    case_id = seed_data["plan"][0]
    marta = as_person("marta")
    marta.post(f"{BASE}/{batch_id}/cases/{case_id}/rollback", token_from=f"{BASE}/{batch_id}")
    marta.post("/account/language", {"locale": locale, "next": "/"})
    history = text(marta.get(f"/cases/{case_id}"))
    assert migrated in history and rolled_back in history


@pytest.mark.parametrize(("locale", "words"), [
    ("it", ["Migrazioni dei casi", "Nuova migrazione", "Simulazione: cosa succederebbe a ogni caso",
            "Avanzamento", "11 migrati, 1 non migrati"]),
    ("en", ["Case migrations", "New migration", "Simulation: what would happen to each case",
            "Progress", "11 migrated, 1 not migrated"]),
])
def test_the_migration_pages_read_in_italian_and_english(
        web_app, as_person, started, locale, words):
    batch_id = migrate(as_person, web_app, started)
    marta = as_person("marta")
    marta.post("/account/language", {"locale": locale, "next": "/"})
    pages = " ".join(text(marta.get(path)) for path in (BASE, MAPPED, f"{BASE}/{batch_id}"))
    for expected in words:
        assert expected in pages
