"""Overdue reviews in a workflow: the user task an escalation timer (a non-interrupting
boundary event with property ``kind=escalation``) leads to, and the late step it is about.

A review belongs to its late step: it is closed by itself when that step is done (completed,
or ended by an interrupting event), and at most one review of a step is open at a time
(engine.commands.reviews). A step of its own deadline (``deadline`` property, no escalation
timer of its own: a review's "5 días hábiles") gets its due date when it opens.
"""

from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .workflow import OWN_DUE, boundary_host, properties, ready_user_tasks


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
    review.task.data["cierre_automatico"] = reason
    review.task.run()


def stamp_own_deadlines(workflow: BpmnWorkflow) -> None:
    """Give each waiting step with a ``deadline`` but no escalation timer its due date, as of
    the moment it is first seen open (kept in the step, so it never moves)."""
    for task in ready_user_tasks(workflow):
        key = properties(task).get("deadline")
        if not key or task._get_internal_data(OWN_DUE) or _has_escalation(task):
            continue
        due = task.workflow.script_engine.evaluate(task, f"plazo({key!r})")
        TimerEventDefinition.get_datetime(str(due))  # a date-time, or fail now
        task._set_internal_data(**{OWN_DUE: str(due)})


def _has_escalation(task: Task) -> bool:
    siblings = task.parent.children if task.parent is not None else []
    return any(properties(e).get("kind") == "escalation" for e in siblings)
