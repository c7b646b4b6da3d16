"""Deploy finds unsafe code wherever a process can hide it, and code that would never run.

tests/fixtures/lint/lint.bpmn and lint.dmn hold a harmless expression in every place
SpiffWorkflow runs code from; each test swaps some of them for forbidden code and expects the
deploy refused, each problem naming the file, line, element, which part of it, and what to do.
"""

import tomllib
from datetime import UTC, datetime

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

import engine
from engine import unit_of_work
from engine.core import clock
from engine.definitions import lint_sites
from engine.definitions.parsing import parse_process
from engine.persistence.models import ProcessDefinition
from engine.programmes.settings import settings_from_dict
from engine.runtime.scripting import RestrictedEnvironment, RestrictedScriptEngine
from tests.conftest import FIXTURES, ROOT

LINT = FIXTURES / "lint"
BPMN = (LINT / "lint.bpmn").read_text(encoding="utf-8")
DMN = (LINT / "lint.dmn").read_text(encoding="utf-8")
NEVER_RUNS = (FIXTURES / "never_runs" / "never_runs.bpmn").read_text(encoding="utf-8")
SETTINGS = tomllib.loads((LINT / "settings.toml").read_text(encoding="utf-8"))
DECISION = "decision 'Tramo de edad'"

# (file, harmless text, forbidden text, element id, part of the element, reason)
HIDING_PLACES = [
    ("lint.bpmn", "total = 0", "total = open('x')", "preparar", "script",
     "'open' is not allowed"),
    ("lint.bpmn", 'miembros = ["a", "b"]', "miembros = vars()", "preparar", "script",
     "'vars' is not allowed"),  # on the script's second line: the file line is its own
    ("lint.bpmn", "antes = 1", "antes = __import__('os')", "registrar", "pre-script",
     "'__import__' is not allowed"),
    ("lint.bpmn", "despues = 1", "despues = ().__class__", "registrar", "post-script",
     "attribute '__class__' is not allowed"),
    ("lint.bpmn", "total &gt;= 0", "total.__class__ &gt;= 0", "f04a", "condition",
     "attribute '__class__' is not allowed"),
    ("lint.bpmn", "listo == True", "open('x') == True", "esperar_listo",
     "conditional event condition", "'open' is not allowed"),
    ("lint.bpmn", "vueltas != 3", "__import__('os') != 3", "repetir", "loop condition",
     "'__import__' is not allowed"),
    ("lint.bpmn", 'loopMaximum="3"', 'loopMaximum="tres"', "repetir", "loop maximum",
     "'tres' is not a whole number"),
    ("lint.bpmn", "len(miembros)", "len(miembros.__dict__)", "por_miembro",
     "loop cardinality", "attribute '__dict__' is not allowed"),
    ("lint.bpmn", "terminado == True", "getattr(terminado, 'x')", "por_miembro",
     "completion condition", "'getattr' is not allowed"),
    ("lint.bpmn", '<bpmn:inputDataItem id="indice"', '<bpmn:inputDataItem id="_indice"',
     "por_miembro", "loop input item", "'_indice' is not a usable data name"),
    ("lint.bpmn", "<bpmn:loopDataInputRef>miembros<", "<bpmn:loopDataInputRef>__builtins__<",
     "cada_miembro", "loop input collection", "'__builtins__' is not a usable data name"),
    ("lint.bpmn", '"2030-01-01T09:00:00+00:00"', "open('x')", "esperar_fecha", "timer date",
     "'open' is not allowed"),
    ("lint.bpmn", '"P2D"', "__import__('os')", "espera_larga", "timer duration",
     "'__import__' is not allowed"),
    ("lint.bpmn", '"R2/P7D"', "().__class__", "cada_semana", "timer cycle",
     "attribute '__class__' is not allowed"),
    ("lint.bpmn", '{"codigo": codigo_caso}', '{"codigo": open("x")}', "avisar",
     "message payload", "'open' is not allowed"),
    ("lint.bpmn", "<bpmn:messagePath>codigo<", "<bpmn:messagePath>codigo.__class__<",
     "codigo_aviso", "correlation expression", "attribute '__class__' is not allowed"),
    ("lint.bpmn", '{"nivel": nivel_alerta}', '{"nivel": eval("1")}', "alerta",
     "payload expression", "'eval' is not allowed"),
    ("lint.bpmn", "revisado = True", "revisado = open('x')", "revisar", "script",
     "'open' is not allowed"),
    ("lint.bpmn", "cerrado = True", "import os", "cerrar", "script",
     "imports are not allowed"),
    ("lint.dmn", "<text>edad</text>", "<text>edad.__class__</text>", "entrada_edad",
     f"{DECISION}, input expression of column 'Edad'", "attribute '__class__' is not allowed"),
    ("lint.dmn", "<text>&lt; 18</text>", "<text>&lt; open('x')</text>", "regla_menor_edad",
     f"{DECISION}, rule 1, input 'Edad'", "'open' is not allowed"),
    ("lint.dmn", "18 &lt;= ? &lt; 65", "18 &lt;= ? &lt; __import__('os')", "regla_adulto_edad",
     f"{DECISION}, rule 2, input 'Edad'", "'__import__' is not allowed"),
    ("lint.dmn", '"adulto"', "().__class__", "regla_adulto_tramo",
     f"{DECISION}, rule 2, output 'Tramo'", "attribute '__class__' is not allowed"),
    ("lint.dmn", 'name="tramo"', 'name="_tramo"', "salida_tramo", f"{DECISION}, output name",
     "'_tramo' is not a usable data name"),
]


def deploy(session, forms, sources: dict[str, str]):
    with unit_of_work(session):
        return engine.deploy(session, sources, SETTINGS, forms, "tester")


def swapped(*places) -> dict[str, str]:
    """The fixture with each place's harmless text replaced by its forbidden one."""
    sources = {"lint.bpmn": BPMN, "lint.dmn": DMN}
    for file, harmless, forbidden, *_ in places:
        assert sources[file].count(harmless) == 1, harmless
        sources[file] = sources[file].replace(harmless, forbidden)
    return sources


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def refused(session, forms, sources: dict[str, str]) -> list[engine.ProcessProblem]:
    with pytest.raises(engine.InvalidProcess) as raised:
        deploy(session, forms, sources)
    assert session.query(ProcessDefinition).count() == 0
    return raised.value.problems


def test_harmless_code_in_every_place_deploys(session, fixture_forms):
    result = deploy(session, fixture_forms, {"lint.bpmn": BPMN, "lint.dmn": DMN})
    assert result.created and result.version == 1


@pytest.mark.parametrize("place", HIDING_PLACES, ids=[p[4] for p in HIDING_PLACES])
def test_forbidden_code_is_refused_wherever_it_hides(session, fixture_forms, place):
    file, _, forbidden, element, what, reason = place
    sources = swapped(place)
    [problem] = refused(session, fixture_forms, sources)
    assert (problem.file, problem.element, problem.what) == (file, element, what)
    assert problem.line == line_of(sources[file], forbidden)
    assert reason in problem.message


def test_every_problem_is_reported_at_once_in_plain_words(session, fixture_forms):
    chosen = {("preparar", "total = open('x')"), ("repetir", "__import__('os') != 3"),
              ("por_miembro", "getattr(terminado, 'x')"), ("espera_larga", "__import__('os')"),
              ("codigo_aviso", "<bpmn:messagePath>codigo.__class__<"),
              ("regla_menor_edad", "<text>&lt; open('x')</text>")}
    places = [p for p in HIDING_PLACES if (p[3], p[2]) in chosen]
    assert len(places) == len(chosen)
    sources = swapped(*places)
    sources["lint.bpmn"] = sources["lint.bpmn"].replace("antes = 1", "_antes = 1").replace(
        '<bpmn:endEvent id="fin" name="Fin">', '<bpmn:endEvent id="fin" name="Fin">'
        "<bpmn:extensionElements><spiffworkflow:postScript>cerrado = True"
        "</spiffworkflow:postScript></bpmn:extensionElements>")
    with pytest.raises(engine.InvalidProcess) as raised:
        deploy(session, fixture_forms, sources)
    found = {(p.file, p.element, p.what) for p in raised.value.problems}
    assert found == {(f, e, w) for f, _, _, e, w, _ in places} | {
        ("lint.bpmn", "registrar", "pre-script"), ("lint.bpmn", "fin", "post-script")}
    report = str(raised.value)
    line = line_of(sources["lint.bpmn"], "__import__('os') != 3")
    assert (f'lint.bpmn:{line} [repetir "Repetir"]: loop condition: '
            "'__import__' is not allowed; remove it: a process may use only its case data"
            in report)
    assert ('"_antes" is an invalid variable name because it starts with "_"; '
            "rename it without the leading _") in report
    assert "('" not in report and "<Element" not in report


def test_a_condition_written_as_a_statement_says_how_to_write_it(session, fixture_forms):
    sources = swapped(("lint.bpmn", "vueltas != 3", "vueltas = 3", "repetir", "", ""))
    [problem] = refused(session, fixture_forms, sources)
    assert problem.what == "loop condition"
    assert problem.message == "syntax error: invalid syntax; write it as a single Python expression"


SERVICE_TASK = """
    <bpmn:serviceTask id="consultar_registro" name="Consultar el registro">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="registro/consultar" resultVariable="__class__">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="rut" type="str" value="rut_titular.__class__" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>f16</bpmn:incoming>
      <bpmn:outgoing>f17</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f17" sourceRef="consultar_registro" targetRef="fin" />"""


def test_a_service_task_is_refused_and_its_code_still_checked(session, fixture_forms):
    """Acompaña calls no external services: a deployed service task would stop every case
    there with an incident, so deploy refuses it — and still names the code hidden in it."""
    bpmn = BPMN.replace('<bpmn:sequenceFlow id="f16" sourceRef="consultar" targetRef="fin" />',
                        '<bpmn:sequenceFlow id="f16" sourceRef="consultar" '
                        'targetRef="consultar_registro" />' + SERVICE_TASK)
    bpmn = bpmn.replace("<bpmn:incoming>f16</bpmn:incoming>\n    </bpmn:endEvent>",
                        "<bpmn:incoming>f17</bpmn:incoming>\n    </bpmn:endEvent>")
    problems = refused(session, fixture_forms, {"lint.bpmn": bpmn, "lint.dmn": DMN})
    by_what = {p.what or p.code: p for p in problems if p.element == "consultar_registro"}
    assert len(problems) == len(by_what) == 3
    cannot_run = next(p for p in problems if p.code == "process.cannot_run")
    assert "a service task" in cannot_run.message
    assert "make it a script task" in cannot_run.message
    assert "attribute '__class__' is not allowed" in by_what["service parameter 'rut'"].message
    assert "'__class__' is not a usable data name" in by_what["service result variable"].message


NEVER_RUN = {  # (element, part): words of the explanation
    ("inicio", "post-script"): "a start event does not run a post-script",
    ("calcular", "pre-script"): "a script task does not run its pre-script",
    ("decidir", "pre-script"): "an exclusive gateway does not run a pre-script",
    ("fin", "post-script"): "an end event does not run a post-script",
    ("f4", "pre-script"): "a sequence flow does not run a pre-script",
    ("f_defecto", "condition"): "this is the gateway's default flow",
    ("f3", "condition"): "this flow leaves a user task 'Anotar'",
    ("archivar", "data association transformation"): "ignores the transformation",
    ("esperar_respuesta", "message payload"): "an intermediate catch event receives the message",
    ("huerfano", "script"): "no sequence flow from a start event leads to this step",
    ("tramo_edad", "decision"): "no business rule task calls it",
}


def test_code_that_would_never_run_is_refused_all_at_once(session, fixture_forms):
    sources = {"never_runs.bpmn": NEVER_RUNS, "lint.dmn": DMN}
    settings = tomllib.loads((FIXTURES / "never_runs" / "settings.toml").read_text("utf-8"))
    with pytest.raises(engine.InvalidProcess) as raised, unit_of_work(session):
        engine.deploy(session, sources, settings, fixture_forms, "tester")
    problems = raised.value.problems
    assert {(p.element, p.what): p for p in problems}.keys() == NEVER_RUN.keys()
    for problem in problems:
        assert NEVER_RUN[(problem.element, problem.what)] in problem.message
        assert "never" in problem.message
    by_place = {(p.element, p.what): p for p in problems}
    assert by_place[("fin", "post-script")].line == line_of(NEVER_RUNS, "al_terminar = 1")
    assert by_place[("f3", "condition")].line == line_of(NEVER_RUNS, "anotado == True")
    assert by_place[("tramo_edad", "decision")].file == "lint.dmn"
    assert by_place[("decidir", "pre-script")].name == "¿Resultado?"


def test_a_pre_script_on_an_unreachable_task_is_reported_once(session, fixture_forms):
    bpmn = BPMN.replace('<bpmn:incoming>f02</bpmn:incoming>', "").replace(
        '<bpmn:sequenceFlow id="f02" sourceRef="preparar" targetRef="registrar" />',
        '<bpmn:sequenceFlow id="f02" sourceRef="preparar" targetRef="hay_total" />').replace(
        '<bpmn:incoming>f03</bpmn:incoming>', '<bpmn:incoming>f02</bpmn:incoming>'
        '<bpmn:incoming>f03</bpmn:incoming>')
    problems = refused(session, fixture_forms, {"lint.bpmn": bpmn, "lint.dmn": DMN})
    assert [(p.element, p.what) for p in problems] == [("registrar", "pre-script"),
                                                      ("registrar", "post-script")]
    assert all("no sequence flow from a start event" in p.message for p in problems)


@pytest.mark.parametrize("programme", ["familias", "pippi", "comunidad_crece", "triple_p"])
def test_the_four_programmes_deploy_cleanly(session, real_forms, programme):
    with unit_of_work(session):
        result = engine.deploy_folder(session, ROOT / "processes" / programme, real_forms, "tester")
    assert result.created and result.programme == programme


class Recording(RestrictedEnvironment):
    """The restricted environment, noting every piece of code the engine hands it."""

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def evaluate(self, expression, context, external_context=None):
        self.seen.append(expression)
        return super().evaluate(expression, context, external_context)

    def execute(self, script, context, external_context=None):
        self.seen.append(script)
        return super().execute(script, context, external_context)


def run_fixture(fixture_forms, edad: int) -> list[str]:
    """Run lint.bpmn to its end with SpiffWorkflow, returning the code it evaluated."""
    parsed = parse_process({"lint.bpmn": BPMN, "lint.dmn": DMN}, settings_from_dict(SETTINGS),
                           fixture_forms)
    recording = Recording()
    script_engine = RestrictedScriptEngine()
    script_engine.environment = recording
    workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=script_engine)
    for task in workflow.get_tasks():
        task.data.update(listo=True, vueltas=0, terminado=False, edad=edad, codigo_caso="C-1",
                         nivel_alerta=2, rut_titular="1-9")
    with clock.frozen_at(datetime(2031, 1, 1, tzinfo=UTC)):  # after the fixture's timer date
        for _ in range(50):
            workflow.do_engine_steps()
            for task in workflow.get_tasks(state=TaskState.READY):
                task.run()
    assert workflow.is_completed()
    return recording.seen


def _forms_of(expr: lint_sites.Expression, inputs: list[str]) -> set[str]:
    """How the engine hands a linted piece of code over: as written, or for a DMN input entry
    with ``?`` as the column value, compared with ``==``, or appended to the column."""
    if expr.mode != "dmn-test":
        return {expr.source}
    forms = {expr.source.replace("?", "dmninputexpr")}
    return forms | {f"({i}) == ({expr.source})" for i in inputs} | {i + expr.source
                                                                   for i in inputs}


def test_the_lint_checks_exactly_the_code_the_engine_runs(fixture_forms):
    found = [*lint_sites.bpmn_expressions(etree.fromstring(BPMN.encode())),
             *lint_sites.dmn_expressions(etree.fromstring(DMN.encode()))]
    code = [e for e in found if e.mode not in ("name", "integer") and e.source != "-"]
    inputs = [e.source for e in code if "input expression" in e.what]
    linted = {form: e for e in code for form in _forms_of(e, inputs)}
    ran = {piece.strip() for edad in (10, 30, 70)  # one run per rule of the decision
           for piece in run_fixture(fixture_forms, edad)}
    assert ran - linted.keys() == set(), "the engine ran code the deploy lint never saw"
    never_ran = [(e.element, e.what) for e in code if not _forms_of(e, inputs) & ran]
    assert never_ran == [], "a place the fixture claims is code was never evaluated"


def test_a_second_decision_table_is_refused_as_never_evaluated(session, fixture_forms):
    second = ('<decisionTable id="tabla_olvidada" hitPolicy="FIRST">'
              '<input id="otra_edad" label="Edad"><inputExpression typeRef="integer">'
              '<text>edad</text></inputExpression></input>'
              '<output id="otro_tramo" name="tramo" typeRef="string" /></decisionTable>')
    dmn = DMN.replace("</decisionTable>", "</decisionTable>" + second, 1)
    [problem] = refused(session, fixture_forms, {"lint.bpmn": BPMN, "lint.dmn": dmn})
    assert (problem.file, problem.element, problem.what) == (
        "lint.dmn", "tabla_olvidada", "decision table")
    assert "only a decision's first table is used" in problem.message
