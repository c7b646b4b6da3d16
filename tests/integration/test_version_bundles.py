"""A process version is a bundle: sources, the forms its tasks name and its settings schema,
one hash, and a status. Deploying an unchanged bundle makes no version; changing any part of
it does. Cases stay on their version; live settings must suit every version still in use."""

import json
import re
import shutil
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

import engine
from engine import unit_of_work
from engine.definitions import catalog, versions
from engine.persistence.models import Case, HumanTask, ProcessDefinition, ProcessInstance
from tests.conftest import FIXTURES, ROOT
from tests.integration.familias_versions import copy_familias

MONDAY = datetime(2026, 3, 2, 12, tzinfo=UTC)
VISIT = {"ubicada": True, "fecha": "2026-03-03"}


@pytest.fixture
def mini(tmp_path):
    """A copy of the mini programme and its forms, to edit."""
    folder, forms = tmp_path / "mini", tmp_path / "forms"
    shutil.copytree(FIXTURES / "mini", folder)
    shutil.copytree(FIXTURES / "forms", forms)
    return folder, forms


def deploy(session, folder, forms, **options) -> engine.DeployResult:
    with unit_of_work(session):
        return engine.deploy(session, engine.definitions.parsing.read_sources(folder),
                             engine.programmes.settings.read_settings_file(folder),
                             engine.FormLibrary(forms), "equipo", **options)


def start(session, actor, when=MONDAY) -> Case:
    with unit_of_work(session):
        return engine.start_case(session, engine.StartCase("mini", "antofagasta", "ana", "Pérez"),
                                 actor, when)


def version_of(session, case: Case) -> int:
    query = (select(ProcessDefinition.version).join(
        ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(ProcessInstance.case_id == case.id))
    return session.scalar(query)


def statuses(session, programme: str = "mini") -> list[tuple[int, str]]:
    query = (select(ProcessDefinition.version, ProcessDefinition.status)
             .where(ProcessDefinition.programme_key == programme)
             .order_by(ProcessDefinition.version))
    return [tuple(row) for row in session.execute(query)]


def edit_form(forms, key: str, change) -> None:
    path = forms / f"{key}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema), encoding="utf-8")


def edit_settings(folder, pattern: str, replacement: str) -> None:
    path = folder / "settings.toml"
    text, count = re.subn(pattern, replacement, path.read_text(encoding="utf-8"))
    assert count == 1
    path.write_text(text, encoding="utf-8")


def visit_task(session, case: Case) -> HumanTask:
    return session.scalars(select(HumanTask).where(HumanTask.case_id == case.id,
                                                   HumanTask.bpmn_id == "visita")).one()


def test_the_real_programmes_redeployed_unchanged_make_no_new_version(session, real_forms):
    for name in ("familias", "pippi"):
        with unit_of_work(session):
            first = engine.deploy_folder(session, ROOT / "processes" / name, real_forms, "equipo")
        with unit_of_work(session):
            again = engine.deploy_folder(session, ROOT / "processes" / name, real_forms, "equipo")
        assert (first.version, first.created, again.version, again.created) == (1, True, 1, False)
    bundle = session.get(ProcessDefinition, first.definition_id)
    assert "pippi/assessment_t0" in bundle.forms["schemas"]
    assert not any(key.startswith("familias/") for key in bundle.forms["schemas"])


def test_a_changed_form_alone_makes_a_new_version(session, tmp_path, real_forms):
    folder, forms = copy_familias(tmp_path)
    with unit_of_work(session):
        deployed = engine.deploy_folder(session, folder, engine.FormLibrary(forms), "equipo")
    assert deployed.version == 1
    edit_form(forms, "familias/plan", lambda s: s["properties"].update(nota={"type": "string"}))
    with unit_of_work(session):
        changed = engine.deploy_folder(session, folder, engine.FormLibrary(forms), "equipo")
    assert (changed.version, changed.created) == (2, True)
    assert statuses(session, "familias") == [(1, "retired"), (2, "published")]


def test_a_form_no_task_names_and_the_programme_name_are_not_part_of_the_version(
        session, mini):
    folder, forms = mini
    deploy(session, folder, forms)
    (forms / "mini" / "unused.json").write_text('{"type": "object"}', encoding="utf-8")
    edit_settings(folder, r'nombre = "Mini programa de prueba"', 'nombre = "Mini programa"')
    again = deploy(session, folder, forms)
    assert (again.version, again.created) == (1, False)
    assert catalog.programme(session, "mini").name == "Mini programa"


def test_changed_reference_data_or_a_changed_default_makes_a_new_version(
        session, tmp_path, real_forms):
    folder, forms = copy_familias(tmp_path)
    with unit_of_work(session):
        engine.deploy_folder(session, folder, engine.FormLibrary(forms), "equipo")
    reference = forms / "reference" / "matriz_bienestar.json"
    data = json.loads(reference.read_text(encoding="utf-8"))
    data["indicadores"][0]["texto"] += " (revisado)"
    reference.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with unit_of_work(session):
        deployed = engine.deploy_folder(session, folder, engine.FormLibrary(forms), "equipo")
    assert deployed.version == 2
    edit_settings(folder, r"dias = 60\n", "dias = 50\n")
    with unit_of_work(session):
        deployed = engine.deploy_folder(session, folder, engine.FormLibrary(forms), "equipo")
    assert deployed.version == 3


def test_a_draft_starts_no_case_until_it_is_published(session, mini, caseworker):
    folder, forms = mini
    deploy(session, folder, forms)
    edit_form(forms, "mini/visita", lambda s: s["required"].append("nota")
              or s["properties"].update(nota={"type": "string"}))
    draft = deploy(session, folder, forms, publish=False)
    assert (draft.version, draft.created) == (2, True)
    assert statuses(session) == [(1, "published"), (2, "draft")]
    on_v1 = start(session, caseworker)
    assert version_of(session, on_v1) == 1

    again = deploy(session, folder, forms)  # the same bundle, now to be published
    assert (again.version, again.created) == (2, False)
    assert statuses(session) == [(1, "retired"), (2, "published")]
    on_v2 = start(session, caseworker)
    assert version_of(session, on_v2) == 2
    with pytest.raises(engine.InvalidTaskData) as refused, unit_of_work(session):
        engine.complete(session, engine.FormLibrary(forms), visit_task(session, on_v2).id,
                        VISIT, caseworker, MONDAY)
    assert [(e.field, e.code) for e in refused.value.errors] == [("nota", "required")]
    # the retired version's case goes on, with its own form, whatever the library on disk says
    with unit_of_work(session):
        engine.complete(session, engine.FormLibrary(forms), visit_task(session, on_v1).id, VISIT,
                        caseworker, MONDAY)
    assert session.get(Case, on_v1.id).status == "closed"


def test_publishing_an_older_version_again_retires_the_newer(session, mini, caseworker):
    folder, forms = mini
    first = deploy(session, folder, forms)
    edit_settings(folder, r"dias = 5", "dias = 6")
    deploy(session, folder, forms)
    versions.publish_version(session, session.get(ProcessDefinition, first.definition_id))
    session.commit()
    assert statuses(session) == [(1, "published"), (2, "retired")]
    assert version_of(session, start(session, caseworker)) == 1


def test_a_version_before_bundles_reads_the_forms_on_disk(session, mini, caseworker):
    folder, forms = mini
    deploy(session, folder, forms)
    session.execute(update(ProcessDefinition).values(forms=None, settings_schema=None))
    session.commit()
    catalog.forget()
    case = start(session, caseworker)
    edit_form(forms, "mini/visita", lambda s: s["required"].append("nota")
              or s["properties"].update(nota={"type": "string"}))
    with pytest.raises(engine.InvalidTaskData), unit_of_work(session):
        engine.complete(session, engine.FormLibrary(forms), visit_task(session, case).id,
                        VISIT, caseworker, MONDAY)


def test_a_running_version_keeps_a_deadline_the_new_file_drops(session, mini, caseworker):
    folder, forms = mini
    deploy(session, folder, forms)
    case = start(session, caseworker)
    edit_settings(folder, r'desde = "fecha_asignacion"', 'desde = "fecha_derivacion"')
    deploy(session, folder, forms)
    programme = catalog.programme(session, "mini")
    assert programme.settings["plazos"]["visita"]["desde"] == "fecha_derivacion"
    v1 = session.scalar(select(ProcessInstance.definition_id)
                        .where(ProcessInstance.case_id == case.id))
    # version 1's cases have no fecha_derivacion: they keep counting from fecha_asignacion
    assert versions.settings_for(session, programme, v1).deadlines["visita"].anchor == \
        "fecha_asignacion"


def test_live_settings_are_checked_against_every_version_in_use(session, mini, caseworker,
                                                                 territories):
    manager = engine.Actor("marta", frozenset({"manager"}), None)
    folder, forms = mini
    deploy(session, folder, forms)
    case = start(session, caseworker)
    edit_settings(folder, r'desde = "fecha_asignacion"', 'desde = "fecha_derivacion"')
    deploy(session, folder, forms)
    with unit_of_work(session):
        engine.update_settings(session, "mini", {"plazos.visita.desde": "inicio_paso"}, manager)
    with pytest.raises(engine.InvalidSettings) as refused, unit_of_work(session):
        engine.update_settings(session, "mini", {"plazos.visita.desde": "fecha_derivacion"},
                               manager)
    error = refused.value.errors[0]
    assert (error.field, error.code, error.limit) == (
        "plazos.visita.desde", "version_anchor", ["inicio_paso", "fecha_asignacion"])
    assert "version 1" in error.message
    assert catalog.programme(session, "mini").settings["plazos"]["visita"]["desde"] == \
        "inicio_paso"  # nothing changed

    with unit_of_work(session):
        engine.complete(session, engine.FormLibrary(forms), visit_task(session, case).id, VISIT,
                        caseworker, MONDAY)  # version 1's last case closes: only version 2 is used
    with unit_of_work(session):
        engine.update_settings(session, "mini", {"plazos.visita.desde": "fecha_derivacion"},
                               manager)



def test_flask_deploy_keeps_a_changed_version_as_a_draft_when_asked(database_url, tmp_path):
    from web import create_app

    folder, forms = copy_familias(tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "PROCESSES_DIR": str(folder.parent), "FORMS_DIR": str(forms)})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["deploy"]).output == "familias: version 1 (new version)\n"
    edit_form(forms, "familias/plan", lambda s: s["properties"].update(nota={"type": "string"}))
    app.extensions["acompana.forms"] = engine.FormLibrary(forms)  # the edited files, unread
    assert runner.invoke(args=["deploy", "--draft"]).output == "familias: version 2 (new draft)\n"
    assert runner.invoke(args=["deploy", "familias"]).output == \
        "familias: version 2 (unchanged)\n"
    with app.app_context():
        from web.extensions import db

        assert statuses(db.session, "familias") == [(1, "retired"), (2, "published")]


def test_a_version_keeps_its_household_schema(session, tmp_path, real_forms, caseworker):
    """Version 2's household schema takes ages up to 100 only: its cases are checked against
    it, while version 1 keeps the schema it was deployed with (up to 120), whatever the files
    on disk say afterwards."""
    folder, forms = copy_familias(tmp_path)
    with unit_of_work(session):
        first = engine.deploy_folder(session, folder, engine.FormLibrary(forms), "equipo")
    schema_file = folder / "household.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    schema["items"]["properties"]["age"]["maximum"] = 100
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    with unit_of_work(session):
        second = engine.deploy_folder(session, folder, engine.FormLibrary(forms), "equipo")
    assert (second.version, second.created) == (2, True)  # the household schema alone changed
    command = engine.StartCase("familias", "antofagasta", "ana", "Rojas",
                               members=[{"name": "Rosa Rojas", "age": 110}])
    with pytest.raises(engine.InvalidTaskData) as refused, unit_of_work(session):
        engine.start_case(session, command, caseworker, MONDAY)
    assert [(e.field, e.code) for e in refused.value.errors] == [("members[0].age", "maximum")]
    schema_file.unlink()  # nothing is read from the files any more
    maximum = {version.definition_id: versions.household_schema_of(
        session, version.definition_id, "familias")["items"]["properties"]["age"]["maximum"]
        for version in (first, second)}
    assert maximum == {first.definition_id: 120, second.definition_id: 100}
