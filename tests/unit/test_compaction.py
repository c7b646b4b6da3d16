"""Compacting the task tree keeps behaviour and data identical and the state small.

Each scenario runs twice, with and without compaction, saving and restoring the workflow
between every step; the two runs must see the same tasks in the same order with the same data.
"""

from datetime import UTC, datetime, timedelta

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.core import clock
from engine.runtime.compaction import compact
from engine.runtime.scripting import RestrictedScriptEngine
from engine.runtime.serialization import dump_state, load_state
from engine.runtime.timers import install_clock
from engine.runtime.workflow import advance, catch_up, ready_user_tasks
from tests.conftest import FIXTURES

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def load_spec(name):
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(FIXTURES / "compaction" / f"{name}.bpmn"))
    spec, subs = parser.get_spec(name), parser.get_subprocess_specs(name)
    for each in (spec, *subs.values()):
        install_clock(each)
    return spec, subs


def restore(state, spec, subs):
    workflow = load_state(state, spec, subs)
    workflow.script_engine = RestrictedScriptEngine()
    return workflow


def run(name, *, compacting, hours_between_steps=0.5, limit=200):
    """Complete every ready user task in order; return the trace and the state sizes."""
    spec, subs = load_spec(name)
    trace, sizes, now = [], [], T0
    workflow = BpmnWorkflow(spec, subs, script_engine=RestrictedScriptEngine())
    with clock.frozen_at(now):
        advance(workflow, lambda t: None)
    state = dump_state(workflow)
    for step in range(limit):
        workflow = restore(state, spec, subs)
        now += timedelta(hours=hours_between_steps)
        with clock.frozen_at(now):
            catch_up(workflow, now, lambda t: None)
            ready = sorted(ready_user_tasks(workflow), key=lambda t: t.task_spec.bpmn_id)
            if not ready:
                break
            task = ready[0]
            task.data[f"{task.task_spec.bpmn_id}_value"] = step
            trace.append((task.task_spec.bpmn_id, dict(task.data)))
            task.run()
            advance(workflow, lambda t: None)
        if compacting:
            compact(workflow)
        state = dump_state(workflow)
        sizes.append(len(state))
    finished = restore(state, spec, subs)
    return trace, sizes, finished


@pytest.mark.parametrize("name, hours", [
    ("loop", 0.5), ("parallel_loop", 0.5), ("boundary_loop", 0.5), ("boundary_loop", 30),
])
def test_compaction_changes_nothing_a_process_can_see(name, hours):
    plain, _, plain_end = run(name, compacting=False, hours_between_steps=hours)
    compacted, _, compacted_end = run(name, compacting=True, hours_between_steps=hours)
    assert compacted == plain and len(plain) > 5
    assert compacted_end.is_completed() and plain_end.is_completed()
    assert compacted_end.data == plain_end.data


@pytest.mark.parametrize("name", ["loop", "parallel_loop", "boundary_loop"])
def test_compacted_state_stops_growing(name):
    _, plain, _ = run(name, compacting=False)
    _, compacted, _ = run(name, compacting=True)
    assert plain[-2] > 1.8 * plain[0]
    assert compacted[-2] <= compacted[0] * 1.2


def test_no_finished_task_survives_outside_the_live_path():
    spec, subs = load_spec("loop")
    workflow = BpmnWorkflow(spec, subs, script_engine=RestrictedScriptEngine())
    advance(workflow, lambda t: None)
    for _ in range(4):
        task = workflow.get_tasks(state=TaskState.READY)[0]
        task.run()
        advance(workflow, lambda t: None)
    before = len(workflow.tasks)
    removed = compact(workflow)
    assert removed > 0 and len(workflow.tasks) == before - removed
    assert all(t.parent is None or t.parent.id in workflow.tasks for t in workflow.tasks.values())
