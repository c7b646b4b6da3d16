"""A person's work on user tasks: list, claim, release, reassign, complete.

The commands run inside the caller's unit of work (engine.persistence.uow) and never commit.
"""

import functools
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock
from ..core.actors import Actor
from ..core.errors import AlreadyCompleted, Conflict, InvalidTaskData, NotFound, ScriptFailure
from ..definitions import versions
from ..definitions.forms import FormLibrary
from ..persistence import audit, uow
from ..persistence.models import HumanTask
from ..queries.completions import COMPLETED, completion_of
from ..queries.tasks import task_list
from ..runtime import reviews as runtime_reviews
from ..runtime import workflow as runtime
from . import consents, family_frame, incidents, places, reviews, routing, store, transfer_actions


def list_tasks(session: Session, actor: Actor, *, mine: bool = True,
               pool: bool = True, limit: int = 100) -> list[HumanTask]:
    """Tasks assigned to ``actor`` and/or unclaimed tasks of their roles and territories
    (engine.queries.tasks)."""
    return task_list(session, actor, mine=mine, pool=pool, limit=limit)


def get_task(session: Session, task_id: str, actor: Actor) -> HumanTask:
    """A task ``actor`` may see (their territory); otherwise :class:`NotFound`."""
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound(f"no open task {task_id}", code="task.not_found", task=task_id)
    policy.require(session, actor, policy.SEE_TASK, row)
    return row


@uow.command
def claim(session: Session, task_id: str, actor: Actor, now: datetime | None = None) -> HumanTask:
    """Take an unclaimed task of one's role."""
    with clock.frozen_at(now) as moment:
        row = locked_row(session, task_id, actor)
        policy.require(session, actor, policy.CLAIM_TASK, row)
        if row.assignee not in (None, actor.id):
            raise Conflict(f"task already claimed by {row.assignee}", code="task.already_claimed",
                           task=row.id, assignee=row.assignee)
        assign(session, row, actor.id, actor, moment, "task_claimed")
        return row


@uow.command
def release(session: Session, task_id: str, actor: Actor, now: datetime | None = None) -> None:
    """Give a claimed task back to the pool of its role."""
    with clock.frozen_at(now) as moment:
        row = locked_row(session, task_id, actor)
        policy.require(session, actor, policy.RELEASE_TASK, row)
        assign(session, row, None, actor, moment, "task_released")


@uow.command
def reassign(session: Session, task_id: str, to_user: str, actor: Actor,
             now: datetime | None = None, staff: routing.Staff | None = None) -> HumanTask:
    """A supervisor gives a task to someone else. With ``staff`` (the people directory) the
    person must be an active one the policy lets take the task (``take_task``): otherwise
    :class:`NotAllowed` says why (``routing.unknown_person``, ``routing.needs_role``,
    ``routing.not_in_territory``) and nothing changes."""
    with clock.frozen_at(now) as moment:
        row = locked_row(session, task_id, actor)
        policy.require(session, actor, policy.REASSIGN_TASK, row)
        if staff is not None:
            to_user = routing.receiver(session, staff, to_user, policy.TAKE_TASK, row).id
        assign(session, row, to_user, actor, moment, "task_reassigned")
        return row


@uow.command
def complete(session: Session, forms: FormLibrary, task_id: str, data: dict, actor: Actor,
             now: datetime | None = None, staff: routing.Staff | None = None, *,
             action: str = policy.WORK_TASK) -> HumanTask:
    """Validate ``data`` against the task's form and complete the task.

    The form is the one of the version the case runs on; ``forms`` (the library on disk) is
    read only for cases of versions deployed before forms were kept with their version.

    Timers that fell due before ``now`` fire first, so the outcome never depends on how
    recently the sweep ran. Invalid data raises :class:`InvalidTaskData` and changes nothing;
    a task completed a moment earlier (by someone else, or by a double click) raises
    :class:`AlreadyCompleted`, which says by whom and when.
    A script that fails raises :class:`ScriptFailure` and opens a ``step`` incident, kept
    even though the unit of work is undone; the next sweep after a completion that works
    resolves it (engine.commands.incidents).

    ``action`` is the policy's rule the actor must pass (``work_task``; a group session's
    facilitator records a listed family's step under ``record_group_attendance``).

    An overdue review's outcome is carried out by the engine (engine.commands.reviews): the
    person it names (``staff`` looks people up) must be one the policy lets take the step or
    the case, or the review is refused beside that field and nothing changes.
    """
    with clock.frozen_at(now) as moment:
        try:
            return _complete(session, forms, task_id, data, actor, moment, staff, action)
        except ScriptFailure as failure:
            instance_id = session.scalar(select(HumanTask.instance_id)
                                         .where(HumanTask.id == task_id))
            if instance_id is not None:
                uow.current(session).keep(functools.partial(
                    _record_step_failure, instance_id=instance_id, error=failure, now=moment))
            raise


def _record_step_failure(session: Session, *, instance_id: int, error: ScriptFailure,
                         now: datetime) -> None:
    incidents.record_failure(session, instance_id, "step", error, now)


def _complete(session: Session, forms: FormLibrary, task_id: str, data: dict, actor: Actor,
              moment: datetime, staff: routing.Staff | None, action: str) -> HumanTask:
    places.lock_before_task(session, task_id, moment)  # the lock order of engine.commands.places
    row = locked_row(session, task_id, actor)
    policy.require(session, actor, action, row)
    loaded = store.load_for_update(session, row.instance_id)
    forms = versions.forms_of(session, loaded.instance.definition_id, forms)
    errors = forms.validate(row.form_key, data) if row.form_key else []
    if errors:
        raise InvalidTaskData(row.form_key, errors)
    if row.form_key:  # a step that needs a household member's consent (x-consent)
        consents.check_step(session, loaded.case, forms.schema(row.form_key), row.form_key,
                            data)
    if loaded.case.deadlines_paused_at is None:
        loaded.catch_up(moment)  # timers already due fire first, at their own time
    task = runtime.find_task(loaded.workflow, task_id)
    if task is None or task.state != runtime.TaskState.READY:
        raise Conflict("this task was closed meanwhile (completed, or ended by a timer)",
                       code="task.closed_meanwhile", task=task_id)
    review = runtime_reviews.is_review(task)
    late = reviews.late_row(session, task) if review else None
    if review:
        reviews.check_outcome(session, task, row.form_key, data, staff)
    frame = family_frame.check(session, loaded.settings, loaded.case, task, data, row.form_key)
    changed = {k: task.data.get(k) for k in data if task.data.get(k) != data[k]}
    task.data.update(data)
    audit.record(session, row.case_id, COMPLETED, actor.id, moment, task=task,
                 data={"submitted": data, "previous": changed, "form": row.form_key})
    family_frame.record(session, loaded.case, task, frame, actor.id, moment)
    places.enrol_for_task(session, loaded.case, task, moment)
    task.run()
    loaded.advance()
    store.save(session, loaded, moment)
    transfer_actions.proof_from_task(session, loaded.case, task, actor, moment)
    if review:
        reviews.carry_out(session, row, late, data, actor, moment, staff, forms)
    return row


def locked_row(session: Session, task_id: str, actor: Actor) -> HumanTask:
    """The open task, locked for this transaction; :class:`AlreadyCompleted` if it was just
    completed, :class:`NotFound` if it never existed or is not the actor's to see."""
    query = select(HumanTask).where(HumanTask.id == task_id).with_for_update()
    row = session.scalars(query).first()
    if row is None:
        done = completion_of(session, task_id, actor)
        if done:
            raise AlreadyCompleted(done)
        raise NotFound(f"no open task {task_id}", code="task.not_found", task=task_id)
    policy.require(session, actor, policy.SEE_TASK, row)
    return row


def assign(session: Session, row: HumanTask, user: str | None, actor: Actor,
           moment: datetime, kind: str) -> None:
    """Give ``row`` to ``user`` (None: back to the pool) and record it as ``kind``."""
    previous = row.assignee
    row.assignee, row.claimed_at = user, (moment if user else None)
    audit.record(session, row.case_id, kind, actor.id, moment, title=row.title,
                 data={"task": row.id, "from": previous, "to": user},
                 params={"step": row.title, "to": user})
