"""Overdue reviews in a workflow: the user task an escalation timer (a non-interrupting
boundary event with property ``kind=escalation``) leads to, and the late step it is about.

A review belongs to its late step: it is closed by itself when that step is done (completed,
or ended by an interrupting event), and at most one review of a step is open at a time
(engine.commands.reviews). A step of its own deadline (``deadline`` property, no escalation
timer of its own: a review's "5 días hábiles", or a step with only a reminder timer, whose
key it takes) gets its due date when it opens.

Reviews recur: when a person has done a review and its step is still late, the escalation
timer is armed again for one review period later (:func:`rearm`, the review's own
``deadline``), and the next review opens then if the step is still not done.
"""

from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .helpers import DEADLINE_KEY
from .workflow import (
    FIRST_ESCALATION,
    OWN_DUE,
    boundary_host,
    properties,
    ready_user_tasks,
)

CLOSED_BY_ITSELF = "cierre_automatico"  # task data of a review no person did


@dataclass(frozen=True)
class Review:
    """An open review and the step it is about (``late`` None: no longer in the workflow)."""

    task: Task
    late: Task | None

    @property
    def step_done(self) -> bool:
        """Whether the late step is done: completed, cancelled, or gone from the workflow."""
        return self.late is None or bool(self.late.state & TaskState.FINISHED_MASK)

    @property
    def step_key(self) -> str:
        """Which step it reviews (its BPMN id): one open review per step."""
        return self.late.task_spec.bpmn_id if self.late is not None else ""


def reviewed_step(task: Task) -> Task | None | bool:
    """The late step ``task`` reviews; ``False`` when ``task`` is no review."""
    parent = task.parent
    if parent is None or properties(parent).get("kind") != "escalation":
        return False
    return boundary_host(parent)


def is_review(task: Task) -> bool:
    """Whether ``task`` is a user task an escalation timer led to."""
    return reviewed_step(task) is not False


def open_reviews(workflow: BpmnWorkflow) -> list[Review]:
    """Every review waiting for a person, oldest first."""
    found = []
    for task in ready_user_tasks(workflow):
        late = reviewed_step(task)
        if late is not False:
            found.append(Review(task, late))
    return found


def close_by_itself(review: Review, reason: str) -> None:
    """Complete the review without a person (its path goes on to its end event)."""
    review.task.data[CLOSED_BY_ITSELF] = reason
    review.task.run()


def stamp_own_deadlines(workflow: BpmnWorkflow) -> None:
    """Give each waiting step with a ``deadline`` but no escalation timer its due date, as of
    the moment it is first seen open (kept in the step, so it never moves)."""
    for task in ready_user_tasks(workflow):
        key = properties(task).get("deadline") or _reminder_key(task)
        if not key or task._get_internal_data(OWN_DUE) or _has_escalation(task):
            continue
        due = task.workflow.script_engine.evaluate(task, f"plazo({key!r})")
        TimerEventDefinition.get_datetime(str(due))  # a date-time, or fail now
        task._set_internal_data(**{OWN_DUE: str(due)})


def _has_escalation(task: Task) -> bool:
    siblings = task.parent.children if task.parent is not None else []
    return any(properties(e).get("kind") == "escalation" for e in siblings)


def _reminder_key(task: Task) -> str | None:
    siblings = task.parent.children if task.parent is not None else []
    return next((properties(e).get("deadline") for e in siblings
                 if properties(e).get("kind") == "reminder" and properties(e).get("deadline")),
                None)


def done_by_a_person(workflow: BpmnWorkflow) -> list[tuple[Task, Task]]:
    """``(escalation, review)`` of each review a person completed whose late step is still
    open: its escalation timer may be armed again (:func:`rearm`)."""
    found = []
    for escalation in workflow.get_tasks(state=TaskState.COMPLETED):
        if properties(escalation).get("kind") != "escalation":
            continue
        late = boundary_host(escalation)
        if late is None or late.state & TaskState.FINISHED_MASK:
            continue
        for review in escalation.children:
            if (review.state == TaskState.COMPLETED and reviewed_step(review) is not False
                    and CLOSED_BY_ITSELF not in review.data):
                found.append((escalation, review))
    return found


def next_review_at(review: Task) -> str | None:
    """When the step reviewed by ``review`` (just done) is reviewed again if still late: one
    review period (the review's own ``deadline``) from now; None without such a rule."""
    key = properties(review).get("deadline")
    if not key:
        return None
    due = str(review.workflow.script_engine.evaluate(review, f"plazo({key!r})"))
    TimerEventDefinition.get_datetime(due)  # a date-time, or fail now
    return due


def rearm(escalation: Task, at: str) -> None:
    """Wait again on the escalation timer until ``at`` (the done review's path goes), keeping
    the step's first escalation moment: its due date and its overdue flag stay."""
    first = escalation._get_internal_data(FIRST_ESCALATION) or escalation._get_internal_data(
        "event_value")
    escalation._drop_children(force=True)
    workflow = escalation.workflow
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = escalation  # it was in the dropped path
    used = escalation._get_internal_data(DEADLINE_KEY)
    escalation.internal_data = {FIRST_ESCALATION: first, "event_value": at}
    if used:
        escalation.internal_data[DEADLINE_KEY] = used
    escalation._set_state(TaskState.WAITING)
    for output in escalation.task_spec.outputs:  # the path a new review will take
        child = escalation._add_child(output, TaskState.FUTURE)
        child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)
    escalation.workflow.top_workflow.event_manager.add_task(escalation)
