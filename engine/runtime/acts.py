"""Acts outside the schedule: the event subprocesses a case's process starts on a message.

A programme's BPMN models each act a caseworker may record from the case file at any moment
(a withdrawal, a move, a safety concern, an extra contact) as an event subprocess whose start
event catches a named message. In SpiffWorkflow 3.2 such a subprocess is not a waiting task:
its spec is a *trigger* of the process's start (``spec.start.trigger_specs``) and
``send_event`` creates it when a matching message arrives (a new one each time). SpiffWorkflow
keeps no ``isInterrupting``: an interrupting act cancels the rest of the case here, before its
own steps run, so the case ends with the act's end event.
"""

from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from ..core.errors import ScriptFailure
from .workflow import _script_errors, advance


@dataclass(frozen=True)
class ActTrigger:
    """One act a process offers: the message that starts it and its start event's spec."""

    message: str
    name: str  # the event subprocess's name, e.g. "Desistimiento de la familia"
    start_id: str
    properties: dict


def triggers(workflow_spec, subprocess_specs) -> list[ActTrigger]:
    """Every act of a process spec, in the order the diagram declares them."""
    found = []
    for name in getattr(workflow_spec.start, "trigger_specs", []):
        sub = subprocess_specs.get(name)
        host = workflow_spec.task_specs.get(name)
        if sub is None:
            continue
        for start in sub.bpmn_start_events:
            definition = start.event_definition
            if isinstance(definition, MessageEventDefinition):
                props = getattr(start, "extensions", {}).get("properties", {})
                found.append(ActTrigger(definition.name, getattr(host, "bpmn_name", None)
                                        or name, start.bpmn_id, dict(props)))
    return found


def running(workflow: BpmnWorkflow) -> bool:
    """Whether the workflow can still catch an act (it has not finished)."""
    return not workflow.is_completed()


def deliver_act(workflow: BpmnWorkflow, message: str, payload: dict, interrupting: bool,
                on_step) -> None:
    """Start the act of ``message`` with ``payload`` (its form's answers) and run its steps;
    an ``interrupting`` act first cancels everything else the case was doing."""
    trigger = _definition(workflow, message)
    before = set(workflow.subprocesses)
    with _script_errors():
        workflow.send_event(BpmnEvent(trigger, payload=payload))
    started = [i for i in workflow.subprocesses if i not in before]
    if interrupting:
        _cancel_all_but(workflow, set(started))
    advance(workflow, on_step)


def _definition(workflow: BpmnWorkflow, message: str) -> MessageEventDefinition:
    for name in workflow.spec.start.trigger_specs:
        sub = workflow.subprocess_specs.get(name)
        for start in sub.bpmn_start_events if sub else ():
            if getattr(start.event_definition, "name", None) == message:
                return start.event_definition
    raise ScriptFailure("(message)", f"the process has no act started by '{message}'",
                        code="script.message_not_awaited", params={"message": message})


def _cancel_all_but(workflow: BpmnWorkflow, keep: set) -> None:
    """Cancel every branch of the case's top process but the act's own subprocess task(s)."""
    for child in list(workflow.task_tree.children):
        if child.id in keep:
            continue
        child.cancel()
    for task in list(workflow.get_tasks(state=TaskState.WAITING)):
        if task.workflow is workflow and not _under(task, keep):
            task.cancel()


def _under(task, keep: set) -> bool:
    node = task
    while node is not None:
        if node.id in keep:
            return True
        node = node.parent
    return False
