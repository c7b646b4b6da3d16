"""Classifying and moving one workflow onto another version (engine.runtime.migration).

Version 1: a (a user task with a 48-hour timer) → b (a user task with a 48-hour timer) → c.
Version 2: b is gone, a's timer is 24 hours, and a script task s follows c.
"""

from datetime import UTC, datetime, timedelta

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.core import clock
from engine.runtime import migration
from engine.runtime.scripting import RestrictedScriptEngine
from engine.runtime.serialization import dump_state, load_state
from engine.runtime.timers import install_clock
from engine.runtime.workflow import advance, ready_user_tasks, waiting_timers

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
HEAD = ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
        'targetNamespace="t"><bpmn:process id="p" isExecutable="true">'
        '<bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>')
TAIL = '</bpmn:process></bpmn:definitions>'


def user(task, incoming, outgoing, hours=None):
    xml = (f'<bpmn:userTask id="{task}" name="Paso {task}"><bpmn:incoming>{incoming}'
           f'</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:userTask>')
    if hours:
        xml += (f'<bpmn:boundaryEvent id="t_{task}" cancelActivity="false" attachedToRef="{task}">'
                f'<bpmn:outgoing>ft_{task}</bpmn:outgoing><bpmn:timerEventDefinition>'
                f'<bpmn:timeDuration>"PT{hours}H"</bpmn:timeDuration></bpmn:timerEventDefinition>'
                f'</bpmn:boundaryEvent><bpmn:endEvent id="e_{task}"><bpmn:incoming>ft_{task}'
                f'</bpmn:incoming></bpmn:endEvent>'
                f'<bpmn:sequenceFlow id="ft_{task}" sourceRef="t_{task}" targetRef="e_{task}"/>')
    return xml


def flow(name, source, target):
    return f'<bpmn:sequenceFlow id="{name}" sourceRef="{source}" targetRef="{target}"/>'


V1 = (HEAD + user("a", "f0", "f1", 48) + user("b", "f1", "f2", 48) + user("c", "f2", "f3")
      + '<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>'
      + flow("f0", "start", "a") + flow("f1", "a", "b") + flow("f2", "b", "c")
      + flow("f3", "c", "end") + TAIL)
V2 = (HEAD + user("a", "f0", "f2", 24) + user("c", "f2", "f3")
      + '<bpmn:scriptTask id="s"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4'
        '</bpmn:outgoing><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>'
      + '<bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>'
      + flow("f0", "start", "a") + flow("f2", "a", "c") + flow("f3", "c", "s")
      + flow("f4", "s", "end") + TAIL)


def parsed(xml):
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml.encode())
    spec, subs = parser.get_spec("p"), parser.get_subprocess_specs("p")
    install_clock(spec)
    return spec, subs


@pytest.fixture(scope="module")
def versions():
    return parsed(V1), parsed(V2)


def case_at(step, versions, at=T0):
    (spec, subs), _ = versions
    workflow = BpmnWorkflow(spec, subs, script_engine=RestrictedScriptEngine())
    with clock.frozen_at(at):
        advance(workflow, lambda t: None)
        while (ready := ready_user_tasks(workflow))[0].task_spec.bpmn_id != step:
            ready[0].run()
            advance(workflow, lambda t: None)
    return workflow


def moved(workflow, versions, mapping=None, deadlines="keep", at=T0 + timedelta(hours=10)):
    _, (spec, subs) = versions
    with clock.frozen_at(at):
        opened = {str(t.id): T0 for t in ready_user_tasks(workflow)}
        result = migration.migrate(workflow, spec, subs, mapping or {}, deadlines, opened)
        advance(workflow, lambda t: None)
    restored = load_state(dump_state(workflow), spec, subs)  # it saves and loads again
    restored.script_engine = RestrictedScriptEngine()
    return result, restored


def ready_ids(workflow):
    return [t.task_spec.bpmn_id for t in ready_user_tasks(workflow)]


def test_a_case_at_a_step_both_versions_have_moves_by_itself_and_keeps_its_task_id(versions):
    workflow = case_at("a", versions)
    before = ready_user_tasks(workflow)[0].id
    result, after = moved(workflow, versions)
    assert (result.outcome, result.reason) == ("moves", None)
    assert [(e.bpmn_id, e.name) for e in result.open][:1] == [("a", "Paso a")]
    assert [t.id for t in ready_user_tasks(after)] == [before]


def test_a_case_at_a_removed_step_needs_a_mapping_and_says_which(versions):
    found = migration.classify(case_at("b", versions), *versions[1], {})
    assert (found.outcome, found.reason, found.params) == (
        "needs_mapping", "migration.needs_mapping", {"element": "b", "name": "Paso b"})


def test_a_mapping_moves_the_case_to_the_named_step_with_its_timers_gone(versions):
    result, after = moved(case_at("b", versions), versions, {"b": "c"})
    assert (result.outcome, result.mapping) == ("moves_mapped", {"b": "c"})
    assert ready_ids(after) == ["c"] and waiting_timers(after) == []
    ready_user_tasks(after)[0].run()
    advance(after, lambda t: None)
    assert after.is_completed() and after.data["x"] == 1  # version 2's script ran


@pytest.mark.parametrize("target, reason", [("zz", "migration.mapping_unknown"),
                                            ("s", "migration.mapping_kind")])
def test_a_mapping_to_a_missing_step_or_one_of_another_kind_cannot_move(versions, target,
                                                                        reason):
    workflow = case_at("b", versions)
    state = dump_state(workflow)
    found = migration.migrate(workflow, *versions[1], {"b": target})
    assert (found.outcome, found.reason) == ("cannot_move", reason)
    assert dump_state(workflow) == state  # nothing changed


def test_a_completed_step_that_is_gone_is_pruned_and_the_case_saves_and_goes_on(versions):
    result, after = moved(case_at("c", versions), versions)
    assert result.outcome == "moves"
    assert "b" not in {t.task_spec.bpmn_id for t in after.get_tasks()}
    ready_user_tasks(after)[0].run()
    advance(after, lambda t: None)
    assert after.is_completed()


def test_a_running_deadline_keeps_its_date_or_is_recomputed_from_the_start_of_the_wait(
        versions):
    _, kept = moved(case_at("a", versions), versions, deadlines="keep")
    _, recomputed = moved(case_at("a", versions), versions, deadlines="recompute")
    assert [t.due_at for t in waiting_timers(kept)] == [T0 + timedelta(hours=48)]
    assert [t.due_at for t in waiting_timers(recomputed)] == [T0 + timedelta(hours=24)]


SUB = ('<bpmn:subProcess id="sp" name="Sub"><bpmn:incoming>f0</bpmn:incoming>'
       '<bpmn:outgoing>f1</bpmn:outgoing><bpmn:startEvent id="sp_start"><bpmn:outgoing>g0'
       '</bpmn:outgoing></bpmn:startEvent>' + user("x", "g0", "g1")
       + '<bpmn:endEvent id="sp_end"><bpmn:incoming>g1</bpmn:incoming></bpmn:endEvent>'
       + flow("g0", "sp_start", "x") + flow("g1", "x", "sp_end") + '</bpmn:subProcess>')
WITH_SUB = (HEAD + SUB + '<bpmn:endEvent id="end"><bpmn:incoming>f1</bpmn:incoming>'
            '</bpmn:endEvent>' + flow("f0", "start", "sp") + flow("f1", "sp", "end") + TAIL)
SUB_RENAMED = WITH_SUB.replace('"Paso x"', '"Paso x (nuevo nombre)"')
WITHOUT_SUB = (HEAD + user("y", "f0", "f1") + '<bpmn:endEvent id="end"><bpmn:incoming>f1'
               '</bpmn:incoming></bpmn:endEvent>' + flow("f0", "start", "y")
               + flow("f1", "y", "end") + TAIL)


def in_subprocess():
    spec, subs = parsed(WITH_SUB)
    workflow = BpmnWorkflow(spec, subs, script_engine=RestrictedScriptEngine())
    with clock.frozen_at(T0):
        advance(workflow, lambda t: None)
    return workflow


def test_a_started_subprocess_moves_with_its_own_new_spec():
    workflow = in_subprocess()
    before = ready_user_tasks(workflow)[0].id
    result, after = moved(workflow, (None, parsed(SUB_RENAMED)))
    assert result.outcome == "moves"
    [task] = ready_user_tasks(after)
    assert (task.id, task.task_spec.bpmn_name) == (before, "Paso x (nuevo nombre)")


def test_a_started_subprocess_whose_spec_is_gone_cannot_move():
    found = migration.classify(in_subprocess(), *parsed(WITHOUT_SUB), {"x": "y"})
    assert (found.outcome, found.reason, found.params) == (
        "cannot_move", "migration.subprocess_gone", {"process": "sp"})


THEN_Z = (HEAD + SUB + user("z", "f1", "f2") + '<bpmn:endEvent id="end"><bpmn:incoming>f2'
          '</bpmn:incoming></bpmn:endEvent>' + flow("f0", "start", "sp") + flow("f1", "sp", "z")
          + flow("f2", "z", "end") + TAIL)
ONLY_Z = (HEAD + user("z", "f0", "f2") + '<bpmn:endEvent id="end"><bpmn:incoming>f2'
          '</bpmn:incoming></bpmn:endEvent>' + flow("f0", "start", "z")
          + flow("f2", "z", "end") + TAIL)


def test_a_finished_subprocess_whose_spec_is_gone_is_dropped_and_the_case_goes_on():
    spec, subs = parsed(THEN_Z)
    workflow = BpmnWorkflow(spec, subs, script_engine=RestrictedScriptEngine())
    with clock.frozen_at(T0):
        advance(workflow, lambda t: None)
        ready_user_tasks(workflow)[0].run()
        advance(workflow, lambda t: None)
    assert ready_ids(workflow) == ["z"] and workflow.subprocesses
    result, after = moved(workflow, (None, parsed(ONLY_Z)))
    assert result.outcome == "moves" and not after.subprocesses
    ready_user_tasks(after)[0].run()
    advance(after, lambda t: None)
    assert after.is_completed()
