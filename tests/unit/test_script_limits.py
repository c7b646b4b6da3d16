"""Every script and expression runs under a CPU-time limit and a memory bound; hostile
payloads end quickly with the limit named, ordinary scripts are unaffected, and a real signal
still stops the process."""

import ast
import threading
import time

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

import engine
from engine.runtime import limits
from engine.runtime import workflow as runtime
from engine.runtime.scripting import RestrictedEnvironment, RestrictedScriptEngine

SECONDS = 0.3

BOMBS = {
    "10 ** 10 ** 10": "memory",
    "'a' * 10**10": "memory",
    "[0] * 10**9": "memory",
    "x = 1 << 10**10": "memory",
    "x = pow(10, 10**10)": "memory",
    "sum(i for i in range(10**12))": "memory",
    "s = 'ab'\nfor i in range(60):\n    s = s + s": "memory",
    "x = [[0] * 100_000 for i in range(10**6)]": "memory",
    "x = f'{1:>999999999}'": "memory",
    "n = 10**9\nx = f'{1:>{n}}'": "memory",
    "x = '%999999999d' % 1": "memory",
    "x = 'x'.ljust(10**9)": "memory",
    "x = ('ab' * 10000).replace('a', 'a' * 100000)": "memory",
    "x = ','.join(['a' * 1000] * 200000)": "memory",
    "x = sum([[1] * 1000] * 100000, [])": "memory",
    "x = math.factorial(10**7)": "memory",
    "while True: pass": "cpu",
    "x = 0\nwhile True: x += 1": "cpu",
    ("def f():\n    while True:\n        try:\n            while True: pass\n"
     "        except BaseException:\n            pass\nf()"): "cpu",
    "x = max(range(3_000_000), key=lambda i: [j for j in range(50)])": "cpu",
}


@pytest.fixture(autouse=True)
def short_limit():
    limits.configure(seconds=SECONDS)
    yield
    limits.configure()


def mode_of(script: str) -> str:
    """``eval`` for an expression (a condition, a timer), ``exec`` for a script."""
    try:
        ast.parse(script, mode="eval")
    except SyntaxError:
        return "exec"
    return "eval"


def run(script: str, mode: str = "exec", helpers=None):
    env = RestrictedEnvironment(helpers)
    data = {}
    if mode == "eval":
        return env.evaluate(script, data)
    env.execute(script, data)
    return data


@pytest.mark.parametrize("script", sorted(BOMBS))
def test_a_bomb_stops_at_its_limit(script):
    started = time.perf_counter()
    with pytest.raises(limits.LimitError) as raised:
        run(script, mode_of(script))
    assert raised.value.limit == BOMBS[script]
    assert ("ACOMPANA_SCRIPT_SECONDS" if BOMBS[script] == "cpu"
            else "ACOMPANA_SCRIPT_MEMORY_MB") in str(raised.value)
    assert time.perf_counter() - started < 20 * SECONDS + 2


def test_the_limits_hold_on_any_thread():
    outcome = []

    def work():
        try:
            run("while True: pass")
        except limits.LimitError as error:
            outcome.append(error.limit)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=30)
    assert outcome == ["cpu"]


@pytest.mark.parametrize("raised", ["SystemExit(3)", "KeyboardInterrupt", "GeneratorExit",
                                    "BaseException('x')"])
def test_what_a_script_raises_is_an_ordinary_error(raised):
    with pytest.raises(limits.ScriptRaised, match=raised.split("(")[0]):
        run(f"raise {raised}")


def test_a_real_interrupt_still_stops_the_process():
    """A KeyboardInterrupt that does not come from a ``raise`` in the script (a signal while
    a script runs, here raised by a helper) is not turned into a script error."""
    def signalled():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run("x = senal()", helpers=lambda data: {"senal": signalled})


def test_deep_recursion_is_an_ordinary_error():
    with pytest.raises(RecursionError):
        run("def f(n):\n    return f(n + 1)\nf(0)")


def test_ordinary_scripts_are_unchanged():
    data = run("total = sum([1, 2, 3])\nnombre = ', '.join(['a', 'b'])\n"
               "x = 0\nfor i in range(10):\n    x += i * 2\n"
               "cuadrados = [n ** 2 for n in range(5)]\nf = (lambda v: v + 1)(1)\n"
               "texto = f'{x:>5}|{nombre!r}'\nrelleno = 'ab'.ljust(4, '-')\n"
               "pct = '%d%%' % 50\ngrande = 2 ** 100\nm = math.floor(2.5)")
    assert data["total"] == 6 and data["nombre"] == "a, b" and data["x"] == 90
    assert data["cuadrados"] == [0, 1, 4, 9, 16] and data["f"] == 2
    assert data["texto"] == "   90|'a, b'" and data["relleno"] == "ab--"
    assert data["pct"] == "50%" and data["grande"] == 2 ** 100 and data["m"] == 2
    assert run("'a' * 3 + 'b'", "eval") == "aaab"


MULTI = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="t">
  <bpmn:process id="multi" isExecutable="true">
    <bpmn:startEvent id="inicio"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="visitas" name="Visitas">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:loopCardinality>CARDINALITY</bpmn:loopCardinality>
      </bpmn:multiInstanceLoopCharacteristics>
      <bpmn:script>x = 1</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="fin"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="inicio" targetRef="visitas" />
    <bpmn:sequenceFlow id="f2" sourceRef="visitas" targetRef="fin" />
  </bpmn:process>
</bpmn:definitions>"""


def multi_workflow(cardinality: str) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(MULTI.replace("CARDINALITY", cardinality).encode())
    workflow = BpmnWorkflow(parser.get_spec("multi"))
    workflow.script_engine = RestrictedScriptEngine()
    return workflow


def test_a_huge_cardinality_is_refused_before_any_instance_exists():
    workflow = multi_workflow("10 ** 7")
    started = time.perf_counter()
    with pytest.raises(engine.ScriptFailure) as raised:
        runtime.advance(workflow, lambda task: None)
    assert raised.value.element == "visitas" and raised.value.details["limit"] == "instances"
    assert "ACOMPANA_MAX_INSTANCES" in str(raised.value)
    assert len(workflow.get_tasks()) < 50 and time.perf_counter() - started < 5


def test_a_reasonable_cardinality_runs():
    workflow = multi_workflow("3")
    runtime.advance(workflow, lambda task: None)
    assert workflow.is_completed()
