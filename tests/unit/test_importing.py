"""Importing BPMN from other tools and version zips: pure functions, bytes in, sources and
problems out (tests/fixtures/imports holds files in the shapes other tools write)."""

import tomllib
import zipfile
from io import BytesIO

import pytest
from lxml import etree

import engine
from engine.definitions import bundle_zip, bundles, field_order, importing, manifest
from engine.definitions.encoding import decode
from engine.definitions.parsing import read_sources
from engine.programmes import settings_toml
from tests.conftest import FIXTURES, ROOT

IMPORTS = FIXTURES / "imports"
FORMS = engine.FormLibrary(ROOT / "forms")
NS = importing.NS


def imported(name: str, **options) -> importing.ImportResult:
    return importing.import_bpmn((IMPORTS / name).read_bytes(), name, **options)


def tree(result: importing.ImportResult):
    [text] = result.sources.values()
    return etree.fromstring(text.encode())


def test_utf_8_declared_and_true_is_read_as_it_is():
    text, problems = decode("<?xml version='1.0' encoding='UTF-8'?><a>ñ</a>".encode(), "f")
    assert (text.endswith("<a>ñ</a>"), problems) == (True, [])


def test_latin_1_bytes_in_a_file_declared_utf_8_are_read_with_a_problem():
    data = (IMPORTS / "latin1_declared_utf8.bpmn").read_bytes()
    text, [problem] = decode(data, "x.bpmn")
    assert "Revisión de la solicitud" in text
    assert (problem.code, problem.line, problem.params["used"]) == (
        "import.encoding_fallback", 7, "cp1252")


def test_a_declared_latin_1_file_and_a_bom_are_honoured():
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>'.encode("latin-1")
    assert decode(latin, "f") == ('<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>', [])
    utf16 = "\ufeff<a>é</a>".encode("utf-16-le")
    assert decode(utf16, "f") == ("<a>é</a>", [])
    unknown = b'<?xml version="1.0" encoding="klingon"?><a/>'
    text, [problem] = decode(unknown, "f")
    assert text.endswith("<a/>") and "klingon" in problem.message


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"), (b"  \n ", "empty"), (b"hello", "not_xml"), (b"<a/>", "not_bpmn"),
    ((IMPORTS / "truncated.bpmn").read_bytes(), "truncated"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>',
     "dtd"),
    (b"<a>" + b" " * (importing.MAX_BYTES + 1) + b"</a>", "too_large"),
])
def test_unusable_input_says_why(data, reason):
    with pytest.raises(importing.UnusableImport) as raised:
        importing.parse(data, "f.bpmn")
    assert raised.value.reason == reason and raised.value.code == "import.unusable"


def test_camunda_7_form_key_and_candidate_groups_are_carried_over():
    result = imported("camunda7.bpmn", programme="acogida")
    assert list(result.sources) == ["acogida.bpmn"] and result.chosen == "Process_Intake"
    root = tree(result)
    [process] = root.findall("bpmn:process", NS)
    assert (process.get("id"), process.get("isExecutable")) == ("acogida", "true")
    task = process.find("bpmn:userTask", NS)
    [prop] = task.findall("bpmn:extensionElements/spiff:properties/spiff:property", NS)
    assert (prop.get("name"), prop.get("value")) == ("formKey", "acogida/review_request")
    [lane] = process.findall("bpmn:laneSet/bpmn:lane", NS)
    assert lane.get("name") == "caseworker"
    assert [r.text for r in lane.findall("bpmn:flowNodeRef", NS)] == ["Task_Review"]
    assert root.find(".//bpmndi:BPMNPlane", NS).get("bpmnElement") == "acogida"
    assert result.settings == {"programa": {"clave": "acogida", "nombre": "Intake",
                                            "pais": "CL", "idioma": "es"},
                               "roles": {"caseworker": "caseworker"}}
    assert [(n.code, n.params["attribute"]) for n in result.notes] == [
        ("import.carried", "formKey"), ("import.carried", "candidateGroups"),
        ("import.not_carried", "assignee"), ("import.carried", "decisionRef")]
    decision = process.find("bpmn:businessRuleTask/bpmn:extensionElements/spiff:calledDecisionId",
                            NS)
    assert decision.text == "risk_score"


def test_camunda_8_zeebe_form_and_assignment_are_carried_over():
    result = imported("camunda8.bpmn")
    assert result.chosen == "home-visit" and list(result.sources) == ["home_visit.bpmn"]
    task = tree(result).find(".//bpmn:userTask", NS)
    ext = task.find("bpmn:extensionElements", NS)
    assert ext.find("zeebe:formDefinition", NS) is not None  # kept, and harmless
    prop = ext.find("spiff:properties/spiff:property", NS)
    assert prop.get("value") == "home_visit/visit_form"
    assert tree(result).find(".//bpmn:lane", NS).get("name") == "supervisor"
    assert {n.params["value"] for n in result.notes} == {"visit-form", "supervisor",
                                                         "=caseworker"}


def test_several_pools_are_listed_and_none_is_chosen_for_the_caller():
    result = imported("collaboration.bpmn")
    assert result.chosen is None and result.sources == {}
    assert [(p.id, p.pool, p.steps) for p in result.processes] == [
        ("Process_Service", "Servicio social", 5), ("Process_Family", "Familia", 7)]
    [problem] = result.problems
    assert problem.code == "import.choose_process"


def test_the_chosen_pool_is_kept_with_its_diagram_the_others_are_listed():
    result = imported("collaboration.bpmn", process_id="Process_Service")
    root = tree(result)
    assert [p.get("id") for p in root.findall("bpmn:process", NS)] == ["process_service"]
    assert root.find("bpmn:collaboration", NS) is None
    shapes = {s.get("bpmnElement") for s in root.iter(f"{{{importing.BPMNDI}}}BPMNShape")}
    assert shapes == {"Lane_Worker", "Service_Start", "Service_Answer", "Service_End"}
    assert root.find(".//bpmndi:BPMNPlane", NS).get("bpmnElement") == "process_service"
    assert sorted(n.params["attribute"] for n in result.notes) == ["messageFlow",
                                                                  "messageFlow", "pool"]
    with pytest.raises(importing.UnusableImport):
        imported("collaboration.bpmn", process_id="nope")


def test_what_cannot_run_is_listed_by_the_checks_never_a_crash():
    result = importing.import_and_check((IMPORTS / "datastores.bpmn").read_bytes(),
                                        "datastores.bpmn", FORMS)
    assert sorted((p.code, p.element) for p in result.problems) == [
        ("process.cannot_run", "Global_Check"), ("process.cannot_run", "Store_Ref"),
        ("process.cannot_run", "Store_Registry"), ("process.stalls", "Task_File"),
        ("process.stalls", "Task_Lookup")]


@pytest.mark.parametrize("value, name", [
    ("embedded:app:forms/review-request.html", "review_request"),
    ("camunda-forms:deployment:intake.form", "intake"), ("visit-form", "visit_form"),
    ("app:forms/Plan.html", "plan"), ("???", "formulario"),
])
def test_form_references_become_form_names(value, name):
    assert importing.form_key(value) == name


def test_familias_imports_as_itself_and_checks_clean():
    folder = ROOT / "processes" / "familias"
    settings = tomllib.loads((folder / "settings.toml").read_text(encoding="utf-8"))
    result = importing.import_and_check((folder / "familias.bpmn").read_bytes(),
                                        "familias.bpmn", FORMS, programme="familias",
                                        raw_settings=settings,
                                        decisions=read_sources(folder))
    assert result.problems == [] and result.notes == []
    assert sorted(result.sources) == ["familias.bpmn", "trayectoria.dmn"]


def test_settings_are_written_as_toml_that_reads_back_the_same():
    for path in (ROOT / "processes").glob("*/settings.toml"):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        assert tomllib.loads(settings_toml.dump(raw)) == raw
    with pytest.raises(ValueError):
        settings_toml.dump({"t": {"rows": [{"a": 1}], "when": object()}})


def bundle() -> bundle_zip.ExportedBundle:
    folder = ROOT / "processes" / "familias"
    raw = tomllib.loads((folder / "settings.toml").read_text(encoding="utf-8"))
    parsed = engine.definitions.parsing.parse_process(
        read_sources(folder), engine.programmes.settings.settings_from_dict(raw), FORMS)
    household = manifest.load(folder).household_schema
    content = bundles.gather(parsed, raw, FORMS, household)
    forms = {key: value for key, value in content.forms.items()  # as a stored version reads
             if key != field_order.ORDER_KEY}
    return bundle_zip.ExportedBundle("familias", 3, parsed.sources, forms,
                                     {"programa": raw["programa"], **content.settings_schema},
                                     content.content_hash)


def test_a_version_zip_reads_back_as_the_same_bundle_and_hash():
    original = bundle()
    data = bundle_zip.write_zip(original)
    assert bundle_zip.write_zip(original) == data  # the same bytes every time
    again = bundle_zip.read_zip(data, "f.zip")
    assert again == original
    assert bundle_zip.check_bundle(again) == ([], original.content_hash)
    names = zipfile.ZipFile(BytesIO(data)).namelist()
    assert "forms/familias/diagnostico.json" in names and "settings.json" in names
    assert "household.schema.json" in names  # the version's household schema travels too


def test_a_zip_that_is_not_a_bundle_is_unusable(tmp_path):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    for data, reason in ((buffer.getvalue(), "not_bundle"), (b"PK\x03\x04junk", "not_zip")):
        with pytest.raises(importing.UnusableImport) as raised:
            bundle_zip.read_zip(data, "f.zip")
        assert raised.value.reason == reason


def test_a_changed_form_in_the_zip_changes_the_hash():
    original = bundle()
    changed = bundle_zip.ExportedBundle(
        original.programme, original.version, original.sources,
        {**original.forms, "schemas": {**original.forms["schemas"],
                                       "familias/diagnostico": {"type": "object"}}},
        original.settings)
    problems, content_hash = bundle_zip.check_bundle(changed)
    assert problems or content_hash != original.content_hash


def test_a_folder_file_declared_latin_1_reads_and_parses_right(tmp_path):
    text = (FIXTURES / "mini" / "mini.bpmn").read_text(encoding="utf-8")
    latin = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace(
        'name="Visita"', 'name="Visitá"')
    (tmp_path / "mini.bpmn").write_bytes(latin.encode("latin-1"))
    problems: list = []
    sources = read_sources(tmp_path, problems)
    assert problems == [] and 'name="Visitá"' in sources["mini.bpmn"]
    settings = tomllib.loads((FIXTURES / "mini" / "settings.toml").read_text(encoding="utf-8"))
    assert engine.definitions.checks.check_sources(
        sources, settings, engine.FormLibrary(FIXTURES / "forms")) == []
    assert text.count("\n") == sources["mini.bpmn"].count("\n")


def test_an_unchanged_utf_8_file_reads_exactly_as_before(tmp_path):
    (tmp_path / "a.bpmn").write_bytes("\ufeff<a>\r\nñ</a>\r\n".encode())
    assert read_sources(tmp_path) == {
        "a.bpmn": (tmp_path / "a.bpmn").read_text(encoding="utf-8")}
