"""Moving a running workflow onto another version of its process (the only place that does).

SpiffWorkflow's ``diff_workflow`` aligns the case's tasks with the new version's specs (by bpmn
id, then by structure) and ``migrate_workflow`` re-points them and re-predicts the open ones.
Around it this module

* classifies the case (:func:`classify`): ``moves`` (every open element is in the new version),
  ``moves_mapped`` (an open element is gone and the manual mapping says where it goes),
  ``needs_mapping`` (an open element is gone, no mapping) or ``cannot_move`` (with a reason
  code: a mapping to an unknown element or one of another kind, an open element whose kind
  changed, a started subprocess whose spec is gone);
* migrates started subprocesses too, each against its own new spec;
* prunes the finished tasks of removed elements (their data and their story are in the audit
  trail already; the serializer could not restore a task whose spec is gone), splicing their
  children onto their parent;
* keeps the ids of surviving open tasks (``migrate_workflow`` resets them in place), so the
  human_task mirror keeps claims, drafts and assignees; a mapped step is a new task;
* keeps each surviving waiting timer's fire time (``deadlines="keep"``) or lets the new
  version's rule compute it again as of the moment the wait started (``"recompute"``: when
  its step opened, as the caller knows it, else the task's ``last_state_change``); the timers
  of a mapped step start from now, as for a step just opened.

Comparing two specs (SpiffWorkflow's ``SpecDiff``: every element aligned and serialized twice)
is the same for every case of a pair of versions, so it is computed once per pair
(:func:`spec_diff`); each case only aligns its own tasks with it (``WorkflowDiff``).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from ..core import clock
from .serialization import _SERIALIZER
from .workflow import OWN_DUE, boundary_host, waiting_timers

MOVES, MOVES_MAPPED, NEEDS_MAPPING, CANNOT_MOVE = (
    "moves", "moves_mapped", "needs_mapping", "cannot_move")
OUTCOMES = (MOVES, MOVES_MAPPED, NEEDS_MAPPING, CANNOT_MOVE)
KEEP, RECOMPUTE = "keep", "recompute"
DEADLINE_CHOICES = (KEEP, RECOMPUTE)

OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED
FINISHED = TaskState.FINISHED_MASK
SPLIT = ".BoundaryEventSplit"
KEPT_INTERNAL = ("event_value", OWN_DUE)


@dataclass(frozen=True)
class OpenElement:
    """Where a case sits: an open element, by bpmn id and name, and the process holding it."""

    bpmn_id: str
    name: str | None
    process: str


@dataclass
class Classification:
    """What would happen to one case; ``reason``/``params`` say why it needs a mapping or
    cannot move; ``mapping`` is the part of the manual mapping the case uses."""

    outcome: str
    open: list[OpenElement]
    reason: str | None = None
    params: dict = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    plans: list = field(default_factory=list, repr=False, compare=False)  # for migrate()
    workflow: object = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class DeadlineChange:
    """A running deadline of a case: its date now, and after the migration with either choice
    (None when the timer no longer waits)."""

    bpmn_id: str
    kind: str
    deadline_key: str | None
    now: datetime
    kept: datetime | None
    recomputed: datetime | None


@dataclass(frozen=True)
class _SpecComparison:
    """A ``SpecDiff`` computed once, its ``removed`` and ``changed`` kept (the originals are
    properties recomputed on every read, once per task by ``WorkflowDiff``)."""

    alignment: dict
    removed: frozenset
    changed: dict
    added: tuple


_comparisons: dict[tuple[int, int], tuple[object, object, _SpecComparison]] = {}
_comparisons_lock = threading.Lock()
_KEPT_COMPARISONS = 64


def spec_diff(original, new) -> _SpecComparison:
    """How spec ``new`` differs from ``original`` (computed once per pair of spec objects;
    the specs of a deployed version are restored once per process, engine.definitions.catalog)."""
    key = (id(original), id(new))
    found = _comparisons.get(key)
    if found is not None and found[0] is original and found[1] is new:
        return found[2]
    diff = SpecDiff(_SERIALIZER.registry, original, new)
    comparison = _SpecComparison(dict(diff.alignment), frozenset(diff.removed),
                                 dict(diff.changed), tuple(diff.added))
    with _comparisons_lock:
        if len(_comparisons) >= _KEPT_COMPARISONS:
            _comparisons.clear()
        _comparisons[key] = (original, new, comparison)  # the specs kept: ids stay theirs
    return comparison


def diff_workflow(workflow: BpmnWorkflow, spec, subprocess_specs: dict) -> tuple:
    """SpiffWorkflow's ``diff_workflow`` on the cached spec comparisons: the diff of the
    top workflow and ``{subprocess id: diff or None (its spec is gone)}``."""
    top = WorkflowDiff(workflow, spec_diff(workflow.spec, spec))
    subs = {}
    for sp_id, sub in workflow.subprocesses.items():
        new = subprocess_specs.get(sub.spec.name)
        subs[sp_id] = None if new is None else WorkflowDiff(sub, spec_diff(sub.spec, new))
    return top, subs


@dataclass
class _Plan:
    """The diffs and the mapped anchors of one workflow (top or subprocess)."""

    workflow: BpmnWorkflow
    spec: object
    diff: object
    anchors: list[tuple[Task, object, str, str]] = field(default_factory=list)
    top: BpmnWorkflow | None = None


class MigrationRefused(Exception):
    def __init__(self, outcome: str, reason: str, **params):
        super().__init__(reason)
        self.outcome, self.reason, self.params = outcome, reason, params


def open_elements(workflow: BpmnWorkflow) -> list[OpenElement]:
    """The open (ready, waiting or started) elements of the case, subprocesses included."""
    found = []
    for task in workflow.get_tasks(state=OPEN):
        spec = task.task_spec
        if spec.bpmn_id is None:
            continue
        found.append(OpenElement(spec.bpmn_id, spec.bpmn_name, task.workflow.spec.name))
    return found


def classify(workflow: BpmnWorkflow, spec, subprocess_specs: dict,
             mapping: dict[str, str]) -> Classification:
    """What migrating ``workflow`` to ``spec`` with ``mapping`` would do (nothing changes)."""
    return _classified(workflow, spec, subprocess_specs, mapping)[0]


def _classified(workflow: BpmnWorkflow, spec, subprocess_specs: dict,
                mapping: dict[str, str]) -> tuple[Classification, list]:
    where = open_elements(workflow)
    try:
        plans = _plans(workflow, spec, subprocess_specs, mapping)
    except MigrationRefused as refused:
        return Classification(refused.outcome, where, refused.reason, refused.params), []
    used = {old: new for plan in plans for _, _, old, new in plan.anchors}
    return Classification(MOVES_MAPPED if used else MOVES, where, mapping=used, plans=plans,
                          workflow=workflow), plans


def migrate(workflow: BpmnWorkflow, spec, subprocess_specs: dict, mapping: dict[str, str],
            deadlines: str = KEEP, wait_started: dict[str, datetime] | None = None,
            classified: Classification | None = None) -> Classification:
    """Move ``workflow`` in place onto ``spec``; the caller runs its engine steps after.

    ``wait_started`` (task id → moment) says when a step opened, so its timers are
    recomputed from then (the human_task mirror's ``created_at``); a timer not named there
    starts from the moment SpiffWorkflow last changed its state (the wall clock).
    ``classified`` is :func:`classify`'s answer for this very workflow, spec and mapping, just
    before (its plans are used instead of being made again).
    Returns the classification; the workflow is only changed when it moves.
    """
    if classified is not None and classified.workflow is workflow and classified.plans:
        result, plans = classified, classified.plans
        classified.plans, classified.workflow = [], None  # a plan is used once
    else:
        result, plans = _classified(workflow, spec, subprocess_specs, mapping)
    if result.outcome not in (MOVES, MOVES_MAPPED):
        return result
    kept = _kept_internal(workflow)
    for plan in plans:
        _prune_removed(plan)
        migrate_workflow(plan.diff, plan.workflow, plan.spec)
        for anchor, new_spec, _, _ in plan.anchors:
            anchor.task_spec = new_spec
            anchor.reset_branch(None)
        _drop_leftovers(plan)
    for sp_id, sub in list(workflow.subprocesses.items()):
        if sub.spec.name not in subprocess_specs:  # finished (an open one refused the move)
            workflow.subprocesses.pop(sp_id)
    workflow.subprocess_specs = subprocess_specs
    _restore_deadlines(workflow, kept, deadlines, wait_started or {})
    return result


def element_changes(workflow: BpmnWorkflow, spec, subprocess_specs: dict) -> dict[str, str]:
    """The case's open elements the new version removes (``removed``) or changes
    (``changed``), by bpmn id; those it keeps as they are are left out."""
    top, subs = diff_workflow(workflow, spec, subprocess_specs)
    found: dict[str, str] = {}
    for diff in [top, *subs.values()]:
        if diff is not None:
            found.update(dict.fromkeys(_open_ids(diff.changed), "changed"))
    for diff in [top, *subs.values()]:
        if diff is not None:
            found.update(dict.fromkeys(_open_ids(diff.removed), "removed"))
    for sp_id, diff in subs.items():
        sub = workflow.subprocesses[sp_id]
        if diff is None and not sub.is_completed():
            found.update(dict.fromkeys(_open_ids(sub.get_tasks(state=OPEN)), "removed"))
    return found


def _open_ids(tasks) -> list[str]:
    return [t.task_spec.bpmn_id for t in tasks if t.state & OPEN and t.task_spec.bpmn_id]


def deadline_changes(before: BpmnWorkflow, kept: BpmnWorkflow | None,
                     recomputed: BpmnWorkflow | None, advance: Callable) -> list[DeadlineChange]:
    """Each running deadline of ``before`` with its date after either migration (the two
    migrated copies are advanced with ``advance`` first, so their new timers are computed)."""
    after = {}
    for label, migrated in (("kept", kept), ("recomputed", recomputed)):
        if migrated is not None:
            advance(migrated)
            after[label] = {(t.bpmn_id, t.deadline_key): t.due_at
                            for t in waiting_timers(migrated)}
    return [DeadlineChange(t.bpmn_id, t.kind, t.deadline_key, t.due_at,
                           after.get("kept", {}).get((t.bpmn_id, t.deadline_key)),
                           after.get("recomputed", {}).get((t.bpmn_id, t.deadline_key)))
            for t in waiting_timers(before)]


# -- planning ----------------------------------------------------------------------------------


def _plans(workflow: BpmnWorkflow, spec, subprocess_specs: dict,
           mapping: dict[str, str]) -> list[_Plan]:
    top, subs = diff_workflow(workflow, spec, subprocess_specs)
    for sp_id, diff in subs.items():  # a started subprocess that is gone stops everything
        sub = workflow.subprocesses[sp_id]
        if diff is None and not sub.is_completed():
            raise MigrationRefused(CANNOT_MOVE, "migration.subprocess_gone",
                                   process=sub.spec.name)
    plans = [_plan(workflow, spec, top, mapping)]
    plans[0].top = workflow
    for sp_id, diff in subs.items():
        if diff is None:
            continue
        sub = workflow.subprocesses[sp_id]
        plans.append(_plan(sub, subprocess_specs[sub.spec.name], diff, mapping))
        plans[-1].top = workflow
    return plans


def _plan(workflow: BpmnWorkflow, spec, diff, mapping: dict[str, str]) -> _Plan:
    plan = _Plan(workflow, spec, diff)
    for task, new in diff.alignment.items():
        if new is not None and task.state & OPEN and type(new) is not type(task.task_spec):
            raise MigrationRefused(CANNOT_MOVE, "migration.kind_changed", element=_old_id(task))
    anchors: dict = {}
    removed = [t for t in diff.removed if t.state & OPEN]
    for task in removed:
        if task.task_spec.bpmn_id is not None or task.parent is not None and \
                task.parent.task_spec.name.endswith(SPLIT):
            found = _mapped(task, spec, mapping)
            anchors.setdefault(found[0].id, found)
    for task in removed:
        if not any(_below(task, found[0]) for found in anchors.values()):
            raise MigrationRefused(NEEDS_MAPPING, "migration.needs_mapping", element=_old_id(task),
                           name=task.task_spec.bpmn_name)
    plan.anchors = list(anchors.values())
    return plan


def _mapped(task: Task, spec, mapping: dict[str, str]) -> tuple[Task, object, str, str]:
    """For an open task whose element is gone: the task to re-point (the step's boundary
    split when it has timers), its new spec, the old and the new bpmn id."""
    parent = task.parent
    if parent is not None and parent.task_spec.name.endswith(SPLIT):
        old, anchor = parent.task_spec.name.removesuffix(SPLIT), parent
    else:
        old, anchor = task.task_spec.bpmn_id, task
    target = mapping.get(old)
    old_spec = task.workflow.spec.task_specs.get(old, task.task_spec)
    if target is None:
        raise MigrationRefused(NEEDS_MAPPING, "migration.needs_mapping", element=old,
                       name=old_spec.bpmn_name)
    new = spec.task_specs.get(target)
    if new is None or new.bpmn_id is None:
        raise MigrationRefused(CANNOT_MOVE, "migration.mapping_unknown", element=old, target=target)
    if type(new) is not type(old_spec):
        raise MigrationRefused(CANNOT_MOVE, "migration.mapping_kind", element=old, target=target)
    if anchor is not task:
        new = spec.task_specs.get(f"{target}{SPLIT}", new)
    return anchor, new, old, target


def _name(task: Task, bpmn_id: str) -> str | None:
    spec = task.workflow.spec.task_specs.get(bpmn_id)
    return getattr(spec, "bpmn_name", None)


def _below(task: Task, anchor: Task) -> bool:
    return task is anchor or task.is_descendant_of(anchor)


def _old_id(task: Task) -> str:
    return task.task_spec.bpmn_id or task.task_spec.name


# -- changing ----------------------------------------------------------------------------------


def _prune_removed(plan: _Plan) -> None:
    """Drop the finished tasks whose element is gone, their children taking their place."""
    workflow = plan.workflow
    anchors = [found[0] for found in plan.anchors]
    gone = [t for t in plan.diff.removed if t.state & FINISHED
            and t.id in workflow.tasks and t is not workflow.task_tree
            and not any(_below(t, a) for a in anchors)]
    for task in gone:
        parent = task.parent
        children = list(task._children)
        at = parent._children.index(task.id)
        parent._children[at:at + 1] = children
        for child_id in children:
            workflow.tasks[child_id]._parent = parent.id
        del workflow.tasks[task.id]
        plan.diff.alignment.pop(task, None)
        plan.top.subprocesses.pop(task.id, None)
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = None


def _drop_leftovers(plan: _Plan) -> None:
    """Drop predicted tasks still on a gone element (nothing was done there yet)."""
    names = set(plan.spec.task_specs)
    for task in list(plan.workflow.tasks.values()):
        if task.id not in plan.workflow.tasks or task.task_spec.name in names:
            continue
        if not task.state & TaskState.PREDICTED_MASK:
            raise MigrationRefused(CANNOT_MOVE, "migration.element_gone", element=_old_id(task))
        for gone in list(task):
            plan.workflow.tasks.pop(gone.id, None)
        task.parent._children.remove(task.id)


def _kept_internal(workflow: BpmnWorkflow) -> dict:
    """The timer values and own deadlines of the open tasks, by task id, before the reset."""
    kept = {}
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
        values = {k: task.internal_data[k] for k in KEPT_INTERNAL if k in task.internal_data}
        kept[task.id] = (values, task.last_state_change, task.task_spec.bpmn_id)
    return kept


def _restore_deadlines(workflow: BpmnWorkflow, kept: dict, deadlines: str,
                       wait_started: dict[str, datetime]) -> None:
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.FUTURE
                                   | TaskState.LIKELY):
        before = kept.get(task.id)
        if before is None or before[2] != task.task_spec.bpmn_id:
            continue
        values, started, _ = before
        if deadlines == KEEP:
            task.internal_data.update(values)
        elif values and isinstance(getattr(task.task_spec, "event_definition", None),
                                   TimerEventDefinition):
            host = boundary_host(task)
            start = wait_started.get(str(host.id if host else task.id))
            _recompute_from(task, start or datetime.fromtimestamp(started, UTC))


def _recompute_from(task: Task, started: datetime) -> None:
    """Let the timer's new rule compute its fire time as of ``started``."""
    definition = task.task_spec.event_definition
    if hasattr(definition, "cycle_complete"):
        return  # a cycle starts again from now
    task.internal_data.pop("event_value", None)
    with clock.frozen_at(started):
        definition.has_fired(task)
        task.internal_data.pop("event_fired", None)
