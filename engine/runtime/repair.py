"""Repairing a running case: putting its main path back at a step it has passed.

An administrator repairs a case that took a wrong branch (the deciding step was answered
wrongly) or went past a step by mistake, by moving it back to that step. The move works on
the *main path* (the case's top process, not the steps inside a subprocess or an act):

1. the main path's open branch (the entry of its open step: the step's boundary-event split,
   or the subprocess it is in) is removed from the tree, with every subprocess under it, so
   its open steps close and their timers stop;
2. a fresh task of the destination (its boundary-event split if it has deadlines) is grafted
   where the open branch was, and reset through SpiffWorkflow's ``reset_from_task_id`` with
   the data it is given (the caller restores the data as it was before the destination was
   completed; :mod:`engine.commands.case_moves`);
   (a value the data no longer has is None there);
3. the engine steps are run, so the destination is ready and its deadlines start now.

The tree is compacted (engine.runtime.compaction): a passed step's own task is usually gone,
so the destination is grafted from its spec rather than reset in place. Only moves *back*
are offered: skipping an open step would run the gateways after it on answers nobody gave.
"""

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit, _EndJoin
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from ..core.errors import Conflict
from .workflow import _script_errors, advance, properties

OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass(frozen=True)
class PathStep:
    """A user task of a case's main path: its BPMN id and its name in the diagram."""

    bpmn_id: str
    name: str


def path_steps(workflow: BpmnWorkflow) -> dict[str, PathStep]:
    """Every user task of the main path a case could be moved back to (no overdue reviews,
    no acts' steps), by BPMN id."""
    found = {}
    for spec in workflow.spec.task_specs.values():
        if isinstance(spec, UserTask) and not _is_review_spec(spec):
            found[spec.bpmn_id] = PathStep(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id)
    return found


def _is_review_spec(spec) -> bool:
    return any(isinstance(i, BoundaryEvent)
               and getattr(i, "extensions", {}).get("properties", {}).get("kind")
               == "escalation" for i in spec.inputs)


def open_entry(workflow: BpmnWorkflow) -> Task | None:
    """The task where the main path's open branch begins (None: nothing open on it).

    :class:`Conflict` ``move.parallel_branches`` when the main path is open on two branches.
    """
    acts = set(getattr(workflow.spec.start, "trigger_specs", []))
    entries = {}
    for task in list(workflow.tasks.values()):
        # the process's end join waits for every branch: it is no step of the path
        if (task.state & OPEN and not isinstance(task.task_spec, _EndJoin)
                and not _in_act(task, acts)):
            entry = _entry_of(task)
            entries[entry.id] = entry
    if len(entries) > 1:
        raise Conflict("the case is open on two branches of its main path: it cannot be "
                       "moved as one", code="move.parallel_branches")
    return next(iter(entries.values()), None)


def _in_act(task: Task, acts: set[str]) -> bool:
    node = task
    while node is not None:
        if node.task_spec.name in acts:
            return True
        node = node.parent
    return False


def _entry_of(task: Task) -> Task:
    """Walk up from an open task to the first task of its branch."""
    node = task
    while node.parent is not None and _same_branch(node.parent):
        node = node.parent
    return node


def _same_branch(parent: Task) -> bool:
    """Whether ``parent`` still belongs to its open child's branch: unfinished, a boundary
    event, or the boundary-event split of a step still open."""
    if isinstance(parent.task_spec, BoundaryEvent) or not _finished(parent):
        return True
    return isinstance(parent.task_spec, BoundaryEventSplit) and not _finished(_host(parent))


def _host(split: Task) -> Task:
    hosts = [c for c in split.children if not isinstance(c.task_spec, BoundaryEvent)]
    return hosts[0] if hosts else split


def _finished(task: Task) -> bool:
    return task.has_state(TaskState.FINISHED_MASK)


def open_data(workflow: BpmnWorkflow) -> dict:
    """A copy of the data the main path's open branch started with."""
    entry = open_entry(workflow)
    return deepcopy(entry.data) if entry is not None else {}


def move_back(workflow: BpmnWorkflow, bpmn_id: str, data: dict,
              on_step: Callable[[Task], None]) -> None:
    """Close the main path's open branch and open ``bpmn_id`` in its place with ``data``;
    run the engine steps that follow (its deadlines start now)."""
    entry = open_entry(workflow)
    if entry is None or entry.parent is None:
        raise Conflict("the case has no open step on its main path", code="move.nothing_open")
    spec = workflow.spec.task_specs[bpmn_id]
    start = spec.inputs[0] if spec.inputs and isinstance(spec.inputs[0],
                                                         BoundaryEventSplit) else spec
    anchor = entry.parent
    # a key of the anchor the new branch lacks is kept as None: SpiffWorkflow would store it
    # as a deletion, in an order that changes when the case is loaded again
    data = {**dict.fromkeys(anchor.data), **data}
    _remove_branch(workflow, entry)
    grafted = anchor._add_child(start, TaskState.FUTURE)
    with _script_errors():
        workflow.reset_from_task_id(grafted.id, data=data)
    advance(workflow, on_step)


def _remove_branch(workflow: BpmnWorkflow, entry: Task) -> None:
    """Take ``entry`` and everything under it (subprocesses too) out of the workflow, and
    stop waiting for its events (timers)."""
    removed = list(entry)
    for task in list(removed):
        if task.id in workflow.subprocesses:
            removed.extend(workflow.delete_subprocess(task))
    for task in removed:
        workflow.event_manager.remove_task(task)
    workflow._remove_task(entry.id)


def is_deadline(task: Task) -> bool:
    """Whether a timer belongs to a step's deadline (a reminder or an escalation)."""
    return properties(task).get("kind") in ("reminder", "escalation")
