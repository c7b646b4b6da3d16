"""The compact task form of stored states (engine.runtime.compact_tasks): it restores every
task as it was, and states stored in SpiffWorkflow's own form before it still load."""

import json
from datetime import timedelta

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from engine.core import clock
from engine.runtime import serialization
from engine.runtime.scripting import RestrictedScriptEngine
from engine.runtime.serialization import dump_state
from engine.runtime.workflow import advance, catch_up, ready_user_tasks
from tests.unit.test_compaction import T0, load_spec, restore


def walked(steps: int = 4) -> tuple[BpmnWorkflow, tuple]:
    """The boundary loop (a subprocess with timers) after ``steps`` completed visits, each
    with data of its own, and a timer fired between two of them."""
    spec, subs = load_spec("boundary_loop")
    workflow = BpmnWorkflow(spec, subs, script_engine=RestrictedScriptEngine())
    now = T0
    with clock.frozen_at(now):
        advance(workflow, lambda t: None)
    for step in range(steps):
        now += timedelta(hours=2 if step == 1 else 0.5)
        with clock.frozen_at(now):
            catch_up(workflow, now, lambda t: None)
            task = sorted(ready_user_tasks(workflow), key=lambda t: t.task_spec.bpmn_id)[0]
            task.data.update({f"paso_{step}": step, "nombre": "Señora Ñúñez"})
            task.run()
            advance(workflow, lambda t: None)
    return workflow, (spec, subs)


def stock_state(workflow: BpmnWorkflow) -> str:
    """The state as SpiffWorkflow's own task converter writes it (states stored before)."""
    registry = serialization._SERIALIZER.registry
    dct = json.loads(dump_state(workflow))
    for process, written in [(workflow, dct), *(
            (sub, dct["subprocesses"][str(key)]) for key, sub in workflow.subprocesses.items())]:
        written["tasks"] = {str(t.id): registry.convert(t) for t in process.tasks.values()}
    return json.dumps(dct)


def tasks_of(workflow: BpmnWorkflow) -> list[tuple]:
    return [(t.id, t.parent.id if t.parent else None, [c.id for c in t.children], t.state,
             t.task_spec.name, t.triggered, t.last_state_change, t.data, t.internal_data)
            for process in [workflow, *workflow.subprocesses.values()]
            for t in process.tasks.values()]


def test_every_task_comes_back_as_it_was():
    workflow, (spec, subs) = walked()
    assert workflow.subprocesses, "the walk must reach into the subprocess"
    again = restore(dump_state(workflow), spec, subs)
    assert tasks_of(again) == tasks_of(workflow)
    assert dump_state(again) == dump_state(workflow)


def test_a_state_stored_in_spiffworkflows_own_form_loads_and_is_written_compact():
    workflow, (spec, subs) = walked()
    old = stock_state(workflow)
    assert '"typename": "Task"' in old
    restored = restore(old, spec, subs)
    assert tasks_of(restored) == tasks_of(workflow)
    assert dump_state(restored) == dump_state(workflow)


def test_the_compact_form_is_well_under_spiffworkflows():
    workflow, _ = walked()
    assert len(dump_state(workflow)) < 0.6 * len(stock_state(workflow))
