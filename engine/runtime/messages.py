"""Messages a case waits for: an intermediate catch event or a boundary event on a message.

A case's process may wait for news from outside (documents another service sends, an answer
to a referral): its catch event names a BPMN message and, with ``messageVariable``, the case
data the message's payload becomes. SpiffWorkflow drops a message nobody waits for without a
word, so :func:`awaiting` says first which events of this case wait for it, and
:func:`deliver` hands it only to this case's workflow (routing by case id is the caller's).
Acts (an event subprocess started by a message, engine.runtime.acts) are not waits: the
case file records them, with their own form.
"""

from collections.abc import Callable
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task

from .workflow import _script_errors, advance, properties


@dataclass(frozen=True)
class WaitingMessage:
    """One event of a case waiting for a message: the message's name, the event's BPMN id and
    name, the case data its payload becomes (``variable``) and the event's properties (a
    ``formKey`` names the form the payload must satisfy)."""

    message: str
    bpmn_id: str
    name: str
    variable: str | None
    properties: dict


def awaiting(workflow: BpmnWorkflow) -> list[WaitingMessage]:
    """Every message the case waits for now, in a stable order (by message, then event)."""
    found = [_waiting(task) for task in _catching(workflow)]
    return sorted(found, key=lambda w: (w.message, w.bpmn_id))


def deliver(workflow: BpmnWorkflow, name: str, payload: dict,
            on_step: Callable[[Task], None]) -> WaitingMessage | None:
    """Give the case the message ``name`` with ``payload`` and run the steps it starts;
    ``None`` (and nothing changed) when nothing in the case waits for it."""
    tasks = [t for t in _catching(workflow) if t.task_spec.event_definition.name == name]
    if not tasks:
        return None
    first = tasks[0]
    waited = _waiting(first)
    with _script_errors():
        workflow.send_event(BpmnEvent(first.task_spec.event_definition, payload=payload))
    advance(workflow, on_step)
    return waited


def _catching(workflow: BpmnWorkflow) -> list[Task]:
    return [t for t in workflow.event_manager.tasks.values()
            if isinstance(getattr(t.task_spec, "event_definition", None), MessageEventDefinition)]


def _waiting(task: Task) -> WaitingMessage:
    spec = task.task_spec
    definition = spec.event_definition
    return WaitingMessage(definition.name, spec.bpmn_id, spec.bpmn_name or spec.bpmn_id,
                          getattr(definition, "message_var", None), dict(properties(task)))
