"""``flask process import`` lists every problem of a file from another tool, one line each, and
exits 0 (publishable), 1 (problems) or 2 (unusable input), never with a traceback;
``flask process export`` writes a version as a zip that imports and deploys with the same
content hash (on SQLite and PostgreSQL)."""

import shutil
import zipfile

import pytest
from sqlalchemy import select

from engine.persistence.models import ProcessDefinition
from tests.conftest import FIXTURES, ROOT
from web.extensions import db

IMPORTS = FIXTURES / "imports"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args) -> tuple[int, str, str]:
        result = runner.invoke(args=[str(a) for a in args])
        return result.exit_code, result.stdout, result.stderr

    return run


def check(cli, name: str, *options) -> tuple[int, list[str], str]:
    code, out, err = cli("process", "import", IMPORTS / name, "--check", *options)
    assert "Traceback" not in out + err
    return code, out.splitlines(), err


def test_camunda_7_lists_juel_javascript_and_the_missing_form(cli):
    code, lines, _ = check(cli, "camunda7.bpmn")
    assert code == 1
    assert ("process_intake.bpmn:19 [Flow_Yes \"yes\"]: condition: written in JUEL: rewrite "
            "as a Python expression (the original: ${approved == true})") in lines
    assert any("[Flow_No" in line and "JUEL" in line and "#{!approved}" in line
               for line in lines)
    assert any("[Task_Notify" in line and "written in JavaScript" in line for line in lines)
    assert any("form 'process_intake/review_request' not found" in line for line in lines)
    assert any(line.startswith("note: camunda7.bpmn:7 [Task_Review")
               and "candidateGroups 'caseworker' carried over" in line for line in lines)
    assert any("[Task_Score]: calls the decision 'risk_score', which no DMN file has" in line
               for line in lines)
    assert any("[Task_Mail" in line and "a service task" in line for line in lines)
    assert any("decisionRef 'risk_score' carried over" in line for line in lines)
    assert lines[-1] == "6 problem(s): not publishable yet"


def test_camunda_8_lists_feel_the_message_start_and_the_receive_task(cli):
    code, lines, _ = check(cli, "camunda8.bpmn")
    assert code == 1
    assert any("[Flow_high" in line and "written in FEEL" in line
               and "=risk_score > 7" in line for line in lines)
    assert any("[Start_Referral" in line and "starts on a message" in line
               and "make it a plain start event" in line for line in lines)
    assert any("[Wait_Report" in line and "make it a user task" in line for line in lines)
    assert any("formKey 'visit-form' carried over" in line for line in lines)


def test_several_pools_are_listed_to_choose_from_then_one_is_imported(cli, tmp_path):
    code, lines, _ = check(cli, "collaboration.bpmn")
    assert code == 1
    assert "choose one (--process ID)" in lines[0]
    assert "  process Process_Service: Atención, pool 'Servicio social', 5 element(s)" in lines
    code, lines, _ = check(cli, "collaboration.bpmn", "--process", "Process_Service",
                           "--programme", "atencion")
    assert code == 1
    assert any("[Service_Answer]" in line and "has no form" in line for line in lines)
    assert sum("messageFlow" in line and "not carried over" in line for line in lines) == 2
    assert any("pool 'Familia' not carried over" in line for line in lines)
    code, _, err = cli("process", "import", IMPORTS / "collaboration.bpmn", "--check",
                       "--process", "Nope")
    assert code == 2 and "has no process 'Nope'" in err


def test_data_stores_global_tasks_plain_and_manual_tasks_are_named(cli):
    code, lines, _ = check(cli, "datastores.bpmn")
    assert code == 1
    for element, words in (("Store_Registry", "a data store"), ("Store_Ref", "a data store"),
                           ("Global_Check", "a global task"),
                           ("Task_Lookup", "make it a user task"),
                           ("Task_File", "a manual task")):
        assert any(f"[{element} " in line and words in line for line in lines), element


def test_a_latin_1_file_declared_utf_8_is_read_with_a_warning(cli):
    code, lines, _ = check(cli, "latin1_declared_utf8.bpmn")
    assert code == 1
    assert lines[0].startswith("latin1_declared_utf8.bpmn:7: declares utf-8 but line 7 is")
    assert any("Revisión de la solicitud" in line for line in lines)


@pytest.mark.parametrize("name, words", [
    ("empty.bpmn", "the file is empty"),
    ("truncated.bpmn", "cut short (truncated)"),
])
def test_unusable_files_exit_2_with_one_line(cli, name, words):
    code, out, err = cli("process", "import", IMPORTS / name, "--check")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and words in err and "Traceback" not in err


def test_not_xml_not_bpmn_and_entities_exit_2(cli, tmp_path):
    cases = {"text.bpmn": b"hello", "other.bpmn": b"<a/>",
             "bomb.bpmn": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>'}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        code, out, err = cli("process", "import", tmp_path / name, "--check")
        assert (code, out) == (2, ""), name
        assert "Traceback" not in err and err.startswith("Error: "), err


def test_a_clean_import_is_publishable_and_writes_a_deployable_folder(cli, tmp_path):
    source = (ROOT / "processes" / "familias" / "familias.bpmn").read_bytes()
    (tmp_path / "familias.bpmn").write_bytes(source)
    code, out, _ = cli("process", "import", tmp_path / "familias.bpmn", "--programme",
                       "familias", "--check")
    assert (code, out.splitlines()[-1]) == (0, "publishable"), out
    target = tmp_path / "out"
    code, out, _ = cli("process", "import", tmp_path / "familias.bpmn", "--programme",
                       "familias", "-o", target)
    assert code == 0, out
    assert sorted(p.name for p in target.iterdir()) == ["familias.bpmn", "settings.toml",
                                                        "trayectoria.dmn"]
    code, out, err = cli("deploy", "--draft", target)
    assert code == 0 and out == "familias: version 1 (new draft)\n", (out, err)


def test_export_then_import_gives_the_same_content_hash(cli, app, tmp_path):
    assert cli("deploy", "familias")[0] == 0
    with app.app_context():
        stored = db.session.scalars(select(ProcessDefinition)).one().content_hash
    archive = tmp_path / "familias.zip"
    code, out, _ = cli("process", "export", "familias", "-o", archive)
    assert code == 0 and f"content hash {stored}" in out
    names = zipfile.ZipFile(archive).namelist()
    assert {"bundle.json", "settings.json", "process/familias.bpmn",
            "process/trayectoria.dmn", "names.json"} <= set(names)  # names travel too
    assert any(n.startswith("forms/familias/") for n in names)
    assert "BPMNDiagram" in zipfile.ZipFile(archive).read("process/familias.bpmn").decode()
    code, out, _ = cli("process", "import", archive, "--check")
    assert code == 0 and f"content hash: {stored}" in out.splitlines(), out
    folder = tmp_path / "again"
    assert cli("process", "import", archive, "-o", folder)[0] == 0
    assert 'primer_contacto = "First contact with the family"' in (
        folder / "names.toml").read_text(encoding="utf-8")
    code, out, err = cli("deploy", folder)
    assert (code, out) == (0, "familias: version 1 (unchanged)\n"), (out, err)
    assert cli("process", "export", "familias", "--version", "1", "-o", tmp_path / "b.zip")[0] == 0
    assert (tmp_path / "b.zip").read_bytes() == archive.read_bytes()


def test_export_of_an_unknown_version_is_one_line(cli, tmp_path):
    assert cli("deploy", "familias")[0] == 0
    code, out, err = cli("process", "export", "familias", "--version", "9", "-o",
                         tmp_path / "x.zip")
    assert (code, out) == (1, "") and err.startswith("Error: familias: no such version")
    assert not (tmp_path / "x.zip").exists()


def test_a_damaged_zip_exits_2(cli, tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    code, out, err = cli("process", "import", broken, "--check")
    assert (code, out) == (2, "") and "not a readable zip" in err
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../escape.bpmn", "x")
    code, _, err = cli("process", "import", evil, "--check")
    assert code == 2 and "outside it" in err


def test_deploy_of_a_latin_1_file_declared_utf_8_is_refused_in_one_line(cli, tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", folder)
    bpmn = folder / "mini.bpmn"
    bpmn.write_bytes(bpmn.read_bytes().replace(b"Visita", "Visitá".encode("latin-1"), 1))
    code, out, err = cli("deploy", folder)
    assert (code, out) == (1, "") and err.count("\n") == 1 and "Traceback" not in err
    assert "mini.bpmn" in err and "declares utf-8 but line" in err
    settings = folder / "settings.toml"
    settings.write_bytes(settings.read_bytes().replace(b"Mini", "Miní".encode("latin-1")))
    code, out, err = cli("deploy", folder)
    assert code == 1 and "is not UTF-8: save the file as UTF-8" in err and "Traceback" not in err


def test_a_bad_programme_key_or_a_missing_output_is_one_line(cli):
    code, out, err = cli("process", "import", IMPORTS / "camunda7.bpmn", "--check",
                         "--programme", "../etc")
    assert (code, out) == (1, "") and "is not a programme key" in err and err.count("\n") == 1
    code, out, err = cli("process", "import", IMPORTS / "camunda7.bpmn")
    assert code == 1 and "give --check, or -o DIR" in err
