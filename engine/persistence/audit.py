"""Writing the append-only audit trail.

What an engine step was (its kind, code and title) is read from the workflow by
:mod:`engine.runtime.steps`; its names are re-exported here for the callers that record it.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from ..runtime.steps import (  # noqa: F401 - what a step was is read by the adapter; callers ask
    # here
    ALERT,
    STEP_KINDS,
    SYSTEM_STEP_KINDS,
    describe_step,
    step_message,
    step_title,
)
from ..runtime.workflow import Task
from . import uow
from .events import Recorded
from .models import AdminEvent, Event


def record(session: Session, case_id: int, kind: str, actor: str, at: datetime, *,
           task: Task | None = None, title: str | None = None, data: dict | None = None,
           code: str | None = None, params: dict | None = None) -> Event:
    """Append one event to a case's trail.

    ``code`` (default ``event.<kind>``) and ``params`` say what happened for the reader
    (see :mod:`engine.core.messages`; a ``task`` adds its name as ``step``); ``title`` is the
    plain Spanish line the command line and notifications show. The unit of work hands
    the event to whoever listens (engine.persistence.events.Recorded: notifications).
    """
    params = dict(params or {})
    if task is not None:
        params.setdefault("step", task.task_spec.bpmn_name or task.task_spec.bpmn_id)
    event = Event(
        case_id=case_id, kind=kind, actor=actor, at=at, data=data or {},
        bpmn_id=task.task_spec.bpmn_id if task else None,
        task_id=str(task.id) if task else None,
        title=title or (task.task_spec.bpmn_name if task else None),
        code=code or f"event.{kind}", params=params,
    )
    session.add(event)
    uow.publish(session, Recorded(event))
    return event


ADMIN_KINDS = ("person_created", "person_edited", "roles_changed", "person_deactivated",
               "person_activated", "invitation_sent", "password_reset_sent", "password_set",
               "steps_handed_over", "territory_added", "territory_edited", "programme_enabled",
               "programme_disabled", "programme_start", "places_set",
               "holiday_added", "holiday_removed", "households_imported")
"""Every kind of change the installation's audit trail (``admin_event``) records."""


def record_admin(session: Session, kind: str, actor: str, at: datetime, *,
                 person: str | None = None, territory=None, programme_key: str | None = None,
                 case_id: int | None = None, data: dict | None = None) -> AdminEvent:
    """Append one change to people, roles, territories, programmes or holidays to the
    installation's trail (``territory`` a Territory row: its code and country are kept)."""
    if kind not in ADMIN_KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    event = AdminEvent(at=at, actor=actor, kind=kind, person=person,
                       territory=territory.code if territory is not None else None,
                       country=territory.country if territory is not None else None,
                       programme_key=programme_key, case_id=case_id, data=data or {})
    session.add(event)
    return event
