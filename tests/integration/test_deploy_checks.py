"""A broken or unsafe process is refused at deploy, with file, element and line."""

import tomllib

import pytest

import engine
from engine import unit_of_work
from tests.conftest import FIXTURES

SOURCE = (FIXTURES / "mini" / "mini.bpmn").read_text(encoding="utf-8")
SETTINGS = tomllib.loads((FIXTURES / "mini" / "settings.toml").read_text(encoding="utf-8"))
SCRIPT = "visitas = 1\nfecha_visita = hoy()"


def deploy(session, forms, bpmn: str, settings=SETTINGS):
    with unit_of_work(session):
        return engine.deploy(session, {"mini.bpmn": bpmn}, settings, forms, "tester")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def refused(session, forms, bpmn: str) -> engine.ProcessProblem:
    with pytest.raises(engine.InvalidProcess) as raised:
        deploy(session, forms, bpmn)
    assert session.query(engine.persistence.models.ProcessDefinition).count() == 0
    return raised.value.problems[0]


def test_xml_syntax_error_names_the_line(session, fixture_forms):
    broken = SOURCE.replace("</bpmn:userTask>", "</bpmn:userTsk>", 1)
    problem = refused(session, fixture_forms, broken)
    assert problem.file == "mini.bpmn" and "XML syntax error" in problem.message
    assert "mismatch" in problem.message and problem.line == line_of(broken, "userTsk")


def test_missing_start_event_names_the_process(session, fixture_forms):
    start = SOURCE[SOURCE.index('<bpmn:startEvent'):SOURCE.index('</bpmn:startEvent>') + 18]
    problem = refused(session, fixture_forms, SOURCE.replace(start, ""))
    assert (problem.element, problem.message) == ("mini", "process has no start event")
    assert problem.line == line_of(SOURCE, '<bpmn:process id="mini"')


def test_unsupported_element_is_named(session, fixture_forms):
    bpmn = SOURCE.replace('<bpmn:exclusiveGateway id="gw_resultado"',
                          '<bpmn:complexGateway id="gw_resultado"').replace(
        "</bpmn:exclusiveGateway>", "</bpmn:complexGateway>")
    problem = refused(session, fixture_forms, bpmn)
    assert problem.element == "gw_resultado" and "unsupported element" in problem.message
    assert problem.line == line_of(bpmn, '<bpmn:complexGateway')


def test_unquoted_timer_duration_is_explained(session, fixture_forms):
    bpmn = SOURCE.replace('recordatorio("visita")', "P3D")
    problem = refused(session, fixture_forms, bpmn)
    assert problem.element == "recordatorio_visita"
    assert 'not quoted: write "P3D"' in problem.message
    assert problem.line == line_of(bpmn, ">P3D<")


def test_malformed_literal_timer_is_refused(session, fixture_forms):
    problem = refused(session, fixture_forms, SOURCE.replace('plazo("visita")', '"P3X"'))
    assert problem.element == "atraso_visita" and "not an ISO 8601" in problem.message


def test_unknown_deadline_key_is_refused(session, fixture_forms):
    problem = refused(session, fixture_forms, SOURCE.replace('plazo("visita")', 'plazo("vista")'))
    assert "plazo('vista'): no such key" in problem.message


def test_schema_violation_is_refused_with_its_line(session, fixture_forms):
    bpmn = SOURCE.replace('<bpmn:sequenceFlow id="f1" sourceRef="inicio" targetRef="visita" />',
                          '<bpmn:sequenceFlow id="f1" sourceRef="inicio" targetRef="visita" '
                          'bogus="1" />')
    problem = refused(session, fixture_forms, bpmn)
    assert problem.line == line_of(bpmn, 'bogus="1"')
    assert problem.message == ("Element 'sequenceFlow', attribute 'bogus': "
                               "The attribute 'bogus' is not allowed.")


def test_missing_form_and_unmapped_lane_are_refused(session, fixture_forms):
    bpmn = SOURCE.replace('value="mini/visita"', 'value="mini/no_existe"')
    problem = refused(session, fixture_forms, bpmn)
    assert problem.element == "visita" and "mini/no_existe" in problem.message
    settings = {**SETTINGS, "roles": {"Equipo": "caseworker"}}
    with pytest.raises(engine.InvalidProcess) as raised:
        deploy(session, fixture_forms, SOURCE, settings)
    assert "lane 'Jefatura' has no role" in str(raised.value)


@pytest.mark.parametrize("script, reason", [
    ("import os\nos.system('touch /tmp/pwned')", "imports are not allowed"),
    ("datos = open('/etc/passwd').read()", "'open' is not allowed"),
    ("x = ().__class__.__base__.__subclasses__()", "attribute '__subclasses__' is not allowed"),
    ("x = __import__('os')", "'__import__' is not allowed"),
    ("x = getattr((), '__class__')", "'getattr' is not allowed"),
])
def test_unsafe_scripts_are_refused(session, fixture_forms, script, reason):
    problem = refused(session, fixture_forms, SOURCE.replace(SCRIPT, script))
    assert problem.element == "marcar" and reason in problem.message
    assert problem.line == line_of(SOURCE, SCRIPT.splitlines()[0])


def test_unsafe_condition_is_refused(session, fixture_forms):
    bpmn = SOURCE.replace("ubicada == True", "__import__('os').system('id') == 0")
    problem = refused(session, fixture_forms, bpmn)
    assert problem.element == "f_si" and "'__import__' is not allowed" in problem.message


def test_a_laned_subprocess_inside_an_outer_lane_is_refused(session, real_forms):
    from tests.conftest import ROOT

    folder = ROOT / "processes" / "familias"
    sources = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.*mn")}
    sources["familias.bpmn"] = sources["familias.bpmn"].replace(
        "<bpmn:flowNodeRef>plan</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>plan</bpmn:flowNodeRef>\n"
        "<bpmn:flowNodeRef>acompanamiento</bpmn:flowNodeRef>", 1)
    settings = tomllib.loads((folder / "settings.toml").read_text(encoding="utf-8"))
    with pytest.raises(engine.InvalidProcess) as raised, unit_of_work(session):
        engine.deploy(session, sources, settings, real_forms, "tester")
    problem = raised.value.problems[0]
    assert problem.element == "acompanamiento"
    assert "own lanes but is itself in lane 'Apoyo Familiar Integral'" in problem.message
