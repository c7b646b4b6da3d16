"""check_sources: every problem of a programme's files at once, each with file, line, element,
reason and fix, with a registered code; never an exception. One test per rule."""

import tomllib

import pytest

import engine
from engine.core.messages import PROBLEMS
from engine.definitions import runnable
from engine.definitions.checks import check_sources
from engine.definitions.lint_sites import Expression
from engine.definitions.parsing import parse_process, read_sources
from engine.definitions.process_lint import foreign_language
from engine.programmes.settings import settings_from_dict
from engine.runtime.parser import plain_message
from tests.conftest import FIXTURES, ROOT

MINI = (FIXTURES / "mini" / "mini.bpmn").read_text(encoding="utf-8")
SETTINGS = tomllib.loads((FIXTURES / "mini" / "settings.toml").read_text(encoding="utf-8"))
FORMS = engine.FormLibrary(FIXTURES / "forms")
VISITA = '<bpmn:userTask id="visita" name="Visita">'
AFTER_START = '<bpmn:sequenceFlow id="f1" sourceRef="inicio" targetRef="visita" />'


def problems(bpmn: str, settings=SETTINGS, **more) -> list[engine.ProcessProblem]:
    found = check_sources({"mini.bpmn": bpmn, **more}, settings, FORMS)
    for problem in found:
        assert problem.code in PROBLEMS, problem.code
        assert set(problem.params) <= set(PROBLEMS[problem.code]) | {
            "file", "line", "element", "name", "what", "detail"}, problem.code
        text = str(problem)
        assert "<Element" not in text and " at 0x" not in text and "None" not in text, text
    return found


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def with_task(tag: str, extra: str = "") -> str:
    """mini with a ``tag`` element (in the lane) between the start event and the visit."""
    node = (f'<bpmn:{tag} id="paso" name="Paso"><bpmn:incoming>f1</bpmn:incoming>'
            f'<bpmn:outgoing>f0</bpmn:outgoing>{extra}</bpmn:{tag}>'
            '<bpmn:sequenceFlow id="f0" sourceRef="paso" targetRef="visita" />')
    return (MINI.replace(AFTER_START, AFTER_START.replace("visita", "paso") + node)
            .replace("<bpmn:flowNodeRef>inicio</bpmn:flowNodeRef>",
                     "<bpmn:flowNodeRef>inicio</bpmn:flowNodeRef><bpmn:flowNodeRef>paso"
                     "</bpmn:flowNodeRef>"))


def test_mini_has_no_problem():
    assert problems(MINI) == []


@pytest.mark.parametrize("tag, fix", [
    ("task", "make it a user task"),
    ("receiveTask", "make it a user task where someone records what was received"),
    ("manualTask", "make it a user task"),
])
def test_a_step_that_reaches_no_inbox_is_named_with_the_fix(tag, fix):
    bpmn = with_task(tag)
    [problem] = problems(bpmn)
    assert (problem.code, problem.element, problem.name) == ("process.stalls", "paso", "Paso")
    assert problem.line == line_of(bpmn, 'id="paso"') and fix in problem.message
    assert problem.params["tag"] == tag and problem.params["fix"] in problem.message


@pytest.mark.parametrize("definition", ["messageEventDefinition", "signalEventDefinition",
                                        "timerEventDefinition", "conditionalEventDefinition"])
def test_a_process_that_starts_on_a_trigger_is_named(definition):
    bpmn = MINI.replace('<bpmn:outgoing>f1</bpmn:outgoing>',
                        f'<bpmn:outgoing>f1</bpmn:outgoing><bpmn:{definition} id="d1" />', 1)
    found = [p for p in problems(bpmn) if p.code == "process.start_trigger"]
    assert [(p.element, p.params["trigger"]) for p in found] == [("inicio", definition)]
    assert "make it a plain start event" in found[0].message


def test_an_event_waiting_for_a_signal_nobody_sends_is_named():
    bpmn = with_task("intermediateCatchEvent", '<bpmn:signalEventDefinition id="s" />')
    [problem] = problems(bpmn)
    assert (problem.code, problem.element) == ("process.waits_forever", "paso")
    assert "a signal nobody sends" in problem.message


def test_data_stores_and_global_tasks_cannot_run():
    bpmn = MINI.replace('<bpmn:process id="mini"',
                        '<bpmn:dataStore id="almacen" name="Registro" />'
                        '<bpmn:globalUserTask id="global" name="Global" />'
                        '<bpmn:process id="mini"').replace(
        AFTER_START, AFTER_START + '<bpmn:dataStoreReference id="ref" dataStoreRef="almacen" />')
    found = {p.element: p for p in problems(bpmn)}
    assert {k: p.code for k, p in found.items()} == {
        "almacen": "process.cannot_run", "global": "process.cannot_run",
        "ref": "process.cannot_run"}
    assert found["ref"].line == line_of(bpmn, 'id="ref"')
    assert "keep the data in the case's forms" in found["ref"].message


def test_a_message_flow_is_named_as_never_running():
    bpmn = MINI.replace(
        '<bpmn:participant id="mini_participant" name="Mini" processRef="mini" />',
        '<bpmn:participant id="mini_participant" name="Mini" processRef="mini" />'
        '<bpmn:participant id="otra" name="Otra" />'
        '<bpmn:messageFlow id="mf" sourceRef="otra" targetRef="visita" />')
    [problem] = problems(bpmn)
    assert (problem.code, problem.element) == ("process.cannot_run", "mf")


def test_the_key_must_be_a_process_id():
    settings = {**SETTINGS, "programa": {**SETTINGS["programa"], "clave": "otro"}}
    [problem] = problems(MINI, settings)
    assert (problem.code, problem.element) == ("process.id_mismatch", "mini")
    assert problem.params["key"] == "otro" and "'mini'" in problem.message
    assert "[programa] clave" in problem.params["fix"]


def test_a_process_marked_not_executable_is_named():
    [problem] = problems(MINI.replace('isExecutable="true"', 'isExecutable="false"'))
    assert (problem.code, problem.element) == ("process.not_executable", "mini")
    assert 'isExecutable="true"' in problem.message


def test_another_pool_with_steps_is_named_not_dropped():
    other = ('<bpmn:process id="otro" name="Otro"><bpmn:startEvent id="o1" />'
             '</bpmn:process>')
    [problem] = problems(MINI.replace("</bpmn:definitions>", other + "</bpmn:definitions>"))
    assert (problem.code, problem.element, problem.name) == ("process.other_pool", "otro",
                                                             "Otro")


@pytest.mark.parametrize("condition, language", [
    ("${ubicada == true}", "JUEL"), ("#{ubicada}", "JUEL"), ("=ubicada = true", "FEEL"),
    ("bpmn:getDataObject('x') = 1", "XPath"),
])
def test_a_condition_in_another_language_says_rewrite_it_in_python(condition, language):
    bpmn = MINI.replace("ubicada == True", condition.replace("&", "&amp;"))
    [problem] = problems(bpmn)
    assert (problem.code, problem.element, problem.what) == (
        "process.foreign_expression", "f_si", "condition")
    assert problem.message == (f"written in {language}: rewrite as a Python expression "
                               f"(the original: {condition})")
    assert problem.params["original"] == condition
    assert problem.line == line_of(bpmn, condition)


def test_a_declared_language_is_believed():
    bpmn = MINI.replace('xsi:type="bpmn:tFormalExpression">ubicada == True',
                        'xsi:type="bpmn:tFormalExpression" language="feel">ubicada')
    [problem] = problems(bpmn)
    assert problem.params["language"] == "FEEL"
    script = MINI.replace('<bpmn:scriptTask id="marcar"',
                          '<bpmn:scriptTask id="marcar" scriptFormat="groovy"')
    [problem] = problems(script)
    assert "written in Groovy: rewrite as Python statements" in problem.message


def test_a_user_task_in_no_lane_says_which_lane_to_use():
    bpmn = MINI.replace("<bpmn:flowNodeRef>visita</bpmn:flowNodeRef>", "")
    [problem] = problems(bpmn)
    assert problem.element == "visita" and "lane None" not in problem.message
    assert "user task is in no lane: put it in a lane" in problem.message


def test_a_lane_without_a_role_says_what_to_add():
    settings = {**SETTINGS, "roles": {"Equipo": "caseworker"}}
    found = problems(MINI, settings)
    assert {p.element for p in found} == {"revisar_atraso"}
    assert 'add "Jefatura" = "caseworker" (or another role) under [roles]' in found[0].message


def test_every_schema_violation_is_reported_at_once():
    bpmn = (MINI.replace('<bpmn:userTask id="visita" name="Visita">',
                         '<bpmn:userTask id="visita" name="Visita" raro="1">')
            .replace('<bpmn:endEvent id="fin_atraso" name="Atraso revisado">',
                     '<bpmn:endEvent id="fin_atraso" name="Atraso revisado" otro="2">'))
    found = problems(bpmn)
    assert [(p.code, p.element) for p in found] == [("process.not_valid_bpmn", "visita"),
                                                    ("process.not_valid_bpmn", "fin_atraso")]
    assert "attribute 'raro' is not allowed" in found[0].message
    assert "{http" not in found[0].message


def test_problems_of_several_kinds_come_together():
    bpmn = with_task("task").replace("ubicada == True", "${ubicada}").replace(
        "<bpmn:flowNodeRef>visita</bpmn:flowNodeRef>", "")
    codes = sorted(p.code for p in problems(bpmn))
    assert codes == ["process.foreign_expression", "process.stalls", "process.user_task"]


def test_a_broken_file_does_not_hide_the_others_problems():
    dmn = (FIXTURES / "lint" / "lint.dmn").read_text(encoding="utf-8")
    found = problems(with_task("task"), **{"otro.bpmn": "<bpmn:definitions", "x.dmn": dmn})
    assert {p.code for p in found} >= {"process.xml_syntax", "process.stalls"}


@pytest.mark.parametrize("sources, settings", [
    ({}, {}), ({"a.bpmn": ""}, None), ({"a.bpmn": "\x00"}, {"programa": 3}),
    ({"mini.bpmn": MINI}, {"programa": {"clave": 1}, "plazos": 4}),
    ({"mini.bpmn": MINI, "b.dmn": "<x/>"}, SETTINGS),
    ({"a.bpmn": '<?xml version="1.0" encoding="latin-1"?><a/>'}, SETTINGS),
])
def test_check_sources_never_raises(sources, settings):
    found = check_sources(sources, settings, FORMS)
    assert found and all(isinstance(p, engine.ProcessProblem) for p in found)
    assert all(p.code in PROBLEMS for p in found)


def test_parser_messages_lose_lxml_reprs_and_namespaces():
    text = ("Invalid <Element {http://www.omg.org/spec/BPMN/20100524/MODEL}dataStoreReference"
            " at 0x7f12ab> in {http://www.omg.org/spec/BPMN/20100524/MODEL}process\nmore")
    assert plain_message(text) == "Invalid <dataStoreReference> in process."


def test_python_is_not_foreign():
    for source in ("a == 1", "x = {'a': 1}", "plazo('visita')", "a >= 0"):
        assert foreign_language(Expression(source, "eval", "e", 1)) is None
    assert foreign_language(Expression("a == 1", "eval", "e", 1, language="python")) is None


def test_an_unreadable_bpmn_file_does_not_make_its_decisions_look_uncalled():
    folder = ROOT / "processes" / "familias"
    sources = read_sources(folder)
    sources["familias.bpmn"] = sources["familias.bpmn"][:5000]
    settings = tomllib.loads((folder / "settings.toml").read_text(encoding="utf-8"))
    found = check_sources(sources, settings, engine.FormLibrary(ROOT / "forms"))
    assert [p.code for p in found] == ["process.xml_syntax"]


def test_deploy_refuses_with_every_problem_in_one_round():
    bpmn = with_task("receiveTask").replace("ubicada == True", "${ubicada}").replace(
        "<bpmn:flowNodeRef>visita</bpmn:flowNodeRef>", "").replace(
        'isExecutable="true">', 'isExecutable="true"><bpmn:dataStoreReference id="ds" />')
    with pytest.raises(engine.InvalidProcess) as raised:
        parse_process({"mini.bpmn": bpmn}, settings_from_dict(SETTINGS), FORMS)
    assert sorted(p.code for p in raised.value.problems) == [
        "process.cannot_run", "process.foreign_expression", "process.stalls",
        "process.user_task"]


def test_an_event_waiting_for_a_message_the_engine_never_sends_is_named():
    message = '<bpmn:message id="m" name="informe_escolar" />'
    bpmn = with_task("intermediateCatchEvent",
                     '<bpmn:messageEventDefinition id="d" messageRef="m" />').replace(
        '<bpmn:process id="mini"', message + '<bpmn:process id="mini"')
    [problem] = problems(bpmn)
    assert (problem.code, problem.element, problem.params["trigger"]) == (
        "process.waits_forever", "paso", "messageEventDefinition")
    sent = bpmn.replace('name="informe_escolar"', 'name="cupo_asignado"')
    assert problems(sent) == []


def test_the_engine_messages_are_the_ones_it_sends():
    from engine.commands.places import GRANTED_MESSAGE

    assert {GRANTED_MESSAGE} == runnable.ENGINE_MESSAGES


def test_a_message_wait_after_an_event_gateway_is_not_a_stall():
    bpmn = with_task("eventBasedGateway").replace(
        '<bpmn:sequenceFlow id="f0" sourceRef="paso" targetRef="visita" />',
        '<bpmn:sequenceFlow id="f0" sourceRef="paso" targetRef="visita" />'
        '<bpmn:sequenceFlow id="fm" sourceRef="paso" targetRef="espera" />'
        '<bpmn:intermediateCatchEvent id="espera"><bpmn:incoming>fm</bpmn:incoming>'
        '<bpmn:messageEventDefinition id="d" /></bpmn:intermediateCatchEvent>')
    assert [p for p in problems(bpmn) if p.element == "espera"
            and p.code == "process.waits_forever"] == []


def test_user_tasks_are_checked_even_when_the_process_cannot_be_built():
    bpmn = MINI.replace(
        '<bpmn:scriptTask id="marcar" name="Marcar visita">',
        '<bpmn:businessRuleTask id="marcar" name="Marcar visita"><bpmn:extensionElements>'
        '<spiffworkflow:calledDecisionId>no_existe</spiffworkflow:calledDecisionId>'
        '</bpmn:extensionElements>').replace("</bpmn:scriptTask>", "</bpmn:businessRuleTask>"
                                             ).replace("<bpmn:script>visitas = 1\nfecha_visita"
                                                       " = hoy()</bpmn:script>", "").replace(
        'value="mini/visita"', 'value="mini/no_hay"')
    found = {(p.code, p.element): p for p in problems(bpmn)}
    assert set(found) == {("process.not_valid_bpmn", "marcar"), ("process.user_task", "visita")}
    assert "calls the decision 'no_existe', which no DMN file has" in found[
        ("process.not_valid_bpmn", "marcar")].message
    assert found[("process.user_task", "visita")].line == line_of(bpmn, VISITA)


def test_a_decision_rule_written_in_feel_says_rewrite_it_in_python():
    lint = FIXTURES / "lint"
    dmn = (lint / "lint.dmn").read_text(encoding="utf-8").replace(
        "<text>18 &lt;= ? &lt; 65</text>", "<text>[18..65[</text>")
    settings = tomllib.loads((lint / "settings.toml").read_text(encoding="utf-8"))
    found = check_sources({"lint.bpmn": (lint / "lint.bpmn").read_text(encoding="utf-8"),
                           "lint.dmn": dmn}, settings, FORMS)
    [problem] = found
    assert (problem.file, problem.code, problem.params["language"]) == (
        "lint.dmn", "process.foreign_expression", "FEEL")
    assert "rewrite as a Python expression (the original: [18..65[)" in problem.message


def test_a_huge_file_is_refused_before_it_is_parsed():
    [problem] = check_sources({"mini.bpmn": MINI + " " * 5_000_001}, SETTINGS, FORMS)
    assert (problem.code, problem.params["limit_mb"]) == ("process.too_large", 5)


def test_a_message_another_service_sends_through_the_api_is_not_a_stall():
    message = '<bpmn:message id="m" name="informe_escolar" />'
    bpmn = with_task("intermediateCatchEvent",
                     '<bpmn:messageEventDefinition id="d" messageRef="m" />').replace(
        '<bpmn:process id="mini"', message + '<bpmn:process id="mini"').replace(
        '<bpmn:intermediateCatchEvent id="paso" name="Paso">',
        '<bpmn:intermediateCatchEvent id="paso" name="Paso"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="sentBy" value="Escuela" />'
        '</spiffworkflow:properties></bpmn:extensionElements>')
    assert problems(bpmn) == []
    blank = bpmn.replace('value="Escuela"', 'value=" "')
    assert [p.code for p in problems(blank)] == ["process.waits_forever"]
