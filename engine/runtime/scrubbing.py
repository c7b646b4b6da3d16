"""Rewriting the data held in a serialized workflow (privacy erasure, retention).

The state is restored with its spec, every task's materialised data (the serializer stores
deltas against the parent, so each task is rewritten whole and the deltas are recomputed), the
workflow's and its subprocesses' data, each task's internal data and the pending events'
payloads are passed through the caller's functions, and the workflow is serialized again: the
result loads as any state does.
"""

from collections.abc import Callable

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from .serialization import dump_state, load_state

Change = Callable[[object], object]


def scrub_state(state: str, spec, subprocess_specs: dict, data: Change,
                internal: Change) -> str:
    """``state`` with ``data`` applied to all process data and ``internal`` to the engine's
    own (timer moments, message payloads); returns the new serialized state."""
    workflow = load_state(state, spec, subprocess_specs)
    scrub_workflow(workflow, data, internal)
    return dump_state(workflow)


def scrub_workflow(workflow: BpmnWorkflow, data: Change, internal: Change) -> None:
    """Apply ``data`` and ``internal`` to a live workflow in place (see :func:`scrub_state`)."""
    for process in [workflow, *workflow.subprocesses.values()]:
        process.data = data(process.data)
        for task in process.tasks.values():
            task.data = data(task.data)
            task.internal_data = internal(task.internal_data)
    for event in workflow.bpmn_events:
        if getattr(event, "payload", None) is not None:
            event.payload = data(event.payload)
