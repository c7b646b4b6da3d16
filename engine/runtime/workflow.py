"""Driving a loaded workflow: running engine steps, firing timers in order, reading its state.

Nothing here touches the database; :mod:`engine.commands.store` mirrors what these functions report.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from ..core import clock
from ..core.errors import ScriptFailure, UnsafeScript
from .helpers import DEADLINE_KEY, CaseContext
from .limits import LimitError
from .scripting import RestrictedScriptEngine

MAX_TIMER_ROUNDS = 10_000
OWN_DUE = "own_due"  # internal data of a step whose deadline is its own (no escalation timer)
FIRST_ESCALATION = "first_escalation"  # an escalation armed again: when it first fired


@dataclass(frozen=True)
class WaitingTimer:
    """A timer event the workflow is waiting on."""

    task_id: str
    bpmn_id: str
    kind: str
    deadline_key: str | None
    due_at: datetime
    host_task_id: str | None
    cycle: bool = False


def attach(workflow: BpmnWorkflow, context: CaseContext) -> BpmnWorkflow:
    """Give a (new or just restored) workflow the restricted script engine of its case."""
    workflow.script_engine = RestrictedScriptEngine(context.helpers)
    return workflow


def start(spec, subprocess_specs, context: CaseContext, data: dict) -> BpmnWorkflow:
    """A new workflow of ``spec`` for a case, with ``data`` on its start event (not run yet)."""
    workflow = attach(BpmnWorkflow(spec, subprocess_specs), context)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    return workflow


def is_timer(task: Task) -> bool:
    """Whether ``task`` is a timer event (a deadline, a reminder, a cycle...)."""
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


def properties(task: Task) -> dict:
    """The ``spiffworkflow:property`` values of a task's spec."""
    return getattr(task.task_spec, "extensions", {}).get("properties", {})


def deadline_key(task: Task) -> str | None:
    """The deadline rule a timer applied (its expression may choose one, e.g. the session
    rule of the year the case is in), else its ``deadline`` property; for a step, the rule
    its escalation timer applied, else its own ``deadline`` property."""
    used = task._get_internal_data(DEADLINE_KEY)
    if used:
        return used
    if not is_timer(task):
        siblings = task.parent.children if task.parent is not None else []
        for event in siblings:
            if properties(event).get("kind") == "escalation" and event is not task:
                used = event._get_internal_data(DEADLINE_KEY)
                if used:
                    return used
    return properties(task).get("deadline")


def advance(workflow: BpmnWorkflow, on_step: Callable[[Task], None]) -> None:
    """Run every engine task that can run now; ``on_step`` sees each completed one."""
    with _script_errors():
        workflow.do_engine_steps(did_complete_task=on_step)
        workflow.refresh_timers()
        workflow.do_engine_steps(did_complete_task=on_step)


def catch_up(workflow: BpmnWorkflow, until: datetime, on_step: Callable[[Task], None]) -> None:
    """Fire every timer due by ``until`` in due order, each at its own due time.

    A recurring timer fires once per missed cycle, and what a fired timer starts (a reminder,
    a new waiting period) is computed as of the moment it should have fired.
    """
    for _ in range(MAX_TIMER_ROUNDS):
        due = [t for t in waiting_timers(workflow) if t.due_at <= until]
        if not due:
            return
        moment = min(t.due_at for t in due)
        # a recurring timer never completes: report each cycle it fires as a step of its own
        cycles = [find_task(workflow, t.task_id) for t in due if t.cycle and t.due_at == moment]
        with clock.frozen_at(moment):
            advance(workflow, on_step)
            for task in cycles:
                on_step(task)
    raise ScriptFailure("(timers)", f"more than {MAX_TIMER_ROUNDS} timer firings in one sweep",
                        code="script.too_many_timers", params={"limit": MAX_TIMER_ROUNDS})


def deliver_message(workflow: BpmnWorkflow, name: str, payload,
                    on_step: Callable[[Task], None]) -> None:
    """Give the workflow the message ``name`` it waits for, then run the steps it starts."""
    waiting = [t for t in workflow.event_manager.tasks.values()
               if isinstance(getattr(t.task_spec, "event_definition", None),
                             MessageEventDefinition)
               and t.task_spec.event_definition.name == name]
    if not waiting:
        raise ScriptFailure("(message)", f"the process does not wait for the message '{name}'",
                            code="script.message_not_awaited", params={"message": name})
    with _script_errors():
        workflow.send_event(BpmnEvent(waiting[0].task_spec.event_definition, payload=payload))
    advance(workflow, on_step)


def waiting_timers(workflow: BpmnWorkflow) -> list[WaitingTimer]:
    """Every timer the workflow waits on, with the moment it is due."""
    timers = []
    for task in list(workflow.event_manager.tasks.values()):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        due = _due_at(task, definition)
        if due is not None:
            timers.append(_waiting_timer(task, due))
    return timers


def _due_at(task: Task, definition) -> datetime | None:
    value = task._get_internal_data("event_value")
    if isinstance(definition, CycleTimerEventDefinition):
        if not value or value.get("cycles") == 0:
            return None
        value = value["next"]
    return TimerEventDefinition.get_datetime(value) if value else None


def _waiting_timer(task: Task, due: datetime) -> WaitingTimer:
    props = properties(task)
    host = boundary_host(task)
    kind = props.get("kind") or ("boundary" if host else "wait")
    cycle = isinstance(task.task_spec.event_definition, CycleTimerEventDefinition)
    return WaitingTimer(str(task.id), task.task_spec.bpmn_id, kind, deadline_key(task),
                        due, str(host.id) if host else None, cycle)


def boundary_host(task: Task) -> Task | None:
    """The task a boundary event is attached to (None for other tasks)."""
    if not isinstance(task.task_spec, BoundaryEvent) or task.parent is None:
        return None
    hosts = [c for c in task.parent.children if not isinstance(c.task_spec, BoundaryEvent)]
    return hosts[0] if hosts else None


def deadline_moments(task: Task) -> tuple[datetime | None, datetime | None]:
    """``(remind_at, due_at)`` of a user task, from its reminder and escalation timers (or,
    without an escalation timer, its own deadline: engine.runtime.reviews).

    Read whether or not the timers have fired, so an overdue task keeps its due date.
    """
    found: dict[str, datetime] = {}
    siblings = task.parent.children if task.parent is not None else []
    for event in siblings:
        kind = properties(event).get("kind")
        value = (event._get_internal_data(FIRST_ESCALATION)
                 or event._get_internal_data("event_value"))
        if kind in ("reminder", "escalation") and isinstance(value, str):
            found[kind] = TimerEventDefinition.get_datetime(value)
    own = task._get_internal_data(OWN_DUE)
    if "escalation" not in found and isinstance(own, str):
        found["escalation"] = TimerEventDefinition.get_datetime(own)
    return found.get("reminder"), found.get("escalation")


def escalated(task: Task) -> bool:
    """Whether the task's escalation timer has fired (the task is overdue and flagged)."""
    siblings = task.parent.children if task.parent is not None else []
    return any(properties(e).get("kind") == "escalation"
               and (e.state == TaskState.COMPLETED or e._get_internal_data(FIRST_ESCALATION))
               for e in siblings)


def postpone_timers(workflow: BpmnWorkflow, by: timedelta) -> int:
    """Move every waiting timer ``by`` later (after a pause); return how many moved."""
    moved = 0
    for task in list(workflow.event_manager.tasks.values()):
        value = task._get_internal_data("event_value")
        if isinstance(value, str):
            task._set_internal_data(event_value=(_parse(value) + by).isoformat())
        elif isinstance(value, dict) and "next" in value:
            value["next"] = (_parse(value["next"]) + by).isoformat()
        else:
            continue
        moved += 1
    return moved


def _parse(value: str) -> datetime:
    return TimerEventDefinition.get_datetime(value)


def ready_user_tasks(workflow: BpmnWorkflow) -> list[Task]:
    """The user tasks waiting for a person."""
    return [t for t in workflow.get_tasks(state=TaskState.READY)
            if isinstance(t.task_spec, UserTask)]


def find_task(workflow: BpmnWorkflow, task_id: str) -> Task | None:
    """The task with this id, in the workflow or any of its subprocesses."""
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except (ValueError, KeyError, TaskNotFoundException):
        return None


@contextmanager
def _script_errors() -> Iterator[None]:
    """Turn SpiffWorkflow's task exceptions into the engine's :class:`ScriptFailure`."""
    try:
        yield
    except (SpiffWorkflowException, UnsafeScript) as error:
        task = getattr(error, "task", None) or getattr(error, "task_spec", None)
        spec = getattr(task, "task_spec", task)
        element = getattr(spec, "bpmn_id", None) or "(process)"
        raise ScriptFailure(element, _describe(error), _details(error, spec)) from error


def _details(error: Exception, spec) -> dict:
    """The element's name, and which limit a failure hit if any (``{"limit": "cpu"}``)."""
    details = {"name": getattr(spec, "bpmn_name", None)}
    cause = getattr(error, "exception", None) or error.__cause__
    if isinstance(cause, LimitError):
        details["limit"] = cause.limit
    return details


def _describe(error: Exception) -> str:
    cause = getattr(error, "exception", None) or error.__cause__
    text = str(error).split("\n")[0]
    return f"{text}: {cause}" if cause and str(cause) not in text else text
