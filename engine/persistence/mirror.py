"""Keeping the ``human_task`` and ``timer`` tables equal to what the workflow waits on.

Inboxes, overdue views and the timer sweep read these indexed tables, never workflow JSON.
Rows are diffed, so a claimed task keeps its assignee and draft across saves.
"""

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..core.actors import SYSTEM
from ..programmes.settings import ProgrammeSettings
from ..runtime.steps import step_name
from ..runtime.workflow import (
    Task,
    WaitingTimer,
    deadline_key,
    deadline_moments,
    escalated,
    properties,
)
from . import audit, timer_announcements
from .models import Case, HumanTask, ProcessInstance, Timer

OVERDUE_CLOSED = "overdue_closed"  # audit kind: an overdue step was done or ended
URGENT = "urgent"  # audit kind: an urgent step (property urgent=true) opened, and for whom
ASSIGNEE_FIELD = "field:"  # assignee property: the person named in this field of the case data


def sync_timers(session: Session, instance: ProcessInstance, timers: list[WaitingTimer],
                rows: list[Timer] | None = None) -> None:
    """Make the instance's timer rows (``rows`` if the caller read them) match ``timers``."""
    current = {t.task_id: t for t in timers}
    if rows is None:
        rows = session.scalars(select(Timer).where(Timer.instance_id == instance.id)).all()
    moved = []
    for row in rows:
        wanted = current.pop(row.task_id, None)
        if wanted is None:
            session.delete(row)
        elif row.due_at != wanted.due_at:
            row.due_at = wanted.due_at
            moved.append(wanted.due_at)
    timer_announcements.timers_written(session, moved + [t.due_at for t in current.values()])
    session.add_all(
        Timer(instance_id=instance.id, task_id=t.task_id, bpmn_id=t.bpmn_id, kind=t.kind,
              deadline_key=t.deadline_key, due_at=t.due_at)
        for t in current.values()
    )


def sync_human_tasks(session: Session, instance: ProcessInstance, case: Case,
                     ready: list[Task], settings: ProgrammeSettings, now: datetime,
                     rows: list[HumanTask] | None = None) -> list[HumanTask]:
    """Make the instance's human_task rows (``rows`` if the caller read them) match the ready
    user tasks; return new rows."""
    current = {str(t.id): t for t in ready}
    if rows is None:
        rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).all()
    for row in rows:
        task = current.pop(row.id, None)
        if task is None:
            _close_row(session, row, now)
        else:
            _follow_spec(row, task)
            row.remind_at, row.due_at = deadline_moments(task)
            if row.escalated_at is None and escalated(task):
                row.escalated_at = row.due_at or now
    created = [_new_row(task, instance, case, settings, now) for task in current.values()]
    session.add_all(created)
    for task, row in zip(current.values(), created, strict=True):
        if str(properties(task).get("urgent", "")).lower() == "true":
            audit.record(session, case.id, URGENT, SYSTEM.id, now, task=task,
                         data={"task": row.id, "to": row.assignee},
                         params={"to": row.assignee})
    return created


def _follow_spec(row: HumanTask, task: Task) -> None:
    """An open step keeps its row (claim, draft, assignee) and takes its spec's name, form
    and deadline rule, which change when its case moves to a new version (and the rule
    with the stage of the case: a year-two session)."""
    row.bpmn_id, row.title = task.task_spec.bpmn_id, step_name(task)
    row.form_key, row.deadline_key = properties(task).get("formKey"), deadline_key(task)


def _new_row(task: Task, instance: ProcessInstance, case: Case, settings: ProgrammeSettings,
             now: datetime) -> HumanTask:
    props = properties(task)
    remind_at, due_at = deadline_moments(task)
    flagged = now if escalated(task) else None  # a step overdue from the moment it opens
    return HumanTask(
        id=str(task.id), instance_id=instance.id, case_id=case.id,
        programme_key=case.programme_key, territory_id=case.territory_id,
        bpmn_id=task.task_spec.bpmn_id, title=step_name(task),
        lane=task.task_spec.lane, role=settings.role_for_lane(task.task_spec.lane),
        form_key=props.get("formKey"), deadline_key=deadline_key(task),
        assignee=_default_assignee(task, case, settings), created_at=now,
        remind_at=remind_at, due_at=due_at, escalated_at=flagged,
    )


def _default_assignee(task: Task, case: Case, settings: ProgrammeSettings) -> str | None:
    """Who a new step goes to. The step's ``assignee`` property says it (the modeler writes
    it): ``pool`` (the lane's role pool), ``caseworker`` (the case's caseworker) or
    ``field:NAME`` (the person named to the case's post NAME, such as its tutor
    (engine.commands.case_people), else the username in the case data's field NAME; the
    pool when neither is set). Without it, caseworker-lane tasks go straight to the case's
    caseworker and others wait in a pool."""
    wanted = str(properties(task).get("assignee") or "")
    if wanted == "pool":
        return None
    if wanted == "caseworker":
        return case.caseworker
    if wanted.startswith(ASSIGNEE_FIELD):
        field = wanted.removeprefix(ASSIGNEE_FIELD)
        named = (case.people or {}).get(field) or (task.data or {}).get(field)
        return named if isinstance(named, str) and 0 < len(named) <= 128 else None
    role = settings.role_for_lane(task.task_spec.lane)
    return case.caseworker if role == "caseworker" else None


def _close_row(session: Session, row: HumanTask, now: datetime) -> None:
    """Drop a step that is no longer open, recording when an overdue one stopped being so."""
    if row.escalated_at is not None:
        audit.record(session, row.case_id, OVERDUE_CLOSED, SYSTEM.id, now, title=row.title,
                     params={"step": row.title},
                     data={"task": row.id, "step": row.bpmn_id,
                           "since": overdue_since(row.escalated_at)})
    session.delete(row)


def overdue_since(moment: datetime) -> str:
    """How an overdue span's start is stored: UTC ISO text, so it compares as text in SQL."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def forget_instance(session: Session, instance_id: int, now: datetime) -> None:
    """Drop every mirrored row of a finished instance."""
    session.execute(delete(Timer).where(Timer.instance_id == instance_id))
    overdue = select(HumanTask).where(HumanTask.instance_id == instance_id,
                                      HumanTask.escalated_at.is_not(None))
    for row in session.scalars(overdue):
        _close_row(session, row, now)
    session.execute(delete(HumanTask).where(HumanTask.instance_id == instance_id))


def default_assignee_after_move(task: Task, case: Case, settings: ProgrammeSettings) -> str | None:
    """Who an open step goes to once its case moved territory: as a new step would, but a
    person named in the case data (a tutor of the old territory) gives way to the pool."""
    wanted = str(properties(task).get("assignee") or "")
    return None if wanted.startswith(ASSIGNEE_FIELD) else _default_assignee(task, case, settings)
