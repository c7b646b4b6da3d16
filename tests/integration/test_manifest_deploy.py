"""A renamed step refused at deploy by the manifest check, naming the report that needs it."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.persistence.models import ProcessDefinition, Programme

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def familias(tmp_path) -> Path:
    """A copy of processes/familias a test may edit."""
    return Path(shutil.copytree(ROOT / "processes" / "familias", tmp_path / "familias"))


def rename_step(folder: Path, old: str, new: str) -> None:
    """Rename a step the way a modeler does: its id and every reference to it."""
    path = folder / "familias.bpmn"
    text = path.read_text(encoding="utf-8")
    for pattern in ('id="{}"', 'attachedToRef="{}"', 'sourceRef="{}"', 'targetRef="{}"',
                    ">{}<"):
        text = text.replace(pattern.format(old), pattern.format(new))
    path.write_text(text, encoding="utf-8")


def refused(session, folder: Path, forms) -> list[str]:
    with pytest.raises(engine.InvalidProcess) as raised, unit_of_work(session):
        engine.deploy_folder(session, folder, forms, "equipo-procesos")
    assert session.scalar(select(func.count()).select_from(ProcessDefinition)) == 0
    assert session.get(Programme, "familias") is None  # not even the settings
    return [str(p) for p in raised.value.problems]


def test_a_renamed_step_is_refused_naming_the_report_that_needs_it(session, real_forms,
                                                                   familias):
    rename_step(familias, "diagnostico", "diagnostico_familiar")
    problems = refused(session, familias, real_forms)
    assert ('manifest.toml:13: step "diagnostico" needed by the familias report is not in '
            "familias.bpmn") in problems
    assert ('manifest.toml:24: step "diagnostico" needed by the demo is not in familias.bpmn'
            in problems)


def test_a_name_for_a_step_the_process_lacks_is_refused_with_its_line(session, real_forms,
                                                                      familias):
    rename_step(familias, "diagnostico", "diagnostico_familiar")
    manifest = familias / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        '"diagnostico"', '"diagnostico_familiar"'), encoding="utf-8")
    lines = (familias / "names.toml").read_text(encoding="utf-8").splitlines()
    english = lines.index('diagnostico = "Diagnosis with the Wellbeing Matrix"') + 1
    problems = refused(session, familias, real_forms)
    assert (f'names.toml:{english} [diagnostico]: step "diagnostico" of [en.steps] is not in '
            "the process: correct the id or remove the line") in problems


def test_a_names_file_with_an_unknown_language_is_refused(session, real_forms, familias):
    names = familias / "names.toml"
    names.write_text(names.read_text(encoding="utf-8") + '\n[fr]\nprogramme = "Familles"\n',
                     encoding="utf-8")
    problems = refused(session, familias, real_forms)
    assert any(p.startswith("names.toml:") and "unknown language [fr]" in p for p in problems)


def test_the_unchanged_copy_deploys(session, real_forms, familias):
    with unit_of_work(session):
        result = engine.deploy_folder(session, familias, real_forms, "equipo-procesos")
    assert result.created and result.programme == "familias" and result.version == 1


def test_the_renamed_step_deploys_once_the_manifest_follows(session, real_forms, familias):
    rename_step(familias, "diagnostico", "diagnostico_familiar")
    manifest = familias / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        '"diagnostico"', '"diagnostico_familiar"'), encoding="utf-8")
    names = familias / "names.toml"  # its names in other languages follow too
    names.write_text(names.read_text(encoding="utf-8").replace(
        "\ndiagnostico =", "\ndiagnostico_familiar ="), encoding="utf-8")
    with unit_of_work(session):
        assert engine.deploy_folder(session, familias, real_forms, "equipo-procesos").created


def test_a_lost_outcome_is_refused(session, real_forms, familias):
    path = familias / "familias.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'name="outcome" value="traslado"', 'name="outcome" value="cambio_comuna"'), "utf-8")
    assert ('manifest.toml:8: outcome "traslado" needed by the familias report is not the '
            "outcome of any end event in familias.bpmn") in refused(session, familias, real_forms)


def test_a_field_dropped_from_a_form_is_refused(session, real_forms, familias, tmp_path):
    forms_dir = Path(shutil.copytree(ROOT / "forms", tmp_path / "forms"))
    form = forms_dir / "familias" / "seguimiento.json"
    form.write_text(form.read_text(encoding="utf-8").replace(
        '"acciones_realizadas"', '"acciones_hechas"'), encoding="utf-8")
    problems = refused(session, familias, engine.FormLibrary(forms_dir))
    assert ('manifest.toml:9: field "acciones_realizadas" needed by the familias report is '
            'not set by step "seguimiento"') in problems


def test_a_manifest_field_naming_an_unknown_step_is_refused(session, real_forms, familias):
    manifest = familias / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        '"diagnosis.matriz"', '"diagnosys.matriz"', 1), encoding="utf-8")
    problems = refused(session, familias, real_forms)
    assert problems == ['manifest.toml: field "diagnosys.matriz" of [report] names step '
                        '"diagnosys", which [report.steps] does not list']
